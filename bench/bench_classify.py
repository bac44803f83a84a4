"""Throughput of `classify` on ~4 KB articles built from the evaluation corpus.

    PYTHONPATH=services/classifier/src python bench/bench_classify.py [--seconds 6]
        [--before OTHER_CHECKOUT/services/classifier/src/pactwatch_classifier/detect]
        [--labels after,before]

`make bench-classifier` runs it on the compiled detector (build/mypyc, as the image builds
it), then the compiled one against the source in alternation.

Three article sets, each ~4 KB (UTF-8), timed separately:

* repeated: one corpus article repeated up to 4 KB, so each bench article has the event
  density of the corpus (53% of corpus articles report an event);
* mixed: several different corpus articles concatenated up to 4 KB, so a bench article
  typically holds three to six events: a worst case, denser than any real news article;
* no-trigger: the corpus negatives without a trigger word, repeated to 4 KB: the prefilter
  fast path that most of a real news stream takes;
* event-bearing: one corpus article that reports an event (by its gold label), repeated up to
  4 KB (every bench article holds at least one event);
* mix 90/10: a realistic stream, nine no-trigger articles for every "mixed" one (the
  worst-case event density), shuffled.

After a warm-up each loop is timed with process_time (CPU time of this process: the per-core
figure) and with wall time, and beside it a bare baseline over the same articles (lower-case
and split into sentences), so a figure reads as a ratio that the machine's speed divides out
of. With `--before`, another version's detector runs in alternating slices of the same
articles in the same process and the ratio after/before is printed: the figure for "before
and after" a change, steadier than two runs minutes apart. The sets are chosen by the corpus'
gold labels, not by the classifier measured, so two
versions of the classifier read the same articles. Peak RSS of the process is read from
getrusage.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pactwatch_classifier.detect import classify

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "classifier" / "corpus"
TARGET_BYTES = 4_000


def _records(label: str | None = None) -> list[tuple[str, str]]:
    """Corpus (title, text) pairs; with `label`="event" or "none", only those whose gold label
    says so (the sets must not depend on the classifier being measured)."""
    records = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                gold = record["expected"]["label"]
                if label is None or (gold == "none") == (label == "none"):
                    records.append((record["title"], record["text"]))
    if not records:
        raise SystemExit(f"no corpus found in {CORPUS}")
    return records


def _cut(parts: list[str]) -> str:
    return "\n\n".join(parts).encode("utf-8")[:TARGET_BYTES].decode("utf-8", "ignore")


def build_articles(count: int, mode: str = "mixed", seed: int = 7) -> list[tuple[str, str]]:
    """`count` articles of ~4 KB made from corpus texts (see the module docstring)."""
    if mode == "mix-90/10":
        quiet = build_articles(count - count // 10, "no-trigger", seed)
        busy = build_articles(count // 10, "mixed", seed)
        mixed = quiet + busy
        random.Random(seed).shuffle(mixed)
        return mixed
    records = _records()
    if mode == "no-trigger":
        records = [r for r in _records("none") if not _has_trigger(r[1])]
    elif mode == "event-bearing":
        records = _records("event")
    rng = random.Random(seed)
    articles = []
    for _ in range(count):
        title, text = rng.choice(records)
        parts = [text]
        while len("\n\n".join(parts).encode("utf-8")) < TARGET_BYTES:
            parts.append(rng.choice(records)[1] if mode == "mixed" else text)
        articles.append((title, _cut(parts)))
    return articles


def _has_trigger(text: str) -> bool:
    from pactwatch_classifier.detect import _lexicon

    return bool(_lexicon.scan(text.lower()).triggers)


_SENTENCES = re.compile(r"[。！？；!?\n]+|\.\s")


def bare(title: str, text: str) -> int:
    """The bare baseline: what any reader of the text must do at least (lower-case it and
    split it into sentences), so the machine's speed divides out of the figures."""
    return len(_SENTENCES.split((title + "\n" + text).lower()))


def measure(
    articles: list[tuple[str, str]], seconds: float, work: Callable[[str, str], object] = classify
) -> tuple[float, float, int]:
    """(articles per CPU second, articles per wall second, articles done)."""
    for title, text in articles[:300]:  # warm-up: imports, lazy detectors, caches
        work(title, text)
    done = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    while time.perf_counter() - wall0 < seconds:
        for title, text in articles:
            work(title, text)
        done += len(articles)
    cpu = time.process_time() - cpu0
    wall = time.perf_counter() - wall0
    return done / cpu, done / wall, done


def load_detector(folder: Path) -> Callable[..., object]:
    """`classify` of another version's `detect/` package (a checkout's
    services/classifier/src/pactwatch_classifier/detect), imported under its own name."""
    spec = importlib.util.spec_from_file_location(
        "before_detect", folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    if spec is None or spec.loader is None:
        raise SystemExit(f"no detect package in {folder}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["before_detect"] = module
    spec.loader.exec_module(module)
    return module.classify  # type: ignore[no-any-return]


def interleaved(
    articles: list[tuple[str, str]],
    seconds: float,
    works: dict[str, Callable[[str, str], object]],
) -> dict[str, float]:
    """Articles per CPU second of each of `works`, measured in alternating slices of the same
    articles, so a busy neighbour slows each of them alike.

    The slices walk the whole set (each work reads slice k before any reads slice k+1): one
    slice repeated would measure a handful of articles (in the 90/10 mix, some 20 event-dense
    ones) with every per-string cache warm, which a stream of distinct articles never sees.
    """
    for work in works.values():
        for title, text in articles[:300]:
            work(title, text)
    cpu = dict.fromkeys(works, 0.0)
    done = dict.fromkeys(works, 0)
    size = min(len(articles), 200)
    wall0 = time.perf_counter()
    at = 0
    while time.perf_counter() - wall0 < seconds * len(works):
        chunk = articles[at : at + size]
        at = at + size if at + size < len(articles) else 0
        for name, work in works.items():
            start = time.process_time()
            for title, text in chunk:
                work(title, text)
            cpu[name] += time.process_time() - start
            done[name] += len(chunk)
    return {name: done[name] / cpu[name] for name in works}


def _compiled() -> bool:
    """Whether the imported detector is the mypyc build (C extensions, not .py files)."""
    from pactwatch_classifier.detect import _classify

    return str(_classify.__file__).endswith(".so")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="measuring time per set")
    parser.add_argument("--articles", type=int, default=2_000, help="distinct articles per set")
    parser.add_argument(
        "--before",
        type=Path,
        help="another version's detect/ folder: measure both in alternation, print the ratio",
    )
    parser.add_argument(
        "--labels",
        default="after,before",
        help="names of the imported detector and of --before's, in the output",
    )
    args = parser.parse_args(argv)
    if args.before is not None:
        this, other = args.labels.split(",")
        before = load_detector(args.before)
        for mode in ("repeated", "mixed", "event-bearing", "no-trigger", "mix-90/10"):
            articles = build_articles(args.articles, mode)
            works = {this: classify, other: before, "bare": bare}
            rates = interleaved(articles, args.seconds, works)
            print(
                f"classify [{mode}]: {this} {rates[this]:,.0f}/s "
                f"({rates[this] / rates['bare']:.4f} of bare), {other} {rates[other]:,.0f}/s "
                f"({rates[other] / rates['bare']:.4f} of bare): {this}/{other} "
                f"{rates[this] / rates[other]:.2f}"
            )
        return 0
    print(f"detector: {'compiled (mypyc)' if _compiled() else 'source (pure Python)'}")
    for mode in ("repeated", "mixed", "event-bearing", "no-trigger", "mix-90/10"):
        articles = build_articles(args.articles, mode)
        avg_kb = sum(len(t.encode("utf-8")) for _, t in articles) / len(articles) / 1000
        per_cpu, per_wall, done = measure(articles, args.seconds)
        base_cpu, _, _ = measure(articles, min(args.seconds, 2.0), bare)
        print(
            f"classify [{mode}]: {per_cpu:,.0f} articles/s per core, "
            f"{per_cpu / base_cpu:.4f} of the bare baseline ({base_cpu:,.0f}/s) "
            f"(avg {avg_kb:.1f} KB, {done} articles; wall {per_wall:,.0f}/s)"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make eval`: the detector on the repository corpus, the seeds and (given) the real set.

Exit status 1 with `--check` when the repository corpus is below the bar or a seed misses
its label; the real set is reported, not checked (its texts are not in the repository).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..detect import classify
from . import Thresholds, evaluate, load_corpus, load_real, load_seeds, seed_problems


def repo_root() -> Path:
    """The repository root: the first folder upwards holding tests/classifier/corpus."""
    for start in (Path.cwd(), Path(__file__).resolve()):
        for folder in (start, *start.parents):
            if (folder / "tests" / "classifier" / "corpus").is_dir():
                return folder
    return Path.cwd()


def main(argv: list[str] | None = None) -> int:
    root = repo_root()
    bar = Thresholds()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=root / "tests/classifier/corpus")
    parser.add_argument("--seeds", type=Path, default=root.parent / "shared/seeds")
    parser.add_argument("--real", type=Path, help="JSON Lines of {url, title, text}")
    parser.add_argument(
        "--real-facts", type=Path, default=root / "tests/classifier/real/sources.jsonl"
    )
    parser.add_argument("--errors", action="store_true", help="list every article's problem")
    parser.add_argument("--check", action="store_true", help=f"exit 1 below the bar: {bar}")
    args = parser.parse_args(argv)

    corpus = evaluate("repository corpus", load_corpus(args.corpus))
    print(corpus.render(errors=args.errors or bool(corpus.failures(bar))), flush=True)
    failed = corpus.failures(bar)
    seeds = load_seeds(args.seeds)
    if not seeds:
        print(f"(no seeds found in {args.seeds})", file=sys.stderr)
    seed_failures = {s.id: p for s in seeds if (p := seed_problems(s, classify(s.title, s.text)))}
    print(f"== seeds: {len(seeds) - len(seed_failures)}/{len(seeds)} match their labels")
    for ident, problems in seed_failures.items():
        print(f"  {ident}: {'; '.join(problems)}")
    if args.real is not None:
        real = evaluate(f"real set ({args.real.name})", load_real(args.real, args.real_facts))
        print(real.render(errors=args.errors), flush=True)
    if failed:
        print("below the bar: " + ", ".join(failed), file=sys.stderr)
    return 1 if args.check and (failed or seed_failures) else 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except BrokenPipeError:  # `... | head` closed the pipe: not an error of the evaluation
        sys.stderr.close()

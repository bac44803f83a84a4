"""Measure the detector on the labelled corpus (and the shared seed articles).

    python -m pactwatch_classifier.evaluation [--corpus DIR] [--seeds DIR] [--no-seeds] [--check]

Corpus files are JSON Lines (`*.jsonl`), one article per line with `id`, `title`, `text`,
optional `published_at`, and `expected`: {"label", "accept", "parties_any", "min_signings"}.
The seeds folder holds `*.txt` articles and a `labels.json` in the same expected format; a
seed's title is its first non-empty line. An accepted label counts as correct everywhere.
`evaluate()` returns an `EvalReport` so tests can assert on the numbers.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pactwatch_classifier.detect import Classification, classify

LABELS = ("signing", "cooperation")
MIN_FLAGGED_F1 = 0.95
MIN_PARTY_RECALL = 0.85


@dataclass(frozen=True, slots=True)
class Example:
    id: str
    title: str
    text: str
    published_at: datetime | None
    label: str
    accept: tuple[str, ...]
    parties_any: tuple[str, ...]
    min_signings: int
    source: str


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(slots=True)
class EvalReport:
    total: int
    flagged: Score
    per_type: dict[str, Score]
    type_accuracy: float
    party_recall: float
    parties_found: int
    parties_expected: int
    min_signings_ok: float
    min_signings_checked: int
    errors: list[tuple[str, str]] = field(default_factory=list)  # (id, reason)

    def passes(self, min_f1: float = MIN_FLAGGED_F1, min_party: float = MIN_PARTY_RECALL) -> bool:
        return self.flagged.f1 >= min_f1 and self.party_recall >= min_party

    def render(self) -> str:
        lines = [
            f"articles: {self.total}",
            f"flagged vs not: precision {self.flagged.precision:.3f}  recall "
            f"{self.flagged.recall:.3f}  F1 {self.flagged.f1:.3f}  "
            f"(positives {self.flagged.support})",
        ]
        for name, score in self.per_type.items():
            lines.append(
                f"{name:<12} precision {score.precision:.3f}  recall {score.recall:.3f}  "
                f"F1 {score.f1:.3f}  (support {score.support})"
            )
        lines += [
            f"type accuracy (label or accepted): {self.type_accuracy:.3f}",
            f"party recall: {self.party_recall:.3f} ({self.parties_found}/{self.parties_expected})",
            f"min_signings satisfied: {self.min_signings_ok:.3f} "
            f"({self.min_signings_checked} articles with min_signings > 0)",
            f"misclassified or incomplete: {len(self.errors)}",
        ]
        lines += [f"  {ident}: {reason}" for ident, reason in self.errors]
        return "\n".join(lines)


def _score(tp: int, fp: int, fn: int) -> Score:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(round(precision, 4), round(recall, 4), round(f1, 4), tp + fn)


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _example(record: dict[str, Any], source: str) -> Example:
    expected = record["expected"]
    return Example(
        id=str(record["id"]),
        title=record.get("title", ""),
        text=record["text"],
        published_at=_time(record.get("published_at")),
        label=expected["label"],
        accept=tuple(expected.get("accept", ())),
        parties_any=tuple(expected.get("parties_any", ())),
        min_signings=int(expected.get("min_signings", 0)),
        source=source,
    )


def load_corpus(folder: Path) -> list[Example]:
    """Every record of every `*.jsonl` file in `folder`, sorted by file name."""
    examples: list[Example] = []
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    examples.append(_example(json.loads(line), f"{path.name}:{number}"))
    return examples


def load_seeds(folder: Path) -> list[Example]:
    """The shared seed articles with their labels (`labels.json`)."""
    labels_path = folder / "labels.json"
    if not labels_path.is_file():
        return []
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    examples: list[Example] = []
    for name, expected in sorted(labels.items()):
        if name.startswith("_") or not (folder / name).is_file():
            continue
        text = (folder / name).read_text(encoding="utf-8")
        title = next((line.strip() for line in text.splitlines() if line.strip()), "")
        record = {"id": f"seed:{name}", "title": title, "text": text, "expected": expected}
        examples.append(_example(record, str(folder / name)))
    return examples


def check(example: Example, result: Classification) -> list[str]:
    """Reasons why `result` does not meet the example's expectations (empty: it does)."""
    reasons: list[str] = []
    if result.label != example.label and result.label not in example.accept:
        reasons.append(f"label {result.label!r}, expected {example.label!r}")
    parties = [p.lower() for event in result.events for p in event.parties]
    missing = [n for n in example.parties_any if not any(n.lower() in p for p in parties)]
    if missing:
        reasons.append(f"parties not found: {', '.join(missing)}")
    signings = sum(1 for event in result.events if event.type == "signing")
    if signings < example.min_signings:
        reasons.append(f"{signings} signing events, expected at least {example.min_signings}")
    return reasons


def evaluate(examples: list[Example]) -> EvalReport:
    """Classify every example and score the results."""
    flag = [0, 0, 0]  # tp, fp, fn
    types = {name: [0, 0, 0] for name in LABELS}
    correct = 0
    parties_found = parties_expected = 0
    signings_ok = signings_checked = 0
    errors: list[tuple[str, str]] = []
    for example in examples:
        result = classify(example.title, example.text, published_at=example.published_at)
        predicted = example.label if result.label in example.accept else result.label
        if predicted == example.label:
            correct += 1
        if predicted != "none" and example.label != "none":
            flag[0] += 1
        elif predicted != "none":
            flag[1] += 1
        elif example.label != "none":
            flag[2] += 1
        for name, counts in types.items():
            if predicted == name and example.label == name:
                counts[0] += 1
            elif predicted == name:
                counts[1] += 1
            elif example.label == name:
                counts[2] += 1
        reasons = check(example, result)
        found = [
            n
            for n in example.parties_any
            if any(n.lower() in p.lower() for e in result.events for p in e.parties)
        ]
        parties_found += len(found)
        parties_expected += len(example.parties_any)
        if example.min_signings > 0:
            signings_checked += 1
            if sum(1 for e in result.events if e.type == "signing") >= example.min_signings:
                signings_ok += 1
        if reasons:
            errors.append((example.id, "; ".join(reasons)))
    total = len(examples)
    return EvalReport(
        total=total,
        flagged=_score(*flag),
        per_type={name: _score(*counts) for name, counts in types.items()},
        type_accuracy=round(correct / total, 4) if total else 0.0,
        party_recall=round(parties_found / parties_expected, 4) if parties_expected else 1.0,
        parties_found=parties_found,
        parties_expected=parties_expected,
        min_signings_ok=round(signings_ok / signings_checked, 4) if signings_checked else 1.0,
        min_signings_checked=signings_checked,
        errors=errors,
    )


def repo_root() -> Path:
    """The repository root: the first folder upwards holding tests/classifier/corpus."""
    for start in (Path.cwd(), Path(__file__).resolve()):
        for folder in (start, *start.parents):
            if (folder / "tests" / "classifier" / "corpus").is_dir():
                return folder
    return Path.cwd()


def main(argv: list[str] | None = None) -> int:
    root = repo_root()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=root / "tests" / "classifier" / "corpus")
    parser.add_argument("--seeds", type=Path, default=root.parent / "shared" / "seeds")
    parser.add_argument("--no-seeds", action="store_true", help="evaluate the corpus only")
    parser.add_argument(
        "--check",
        action="store_true",
        help=f"exit 1 if flagged F1 < {MIN_FLAGGED_F1} or party recall < {MIN_PARTY_RECALL}",
    )
    args = parser.parse_args(argv)
    examples = load_corpus(args.corpus)
    if not args.no_seeds:
        seeds = load_seeds(args.seeds)
        if not seeds:
            print(f"(no seeds found in {args.seeds})", file=sys.stderr)
        examples += seeds
    if not examples:
        print(f"no examples found in {args.corpus}", file=sys.stderr)
        return 1
    report = evaluate(examples)
    try:
        print(report.render(), flush=True)
    except BrokenPipeError:  # `... | head` closed the pipe: not an error of the evaluation
        sys.stderr.close()
    if args.check and not report.passes():
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

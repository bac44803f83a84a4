"""Score the detector's results against labelled examples.

The measures a subscriber feels:

* flagged precision / recall / F1: did an article with an event alert at all (per language);
* type accuracy: signing / cooperation / none right (an accepted label counts as right);
* party precision: of the distinct parties extracted from a correctly flagged article, the
  share that name a gold party of it; party recall: of the gold parties of the positive
  articles, the share some extracted party names (a missed article misses all of its);
* event count right: positive articles given exactly as many events as they report;
* surplus events per positive article: extra alerts a subscriber would get.

Examples with partial labels (the seeds) count for the label measures only; the seeds'
own `parties_any` / `min_signings` are checked by `seed_problems`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..detect import Classification
from ._examples import Example
from ._gold import names_party


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The bar the repository corpus must clear (`make eval --check`, the test suite)."""

    flagged_f1: float = 0.95
    type_accuracy: float = 0.90
    party_precision: float = 0.90
    party_recall: float = 0.85
    events_right: float = 0.90


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float
    support: int


def _score(tp: int, fp: int, fn: int) -> Score:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(round(precision, 3), round(recall, 3), round(f1, 3), tp + fn)


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 1.0


@dataclass(slots=True)
class Report:
    name: str
    total: int = 0
    flagged: dict[str, Score] = field(default_factory=dict)  # "all", "en", "zh", ...
    type_accuracy: float = 0.0
    party_precision: float = 1.0
    party_recall: float = 1.0
    parties: tuple[int, int, int, int] = (0, 0, 0, 0)  # right, extracted, found, gold
    events_right: float = 1.0
    events_checked: int = 0
    surplus_per_positive: float = 0.0
    keyword_baseline: Score | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)

    def failures(self, bar: Thresholds) -> list[str]:
        """The measures below `bar`, named (empty: the report passes)."""
        checks = {
            "flagged F1": (self.flagged["all"].f1, bar.flagged_f1),
            "type accuracy": (self.type_accuracy, bar.type_accuracy),
            "party precision": (self.party_precision, bar.party_precision),
            "party recall": (self.party_recall, bar.party_recall),
            "event count right": (self.events_right, bar.events_right),
        }
        return [f"{k} {v:.3f} < {m}" for k, (v, m) in checks.items() if v < m]

    def render(self, *, errors: bool = True) -> str:
        right, extracted, found, gold = self.parties
        lines = [f"== {self.name}: {self.total} articles"]
        for group, s in self.flagged.items():
            lines.append(
                f"flagged {group:<12} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}"
                f"  (positives {s.support})"
            )
        if self.keyword_baseline is not None:
            s = self.keyword_baseline
            lines.append(
                f"  (a plain keyword rule: P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f})"
            )
        lines += [
            f"type accuracy          {self.type_accuracy:.3f}",
            f"party precision        {self.party_precision:.3f}  ({right}/{extracted})",
            f"party recall           {self.party_recall:.3f}  ({found}/{gold})",
            f"event count right      {self.events_right:.3f}  ({self.events_checked} positives)",
            f"surplus events/positive {self.surplus_per_positive:.3f}",
        ]
        if errors and self.errors:
            lines.append(f"articles with a problem: {len(self.errors)}")
            lines += [f"  {ident}: {reason}" for ident, reason in self.errors]
        return "\n".join(lines)


def _flag_counts(pairs: list[tuple[bool, bool]]) -> Score:
    tp = sum(1 for gold, got in pairs if gold and got)
    fp = sum(1 for gold, got in pairs if got and not gold)
    fn = sum(1 for gold, got in pairs if gold and not got)
    return _score(tp, fp, fn)


def _distinct_parties(result: Classification) -> list[str]:
    return list(dict.fromkeys(p for event in result.events for p in event.parties))


def score(
    name: str,
    examples: Sequence[Example],
    results: Sequence[Classification],
    keyword_rule: Callable[[Example], bool] | None = None,
) -> Report:
    """Score `results[i]` against `examples[i]`."""
    report = Report(name, total=len(examples))
    flags: dict[str, list[tuple[bool, bool]]] = {"all": []}
    correct = right = extracted = found = gold_total = 0
    checked = count_right = surplus = 0
    for example, result in zip(examples, results, strict=True):
        predicted = example.label if result.label in example.accept else result.label
        pair = (example.positive, predicted != "none")
        flags["all"].append(pair)
        flags.setdefault(example.language, []).append(pair)
        if example.script == "traditional":
            flags.setdefault("traditional", []).append(pair)
        correct += predicted == example.label
        problems = []
        if predicted != example.label:
            problems.append(f"label {result.label}, expected {example.label}")
        if example.parties is not None and example.positive:
            names = _distinct_parties(result)
            if predicted != "none":
                good = [n for n in names if any(names_party(n, p) for p in example.parties)]
                right += len(good)
                extracted += len(names)
                junk = [n for n in names if n not in good]
                if junk:
                    problems.append(f"not parties: {junk}")
            hits = [p for p in example.parties if any(names_party(n, p) for n in names)]
            found += len(hits)
            gold_total += len(example.parties)
            if len(hits) < len(example.parties):
                lost = [p.name for p in example.parties if p not in hits]
                problems.append(f"parties missed: {lost}")
        if example.events is not None and example.positive:
            checked += 1
            count_right += len(result.events) == example.events
            surplus += max(0, len(result.events) - example.events)
            if len(result.events) != example.events:
                problems.append(f"{len(result.events)} events, expected {example.events}")
        if problems:
            report.errors.append((example.id, "; ".join(problems)))
    report.flagged = {group: _flag_counts(pairs) for group, pairs in flags.items()}
    report.type_accuracy = _ratio(correct, len(examples))
    report.parties = (right, extracted, found, gold_total)
    report.party_precision = _ratio(right, extracted)
    report.party_recall = _ratio(found, gold_total)
    report.events_checked = checked
    report.events_right = _ratio(count_right, checked)
    report.surplus_per_positive = round(surplus / checked, 3) if checked else 0.0
    if keyword_rule is not None:
        report.keyword_baseline = _flag_counts([(e.positive, keyword_rule(e)) for e in examples])
    return report


def seed_problems(example: Example, result: Classification) -> list[str]:
    """Why a seed does not get its label, parties_any and min_signings (empty: it does)."""
    problems = []
    if result.label != example.label and result.label not in example.accept:
        problems.append(f"label {result.label!r}, expected {example.label!r}")
    parties = [p.lower() for event in result.events for p in event.parties]
    missing = [n for n in example.parties_any if not any(n.lower() in p for p in parties)]
    if missing:
        problems.append(f"parties not found: {', '.join(missing)}")
    signings = sum(1 for event in result.events if event.type == "signing")
    if signings < example.min_signings:
        problems.append(f"{signings} signing events, expected at least {example.min_signings}")
    return problems

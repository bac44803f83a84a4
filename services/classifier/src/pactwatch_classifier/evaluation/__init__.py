"""Measure the detector on labelled articles: the repository corpus, the shared seeds and
the real development set (texts outside the repository, facts inside).

    python -m pactwatch_classifier.evaluation [--real TEXTS.jsonl] [--check]

`evaluate` classifies and scores in one call, so tests can assert on the numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..detect import classify
from ._examples import CorpusError, Example, GoldParty, load_corpus, load_real, load_seeds
from ._report import Report, Score, Thresholds, score, seed_problems

__all__ = [
    "CorpusError",
    "Example",
    "GoldParty",
    "Report",
    "Score",
    "Thresholds",
    "evaluate",
    "keyword_rule",
    "load_corpus",
    "load_real",
    "load_seeds",
    "score",
    "seed_problems",
]

_KEYWORDS = re.compile(
    r"\b(?:sign(?:s|ed|ing)?|agreements?|mou|memorandum|partnership|co-?operation)\b|"
    r"签约|签署|签订|合作|协议|揭牌|簽約|簽署|簽訂|協議",
    re.IGNORECASE,
)


def keyword_rule(example: Example) -> bool:
    """The baseline a keyword alert would give: flag any article naming a trigger word."""
    return _KEYWORDS.search(example.title + "\n" + example.text) is not None


def evaluate(name: str, examples: Sequence[Example]) -> Report:
    """Classify every example and score the results (with the keyword baseline beside)."""
    results = [classify(e.title, e.text, published_at=e.published_at) for e in examples]
    return score(name, examples, results, keyword_rule)

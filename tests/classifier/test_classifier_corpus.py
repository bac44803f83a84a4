"""The detector against the labelled corpus and the shared seed articles."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pactwatch_classifier.detect import classify
from pactwatch_classifier.evaluation import (
    Thresholds,
    evaluate,
    load_corpus,
    load_seeds,
    seed_problems,
)

CORPUS = Path(__file__).resolve().parent / "corpus"
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


@pytest.mark.unit
def test_corpus_is_big_and_varied() -> None:
    examples = load_corpus(CORPUS)
    assert len(examples) >= 150
    labels = Counter(e.label for e in examples)
    assert labels["none"] >= 0.3 * len(examples)
    assert labels["signing"] >= 30 and labels["cooperation"] >= 20
    assert sum(1 for e in examples if e.language == "zh") >= 0.3 * len(examples)
    assert sum(1 for e in examples if e.script == "traditional") >= 10
    assert sum(1 for e in examples if (e.events or 0) >= 2) >= 10
    for example in examples:  # every positive carries full gold labels
        assert example.events is not None and example.parties is not None, example.id
        if example.positive:
            assert example.events >= 1, example.id
        for party in example.parties:  # gold parties are spelled as in the article
            for name in party.names:
                assert name in example.title + example.text, (example.id, name)


@pytest.mark.unit
def test_corpus_meets_thresholds() -> None:
    report = evaluate("repository corpus", load_corpus(CORPUS))
    print(report.render())
    assert not report.failures(Thresholds()), report.render()


@pytest.mark.unit
def test_seeds_match_their_labels() -> None:
    if not (SEEDS / "labels.json").is_file():
        pytest.skip(f"shared seeds not found at {SEEDS} (the ../shared folder is missing)")
    seeds = load_seeds(SEEDS)
    assert len(seeds) >= 5
    failures = {}
    for seed in seeds:
        problems = seed_problems(seed, classify(seed.title, seed.text))
        if problems:
            failures[seed.id] = problems
    assert not failures, failures

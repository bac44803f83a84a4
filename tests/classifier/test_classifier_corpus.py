"""The detector against the labelled corpus and the shared seed articles."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from pactwatch_classifier.detect import classify
from pactwatch_classifier.evaluation import (
    MIN_FLAGGED_F1,
    MIN_PARTY_RECALL,
    check,
    evaluate,
    load_corpus,
    load_seeds,
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
    chinese = sum(1 for e in examples if e.id.startswith("zh-"))
    assert chinese >= 0.3 * len(examples)
    assert sum(1 for e in examples if e.min_signings >= 2) >= 5
    for path in CORPUS.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            assert {"id", "title", "text", "expected"} <= set(record)
            assert record["expected"]["label"] in {"signing", "cooperation", "none"}


@pytest.mark.unit
def test_corpus_meets_thresholds() -> None:
    report = evaluate(load_corpus(CORPUS))
    print(report.render())
    assert report.flagged.f1 >= MIN_FLAGGED_F1, report.render()
    assert report.party_recall >= MIN_PARTY_RECALL, report.render()


@pytest.mark.unit
def test_seeds_match_their_labels() -> None:
    if not (SEEDS / "labels.json").is_file():
        pytest.skip(f"shared seeds not found at {SEEDS} (the ../shared folder is missing)")
    seeds = load_seeds(SEEDS)
    assert len(seeds) >= 5
    failures = {}
    for seed in seeds:
        result = classify(seed.title, seed.text, published_at=seed.published_at)
        reasons = check(seed, result)
        if reasons:
            failures[seed.id] = reasons
    assert not failures, failures

"""Traditional characters are read as simplified, with offsets and spellings kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from pactwatch_classifier.detect import classify
from pactwatch_classifier.detect._script import has_traditional, original_spelling, to_simplified

pytestmark = pytest.mark.unit

TRADITIONAL = (
    "澳門特區政府與上海市人民政府今日在澳門簽署合作備忘錄，雙方將在會展、金融領域深化合作。"
)
SIMPLIFIED = (
    "澳门特区政府与上海市人民政府今日在澳门签署合作备忘录，双方将在会展、金融领域深化合作。"
)


def test_simplified_copy_has_the_same_length() -> None:
    converted = to_simplified(TRADITIONAL)
    assert len(converted) == len(TRADITIONAL)
    assert "签署合作备忘录" in converted


def test_text_without_traditional_characters_is_returned_as_is() -> None:
    assert not has_traditional(SIMPLIFIED)
    assert to_simplified(SIMPLIFIED) is SIMPLIFIED
    assert to_simplified("Port of Rotterdam signs MoU") == "Port of Rotterdam signs MoU"


def test_names_read_in_the_copy_are_spelled_as_the_original() -> None:
    converted = to_simplified(TRADITIONAL)
    assert original_spelling("澳门特区政府", converted, TRADITIONAL) == "澳門特區政府"
    assert original_spelling("not there", converted, TRADITIONAL) == "not there"


def test_traditional_article_is_classified_like_its_simplified_form() -> None:
    trad, simp = classify("", TRADITIONAL), classify("", SIMPLIFIED)
    assert trad.label == simp.label == "signing"
    assert [e.fingerprint for e in trad.events] == [e.fingerprint for e in simp.events]
    assert [e.party_keys for e in trad.events] == [e.party_keys for e in simp.events]
    parties = trad.events[0].parties
    assert "澳門特區政府" in parties and all(p in TRADITIONAL for p in parties)
    start, end = trad.events[0].evidence_spans[0]
    assert trad.events[0].evidence.startswith(TRADITIONAL[start:end][:10])


def test_every_traditional_corpus_article_reads_like_its_simplified_form() -> None:
    import opencc

    from pactwatch_classifier.evaluation import load_corpus

    to_simplified_text = opencc.OpenCC("t2s").convert
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    traditional = [e for e in load_corpus(corpus) if e.script == "traditional"]
    assert len(traditional) >= 10
    for example in traditional:
        trad = classify(example.title, example.text)
        simp = classify(to_simplified_text(example.title), to_simplified_text(example.text))
        assert trad.label == simp.label, example.id
        assert [e.fingerprint for e in trad.events] == [e.fingerprint for e in simp.events]

"""The scorer: gold party matching, the measures, and the real set's join of texts to facts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pactwatch_classifier.detect import Classification, Detection
from pactwatch_classifier.evaluation import CorpusError, GoldParty, load_real, score
from pactwatch_classifier.evaluation._examples import Example
from pactwatch_classifier.evaluation._gold import names_party, same_name

pytestmark = pytest.mark.unit


def test_a_name_matches_its_own_or_a_fuller_form() -> None:
    assert same_name("Port of Rotterdam", "Port of Rotterdam Authority")
    assert same_name("無錫市人民政府", "无锡市人民政府")  # traditional folds to simplified
    assert same_name("Pfizer Co., Ltd.", "pfizer")  # legal forms and case do not count
    assert not same_name("Rotterdam", "Port of Rotterdam Authority")  # under half of it
    assert names_party("Wuxi", GoldParty("Wuxi Municipal Government", ("Wuxi",)))


def _detection(parties: tuple[str, ...]) -> Detection:
    return Detection(
        "signing", "057", 0.9, parties, tuple(p.lower() for p in parties), "", ((0, 1),), (),
        None, None, (), "0" * 32,
    )  # fmt: skip


def _example(label: str, events: int, parties: tuple[GoldParty, ...]) -> Example:
    return Example(
        id="x", title="", text="", published_at=None, label=label, accept=(), language="en",
        script="latin", kind="", events=events, parties=parties,
    )  # fmt: skip


def test_measures_count_junk_misses_and_surplus_events() -> None:
    gold = _example("signing", 1, (GoldParty("Pfizer"), GoldParty("Binhu District")))
    result = Classification(
        "signing", "en", (_detection(("Pfizer", "MoU")), _detection(("Pfizer",)))
    )
    report = score("t", [gold], [result])
    assert report.party_precision == 0.5  # Pfizer named the party, "MoU" did not
    assert report.party_recall == 0.5  # Binhu District was missed
    assert report.events_right == 0.0 and report.surplus_per_positive == 1.0
    assert report.flagged["all"].f1 == 1.0 and report.type_accuracy == 1.0


def test_a_missed_article_misses_all_its_parties() -> None:
    gold = _example("signing", 1, (GoldParty("Pfizer"),))
    report = score("t", [gold], [Classification("none", "en", ())])
    assert report.flagged["all"].recall == 0.0
    assert report.party_recall == 0.0 and report.events_right == 0.0


def test_real_set_joins_texts_to_facts_by_url(tmp_path: Path) -> None:
    texts, facts = tmp_path / "texts.jsonl", tmp_path / "facts.jsonl"
    texts.write_text(json.dumps({"url": "u1", "title": "", "text": "A signed with B."}) + "\n")
    fact = {"url": "u1", "label": "signing", "events": 1, "parties": [{"name": "A"}]}
    facts.write_text(json.dumps(fact) + "\n")
    [example] = load_real(texts, facts)
    assert example.text == "A signed with B." and example.parties == (GoldParty("A"),)
    facts.write_text(facts.read_text() + json.dumps({**fact, "url": "u2"}) + "\n")
    with pytest.raises(CorpusError, match="no text"):
        load_real(texts, facts)


def test_real_facts_in_the_repository_carry_no_text() -> None:
    facts = Path(__file__).resolve().parents[1] / "real" / "sources.jsonl"
    records = [json.loads(line) for line in facts.read_text(encoding="utf-8").splitlines()]
    assert len(records) >= 200
    assert all("text" not in r and "title" not in r for r in records)
    chinese = sum(r["language"] == "zh" for r in records)
    hard = sum(r["kind"] == "hard_negative" for r in records)
    assert chinese >= 0.4 * len(records) and hard >= 0.3 * len(records)
    assert sum(r["script"] == "traditional" for r in records) >= 20
    assert sum(r["events"] >= 2 for r in records) >= 10

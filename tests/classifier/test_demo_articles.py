"""`make run`'s demo articles give one alert per signing or cooperation step, and none else."""

from __future__ import annotations

from pathlib import Path

import pytest

from pactwatch_classifier.detect import classify

pytestmark = pytest.mark.unit

ARTICLES = Path(__file__).resolve().parents[2] / "deploy" / "demo" / "articles"

# Each demo article's events, with their parties (the visiting delegation in 02 is none), or none.
EXPECTED: dict[str, list[tuple[str, set[str]]]] = {
    "01-suzhou-battery-plant": [
        (
            "signing",
            {
                "Voltaris Energy Technology Co., Ltd.",
                "Suzhou Industrial Park Administrative Committee",
            },
        )
    ],
    "02-harbour-port-mou": [
        ("signing", {"Port of Rotterdam Authority", "Ningbo-Zhoushan Port Group"})
    ],
    "03-wuxi-university-platform": [
        ("cooperation", {"Jiangnan University", "Wuxi High-tech Zone Management Committee"})
    ],
    "04-changzhou-zh": [("signing", {"常州市人民政府", "华瑞生物医药集团有限公司"})],
    "05-weather": [],
    "06-marathon-signup": [],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_demo_article_gives_one_event_per_step_it_reports(name: str) -> None:
    # Read as the demo's feed serves it (deploy/demo/run.py): the first line is the title.
    title, _, text = (ARTICLES / f"{name}.txt").read_text("utf-8").strip().partition("\n")
    events = classify(title, text).events
    assert [e.type for e in events] == [kind for kind, _ in EXPECTED[name]]
    for event, (_, parties) in zip(events, EXPECTED[name], strict=True):
        assert set(event.parties) == parties


def test_every_demo_article_is_checked() -> None:
    assert {p.stem for p in ARTICLES.glob("*.txt")} == set(EXPECTED)

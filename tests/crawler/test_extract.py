"""Article pages -> main text without boilerplate, with title, date, language, canonical URL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pactwatch_crawler.extract import extract_article

pytestmark = pytest.mark.unit

PAGES = Path(__file__).parent / "pages"


def test_english_press_release_without_boilerplate() -> None:
    body = (PAGES / "en_press_release.html").read_bytes()
    result = extract_article(body, "https://news.example.gov/press/2026/11/20/x?utm_source=a", None)
    assert result is not None
    assert result.title == "Wuxi and Torch Center sign strategic cooperation agreement"
    assert "signed a strategic cooperation agreement with the Torch High Technology" in result.text
    assert "representatives of more than forty enterprises attended" in result.text
    for boilerplate in (
        "We use cookies",
        "Accept all cookies",
        "Government Services",
        "Latest news",
        "Port of Jiangyin",  # the "latest news" sidebar
        "Marathon",
        "All rights reserved",
        "Privacy policy",
        "Share on Facebook",
        "Search the site",
    ):
        assert boilerplate not in result.text, boilerplate
    assert result.published_at == datetime(2026, 11, 20, 1, 30, tzinfo=UTC)
    assert result.language == "en"
    assert (
        result.canonical_url
        == "https://news.example.gov/press/2026/11/20/wuxi-torch-center-agreement"
    )


@pytest.mark.parametrize("declared", [None, "gb2312", "utf-8"])  # utf-8: a lying server
def test_chinese_gbk_government_article(declared: str | None) -> None:
    body = (PAGES / "zh_gov_article.gbk.html").read_bytes()
    result = extract_article(body, "http://www.wuxi.gov.cn/doc/2026/11/20/4129911.shtml", declared)
    assert result is not None
    assert result.title == "无锡市政府与工信部火炬中心签署战略合作协议"
    assert "无锡市人民政府与工业和信息化部火炬高技术产业开发中心在锡签署战略合作协议" in result.text
    assert "四十余家企业代表参加签约仪式" in result.text
    for boilerplate in (
        "无障碍浏览",
        "政务公开",
        "当前位置",
        "最新动态",
        "江阴港开通",  # sidebar
        "上一篇",
        "太湖水质",  # previous/next article links
        "苏ICP备",
        "主办单位",
        "浏览次数",
        "分享到",
    ):
        assert boilerplate not in result.text, boilerplate
    assert result.published_at is not None
    assert result.published_at.date() == datetime(2026, 11, 20).date()
    assert result.language == "zh"
    assert result.canonical_url == "https://www.wuxi.gov.cn/doc/2026/11/20/4129911.shtml"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
        b"\x00\x01\x02 binary junk",
    ],
)
def test_pages_without_main_text_give_none(body: bytes) -> None:
    assert extract_article(body, "https://example.org/x", None) is None

"""Charsets: declared ones honoured when true, lies detected, GB2312/GBK read as GB18030."""

from __future__ import annotations

import pytest

from pactwatch_crawler.encoding import decode_html, normalise_charset, sniff_declared

pytestmark = pytest.mark.unit

ZH = (
    "<html><head><title>无锡市人民政府</title></head><body>"
    "<p>无锡市人民政府与中国科学院签署战略合作协议，双方将在生物医药、集成电路等领域深化合作。</p>"
    "</body></html>"
)
# 镕 and 瑢 are outside GB2312: government pages declaring gb2312 use them anyway.
ZH_BEYOND_GB2312 = ZH.replace("无锡市人民政府与", "朱镕基与瑢")


@pytest.mark.parametrize("header", [None, "gbk", "gb2312", "GB18030", "utf-8", "iso-8859-1"])
def test_gbk_page_decodes_whatever_the_header_says(header: str | None) -> None:
    assert decode_html(ZH.encode("gbk"), header) == ZH


def test_gb2312_declaration_with_gbk_only_characters() -> None:
    body = ZH_BEYOND_GB2312.replace(
        "<head>", '<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    ).encode("gb18030")
    assert "朱镕基与瑢" in decode_html(body, None)
    assert "朱镕基与瑢" in decode_html(body, "gb2312")


def test_meta_charset_is_used_when_the_header_lies() -> None:
    page = ZH.replace("<head>", '<head><meta charset="gbk">')
    assert decode_html(page.encode("gbk"), "utf-8") == page


def test_utf8_page_still_declaring_gb2312() -> None:
    page = ZH.replace("<head>", '<head><meta charset="gb2312">')
    assert decode_html(page.encode("utf-8"), "gbk") == page
    assert decode_html(page.encode("utf-8"), None) == page


def test_utf8_declared_latin1_is_still_utf8() -> None:
    page = "<p>Zürich and Köln sign a café partnership — naïve résumé</p>"
    assert decode_html(page.encode("utf-8"), "iso-8859-1") == page


def test_true_latin1_declaration_is_honoured() -> None:
    page = "<p>Zürich and Köln sign a café partnership</p>"
    assert decode_html(page.encode("cp1252"), "iso-8859-1") == page


def test_big5_page_without_declaration() -> None:
    page = "<p>無錫市人民政府與中國科學院簽署戰略合作協議，雙方將在生物醫藥等領域深化合作。</p>"
    assert decode_html(page.encode("big5"), None) == page


def test_bom_wins() -> None:
    assert decode_html("\ufeff<p>签约</p>".encode(), "gbk") == "<p>签约</p>"


def test_helpers() -> None:
    assert normalise_charset("GB2312") == "gb18030"
    assert normalise_charset("x-gbk") == "gb18030"
    assert normalise_charset("no-such-charset") is None
    assert sniff_declared(b'<?xml version="1.0" encoding="GBK"?><rss/>') == "GBK"
    assert (
        sniff_declared(b"<meta http-equiv='Content-Type' content='text/html; charset=gb2312'>")
        == "gb2312"
    )

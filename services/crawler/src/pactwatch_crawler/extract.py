"""An article page -> its main text, title, date, language and canonical URL.

trafilatura does the work (it leads open-source main-text extraction benchmarks, and
finds dates with htmldate); this module decodes the bytes right first (`encoding.py`:
GBK pages whose server claims UTF-8 are common) and maps the result to `Extracted`.
Navigation, "latest news" lists, cookie banners and footers are what trafilatura
removes; `favor_precision` makes it prefer dropping a doubtful block over keeping it.
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import DEFAULT_CONFIG

from .encoding import decode_html

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$", re.IGNORECASE)

# Chinese news items are short in characters: 250 (trafilatura's default minimum) would
# reject a complete 200-character government notice.
_CONFIG = deepcopy(DEFAULT_CONFIG)
_CONFIG.set("DEFAULT", "MIN_EXTRACTED_SIZE", "80")
_CONFIG.set("DEFAULT", "MIN_OUTPUT_SIZE", "40")
_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # signals don't work outside the main thread
_DATE_PARAMS = {"extensive_search": True, "original_date": True, "outputformat": "%Y-%m-%d %H:%M"}


@dataclass(frozen=True)
class Extracted:
    title: str | None
    text: str  # main text, paragraphs separated by newlines
    published_at: datetime | None  # aware UTC (midnight UTC when the page gives only a day)
    language: str | None  # BCP 47-ish primary tag, e.g. "en", "zh"
    canonical_url: str | None  # <link rel=canonical> / og:url, absolute


def extract_article(body: bytes, url: str, charset: str | None) -> Extracted | None:
    """Main content of an article page, or None when the page has no main text."""
    html = decode_html(body, charset)
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    result = trafilatura.bare_extraction(
        deepcopy(tree),
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
        date_extraction_params=_DATE_PARAMS,
        config=_CONFIG,
    )
    if result is None or isinstance(result, dict):
        return None
    text = (result.text or "").strip()
    if not text:
        return None
    return Extracted(
        title=(result.title or "").strip() or None,
        text=text,
        published_at=_meta_time(tree) or _date(result.date),
        language=_language(tree, text),
        canonical_url=_canonical(tree, url),
    )


def _meta_time(tree: lxml.html.HtmlElement) -> datetime | None:
    """A full timestamp with zone from Open Graph / schema.org meta, when the page has one
    (htmldate's answer is often only the day)."""
    for value in tree.xpath(
        "//meta[@property='article:published_time' or @itemprop='datePublished']/@content"
    ):
        try:
            parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            continue
        if parsed.tzinfo is not None:
            return parsed.astimezone(UTC)
    return None


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _language(tree: lxml.html.HtmlElement, text: str) -> str | None:
    """The page's declared language, else "zh" for mostly-Chinese text, else None."""
    declared = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not declared:
        for content in tree.xpath(
            "//meta[translate(@http-equiv,'CONTENTLAGU','contentlagu')='content-language']/@content"
        ):
            declared = str(content)
            break
    if declared and _LANG.match(declared.strip()):
        return str(declared).strip().split("-")[0].lower()
    sample = text[:2000]
    letters = len(_LETTER.findall(sample))
    if letters and len(_CJK.findall(sample)) / letters > 0.3:
        return "zh"
    return None


def _canonical(tree: lxml.html.HtmlElement, url: str) -> str | None:
    for href in tree.xpath(
        "//link[translate(@rel,'CANONICAL','canonical')='canonical']/@href"
        " | //meta[@property='og:url']/@content"
    ):
        value = str(href).strip()
        if value:
            absolute = urljoin(url, value)
            if absolute.startswith(("http://", "https://")):
                return absolute
    return None

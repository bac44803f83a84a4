"""Article links on the HTML listing page of a site without a feed.

Such pages mix article links with navigation, tag clouds, pagination, login and links to
other sites. Without a `link_selector` from the operator, a link is kept when it stays on
the source's site (same registrable domain, e.g. any `*.wuxi.gov.cn` for a source on
`www.wuxi.gov.cn`) and looks like an article: its anchor text reads like a headline and its
path carries an article's marks (a date, a long number, a `.html`/`.shtml` page, a long
slug) rather than a section's (`/tag/`, `/category/`, `index.html`).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import lxml.html
from cssselect import SelectorError
from lxml import etree

from pactwatch_schemas import limits

from ..encoding import decode_html
from ..sources import Source
from ._common import CJK, EntryCollector, Listing, ListingError, same_site, site_of

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")
_DIGITS = re.compile(r"\d{4,}")
_DATE_IN_PATH = re.compile(r"(?:19|20)\d{2}[-/_]?(?:0[1-9]|1[0-2])(?:[-/_]?(?:[0-2]\d|3[01]))?")
_ARTICLE_EXT = re.compile(r"\.(?:s?html?|php|aspx?|jsp)$", re.IGNORECASE)
_INDEX_PAGE = re.compile(r"^(?:index|default|list|home)(?:_\d+)?\.\w+$", re.IGNORECASE)
_SECTION_SEGMENTS = frozenset(
    {
        "tag", "tags", "category", "categories", "topic", "topics", "author", "authors",
        "login", "logout", "signin", "sign-in", "signup", "register", "account", "search",
        "about", "about-us", "contact", "contact-us", "privacy", "terms", "sitemap",
        "feed", "rss", "subscribe", "page", "archive", "archives", "help", "faq",
        "cookie-policy", "cookies", "jobs", "careers", "english",
    }
)  # fmt: skip
_NAV_TEXTS = frozenset(
    {
        "more", "read more", "next", "previous", "prev", "home", "back", "top", "login",
        "更多", "首页", "下一页", "上一页", "尾页", "末页", "返回", "登录", "注册", "详情",
    }
)  # fmt: skip
_PAGINATION_QUERY = re.compile(r"(?:^|&)(?:page|p|pn|pageno|pageindex|start|offset)=\d+", re.I)


def parse_html_listing(
    body: bytes, source: Source, page_url: str, charset: str | None, *, max_entries: int
) -> Listing:
    """Article links on an HTML listing page, in document order."""
    text = decode_html(body, charset)
    try:
        doc = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ListingError(f"not an HTML page: {exc}") from None
    base = page_url
    for href in doc.xpath("//base/@href")[:1]:
        base = urljoin(page_url, str(href).strip())
    if source.link_selector:
        try:
            picked = doc.cssselect(source.link_selector)
        except SelectorError as exc:
            raise ListingError(f"bad link_selector {source.link_selector!r}: {exc}") from None
        anchors: list[lxml.html.HtmlElement] = []
        for element in picked:
            anchors.extend([element] if element.tag == "a" else element.iter("a"))
    else:
        anchors = list(doc.iter("a"))
    collector = EntryCollector(max_entries)
    listing_url = _strip(page_url)
    site = site_of(str(source.url))
    for anchor in anchors:
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            collector.skip("no_link")
            continue
        url = urljoin(base, href)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            collector.skip("bad_url")
            continue
        if not same_site(parts.hostname, site):
            collector.skip("off_site")
            continue
        if _strip(url) == listing_url:
            collector.skip("not_article_like")
            continue
        title = _anchor_text(anchor)
        if not source.link_selector and not looks_like_article(url, title):
            collector.skip("not_article_like")
            continue
        collector.add(url, title=title[: limits.MAX_TITLE_CHARS] or None, language=source.language)
    return Listing(collector.entries, collector.skipped, ttl_seconds=None, bozo=None)


def looks_like_article(url: str, anchor_text: str) -> bool:
    """Heuristic: a headline-like anchor pointing at an article-like path."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.lower().split("/") if s]
    if not segments:
        return False
    if any(s in _SECTION_SEGMENTS for s in segments[:-1]) or segments[-1] in _SECTION_SEGMENTS:
        return False
    if _INDEX_PAGE.match(segments[-1]) or _PAGINATION_QUERY.search(parts.query):
        return False
    text = " ".join(anchor_text.split())
    if text.lower() in _NAV_TEXTS:
        return False
    cjk = len(CJK.findall(text))
    words = len(_WORD.findall(text))
    if not (cjk >= 6 or words >= 4 or (cjk >= 4 and words >= 1)):
        return False  # too short for a headline: a menu item, "More", a page number
    last = segments[-1]
    path = "/".join(segments)
    has_date = bool(_DATE_IN_PATH.search(path))
    has_id = bool(_DIGITS.search(path)) or bool(
        re.search(r"(?:^|&)(?:id|aid|articleid|newsid)=\w", parts.query, re.I)
    )
    page_like = bool(_ARTICLE_EXT.search(last))
    slug_like = last.count("-") >= 3 or last.count("_") >= 3
    if has_date or has_id:
        return True
    if page_like and len(segments) >= 2:
        return True
    return slug_like and len(segments) >= 2


def _anchor_text(anchor: lxml.html.HtmlElement) -> str:
    """The link's text; its title attribute when the text is missing or cut short ("…")."""
    text = " ".join(anchor.text_content().split())
    title = " ".join((anchor.get("title") or "").split())
    if not text or (title and len(title) > len(text) and text.endswith(("...", "…"))):
        return title or text
    return text


def _strip(url: str) -> str:
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}{parts.path.rstrip('/')}?{parts.query}"

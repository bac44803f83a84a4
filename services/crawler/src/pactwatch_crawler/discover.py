"""Article links in sitemaps and in HTML listing pages (sites without a feed).

HTML listing pages mix article links with navigation, tag clouds, pagination, login and
links to other sites. Without a `link_selector` from the operator, a link is kept when
it stays on the source's site (same registrable domain, e.g. any `*.wuxi.gov.cn` for a
source on `www.wuxi.gov.cn`) and looks like an article: its anchor text reads like a
headline and its path carries an article's marks (a date, a long number, a `.html`
/`.shtml` page, a long slug) rather than a section's (`/tag/`, `/category/`, `index.html`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import lxml.html
from cssselect import SelectorError
from lxml import etree
from tld import get_fld

from pactwatch_schemas import limits

from .encoding import decode_html
from .parse import EntryCollector, Listing, ListingError
from .sources import Source

_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
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
    site = _site(str(source.url))
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
        if not _same_site(parts.hostname, site):
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
    cjk = len(_CJK.findall(text))
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


def _site(url: str) -> str:
    """The registrable domain (public-suffix aware), or the bare host for IPs/localhost."""
    host = (urlsplit(url).hostname or "").lower()
    fld = get_fld(host, fix_protocol=True, fail_silently=True)
    return str(fld) if fld else host


def _same_site(host: str, site: str) -> bool:
    host = host.lower().rstrip(".")
    return host == site or host.endswith("." + site)


def parse_sitemap(body: bytes, source: Source, url: str, *, max_entries: int) -> Listing:
    """`<urlset>` (incl. Google News sitemaps) -> entries; `<sitemapindex>` -> `sitemaps`."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ListingError(f"not a sitemap: {exc}") from None
    if root is None:
        raise ListingError("not a sitemap: no XML elements found")
    kind = etree.QName(root).localname
    bozo = str(parser.error_log.last_error)[:500] if len(parser.error_log) else None
    collector = EntryCollector(max_entries)
    site = _site(str(source.url))
    if kind == "sitemapindex":
        sitemaps: list[str] = []
        for loc in root.iter("{*}loc"):
            child = urljoin(url, (loc.text or "").strip())
            if child.startswith(("http://", "https://")) and len(sitemaps) < max_entries:
                sitemaps.append(child)
        return Listing([], {}, ttl_seconds=None, bozo=bozo, sitemaps=sitemaps)
    if kind != "urlset":
        raise ListingError(f"not a sitemap: root element <{kind}>")
    for node in root.iter("{*}url"):
        loc = (node.findtext("{*}loc") or "").strip()
        if not loc:
            collector.skip("no_link")
            continue
        absolute = urljoin(url, loc)
        host = urlsplit(absolute).hostname
        if host is None or not _same_site(host, site):
            collector.skip("off_site")
            continue
        title = (node.findtext(f"{{{_NEWS_NS}}}news/{{{_NEWS_NS}}}title") or "").strip()
        language = node.findtext(
            f"{{{_NEWS_NS}}}news/{{{_NEWS_NS}}}publication/{{{_NEWS_NS}}}language"
        )
        published = _w3c_date(
            node.findtext(f"{{{_NEWS_NS}}}news/{{{_NEWS_NS}}}publication_date")
            or node.findtext("{*}lastmod")
        )
        collector.add(
            absolute,
            title=" ".join(title.split())[: limits.MAX_TITLE_CHARS] or None,
            published_at=published,
            language=source.language or (language.strip()[:16] if language else None),
        )
    return Listing(collector.entries, collector.skipped, ttl_seconds=None, bozo=bozo)


def _w3c_date(value: str | None) -> datetime | None:
    """W3C datetime (`2026-11-20`, `2026-11-20T08:00:00+08:00`) as aware UTC."""
    if not value:
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)

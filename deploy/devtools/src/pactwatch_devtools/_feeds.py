"""Building RSS documents from articles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class FeedItem:
    title: str
    link: str
    text: str
    published: datetime | None = None
    guid: str | None = None


def render_rss(title: str, link: str, items: list[FeedItem]) -> bytes:
    """An RSS 2.0 document carrying each article's full text in `content:encoded`."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
        f"<channel><title>{escape(title)}</title><link>{escape(link)}</link>",
        "<description>Pactwatch local feed</description>",
    ]
    for item in items:
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in item.text.split("\n") if p.strip())
        parts.append("<item>")
        parts.append(f"<title>{escape(item.title)}</title><link>{escape(item.link)}</link>")
        parts.append(f"<guid>{escape(item.guid or item.link)}</guid>")
        if item.published is not None:
            parts.append(f"<pubDate>{format_datetime(item.published)}</pubDate>")
        parts.append(f"<content:encoded><![CDATA[{paragraphs}]]></content:encoded>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode()

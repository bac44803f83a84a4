"""Bytes of an HTML/XML page -> text, right even when the server lies about the charset.

Order of trust: a byte-order mark; valid UTF-8; then the declared charsets (HTTP header,
then `<meta charset>` / XML declaration) if the body decodes cleanly under them; then
detection (charset-normalizer). Chinese government sites often declare GB2312 while
using characters only GBK/GB18030 have, so those labels decode as GB18030 (a superset).
A declared single-byte Western charset (ISO-8859-1, windows-1252) decodes anything, so
it is believed only when the bytes are not valid UTF-8 and detection finds no
multi-byte (CJK) encoding that fits them better.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)["']""", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "euc-cn": "gb18030",
    "hz-gb-2312": "gb18030",
    "big5": "big5hkscs",  # superset, as WHATWG does
    "iso-8859-1": "cp1252",  # browsers read latin-1 labels as windows-1252
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}
_SINGLE_BYTE = frozenset({"cp1252", "iso8859-15", "cp1250", "cp1251", "koi8-r", "iso8859-2"})
_CJK_MULTIBYTE = frozenset(
    {"gb18030", "big5hkscs", "big5", "shift_jis", "euc_jp", "euc_kr", "cp949", "cp932", "utf-8"}
)
_SNIFF_BYTES = 4096
_DETECT_BYTES = 64 * 1024


def normalise_charset(label: str | None) -> str | None:
    """A Python codec name for a charset label, with the web's supersets applied."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _ALIASES.get(name, name)


def sniff_declared(body: bytes) -> str | None:
    """The charset the document declares about itself (<meta>, XML declaration)."""
    head = body[:_SNIFF_BYTES]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return match.group(1).decode("ascii", "ignore") if match else None


def decode_html(body: bytes, declared: str | None) -> str:
    """Decode an HTML/XML document; `declared` is the Content-Type header's charset."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body.decode(codec, errors="replace")
    if body.isascii():
        return body.decode("ascii")
    # Valid UTF-8 with non-ASCII bytes is almost never anything else, while GB18030 decodes
    # most UTF-8 without error (into nonsense): sites that moved to UTF-8 but kept their old
    # `<meta charset=gb2312>` are common.
    text = _strict(body, "utf-8")
    if text is not None:
        return text
    candidates: list[str] = []
    for label in (declared, sniff_declared(body)):
        name = normalise_charset(label)
        if name and name not in candidates:
            candidates.append(name)
    single_byte_fallback: str | None = None
    for codec in candidates:
        if codec in _SINGLE_BYTE or codec.startswith(("iso8859", "cp125")):
            single_byte_fallback = single_byte_fallback or codec
            continue
        text = _strict(body, codec)
        if text is not None:
            return text
    # The declarations failed or are single-byte (which always "succeed"): look at the bytes.
    detected = _detect(body)
    if detected and (single_byte_fallback is None or detected in _CJK_MULTIBYTE):
        text = _strict(body, detected)
        if text is not None:
            return text
    if single_byte_fallback:
        return body.decode(single_byte_fallback, errors="replace")
    # Still nothing clean: Chinese is the most likely non-UTF-8 text here, then detection.
    text = _strict(body, "gb18030")
    if text is not None:
        return text
    return body.decode(detected or "utf-8", errors="replace")


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(body: bytes) -> str | None:
    sample = body[:_DETECT_BYTES]
    best = from_bytes(sample).best()
    if best is None:
        return None
    return normalise_charset(best.encoding)

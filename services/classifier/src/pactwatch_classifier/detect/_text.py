"""Text hygiene, sentence and paragraph boundaries, and page-boilerplate detection.

Every offset the detector reports must index the caller's original `text`, so nothing here
changes the length of the text: control characters are replaced by spaces one for one, and
sentence spans are computed on the text as given. Sentences are found with one precompiled
regex instead of a general-purpose splitter (pysbd measured ~11 ms per 4 KB article here, five
times the whole budget) because news prose needs only a few rules: CJK terminators and line
breaks always end a sentence, a full stop does unless an abbreviation or a lower-case word
follows.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ._model import InvalidArticle


def words(text: str) -> frozenset[str]:
    """A word set written as one white-space separated string (keeps long lists readable)."""
    return frozenset(text.split())


MAX_TEXT_CHARS = 200_000
"""Longer texts are truncated to this many characters (not an error); offsets stay valid."""

# C0/C1 controls (but not tab, newline, carriage return), DEL, U+FFFD from failed decoding.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
_GARBAGE_RATIO = 0.10
# The ASCII members of _CONTROL, for a C-level check of the (common) pure-ASCII article:
# `bytes.translate(None, delete)` is several times faster than a regex search over 4 KB.
_ASCII_CONTROL = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])

_BOUNDARY = re.compile(r"[。！？；!?\n]+|\.(?=[\"'”’)\]]*(?:\s|$)|[A-Z][a-z]+\b)")
_ABBREVIATIONS = words(
    """co no mr mrs ms dr prof st jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k e.g
    i.e vs gov dept univ jr sr gen lt col capt rep sen hon fig approx a.m p.m int'l intl
    corp"""
)
_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.']*)$")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\u3000]*\n")

# Lines that introduce page furniture rather than article prose.
_FURNITURE_HEADER = re.compile(
    r"^\s*(?:latest news|related(?: news| articles| stories| posts)?|read more|more news|"
    r"recommended|most read|most popular|popular|trending|top stories|you may also like|"
    r"tags?\s*[:：]|keywords?\s*[:：]|next\b|previous\b|prev\b|share (?:this|with)|"
    r"相关(?:阅读|新闻|文章|报道)|推荐阅读|延伸阅读|热点新闻|热门|最新新闻|上一篇|下一篇|"
    r"责任编辑|关键词|标签)",
    re.IGNORECASE,
)
_BREADCRUMB = re.compile(r"\S\s*[>»]\s*\S[^>»\n]*[>»]")  # "HOME > DAVOS > NEWS"
_TERMINAL = frozenset('.。!?！？”"’:：;；')
_SENTENCE_END = frozenset(".。!?！？")
_LIST_LINE_MAX = 160
_LIST_RUN_MIN = 3


def sanitize(text: str) -> str:
    """Replace control characters one for one, or refuse text that is mostly binary."""
    if text.isascii():
        raw = text.encode("ascii")
        if len(raw.translate(None, _ASCII_CONTROL)) == len(raw):
            return text
    elif _CONTROL.search(text) is None:
        return text
    bad = len(_CONTROL.findall(text))
    if bad / max(len(text), 1) > _GARBAGE_RATIO:
        raise InvalidArticle(
            f"text looks like binary data, not an article: {bad} of {len(text)} characters "
            "are control characters or undecodable bytes"
        )
    return _CONTROL.sub(" ", text)


def lower_same_length(text: str) -> str:
    """Lower-case without changing the length (a few characters lower to two code points)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    if match.group(0)[0] != ".":
        return True
    start = match.start()
    if text[start + 1 : start + 2].isupper():
        # "in 2017.During the meeting": a full stop the page lost its space after (after a
        # lower-case word or a number; "U.S.Army", "www.Example" are no sentence end)
        before = text[start - 2 : start]
        if len(before) < 2 or not before.isalnum() or not (before.islower() or before.isdigit()):
            return False
        glued = text[max(0, start - 30) : start].rsplit(None, 1)[-1]
        return glued.lower() != "www" and not any(c in glued for c in "./@")
    if text[start + 1 : start + 2] == ")" and "(" in text[max(0, start - 12) : start]:
        return False  # "Jupiter (Fla.) Medical Center": an abbreviation in brackets
    word = _WORD_BEFORE.search(text, max(0, start - 12), start)
    if word is not None:
        token = word.group(1).lower()
        if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
            return False
        if "." in token and _INITIALS.fullmatch(token):
            return False  # "O.P. Jindal Global University", "J.K. Rowling": initials
    rest = text[match.end() : match.end() + 3].lstrip()
    return not (rest and (rest[0].islower() or rest[0].isdigit()))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return [start, end) spans of the sentences of `text`, trimmed of white space."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if not _is_boundary(text, match):
            continue
        end = match.end()
        _append_trimmed(text, start, end, spans)
        start = end
    _append_trimmed(text, start, len(text), spans)
    return spans


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


@dataclass(slots=True)
class Layout:
    """Sentences, paragraphs and boilerplate zones of one text, computed once per article."""

    text: str
    sentences: list[tuple[int, int]]
    sentence_starts: list[int]
    paragraph_starts: list[int]
    furniture: list[tuple[int, int]] = field(default_factory=list)

    def sentence_index(self, pos: int) -> int:
        return max(0, bisect_right(self.sentence_starts, pos) - 1)

    def paragraph_of(self, pos: int) -> int:
        return bisect_right(self.paragraph_starts, pos) - 1

    def in_furniture(self, pos: int) -> bool:
        return any(start <= pos < end for start, end in self.furniture)


def layout(text: str) -> Layout:
    """Compute the sentence, paragraph and boilerplate layout of `text`."""
    sentences = split_sentences(text)
    paragraphs = [0] + [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]
    return Layout(
        text=text,
        sentences=sentences,
        sentence_starts=[s for s, _ in sentences],
        paragraph_starts=paragraphs,
        furniture=_furniture(text),
    )


def _furniture(text: str) -> list[tuple[int, int]]:
    """Find navigation menus and headline lists: runs of short unpunctuated lines.

    Article prose ends its lines with sentence punctuation; menus, share bars and "latest
    news" lists are runs of short lines that do not. A furniture header ("Related news",
    "相关阅读", "Tags:") marks its own line and the short lines right after it.
    """
    zones: list[tuple[int, int]] = []
    run_start = -1
    run_len = 0
    run_end = 0
    forced = False
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip()
        if not stripped:
            # A blank line ends a run, except inside a header-led list.
            if run_len and not forced:
                if run_len >= _LIST_RUN_MIN:
                    zones.append((run_start, run_end))
                run_len = 0
            continue
        short = len(stripped) <= _LIST_LINE_MAX
        list_like = short and stripped[-1] not in _TERMINAL
        header = short and (
            (stripped[-1] not in _SENTENCE_END and _FURNITURE_HEADER.match(stripped) is not None)
            or ((">" in stripped or "»" in stripped) and _BREADCRUMB.search(stripped) is not None)
        )
        if header:
            if run_len and (forced or run_len >= _LIST_RUN_MIN):
                zones.append((run_start, run_end))
            zones.append((start, end))
            run_start, run_len, run_end, forced = end, 0, end, True
            continue
        if list_like:
            if run_len == 0 and not forced:
                run_start = start
            run_len += 1
            run_end = end
            continue
        if run_len and (forced or run_len >= _LIST_RUN_MIN):
            zones.append((run_start, run_end))
        run_len, forced = 0, False
    if run_len and (forced or run_len >= _LIST_RUN_MIN):
        zones.append((run_start, run_end))
    return zones

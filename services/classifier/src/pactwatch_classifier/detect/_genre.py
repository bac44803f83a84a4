"""Pages that report no event however many trigger words they hold, told by their own
genre marker.

Real pages full of 签订, "signed" and 合作 that report nothing: notices that an agreement is
terminated, denials, opinion pieces, explainers and dictionary entries, contract templates,
job advertisements. Each is recognised by a marker of the page's own genre: in its headline
zone (the title and the first lines), or a template's clauses throughout. A word that only
occurs somewhere (an outlet named 观点网, an article mentioning a template) is not a marker:
a veto must apply to the article itself.
"""

from __future__ import annotations

import re

from . import _lexicon as lx

_HEAD_LINES = 4
_HEAD_CHARS = 400

_TERMINATION = re.compile(
    r"(?:终止|解除|撤销|取消|中止|废止)[^。\n]{0,24}(?:协议|合同|合作|备忘录|合约)|"
    r"\b(?:terminat\w*|cancel\w*|scrap(?:s|ped)?|call(?:s|ed)? off|pull(?:s|ed)? out of|"
    r"withdr[ae]w\w* from|end(?:s|ed)?)\b[^.\n]{0,40}\b(?:agreements?|deals?|contracts?|"
    r"partnerships?|mous?|pacts?)\b"
)
_DENIAL = re.compile(
    r"\b(?:denies|denied|deny|refutes?|rejects reports)\b|\bno (?:final |definitive )?(?:deal|"
    r"agreement)\b|否认|辟谣|未达成|尚未签署"
)
_OPINION_LABEL = re.compile(
    r"^\W{0,3}(?:opinion|commentary|editorial|op-ed|viewpoint|column|analysis|letters?)\s*[:|\-–—]|"
    r"^\W{0,3}(?:评论|社论|时评|观点|快评|锐评|评论员文章|来论)\s*[】\]：:|丨]"
)
_EXPLAINER = re.compile(
    r"^\W{0,3}(?:what (?:is|are|does|do)|how (?:to|do|does)|why (?:do|does|is|are)|a guide to|"
    r"guide to|faqs?\b|definition of|meaning of)|\b(?:explained\b|dictionary|encyclopedia|"
    r"wikipedia|glossary|definition\b)|什么是|是什么|是指|的含义|的定义|怎么写|如何写|范本|模板|范文|"
    r"注意事项|须知|指南|攻略|百科|维基|本文将|揭秘|全解析|深度解析|大全|通用\d+篇",
    re.MULTILINE,
)


def _head(title: str, text: str) -> list[str]:
    lines = [title.strip()] if title.strip() else []
    for line in text[: _HEAD_CHARS * 2].splitlines():
        if line.strip():
            lines.append(line.strip()[:_HEAD_CHARS])
        if len(lines) >= _HEAD_LINES:
            break
    return lines


# One pass over the headline zone finds the first of the four markers read there.
_HEAD_MARKERS = re.compile(
    "|".join(
        f"(?P<{name}>{pattern.pattern})"
        for name, pattern in (
            ("termination", _TERMINATION),
            ("denial", _DENIAL),
            ("opinion", _OPINION_LABEL),
            ("explainer", _EXPLAINER),
        )
    ),
    re.MULTILINE,
)
_PRECEDENCE = ("termination", "denial", "opinion", "explainer")


def veto(title: str, text: str, scan: lx.Scan) -> str | None:
    """Why the page reports no event by its genre ("termination", "opinion", ...), or None.

    `scan` is the lexicon pass over the page, which counted the markers found anywhere.
    """
    joined = "\n".join(_head(title, text)).lower()  # the patterns are lower-case
    found = {m.lastgroup for m in _HEAD_MARKERS.finditer(joined)}
    if scan.context[lx.BYLINE]:
        found.add("opinion")
    for genre in _PRECEDENCE:
        if genre in found:
            return genre
    if len(scan.context_words.get(lx.TEMPLATE, ())) >= 3:
        return "template"
    if len(scan.context_words.get(lx.JOB, ())) >= 2:
        return "job advertisement"
    return None

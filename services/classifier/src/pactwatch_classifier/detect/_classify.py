"""The pipeline: validate, prefilter, read candidate sentences, merge, enrich, label.

Most news holds no trigger word: such an article costs a control-character check, the
language sample and one trigger-only Aho-Corasick pass (`_lexicon.has_trigger`), and returns.
Only then are context words counted, sentences split, and the sentences holding a trigger read
by the rules, each distinct sentence once.
"""

from __future__ import annotations

import re
from datetime import datetime

from pactwatch_schemas import limits

from . import _context, _genre, _lexicon, _rules_en, _rules_zh, _slots_zh
from ._amounts import find_amount
from ._candidate import Candidate
from ._dates import find_date
from ._entities import entities, forget, is_party
from ._fingerprint import fingerprint
from ._founders_en import read_alliances
from ._keys import party_key
from ._language import detect_language
from ._listed_en import BULLET_FIRST, intro, listed_agreements
from ._located_en import dateline_places, described_places
from ._merge import Event, merge
from ._model import Classification, Detection, InvalidArticle, Label
from ._parties import clean as clean_parties
from ._parties import gate, maybe_person
from ._parties import person as titled_person
from ._places import find_locations, is_place
from ._script import original_spelling, to_simplified
from ._sectors import find_sectors
from ._self_en import article_names
from ._slots_en import located
from ._text import MAX_TEXT_CHARS, Layout, layout, lower_same_length, sanitize, words

MAX_TITLE_CHARS = limits.MAX_TITLE_CHARS
MAX_CANDIDATE_SENTENCES = 400
_MAX_EVIDENCE_CHARS = limits.MAX_EVIDENCE_CHARS
_MAX_SPANS = limits.MAX_EVIDENCE_SPANS
_MAX_PARTIES = limits.MAX_PARTIES
_HAN = re.compile(r"[\u4e00-\u9fff]")
_GENERIC = words(
    """international china chinese national global new hightech zone district city group
    university park center centre innovation industrial development technology science fund
    company bank the wuxi"""
)
_TITLE_SIGN = re.compile(r"\b(?:signs?|signed|inks?|inked|seals?|sealed)\b|签约|签署|签订", re.I)
_TITLE_COOP = re.compile(
    r"\b(?:co-?operat\w*|partner\w*|collaborat\w*|alliance|launch\w*|unveil\w*)|合作|揭牌|携手",
    re.I,
)


def classify(
    title: str,
    text: str,
    *,
    published_at: datetime | None = None,
    language_hint: str | None = None,
) -> Classification:
    """Find the signing and cooperation events an article reports.

    `text` longer than MAX_TEXT_CHARS is truncated (offsets stay valid for the original).
    Raises InvalidArticle for non-string input or text that is mostly binary.
    """
    if not isinstance(title, str):
        raise InvalidArticle(f"title must be a string, not {type(title).__name__}")
    if not isinstance(text, str):
        raise InvalidArticle(f"text must be a string, not {type(text).__name__}")
    if published_at is not None and not isinstance(published_at, datetime):
        raise InvalidArticle(
            f"published_at must be a datetime or None, not {type(published_at).__name__}"
        )
    if language_hint is not None and not isinstance(language_hint, str):
        raise InvalidArticle(
            f"language_hint must be a string or None, not {type(language_hint).__name__}"
        )
    text = sanitize(text[:MAX_TEXT_CHARS])
    title = sanitize(title[:MAX_TITLE_CHARS])
    language = detect_language(title, text, language_hint)
    if not text.strip():
        return Classification("none", language, ())
    lowered = lower_same_length(text)
    if not _lexicon.has_trigger(lowered):
        return Classification("none", language, ())
    forget()  # the sentences of the article before
    # The rules read simplified characters; evidence and parties come from `source`.
    source = text
    text, title = to_simplified(text), to_simplified(title)
    if text is not source:
        lowered = lower_same_length(text)
    scan = _lexicon.scan(lowered)
    if title:
        scan.context.update(_lexicon.scan(lower_same_length(title)).context)
    if _genre.veto(title, text, scan) is not None:
        return Classification("none", language, ())
    lay = layout(text)
    ctx = _context.build(
        scan,
        title,
        text,
        published_at.year if published_at is not None else None,
        _context.Once(lambda: _lead_parties(text, lay)),
        _context.Once(lambda: dateline_places(text)),
        _context.Once(lambda: read_alliances(title, [text[s:e] for s, e in lay.sentences])),
        _context.Once(lambda: article_names(title, text, lay)),
    )
    candidates = _candidates(title, text, lowered, lay, scan, ctx)
    if not candidates:
        return Classification("none", language, ())
    events = merge(candidates)
    lead_date = _LeadDate(text, lay, published_at, ctx.ref_year)
    people: dict[str, tuple[bool, str | None]] = {}
    detections = tuple(
        _enrich(event, title, text, source, lay, published_at, ctx.ref_year, lead_date, people)
        for event in events
    )
    label: Label
    if any(d.type == "signing" for d in detections):
        label = "signing"
    elif detections:
        label = "cooperation"
    else:
        label = "none"
    return Classification(label, language, detections)


def _candidates(
    title: str, text: str, lowered: str, lay: Layout, scan: _lexicon.Scan, ctx: _context.Context
) -> list[Candidate]:
    flags: dict[int, set[str]] = {}
    for pos, category, _word in scan.triggers:
        if lay.in_furniture(pos):
            continue
        idx = lay.sentence_index(pos)
        start, end = lay.sentences[idx]
        if not start <= pos < end:
            continue
        flags.setdefault(idx, set()).add(category)
        if len(flags) >= MAX_CANDIDATE_SENTENCES:
            break
    found: list[Candidate] = []
    # News repeats itself (the headline as the first line, a lead restated, syndicated
    # paragraphs): the rules are pure functions of the sentence and the article context, so
    # each distinct sentence is read once, and a sentence said again is the same report: its
    # occurrences become further evidence spans of the candidates of its first occurrence.
    read: dict[tuple[str, frozenset[str]], list[Candidate]] = {}
    for idx in sorted(flags):
        start, end = lay.sentences[idx]
        sentence, lowered_sentence = text[start:end], lowered[start:end]
        key = (sentence, frozenset(flags[idx]))
        seen = read.get(key)
        if seen is not None:
            for cand in seen:
                if len(cand.spans) < _MAX_SPANS:
                    cand.spans.append((start, end))
            continue
        chosen = read[key] = _read_sentence(sentence, lowered_sentence, ctx, key[1])
        paragraph = lay.paragraph_of(start)
        headline = _is_headline(sentence, idx, title)
        for cand in chosen:
            cand.spans = [(start, end)]
            cand.paragraph, cand.sentence, cand.headline = paragraph, idx, headline
            cand.restates = cand.restates and not headline
        found.extend(chosen)
    return _with_listed(text, lay, ctx, found)


def _with_listed(
    text: str, lay: Layout, ctx: _context.Context, found: list[Candidate]
) -> list[Candidate]:
    """Add the agreements listed one per line below a signing sentence (`_listed_en`)."""
    read = {c.sentence for c in found}
    listed: list[Candidate] = []
    leads = {c.sentence: c for c in reversed(found) if c.type == "signing"}
    for idx in sorted(leads):
        nxt = idx + 1
        if nxt < len(lay.sentences) and text[lay.sentences[nxt][0]] not in BULLET_FIRST:
            nxt += 1 if text[lay.sentences[nxt][1] - 1] in ":：" and intro(text, lay, nxt) else 0
        if nxt >= len(lay.sentences) or text[lay.sentences[nxt][0]] not in BULLET_FIRST:
            continue
        for cand in listed_agreements(text, lay, idx, leads[idx].core):
            if cand.sentence not in read:
                read.add(cand.sentence)
                line = text[lay.sentences[cand.sentence][0] : lay.sentences[cand.sentence][1]]
                cand.core = cand.parties = described_places(clean_parties(cand.parties), line)
                if ctx.datelines:
                    cand.core = cand.parties = [p for p in cand.parties if p not in ctx.datelines]
                listed.append(cand)
    if not listed:
        return found
    return sorted(found + listed, key=lambda c: c.sentence)


_RESTATES = re.compile(
    r"\b(?:the|this|that|these|such|said)\s+(?:[\w'-]+\s+){0,3}(?:agreements?|deals?|contracts?|"
    r"memorand(?:ums?|a)|mous?|pacts?|accords?|documents?|partnership|treaty|letters? of intent)\b|"
    r"此次|本次|这次|该协议|该合同|这一|此项|上述|协议签署|签约后|签署后|双方(?:签署|签订|签约)"
)
_FIRST_CLAUSE = re.compile(r"[,，;；]")
_NEW = re.compile(
    r"\b(?:also|another|separately|in addition|additionally|meanwhile|further|other)\b|同时|还与|"
    r"还同|此外|另外|另有|并与|也与|又与|分别与"
)


def _is_headline(sentence: str, index: int, title: str) -> bool:
    """The headline: the title repeated in the text, or a short unpunctuated first line."""
    if title and sentence.strip() == title.strip():
        return True
    limit = 40 if _HAN.search(sentence) else 150
    return index == 0 and len(sentence) <= limit and sentence.rstrip()[-1:] not in "。.!?！？；;"


def _read_sentence(
    sentence: str, lowered: str, ctx: _context.Context, cats: frozenset[str]
) -> list[Candidate]:
    """The candidates of one sentence: Chinese rules first, English ones for English triggers.

    Their spans, sentence and paragraph are filled in by the caller.
    """
    chosen: list[Candidate] = []
    if _lexicon.ZH_SIGN in cats or _lexicon.ZH_COOP in cats:
        chosen = _rules_zh.analyse(
            _context.resolve_self(sentence, ctx),
            ctx,
            _lexicon.ZH_SIGN in cats,
            _lexicon.ZH_COOP in cats,
        )
    if not any(c.type == "signing" for c in chosen) and (
        _lexicon.SIGN in cats or _lexicon.COOP in cats
    ):
        english = _rules_en.analyse(
            sentence, lowered, ctx, _lexicon.SIGN in cats, _lexicon.COOP in cats
        )
        if english and (not chosen or any(c.type == "signing" for c in english)):
            chosen = english
    if not chosen:
        return chosen  # most trigger sentences: the markers below cost two long scans
    restates = _RESTATES.search(lowered) is not None
    new = _NEW.search(_FIRST_CLAUSE.split(lowered, maxsplit=1)[0]) is not None
    gated = []
    for cand in chosen:
        cand.core = described_places(clean_parties(cand.core), sentence)
        cand.parties = described_places(clean_parties(cand.parties), sentence)
        if cand.parties and ctx.datelines:
            cand.core = [p for p in cand.core if p not in ctx.datelines]
            cand.parties = [p for p in cand.parties if p not in ctx.datelines]
        if cand.type == "cooperation" and not cand.parties:
            continue  # a cooperation step is between named parties
        cand.restates, cand.new = restates, cand.new or new
        gated.append(cand)
    return gated


def _lead_parties(text: str, lay: Layout) -> tuple[str, ...]:
    """Organisations named in the first sentences: the hosts and visitors of a meeting."""
    names: list[str] = []
    taken = 0
    for start, end in lay.sentences:
        if lay.in_furniture(start):
            continue
        sentence = text[start:end]
        if _HAN.search(sentence):
            names += _slots_zh.org_names(sentence)
        else:
            toks, ents = entities(sentence)
            names += [
                e.text
                for e in ents
                if is_party(e) and (e.kind == "org" or is_place(e.text)) and not located(toks, e)
            ]
        taken += 1
        if taken >= 3 or len(names) >= 4:
            break
    return tuple(dict.fromkeys(names))[:4]


class _LeadDate:
    """The first date of the article's opening sentences, computed once when first needed."""

    def __init__(
        self, text: str, lay: Layout, published_at: datetime | None, year: int | None
    ) -> None:
        self._args = (text, lay, published_at, year)
        self._value: str | None = None
        self._done = False

    def get(self) -> str | None:
        if not self._done:
            text, lay, published_at, year = self._args
            chunks = [text[s:e] for s, e in lay.sentences[:8] if not lay.in_furniture(s)]
            self._value = find_date("\n".join(chunks), published_at, year)
            self._done = True
        return self._value


def _enrich(
    event: Event,
    title: str,
    text: str,
    source: str,
    lay: Layout,
    published_at: datetime | None,
    ref_year: int | None,
    lead_date: _LeadDate,
    people: dict[str, tuple[bool, str | None]],
) -> Detection:
    spans = sorted(set(event.spans))[:_MAX_SPANS]
    evidence = " ".join(text[s:e] for s, e in spans)[:_MAX_EVIDENCE_CHARS]
    # The sentence after the evidence often carries the figures ("The project has a total
    # investment of 1.2 billion yuan").
    last = max(event.sentences)
    follow = ""
    if last + 1 < len(lay.sentences):
        s, e = lay.sentences[last + 1]
        if lay.paragraph_of(s) in event.paragraphs:
            follow = text[s:e]
    # A sentence said again (a repeated lead, a syndicated paragraph) adds spans, not facts:
    # the figures are read once from each distinct sentence, in text order.
    distinct = " ".join(dict.fromkeys(text[s:e] for s, e in spans))[:_MAX_EVIDENCE_CHARS]
    amount = find_amount(distinct) or (find_amount(follow) if follow else None)
    date = find_date(distinct, published_at, ref_year) or lead_date.get()
    paragraph_text = " ".join(_paragraph(text, lay, p) for p in sorted(event.paragraphs))
    sectors = find_sectors(paragraph_text[:3000])
    locations = find_locations(distinct)
    named = []
    for party in event.parties:
        if maybe_person(party):
            if party not in people:
                people[party] = titled_person(text, party)
            is_person, organisation = people[party]
            if is_person:  # "Brainard signed": the mayor's city, or nobody
                party = next(iter(gate(organisation)), "") if organisation else ""
        if party and party not in named:
            named.append(party)
    named = named[:_MAX_PARTIES]
    parties = tuple(original_spelling(p, text, source, spans[0][0]) for p in named)
    confidence = event.strength
    if len(parties) >= 2:
        confidence += 0.05
    if not parties:
        confidence -= 0.15
    if len(spans) > 1:
        confidence += 0.03
    title_pattern = _TITLE_SIGN if event.type == "signing" else _TITLE_COOP
    if title and title_pattern.search(title):
        confidence += 0.03
    confidence = round(min(0.99, max(0.05, confidence)), 3)
    core = event.core or event.parties
    return Detection(
        type=event.type,
        cameo=event.cameo,
        confidence=confidence,
        parties=parties,
        party_keys=tuple(party_key(p) for p in named),
        evidence=evidence
        if text is source
        else " ".join(source[s:e] for s, e in spans)[:_MAX_EVIDENCE_CHARS],
        evidence_spans=tuple(spans),
        locations=locations,
        amount=amount,
        date=date,
        sectors=sectors,
        fingerprint=fingerprint(event.type, core, date, " ".join(evidence.lower().split())),
    )


def _paragraph(text: str, lay: Layout, index: int) -> str:
    start = lay.paragraph_starts[index]
    end = lay.paragraph_starts[index + 1] if index + 1 < len(lay.paragraph_starts) else len(text)
    return text[start:end]

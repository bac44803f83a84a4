"""Sentence rules for English: is this sentence a reported signing, a cooperation step, or
neither? The signing rules are here, the cooperation rules in `_coop_en`, the party slots
in `_slots_en`.

The rules follow how news reports these events, not particular articles:

* a signing is a signing verb (signed, inked, concluded, sealed, put pen to paper on, entered
  into) whose object is an agreement noun (agreement, contract, MoU, letter of intent, deal,
  pact, ...), or a signing noun that implies one ("signing ceremony", "project signings",
  "witnessed the signing"); the first object noun after the verb decides, so "signed an
  executive order implementing the agreement" is not a signing;
* negation, modality ("will sign", "plans to sign") and hedges turn a signing into an
  intention (cooperation, CAMEO 030/031) or nothing;
* cooperation is a concrete step (a joint centre, platform, alliance launched; a partnership
  formed; parties that cooperated) or, in an article about a visit or meeting, named parties
  stating the intent to cooperate or discussing cooperation;
* cancelled or collapsed agreements, scam warnings, earnings figures ("newly signed
  contracts rose 12%") and background ("In 2019, A and B cooperated to ...") are vetoed.
"""

from __future__ import annotations

import re

from . import _slots_en as slots
from ._candidate import Candidate
from ._context import Context
from ._coop_en import cooperation
from ._each_en import each_counterpart, signers_listed
from ._entities import entities
from ._named_en import agreement_sides
from ._parties import clean
from ._self_en import with_self
from ._tokens import Entity, Token
from ._words_en import MODAL_BEFORE, NEGATION_BEFORE, names, tok_at

_SIGN_VERB = re.compile(
    r"\b(?:(?:co-?|counter)?sign(?:s|ed|ing|ings)?|ink(?:s|ed|ing)?|conclud(?:e|es|ed|ing)|"
    r"seal(?:s|ed)?|clinch(?:es|ed)?|put(?:s|ting)? pen to paper|enter(?:s|ed)? into)\b"
)
_NOUN_ONLY_AFTER = re.compile(
    r"\s*(?:-?up\b|on (?:as|to|with)\b|off\b|language|posts?\b|boards?\b|age\b|autographs?|"
    r"into law|for (?:the|a|his|her) (?:club|team|side))"
)
_SIGN_NOUN_BEFORE = re.compile(
    r"\b(?:road|traffic|street|warning|early|positive|negative|clear|encouraging|first|"
    r"any|no|some|few|many|the|these|those|stop|exit|neon|protest|vital|tell-tale|obvious|"
    r"worrying|troubling|hopeful|mixed|little|a|book|autograph|new|latest|record|marquee|this|that|"
    r"star|big-money|summer|winter|january)\s+$"
)
_OBJECT = re.compile(
    r"(?P<block>executive orders?|(?:emergency |administrative )?orders? (?:to|that|on|banning|"
    r"requiring|directing|declaring|for the)|decrees?|bills?\b|laws?\b|legislation|ordinances?|"
    r"proclamations?|petitions?|autographs?|jerseys?|guest ?books?|budgets?|resolutions?|"
    r"waivers?|open letters?|letters? (?!of intent)|books?\b|posters?|cheques?|checks\b|"
    r"strikers?|midfielders?|goalkeepers?|defenders?|forwards?\b|players?\b|wingers?|"
    r"quarterbacks?|pitchers?|rookies?|free agents?|coach(?:es)?\b|sponsorship|"
    r"pledges?\b|the talks|talks\b|negotiations?|his |her |that\b|the season|"
    r"statements?|declarations?|confessions?|wills?\b|lease|consent forms?)"
    r"|(?P<agree>agreements?|contracts?|deals?\b|memorand(?:ums?|a)|mous?\b|m\.o\.u|"
    r"letters? of intent|lois?\b|accords?|pacts?|treat(?:y|ies)|protocols?|framework|"
    r"partnerships?|(?:cooperation|investment|project) documents?|sister[- ]cit(?:y|ies)|"
    r"twinning|projects?\b|charters?|conventions?|arrangements?|alliance)"
)
_NEEDS_NOUN = frozenset({"concluded", "conclude", "concludes", "concluding", "sealed", "seal"})
_UMBRELLA = re.compile(
    r"\b(?:multiple|several|various|many|numerous|a number of|a batch of|a series of|dozens of|"
    r"a total of|\d+)\s+(?:[\w-]+\s+){0,2}$"
)
_AGREE_BEFORE = re.compile(
    r"(?:agreements?|contracts?|deals?|memorand(?:ums?|a)|mous?|letters? of intent|accords?|"
    r"pacts?|treat(?:y|ies)|protocols?|projects?|documents?)\b(?:[^.;]|\.(?=\d)){0,80}?"
    r"(?:\b(?:was|were|has been|have been|had been|being|is|are|be|been|got|get)\s+"
    r"(?:\w+ly\s+)?|\s|,\s)$"
)
_IMPLICIT = re.compile(
    r"\bwitness(?:ed|es|ing)?\s+(?:the\s+|a\s+)?(?:[\w-]+\s+){0,2}signings?\b|"
    r"\b(?:announc\w+|celebrat\w+|marks?|marked|held) the signing of\b|"
    r"\b(?:project|contract|agreement|investment|cooperation|deal|mou|intensive|centrali[sz]ed|"
    r"collective|major|on-site|joint|concentrated|bulk|group) signings?\b|"
    r"\bsigning ceremon(?:y|ies)\b|\bsigned (?:on|at) the (?:spot|scene|site)\b|"
    r"\bsign(?:s|ed)? (?:up )?with\b"
)
_ATTENDANCE = re.compile(
    r"\b(?:attend(?:ed|s|ing)?|present at|cover(?:ed)?|invited to|were at|was at)\b"
    r"(?:\s+[\w'’-]+){0,5}\s+$"
)
_VETO = re.compile(
    r"\b(?:terminat\w*|cancel\w*|scrap(?:s|ped|ping)?|annul\w*|revok\w*|rescind\w*|"
    r"withdr[ae]w(?:n)? from|pull(?:ed|s|ing)? out|tore up|torn up|tear up|walk(?:ed|s)? away|"
    r"null and void|nullif\w*|suspend\w*|breach\w*|collaps\w*|broke down|break(?:s)? down|"
    r"stall(?:ed|s)|fell through|falls? through|no agreement|without (?:an |any )?(?:agreement|"
    r"deal)|failed to reach|ended (?:the|its|their) (?:agreement|contract|partnership|deal)|"
    r"expir(?:ed|es)|lawsuit|sued|dispute over)\b"
)
_SCAM = re.compile(
    r"\b(?:scam\w*|fraud\w*|phishing|beware|warn\w*|be careful|be cautious|caution\w*|"
    r"don't sign|do not sign|never sign|before signing|bogus|fake|impersonat\w*|swindl\w*|"
    r"con artists?|too good to be true|victims?)\b"
)
_EARNINGS = re.compile(
    r"\b(?:newly[- ]signed|new(?:ly)? (?:signed )?contracts? (?:signed )?(?:value|worth|rose|"
    r"fell|grew|increased|decreased|totall?ed|reached|amounted|were up|were down)|contracts? "
    r"signed (?:in|during|over) the (?:first|second|third|fourth|quarter|half|period|year|"
    r"reporting)|(?:value|volume|amount) of (?:new(?:ly)? )?(?:signed )?contracts|order backlog|"
    r"year-on-year|per cent|percent|%|quarter|fiscal)"
)
# "also signed", "were also inked", "In addition, ...": a further agreement, not a restatement.
_NEW_BEFORE = re.compile(r"\b(?:also|separately|further|additionally|then)\b(?:\s+\w+)?\s*$")
_NEW_OPENING = re.compile(r"\W*(?:in addition|additionally|meanwhile|besides|also|separately)\b")
# "a number of major signings", "16 MoUs", "several projects were signed": a batch.
_QUANTIFIED = re.compile(
    r"\b(?:multiple|several|various|many|numerous|a number of|a batch of|a series of|dozens of|"
    r"a total of|\d+)\s+(?:[\w-]+\s+){0,2}(?:signings?|projects?|mous?|agreements?|contracts?|"
    r"deals?|memorand(?:ums?|a))\b"
)
_REPORTED = re.compile(r"\b(?:said|says|announced|stated|disclosed|told|reported|confirmed)\b")
_BACKGROUND = re.compile(
    r"\b(?:previously|years ago|in the past|over the (?:past|last)|"
    r"in recent years|has long|have long|since (?:then|its|their)|as early as|back in|dating "
    r"back|history of)\b"
)
_FOUR_DIGITS = re.compile(r"\d{4}")
_YEAR_PHRASE = re.compile(
    r"\b(?:in|since|back in|as early as|during|from|by|between)\s+(?:the\s+)?"
    r"(?:(?:early|late|mid)[- ])?(?:[a-z]+\s+)?((?:1[5-9]|20)\d\d)s?\b|"
    # "on December 3, 1997": a full date of an earlier year
    r"\bon (?:[a-z]+ \d{1,2},? |\d{1,2} [a-z]+,? )((?:1[5-9]|20)\d\d)\b"
)
_ELABORATION = re.compile(
    r"(?:according to|under|in line with|as part of|as stipulated in|pursuant to) (?:the|this|"
    r"that) (?:\w+ ){0,3}(?:agreement|deal|contract|memorandum|mou|pact|accord)"
)


def analyse(
    sentence: str, lowered: str, ctx: Context, has_sign: bool, has_coop: bool
) -> list[Candidate]:
    """Read one English sentence; return its event candidates (usually zero or one)."""
    if _VETO.search(lowered) or _background(lowered, ctx) or ctx.sports:
        return []
    if ctx.scam and _SCAM.search(lowered):
        return []
    toks: list[Token] | None = None
    ents: list[Entity] = []
    intent_from_sign = False
    found: list[Candidate] = []
    if has_sign:
        verdicts = _signing(lowered)
        if verdicts:
            toks, ents = entities(sentence)
        for kind, verb_start, explicit in verdicts:
            if kind != "signed":
                intent_from_sign = True
                continue
            if _EARNINGS.search(lowered) and re.search(r"\bnew(?:ly)?[- ]signed\b", lowered):
                return []
            pairs = slots.between_pairs(toks or [], ents)
            if pairs:  # "between A and B; C and D": one signing each
                found += [
                    Candidate("signing", "057", 0.9, names(p), names(p), explicit=True, new=k > 0)
                    for k, p in enumerate(pairs)
                ]
                continue
            each = each_counterpart(lowered, toks or [], ents, verb_start) or signers_listed(
                lowered, toks or [], ents, verb_start
            )
            if each:  # "signed MoUs with A, B and C": one with each
                # each counterpart after the first is a further signing, not a restatement
                found += [
                    Candidate("signing", "057", 0.9, p, p, explicit=True, new=bool(found) or k > 0)
                    for k, p in enumerate(each)
                ]
                continue
            core, parties = _signing_parties(toks or [], ents, verb_start)
            agents = _signatories_for(sentence) if " by " in lowered and not clean(core) else []
            if agents:
                # "signed by Prof X, Director, IIT Madras and Mr. Y, Chancellor, Swinburne
                # University": the organisations the signatories speak for
                core = parties = agents
            if explicit:
                # "to establish a sister-city relationship between A and B", "the A-B
                # Sisterhood Agreement": the sides the agreement names
                sides = agreement_sides(sentence, toks or [], ents, len(core))
                if sides:
                    core = parties = list(dict.fromkeys([*core, *sides]))
            if len(core) < 2:
                # "our city signed ... with A": the side the article names elsewhere
                resolved = with_self(sentence, lowered, verb_start, ctx.named, core)
                if resolved:
                    core = parties = resolved
            ceremony = lowered.startswith("signing ceremon", verb_start)
            if not core and (
                not explicit or ceremony or _QUANTIFIED.search(lowered, 0, verb_start)
            ):
                # An umbrella mention ("witnessed the signing", "A total of 66 projects ...
                # were signed at X", "the signing ceremony of projects, Annual Meeting of X"):
                # names nearby are witnesses, venues or the forum, not parties.
                parties = []
            if (ctx.scam or ctx.earnings) and len(core) < 2:
                continue
            strength = 0.9 if explicit else 0.75
            umbrella = not core or _QUANTIFIED.search(lowered) is not None
            new = (
                _NEW_BEFORE.search(lowered[max(0, verb_start - 30) : verb_start]) is not None
                or _NEW_OPENING.match(lowered) is not None
            )
            if found and umbrella and not core:
                parties = []  # "..., and 14 projects were also signed": a batch of its own
            found.append(
                Candidate(
                    "signing",
                    "057",
                    strength,
                    core,
                    parties,
                    explicit=explicit,
                    umbrella=umbrella,
                    new=new,
                )
            )
    if found:
        if len(found) > 1 and any(c.core for c in found):
            # "signed an agreement with A at the signing ceremony": the ceremony is the
            # setting of the signing the sentence names, not a batch of its own
            found = [c for c in found if c.core or c.explicit]
        return found
    if not (has_coop or intent_from_sign) or _ELABORATION.match(lowered):
        return []
    coop = cooperation(sentence, lowered, ctx, toks, ents, intent_from_sign)
    return [coop] if coop is not None else []


def _signing(lowered: str) -> list[tuple[str, int, bool]]:
    """("signed"|"intent", verb offset, explicit agreement noun?) for each signing verb that
    is about an agreement."""
    verdicts: list[tuple[str, int, bool]] = []
    for match in _SIGN_VERB.finditer(lowered):
        verb = match.group(0)
        start, end = match.span()
        after = lowered[end : end + 120]
        before = lowered[max(0, start - 100) : start]
        if verb.startswith("sign") and _NOUN_ONLY_AFTER.match(after):
            continue
        if (
            verb in ("sign", "signs", "signing", "signings")
            and _SIGN_NOUN_BEFORE.search(before)
            and not _IMPLICIT.search(lowered[max(0, start - 40) : end + 20])
        ):
            continue
        obj = _OBJECT.search(after)
        explicit = False
        if obj is not None and obj.group("agree") is not None and obj.start() < 90:
            explicit = not _UMBRELLA.search(after[max(0, obj.start() - 25) : obj.start()])
        elif obj is not None and obj.group("block") is not None and obj.start() < 40:
            continue
        elif _AGREE_BEFORE.search(before) and verb not in ("sign", "signs", "signing"):
            explicit = True
        elif _IMPLICIT.search(lowered[max(0, start - 40) : end + 20]):
            explicit = False
        else:
            continue
        if not explicit and verb in _NEEDS_NOUN:
            continue
        if NEGATION_BEFORE.search(before[-45:]):
            continue
        if _ATTENDANCE.search(before[-50:]):
            continue  # "attended the signing ceremony": who was there, not a new signing
        if MODAL_BEFORE.search(before[-60:]):
            verdicts.append(("intent", start, explicit))
            continue
        verdicts.append(("signed", start, explicit))
    return verdicts


_SIGNED_FOR = re.compile(
    r"[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3},\s+(?:the\s+)?(?:[A-Z][a-z]+[- ]){0,2}"
    r"(?:Director|Chancellor|Vice[- ]Chancellor|President|CEO|Chairman|Chairwoman|Chair|Dean|"
    r"Rector|Mayor|Governor|Secretary|Minister|Principal|Head|Managing Director)"
    r"(?:\s+(?:of|at))?,?\s+(?:the\s+)?((?:[A-Z][\w&.'’()-]*(?:\s+(?:of|for|and(?!\s+(?:Mr|Mrs|Ms|Dr|Prof)\b)|&|de)\s+)?\s?)+)"
)


def _signatories_for(sentence: str) -> list[str]:
    found = []
    for match in _SIGNED_FOR.finditer(sentence):
        org = re.split(r"\s+and\s+(?:Mr|Mrs|Ms|Dr|Prof)\b", match.group(1))[0].strip(" ,.")
        org = re.sub(r"\s+(?:and|of|for|&)$", "", org)
        if org and org not in found:
            found.append(org)
    return found


def _signing_parties(
    toks: list[Token], ents: list[Entity], verb_start: int
) -> tuple[list[str], list[str]]:
    verb_tok = tok_at(toks, verb_start)
    core = slots.subject(toks, ents, verb_tok)
    core += slots.after_word(toks, ents, frozenset({"with", "between", "by"}), verb_tok, 25)
    core += slots.more_with(toks, ents, verb_tok)
    if not core:
        core = slots.between(toks, ents)
    if not core:
        core = slots.possessives(ents, verb_tok)
    core_names = names(core)
    if core_names:
        return core_names, core_names
    return [], names(slots.fallback(toks, ents))


_PAST_PERFECT = re.compile(
    r"\bhad (?:already |previously |earlier |last (?:year|month|week) |in \d{4} )?"
    r"(?:signed|inked|cooperated|partnered|established|"
    r"launched|concluded)\b"
)


def _background(lowered: str, ctx: Context) -> bool:
    if _BACKGROUND.search(lowered):
        return True
    # (the literal and digit tests first: each pattern below costs a scan of the sentence)
    perfect = _PAST_PERFECT.search(lowered) if "had " in lowered else None
    if perfect and not _REPORTED.search(lowered, 0, perfect.start()):
        return True  # "had signed" is background unless reported speech ("said it had signed")
    if ctx.ref_year is not None and _FOUR_DIGITS.search(lowered):
        for match in _YEAR_PHRASE.finditer(lowered):
            if int(match.group(1) or match.group(2)) < ctx.ref_year and not _term(
                lowered, match, ctx.ref_year
            ):
                return True
    return False


_TERM_END = re.compile(
    r"[^.;]{0,20}?\b(?:and|to|until|till|through|-)\s+(?:[a-z]+\s+)?((?:19|20)\d\d)\b"
)


def _term(lowered: str, match: re.Match[str], ref_year: int) -> bool:
    """ "supplies between January 2022 and December 2025": a term that runs to this year or
    later, not an earlier year's event."""
    if not match.group(0).startswith(("between", "from")):
        return False
    end = _TERM_END.match(lowered, match.end())
    return end is not None and int(end.group(1)) >= ref_year

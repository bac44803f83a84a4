"""Sentence rules for English: is this sentence a reported signing, a cooperation step, or
neither?

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
from ._entities import Entity, Token, entities

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
    r"|(?P<agree>agreements?|contracts?|deals?\b|memorand(?:um|a)|mous?\b|m\.o\.u|"
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
    r"(?:agreements?|contracts?|deals?|memorand(?:um|a)|mous?|letters? of intent|accords?|"
    r"pacts?|treat(?:y|ies)|protocols?|projects?|documents?)\b[^.;]{0,80}?"
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
_MODAL_BEFORE = re.compile(
    r"\b(?:will|would|shall|could|can|may|might|should|must|to|plans?|planned|planning|"
    r"expect(?:s|ed)?|set|going|hopes?|hoped|hoping|intends?|intended|aims?|aimed|ready|"
    r"about|urged?|ask(?:ed|s)?|calls? on|called on|considering|consider|"
    r"agree(?:s|d)?|prepar(?:ing|es|ed)|negotiating|seeks?|sought|wants?|wanted|likely|"
    r"scheduled|slated|poised|due|able)\s+(?:(?:to|for|be|formally|officially|jointly|soon|"
    r"also|then|eventually|finally|shortly|the|an?|its|their)\s+){0,3}$"
)
_NEGATION_BEFORE = re.compile(
    r"\b(?:not|n't|never|no(?!\.)|without|failed|refused|declined|neither|nor|unable|yet to|"
    r"instead of|rather than|before|if|unless|whether|once|until|denied|denies)\b[^,;]{0,40}$"
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
    r"deals?|memorand(?:um|a))\b"
)
_REPORTED = re.compile(r"\b(?:said|says|announced|stated|disclosed|told|reported|confirmed)\b")
_BACKGROUND = re.compile(
    r"\b(?:previously|years ago|in the past|over the (?:past|last)|"
    r"in recent years|has long|have long|since (?:then|its|their)|as early as|back in|dating "
    r"back|history of)\b"
)
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
_LAUNCH = re.compile(
    r"\b(?:launched|launches|unveiled|unveils|inaugurated|inaugurates|established|"
    r"establishes|set up|sets up|opened|opens|founded|formed|forms|forged|forges|"
    r"kicked off|kicks off|debuted|debuts|put into (?:operation|use|service)|went live|"
    r"commissioned|unveiling|officially started|was created|were created|created|builds|"
    r"built|creates)\b"
)
_LAUNCH_OBJECT = re.compile(
    r"\b(?:platforms?|cent(?:er|re)s?|alliances?|parks?|labs?|laborator(?:y|ies)|institutes?|"
    r"hubs?|bases?|funds?|consorti(?:um|a)|joint ventures?|incubators?|academ(?:y|ies)|"
    r"programmes?|programs?|initiatives?|projects?|offices?|stations?|clusters?|"
    r"partnerships?|networks?|mechanisms?|committees?|schools?|colleges?|factor(?:y|ies)|"
    r"plants?|facilit(?:y|ies)|relations(?:hip)?s?|ties|venture|corridor|zones?|workstations?|"
    r"task force|working group|union|league|association|collaboration|cooperation)\b"
)
_COOP_WORD = re.compile(
    r"\b(?:co-?operat\w*|collaborat\w*|joint(?:ly)?|partner\w*|alliance|sister[- ]cit\w*|"
    r"twin\w*|team(?:ed|s)? up|join(?:ed|s)? forces)"
)
_PARTNER = re.compile(
    r"\b(?:partner(?:ed|s|ing)? (?:up )?with|team(?:ed|s|ing)? (?:up\b|with)|"
    r"join(?:ed|s|ing)? (?:forces\b|with)|"
    r"collaborat(?:ed|es|ing) with|co-?operat(?:ed|es|ing) with|(?:announc|form|forg|"
    r"establish|launch|strik|struck|enter|build|built|unveil|expand|deepen|renew|extend|"
    r"upgrad)(?:ed|es|s|ing|e)? (?:into )?(?:a |an |the |their |its )?(?:[\w“”\"'$-]+ ){0,4}"
    r"(?:partnership|collaboration|alliance|cooperation (?:relationship|mechanism|"
    r"framework)|cooperative relationship)|(?:cooperated|collaborated) (?:to|on|in)|"
    r"announc(?:ed|es|ing) (?:plans? for |a |an |the )(?:[\w“”\"'$-]+ ){0,4}joint|"
    r"jointly (?:built|developed|launched|established|set up|created|founded|opened|"
    r"released|organi[sz]ed|hosted|unveiled|built))\b"
)
_INTENT = re.compile(
    r"\b(?:willing(?:ness)?|hope[sd]?|hoping|look(?:s|ed|ing)? forward|agree[sd]?|pledged?|"
    r"(?:to|will|would) (?:foster|boost|bolster|promote|strengthen|enhance|deepen|expand)|"
    r"vow(?:ed|s)?|expressed (?:the |their |its |his |her )?(?:hope|willingness|desire|"
    r"intention|readiness)|ready|intends?|intention|committed|keen|eager|wish(?:es|ed)?|"
    r"seek(?:s|ing)?|sought|reached (?:a |an )?(?:consensus|agreement))\b"
    r"(?:\W+\w+){0,10}?\W+(?:co-?operat\w*|collaborat\w*|partnership|work(?:ing)? together|"
    r"joint(?:ly)?)"
)
_DISCUSS = re.compile(
    r"\b(?:discuss(?:ed|es|ing|ions?)?|talks?|exchanged? views|exchanges? on|"
    r"consult(?:ed|ations?)?|"
    r"explor(?:e|ed|es|ing)|negotiat(?:e|ed|es|ing|ions?)|dialogue)\b(?:\W+\w+){0,8}?\W+"
    r"(?:co-?operat\w*|collaborat\w*|partnership)"
)
_DESCRIPTIVE = re.compile(r",\s*jointly \w+ by\b")
_VISITED = re.compile(r"\b(?:visit(?:ed|s|ing)?|paid a visit|delegation|toured|inspected)\b")
_HOSTED = re.compile(r"\b(?:received|receives|hosted|hosts|welcomed|met with|meets with|met)\b")
_QUOTED = re.compile(r"\"[^\"]{1,80}\"|“[^”]{1,80}”")
_ECONOMIC = re.compile(
    r"\b(?:industr\w*|econom\w*|trade|invest\w*|business\w*|commerc\w*|market\w*|enterprise\w*|"
    r"compan\w*|financ\w*|manufactur\w*|technolog\w*|innovat\w*|project\w*|production|"
    r"supply|pharmaceutical\w*|energy|digital|industrial)\b"
)


_TALK_CODES = frozenset({"030", "031", "040", "042", "043", "046"})


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
                    Candidate("signing", "057", 0.9, _names(p), _names(p), explicit=True)
                    for p in pairs
                ]
                continue
            each = _each_counterpart(lowered, toks or [], ents, verb_start)
            if each:  # "signed MoUs with A, B and C": one with each
                found += [
                    Candidate("signing", "057", 0.9, p, p, explicit=True, new=bool(found))
                    for p in each
                ]
                continue
            core, parties = _signing_parties(toks or [], ents, verb_start)
            if not explicit and not core:
                parties = []  # an umbrella mention: names nearby are witnesses, not parties
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
        return found
    if not (has_coop or intent_from_sign) or _ELABORATION.match(lowered):
        return []
    coop = _cooperation(sentence, lowered, ctx, toks, ents, intent_from_sign)
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
        if _NEGATION_BEFORE.search(before[-45:]):
            continue
        if _ATTENDANCE.search(before[-50:]):
            continue  # "attended the signing ceremony": who was there, not a new signing
        if _MODAL_BEFORE.search(before[-60:]):
            verdicts.append(("intent", start, explicit))
            continue
        verdicts.append(("signed", start, explicit))
    return verdicts


def _tok_at(toks: list[Token], offset: int) -> int:
    for idx, tok in enumerate(toks):
        if tok.start >= offset:
            return idx
    return len(toks)


def _names(found: list[Entity]) -> list[str]:
    seen: list[str] = []
    for ent in found:
        if ent.text not in seen:
            seen.append(ent.text)
    return seen


_PLURAL_OBJECT = re.compile(
    r"^\W*(?:\w+\s+){0,4}?(?:agreements|contracts|mous|memoranda|memorandums|deals|pacts|"
    r"letters of intent|accords)\b[^.;]{0,60}?\bwith\b|^[^.;]{0,60}?\brespectively\b"
)


def _each_counterpart(
    lowered: str, toks: list[Token], ents: list[Entity], verb_start: int
) -> list[list[str]]:
    """ "A signed friendship agreements with B, C and D": A × B, A × C, A × D (a plural
    object, or "respectively", distributes the counterparts)."""
    after = lowered[verb_start:]
    verb_end = after.find(" ")
    if verb_end < 0 or _PLURAL_OBJECT.match(after[verb_end:]) is None:
        return []
    verb_tok = _tok_at(toks, verb_start)
    subject = _names(slots.subject(toks, ents, verb_tok))
    others = _names(slots.after_word(toks, ents, frozenset({"with"}), verb_tok, 25))
    others += _names(slots.more_with(toks, ents, verb_tok))
    others = [o for o in dict.fromkeys(others) if o not in subject]
    if len(others) < 2:
        return []
    return [[*subject[:1], other] for other in others]


def _signing_parties(
    toks: list[Token], ents: list[Entity], verb_start: int
) -> tuple[list[str], list[str]]:
    verb_tok = _tok_at(toks, verb_start)
    core = slots.subject(toks, ents, verb_tok)
    core += slots.after_word(toks, ents, frozenset({"with", "between", "by"}), verb_tok, 25)
    core += slots.more_with(toks, ents, verb_tok)
    if not core:
        core = slots.between(toks, ents)
    if not core:
        core = slots.possessives(ents, verb_tok)
    core_names = _names(core)
    if core_names:
        return core_names, core_names
    return [], _names(slots.fallback(toks, ents))


_PAST_PERFECT = re.compile(
    r"\bhad (?:already |previously |earlier )?(?:signed|inked|cooperated|partnered|established|"
    r"launched|concluded)\b"
)


def _background(lowered: str, ctx: Context) -> bool:
    if _BACKGROUND.search(lowered):
        return True
    perfect = _PAST_PERFECT.search(lowered)
    if perfect and not _REPORTED.search(lowered, 0, perfect.start()):
        return True  # "had signed" is background unless reported speech ("said it had signed")
    if ctx.ref_year is not None:
        for match in _YEAR_PHRASE.finditer(lowered):
            if int(match.group(1) or match.group(2)) < ctx.ref_year:
                return True
    return False


def _cooperation(
    sentence: str,
    lowered: str,
    ctx: Context,
    toks: list[Token] | None,
    ents: list[Entity],
    intent_from_sign: bool,
) -> Candidate | None:
    economic = _ECONOMIC.search(lowered) is not None
    cameo = ""
    strength = 0.0
    anchor = -1
    launch = _LAUNCH.search(lowered)
    unquoted = _QUOTED.sub(" ", lowered)
    if launch and _LAUNCH_OBJECT.search(lowered) and _COOP_WORD.search(unquoted):
        if _MODAL_BEFORE.search(lowered[max(0, launch.start() - 60) : launch.start()]):
            cameo, strength, anchor = ("031" if economic else "030"), 0.6, launch.start()
        else:
            cameo, strength, anchor = ("061" if economic else "060"), 0.8, launch.start()
    if not cameo:
        partner = _PARTNER.search(lowered)
        if partner and _DESCRIPTIVE.match(lowered, max(0, partner.start() - 2)):
            partner = None  # ", jointly launched by A and B," describes a name, reports nothing
        if partner:
            before = lowered[max(0, partner.start() - 60) : partner.start()]
            if _NEGATION_BEFORE.search(before[-45:]):
                return None
            if _MODAL_BEFORE.search(before):
                cameo, strength = ("031" if economic else "030"), 0.6
            else:
                cameo, strength = ("061" if economic else "060"), 0.8
            anchor = partner.start()
    if not cameo and intent_from_sign:
        cameo, strength = ("031" if economic else "030"), 0.6
    if not cameo and (ctx.meeting or _VISITED.search(lowered) or _HOSTED.search(lowered)):
        intent = _INTENT.search(lowered)
        discuss = _DISCUSS.search(lowered)
        if intent and not _NEGATION_BEFORE.search(
            lowered[max(0, intent.start() - 30) : intent.start()]
        ):
            cameo, strength, anchor = ("031" if economic else "030"), 0.65, intent.start()
        elif discuss:
            cameo, strength, anchor = "040", 0.6, discuss.start()
            if "negotiat" in discuss.group(0):
                cameo = "046"
        if cameo:
            if _VISITED.search(lowered):
                cameo = "042"
            elif re.search(r"\b(?:received|receives|hosted|hosts|welcomed)\b", lowered):
                cameo = "043"
    if not cameo:
        return None
    if toks is None:
        toks, ents = entities(sentence)
    core: list[Entity] = []
    if anchor >= 0:
        verb_tok = _tok_at(toks, anchor)
        core = slots.subject(toks, ents, verb_tok)
        core += slots.after_word(toks, ents, frozenset({"with", "between", "by"}), verb_tok, 25)
    if not core:
        core = slots.between(toks, ents)
    core_names = _names(core)
    parties = core_names or _names(slots.fallback(toks, ents))
    if not core_names and cameo in _TALK_CODES and ctx.lead_parties:
        # A visit's parties are its hosts and visitors, named in the lead.
        parties = list(ctx.lead_parties)
    if not parties:
        return None
    return Candidate("cooperation", cameo, strength, core_names, parties)

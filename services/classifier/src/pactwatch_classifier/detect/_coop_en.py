"""Cooperation rules for English: a concrete step (a joint centre, platform or alliance
launched; a partnership formed or announced) or, in an article about a visit, meeting,
forum or reception, named parties stating the intent to cooperate or discussing it.

Signing rules hand over here when a sentence holds no signing (`_rules_en.analyse`).
"""

from __future__ import annotations

import re

from . import _slots_en as slots
from ._candidate import Candidate
from ._context import Context
from ._entities import entities
from ._self_en import with_self
from ._tokens import Entity, Token
from ._words_en import MODAL_BEFORE, NEGATION_BEFORE, names, tok_at

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
    # "joined with A to launch ...": a step taken together ("joined with fans for a song" is not)
    r"join(?:ed|s|ing)? (?:forces\b|with\b(?=[^.;]{0,80}?\bto (?:launch|create|form|set up|"
    r"establish|start|develop|build|fund|open|run|offer|provide)\b))|"
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
    r"seek(?:s|ing)?|sought|reached (?:a |an )?(?:consensus|agreement)|"
    r"attach(?:es|ed|ing)? (?:great |high |much )?importance to)\b"
    r"(?:\W+\w+){0,10}?\W+(?:co-?operat\w*|collaborat\w*|partnership|work(?:ing)? together|"
    r"joint(?:ly)?|sister[- ]cit(?:y|ies)|twin(?:ning|ned)? (?:cit|town))"
)
_DISCUSS = re.compile(
    r"\b(?:discuss(?:ed|es|ing|ions?)?|talks?|exchanged? views|exchanges? on|"
    r"consult(?:ed|ations?)?|"
    r"explor(?:e|ed|es|ing)|negotiat(?:e|ed|es|ing|ions?)|dialogue)\b(?:\W+\w+){0,8}?\W+"
    r"(?:co-?operat\w*|collaborat\w*|partnership)"
)
# "are wrapping up the details of a sisterhood agreement": an agreement in the making.
_PREPARING = re.compile(
    r"\b(?:wrapp(?:ing|ed) up|wraps? up|finali[sz](?:ing|es?)|draft(?:ing|s)?|work(?:ing|s)? on|"
    r"hammer(?:ing|s)? out|iron(?:ing|s)? out|prepar(?:ing|es?))\s+(?:the\s+)?(?:(?:details|terms|"
    r"text) of\s+)?(?:a|an|the|their)\s+(?:[\w-]+\s+){0,3}(?:agreements?|pacts?|mous?|"
    r"memorand(?:um|a)|accords?)\b"
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


_JOINING = re.compile(
    r"\b(?:join(?:ed|s)?|form(?:ed|s)?|(?:co-?)?found(?:ed|s)?|set up|establish(?:ed|es)?|"
    r"creat(?:ed|es)|launch(?:ed|es)?)\b"
)
_ALLIANCE_WORD = re.compile(r"\b(?:alliance|consortium|coalition)\b")
_TALK_CODES = frozenset({"030", "031", "040", "042", "043", "046"})


def cooperation(
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
        if MODAL_BEFORE.search(lowered[max(0, launch.start() - 60) : launch.start()]):
            cameo, strength, anchor = ("031" if economic else "030"), 0.6, launch.start()
        else:
            cameo, strength, anchor = ("061" if economic else "060"), 0.8, launch.start()
    if not cameo:
        partner = _PARTNER.search(lowered)
        if partner and _DESCRIPTIVE.match(lowered, max(0, partner.start() - 2)):
            partner = None  # ", jointly launched by A and B," describes a name, reports nothing
        if partner:
            before = lowered[max(0, partner.start() - 60) : partner.start()]
            if NEGATION_BEFORE.search(before[-45:]):
                return None
            if MODAL_BEFORE.search(before):
                cameo, strength = ("031" if economic else "030"), 0.6
            else:
                cameo, strength = ("061" if economic else "060"), 0.8
            anchor = partner.start()
    if not cameo and ("agreement" in lowered or "pact" in lowered or "mou" in lowered):
        preparing = _PREPARING.search(lowered)
        if preparing and not NEGATION_BEFORE.search(lowered, 0, preparing.start()):
            cameo, strength = ("031" if economic else "030"), 0.6
            anchor = preparing.start()
    if not cameo and intent_from_sign:
        cameo, strength = ("031" if economic else "030"), 0.6
    if not cameo and (ctx.meeting or _VISITED.search(lowered) or _HOSTED.search(lowered)):
        intent = _INTENT.search(lowered)
        discuss = _DISCUSS.search(lowered)
        if intent and not NEGATION_BEFORE.search(
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
        verb_tok = tok_at(toks, anchor)
        core = slots.subject(toks, ents, verb_tok)
        core += slots.after_word(toks, ents, frozenset({"with", "between", "by"}), verb_tok, 25)
    if not core:
        core = slots.between(toks, ents)
    core_names = names(core)
    if anchor >= 0 and len(core_names) < 2:
        core_names = with_self(sentence, lowered, anchor, ctx.named, core_names) or core_names
    parties = core_names or names(slots.fallback(toks, ents))
    if not core_names and cameo in _TALK_CODES and ctx.lead_parties:
        # A visit's parties are its hosts and visitors, named in the lead.
        parties = list(ctx.lead_parties)
    alliances = ctx.alliances if _ALLIANCE_WORD.search(lowered) or parties else None
    if alliances is not None and alliances.founders:
        named = [p for p in parties if alliances.is_alliance(p)]
        if named or _ALLIANCE_WORD.search(lowered):
            # The step is the alliance's: its parties are the members the article lists, and
            # a name that joins or forms it ("Apple has joined an alliance"); other names in
            # the sentence ("Microsoft ... were notable for their absence") are not members.
            joining = _JOINING.search(lowered) is not None
            others = [
                p
                for p in parties
                if not alliances.is_alliance(p) and joining and (p in core_names or not core_names)
            ]
            parties = list(dict.fromkeys([*others, *alliances.founders]))
            core_names = [p for p in core_names if not alliances.is_alliance(p)] or parties
    if not parties:
        return None
    return Candidate("cooperation", cameo, strength, core_names, parties)

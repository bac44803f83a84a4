"""What the English signing and cooperation rules both read: modality and negation before a
verb, and the token helpers."""

from __future__ import annotations

import re

from ._tokens import Entity, Token

MODAL_BEFORE = re.compile(
    r"\b(?:will|would|shall|could|can|may|might|should|must|to|plans?|planned|planning|"
    r"expect(?:s|ed)?|set|going|hopes?|hoped|hoping|intends?|intended|aims?|aimed|ready|"
    r"about|urged?|ask(?:ed|s)?|calls? on|called on|considering|consider|"
    r"agree(?:s|d)?|prepar(?:ing|es|ed)|negotiating|seeks?|sought|wants?|wanted|likely|"
    r"scheduled|slated|poised|due|able)\s+(?:(?:to|for|be|formally|officially|jointly|soon|"
    r"also|then|eventually|finally|shortly|the|an?|its|their)\s+){0,3}$"
)
NEGATION_BEFORE = re.compile(
    r"\b(?:not|n't|never|no(?!\.)|without|failed|refused|declined|neither|nor|unable|yet to|"
    r"instead of|rather than|before|if|unless|whether|once|until|denied|denies)\b[^,;]{0,40}$"
)


def tok_at(toks: list[Token], offset: int) -> int:
    for idx, tok in enumerate(toks):
        if tok.start >= offset:
            return idx
    return len(toks)


def names(found: list[Entity]) -> list[str]:
    seen: list[str] = []
    for ent in found:
        if ent.text not in seen:
            seen.append(ent.text)
    return seen

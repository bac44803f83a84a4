"""The founders of an alliance an English article reports formed or joined.

An article about a new alliance often names its members in a sentence of their own ("The
seven founding members are Microsoft, Intel, Google ...", "Other alliance members include
Cisco Systems, Kasenna ...", a headline "Founding Members of X Include A, B"), apart from the
sentence that reports the step, which names only the alliance. The parties of the step are
the members, not the alliance: read the member lists once per article, when a rule asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._entities import entities, is_party

_MEMBERS = re.compile(
    r"\b(?:founding|founder|charter|initial|inaugural|other|its|the)?\s*"
    r"(?:alliance\s+|consortium\s+|coalition\s+|group\s+)?members?\b"
    r"(?:\s+of\s+(?:the\s+)?[^,.;:]{1,60}?)?\s+(?:are|include|includes|including|is)\b\s*:?"
    r"|\bmembers?\s*:",
    re.IGNORECASE,
)
_ALLIANCE = re.compile(r"\b(?:alliance|consortium|coalition)\b", re.IGNORECASE)


# "Alliance for Open Media (AOMedia for short)", "Internet Streaming Media Alliance (ISMA)":
# the alliance's name and its short form.
_NAMED = re.compile(
    r"((?:[A-Z][\w'’-]*\s+){0,6}(?:Alliance|Consortium|Coalition)"
    r"(?:\s+(?:for|of)\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s*){1,5})?)\s*\(([A-Z][A-Za-z]{1,10})\b"
)


@dataclass(frozen=True, slots=True)
class Alliances:
    """The alliances an article names, by name and short form, and their listed members."""

    founders: tuple[str, ...] = ()
    names: frozenset[str] = frozenset()

    def is_alliance(self, name: str) -> bool:
        """Whether a party name is an alliance itself ("Alliance for Open Media", "ISMA")."""
        head = name.split(" (")[0].strip()
        # Its name, its short form, or a thing of its own named after it ("ISMA Web").
        return (
            _ALLIANCE.search(name) is not None
            or head in self.names
            or (head.split(" ")[0] in self.names)
        )


NO_ALLIANCES = Alliances()


def read_alliances(title: str, sentences: list[str]) -> Alliances:
    """The alliances of an article whose sentences mention one, and their members."""
    # One search over the lines joined: a word of letters never spans the line break, and a
    # break is no word character, so each line's word boundaries stay as they are.
    if _ALLIANCE.search("\n".join([title, *sentences])) is None:
        return NO_ALLIANCES
    names: set[str] = set()
    for sentence in sentences:
        for named in _NAMED.finditer(sentence):
            names.update((named.group(1).strip(), named.group(2)))
    return Alliances(_founders([title, *sentences]), frozenset(names))


def _founders(sentences: list[str]) -> tuple[str, ...]:
    """The organisations listed as members in the title or any sentence."""
    names: list[str] = []
    for sentence in sentences:
        found = _MEMBERS.search(sentence)
        if found is None:
            continue
        listed = sentence[found.end() :]
        _, ents = entities(listed)
        names += [
            e.text
            for e in ents
            if is_party(e) and e.kind in ("org", "name") and not _ALLIANCE.search(e.text)
        ]
    return tuple(dict.fromkeys(names))

"""The pieces English name spotting works on: the tokens of a sentence and the names found.

Kept apart from `_entities` (which finds the names) because most English rules only read
them: a rule module imports these types without the spotting rules behind them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["org", "person", "event", "name"]

_TOKEN = re.compile(
    r"\([^()\n]{1,40}\)"
    r"|[A-Za-z0-9\u00C0-\u024F](?:[\w·&'’\-]|\.(?=\w))*\.?"
    r"|[,;:\"“”‘’()–—/]"
)


# Both are made once per token or name of every English sentence read: an `__init__` of
# their own is compiled with the module (mypyc), where the one dataclasses writes is not.
@dataclass(slots=True, init=False)
class Entity:
    """A capitalised name in a sentence; offsets are relative to the sentence."""

    text: str
    start: int
    end: int
    tok_start: int
    tok_end: int  # exclusive
    kind: Kind
    possessive: bool
    quoted: bool

    def __init__(
        self,
        text: str,
        start: int,
        end: int,
        tok_start: int,
        tok_end: int,
        kind: Kind,
        possessive: bool,
        quoted: bool,
    ) -> None:
        self.text, self.start, self.end = text, start, end
        self.tok_start, self.tok_end = tok_start, tok_end
        self.kind, self.possessive, self.quoted = kind, possessive, quoted


@dataclass(slots=True, init=False)
class Token:
    text: str
    start: int
    end: int
    lower: str

    def __init__(self, text: str, start: int, end: int, lower: str) -> None:
        self.text, self.start, self.end, self.lower = text, start, end, lower


def tokenize(sentence: str) -> list[Token]:
    return [
        Token(m.group(0), m.start(), m.end(), m.group(0).lower()) for m in _TOKEN.finditer(sentence)
    ]

"""The regex helpers give exactly the matches of the plain `re` calls they stand for."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactwatch_classifier.detect._regex import whole_word_spans

pytestmark = pytest.mark.unit

# Word and non-word characters of several scripts, and the ones `\b` is subtle about.
_ALPHABET = st.sampled_from([*"ab_ 1,.-'’éß合作ΣΙ\u00a0\u2019", "ab", "a b"])


def _reference(text: str, word: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\b" + re.escape(word) + r"\b", text)]


@settings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=30).map("".join), st.lists(_ALPHABET, max_size=4).map("".join))
def test_whole_word_spans_are_re_finditers_spans(text: str, word: str) -> None:
    assert list(whole_word_spans(text, word)) == _reference(text, word)


def test_whole_word_spans_of_a_name_in_prose() -> None:
    text = "Mayor Lee met Leeds officials; Lee said Lee's city (Lee) would sign. Ashlee left."
    assert list(whole_word_spans(text, "Lee")) == _reference(text, "Lee")
    assert [text[s:e] for s, e in whole_word_spans(text, "Lee")] == ["Lee"] * 4

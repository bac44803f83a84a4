"""Signing and cooperation event detection for news articles (English and Chinese).

Pure logic: no I/O, no network, no model download. `classify` is the one entry point; the
Kafka service and the `pactwatch-classify` CLI both call it.
"""

from ._classify import classify
from ._model import Amount, Classification, Detection, InvalidArticle
from ._text import MAX_TEXT_CHARS

__all__ = [
    "MAX_TEXT_CHARS",
    "Amount",
    "Classification",
    "Detection",
    "InvalidArticle",
    "classify",
]

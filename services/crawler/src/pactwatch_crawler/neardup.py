"""Near-duplicate articles: the same press release syndicated on several sites.

SimHash (Charikar): each shingle's 64-bit hash votes on every bit, weighted by how often
the shingle occurs; texts sharing most shingles get fingerprints a few bits apart.
Shingles are 3-grams of words for alphabetic text and 3-grams of characters for Chinese
(which has no spaces), after Unicode normalisation, case folding and punctuation removal.

Written here rather than taken from PyPI: the `simhash` package's last release is from
2022 and it tokenises on whitespace only (no Chinese), and `datasketch` offers MinHash
LSH, which needs ~128 hashes per document where SimHash needs one 64-bit integer. The
algorithm is thirty lines; the index (band lookup) is the part that must be fast.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections import Counter

BITS = 64
_MASK = (1 << BITS) - 1
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_TOKENS = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")
_IS_CJK = re.compile(rf"[{_CJK}]{{3}}$")
SHINGLE = 3


def shingles(text: str) -> Counter[str]:
    """Word 3-grams (alphabetic scripts) and character 3-grams (Chinese), counted."""
    normal = unicodedata.normalize("NFKC", text).casefold()
    tokens = _TOKENS.findall(normal)
    if len(tokens) < SHINGLE:
        return Counter(tokens)
    # Counted as token triples first (in C), joined into strings only once per distinct triple.
    # Chinese characters join without spaces so "签署协议" shingles alike in any layout.
    triples = Counter(zip(tokens, tokens[1:], tokens[2:], strict=False))
    counts: Counter[str] = Counter()
    for (a, b, c), count in triples.items():
        if len(a) == len(b) == len(c) == 1 and _IS_CJK.match(a + b + c):
            counts[a + b + c] = count
        else:
            counts[f"{a} {b} {c}"] = count
    return counts


def _hash64(feature: str) -> int:
    return int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big")


# Bit voting without a 64-step loop per shingle: each hash is spread into 64 lanes of a big
# integer (one lane per bit), so one multiply-add per shingle sums every bit's votes at once.
_LANE = 24  # bits per lane: room for 16 million shingles, more than a 1 MB text has
_LANE_MASK = (1 << _LANE) - 1
_SPREAD = [sum((b >> i & 1) << (_LANE * i) for i in range(8)) for b in range(256)]
_BYTE_SHIFT = 8 * _LANE


def _spread(h: int) -> int:
    t = _SPREAD  # unrolled: this runs once per distinct shingle
    return (
        t[h & 255]
        | t[h >> 8 & 255] << _BYTE_SHIFT
        | t[h >> 16 & 255] << 2 * _BYTE_SHIFT
        | t[h >> 24 & 255] << 3 * _BYTE_SHIFT
        | t[h >> 32 & 255] << 4 * _BYTE_SHIFT
        | t[h >> 40 & 255] << 5 * _BYTE_SHIFT
        | t[h >> 48 & 255] << 6 * _BYTE_SHIFT
        | t[h >> 56 & 255] << 7 * _BYTE_SHIFT
    )


#: Only the opening of an article is fingerprinted: syndicated copies share it, and it keeps
#: the cost per article flat (a 4 KB article took 0.85 ms whole, a third of the crawler's CPU).
PREFIX_CHARS = 2000


def simhash(text: str) -> int:
    """64-bit SimHash of the first `PREFIX_CHARS` characters of `text`; 0 without words."""
    features = shingles(text[:PREFIX_CHARS])
    total = sum(features.values())
    lanes = sum(count * _spread(_hash64(feature)) for feature, count in features.items())
    fingerprint = 0
    for bit in range(BITS):
        # A bit is set when the shingles having it outweigh those that don't.
        if 2 * (lanes >> (_LANE * bit) & _LANE_MASK) > total:
            fingerprint |= 1 << bit
    return fingerprint


def hamming(a: int, b: int) -> int:
    """Number of differing bits."""
    return ((a ^ b) & _MASK).bit_count()


class NearDuplicateIndex:
    """Fingerprints of recent articles; `find` returns the id of a near-duplicate.

    Split into `max_distance + 1` bands, two fingerprints within `max_distance` bits
    agree exactly on at least one band (pigeonhole), so a lookup only compares against
    the few fingerprints sharing a band value, not against all of them.
    """

    def __init__(self, max_distance: int = 3) -> None:
        if not 0 <= max_distance < 16:
            raise ValueError("max_distance must be between 0 and 15")
        self.max_distance = max_distance
        bands = max_distance + 1
        edges = [round(i * BITS / bands) for i in range(bands + 1)]
        self._bands = [(lo, (1 << (hi - lo)) - 1) for lo, hi in itertools.pairwise(edges)]
        self._buckets: dict[tuple[int, int], set[str]] = {}
        self._items: dict[str, tuple[int, float]] = {}

    def __len__(self) -> int:
        return len(self._items)

    def _keys(self, fingerprint: int) -> list[tuple[int, int]]:
        return [(i, fingerprint >> lo & mask) for i, (lo, mask) in enumerate(self._bands)]

    def add(self, article_id: str, fingerprint: int, seen_at: float) -> None:
        if article_id in self._items:
            self._remove(article_id)
        self._items[article_id] = (fingerprint, seen_at)
        for key in self._keys(fingerprint):
            self._buckets.setdefault(key, set()).add(article_id)

    def find(self, fingerprint: int) -> str | None:
        """The closest (then earliest seen) article within `max_distance` bits, if any."""
        best: tuple[int, float, str] | None = None
        for key in self._keys(fingerprint):
            for candidate in self._buckets.get(key, ()):
                other, seen_at = self._items[candidate]
                distance = hamming(fingerprint, other)
                if distance <= self.max_distance:
                    rank = (distance, seen_at, candidate)
                    if best is None or rank < best:
                        best = rank
        return best[2] if best else None

    def prune(self, older_than: float) -> int:
        """Forget fingerprints first seen before `older_than`; returns how many."""
        old = [i for i, (_, seen_at) in self._items.items() if seen_at < older_than]
        for article_id in old:
            self._remove(article_id)
        return len(old)

    def _remove(self, article_id: str) -> None:
        fingerprint, _ = self._items.pop(article_id)
        for key in self._keys(fingerprint):
            bucket = self._buckets.get(key)
            if bucket is not None:
                bucket.discard(article_id)
                if not bucket:
                    del self._buckets[key]

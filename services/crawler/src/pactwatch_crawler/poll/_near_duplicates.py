"""Step 5, the near-duplicate check: a syndicated copy (the same press release on another
site) is still published, with `duplicate_of` naming the first copy's id.

The text's SimHash (`neardup.py`) is looked up in the shared window (14 days, fed by the
seen topic) and among the articles of this batch before it.
"""

from __future__ import annotations

import structlog

from pactwatch_schemas import Article

from .. import metrics
from ..neardup import NearDuplicateIndex, hamming, simhash
from ..sources import Source
from ._cpu import CpuThread

log = structlog.get_logger("pactwatch.crawler")


async def mark_near_duplicates(
    source: Source,
    articles: list[Article],
    *,
    index: NearDuplicateIndex,
    cpu: CpuThread,
    max_distance: int,
    min_chars: int,
) -> tuple[list[Article], dict[str, int]]:
    """The articles, `duplicate_of` set on copies, and the originals' fingerprints (by
    article id) for the index once they are published. Texts shorter than `min_chars`
    get no fingerprint: too little to tell a copy from a lookalike."""
    hashes = await cpu.run(
        lambda: [simhash(a.text) if len(a.text) >= min_chars else None for a in articles]
    )
    batch: list[tuple[str, int]] = []
    out: list[Article] = []
    fingerprints: dict[str, int] = {}
    for article, fingerprint in zip(articles, hashes, strict=True):
        if fingerprint is None:
            out.append(article)
            continue
        first = index.find(fingerprint)
        if first is None:
            first = next((i for i, f in batch if hamming(f, fingerprint) <= max_distance), None)
        if first is not None and first != article.id:
            metrics.NEAR_DUPLICATES.labels(source.id).inc()
            log.info("near_duplicate", source=source.id, article=article.id, duplicate_of=first)
            out.append(article.model_copy(update={"duplicate_of": first}))
            continue
        batch.append((article.id, fingerprint))
        fingerprints[article.id] = fingerprint
        out.append(article)
    return out, fingerprints

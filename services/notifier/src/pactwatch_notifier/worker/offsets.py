"""Offsets of the assigned partitions: which records are still being worked on, and how far
each partition may be committed.

Records are worked on concurrently and finish in any order, so a partition is committed up
to its first record not yet finished (or up to the next record to read when none is
pending): a crash replays only unfinished work. Pure bookkeeping, no Kafka calls: the
engine commits what `to_commit()` says and reports back with `committed()`.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiokafka import TopicPartition


class PartitionOffsets:
    """One partition: the offsets taken and not yet finished, and the commit point.

    A task holds on to this object, not to its partition's name: when the partition is
    revoked and assigned again, a late task of the old assignment finishes in the old object
    and cannot mark a record of the new one as done.
    """

    __slots__ = ("committed", "next_offset", "pending")

    def __init__(self) -> None:
        self.pending: set[int] = set()
        self.next_offset: int | None = None
        self.committed: int | None = None

    def take(self, offset: int) -> None:
        self.pending.add(offset)
        self.next_offset = offset + 1

    def finish(self, offset: int) -> None:
        self.pending.discard(offset)

    def commit_point(self) -> int | None:
        """Everything below this offset is finished (None: nothing taken yet)."""
        if self.next_offset is None:
            return None
        return min(self.pending) if self.pending else self.next_offset


class Offsets:
    """Every assigned partition's `PartitionOffsets`."""

    def __init__(self) -> None:
        self._partitions: dict[TopicPartition, PartitionOffsets] = {}

    def partition(self, tp: TopicPartition) -> PartitionOffsets:
        """The partition's offsets, new when it was not taken from since its assignment."""
        offsets = self._partitions.get(tp)
        if offsets is None:
            offsets = self._partitions[tp] = PartitionOffsets()
        return offsets

    def owners(self, tps: Iterable[TopicPartition]) -> list[PartitionOffsets]:
        """The current assignment's bookkeeping of these partitions (what their tasks hold)."""
        return [self._partitions[tp] for tp in tps if tp in self._partitions]

    def to_commit(self, only: Iterable[TopicPartition] | None = None) -> dict[TopicPartition, int]:
        """The commit points that moved since the last commit (of `only` these partitions)."""
        wanted = None if only is None else set(only)
        offsets: dict[TopicPartition, int] = {}
        for tp, track in self._partitions.items():
            if wanted is not None and tp not in wanted:
                continue
            point = track.commit_point()
            if point is not None and point != track.committed:
                offsets[tp] = point
        return offsets

    def committed(self, offsets: dict[TopicPartition, int]) -> None:
        """The broker took these commits (a partition revoked meanwhile is not brought back)."""
        for tp, offset in offsets.items():
            track = self._partitions.get(tp)
            if track is not None:
                track.committed = offset

    def forget(self, tps: Iterable[TopicPartition]) -> None:
        """Revoked partitions: their next owner starts from the committed offset."""
        for tp in tps:
            self._partitions.pop(tp, None)

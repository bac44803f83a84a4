"""Offset bookkeeping: a partition is committed up to its first unfinished record, whatever
order the records finish in, and a revoked partition's late finishers change nothing."""

from __future__ import annotations

import pytest
from aiokafka import TopicPartition

from pactwatch_notifier.worker.offsets import Offsets

pytestmark = pytest.mark.unit

EVENTS = TopicPartition("events", 0)
RETRY = TopicPartition("retry", 3)


def test_nothing_taken_nothing_to_commit() -> None:
    offsets = Offsets()
    offsets.partition(EVENTS)
    assert offsets.to_commit() == {}


def test_the_commit_point_is_the_first_unfinished_record() -> None:
    offsets = Offsets()
    part = offsets.partition(EVENTS)
    for offset in (10, 11, 12):
        part.take(offset)
    assert offsets.to_commit() == {EVENTS: 10}  # nothing below 10 is left to do
    part.finish(11)  # out of order: 10 still holds the partition back
    assert offsets.to_commit() == {EVENTS: 10}
    part.finish(10)
    assert offsets.to_commit() == {EVENTS: 12}
    part.finish(12)
    assert offsets.to_commit() == {EVENTS: 13}  # all done: up to the next record to read


def test_only_what_moved_is_committed_again() -> None:
    offsets = Offsets()
    events, retry = offsets.partition(EVENTS), offsets.partition(RETRY)
    events.take(5)
    retry.take(7)
    events.finish(5)
    assert offsets.to_commit() == {EVENTS: 6, RETRY: 7}
    assert offsets.to_commit(only={RETRY}) == {RETRY: 7}
    offsets.committed({EVENTS: 6, RETRY: 7})
    assert offsets.to_commit() == {}
    retry.finish(7)
    assert offsets.to_commit() == {RETRY: 8}


def test_a_revoked_partition_starts_afresh() -> None:
    offsets = Offsets()
    old = offsets.partition(EVENTS)
    old.take(3)
    offsets.forget({EVENTS})
    offsets.committed({EVENTS: 4})  # a commit that lands after the revocation: ignored
    assert offsets.to_commit() == {}
    new = offsets.partition(EVENTS)
    assert new is not old
    new.take(3)  # read again from the committed offset
    old.finish(3)  # the old assignment's task finishes late
    assert offsets.to_commit() == {EVENTS: 3}  # the re-read record is still being worked on

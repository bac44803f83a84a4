"""The garbage collector tuned for a streaming service: a young generation large enough that
a record's objects die young, and start-up's objects frozen.

CPython's default starts a young collection once 700 more container objects exist than
were freed. A worker keeps thousands of records in flight, and each record's objects (its
message, tasks, futures, an HTTP request) live for the tens of milliseconds its work takes,
so at the default many are still alive at a young collection, are moved to the older
generations, die there, and make the full collections frequent and long. In the notifier's
bench (`bench/bench_notifier.py`, PostgreSQL) the collector took 3.0 s of the process's
14.0 s of CPU, 2.3 s of it in 18 full collections of about 125 ms each, which showed in
the p99 too; with a young generation of 10,000 it took 0.3 s in 3 full collections. Freezing
what start-up made (modules, classes, schemas, compiled patterns) keeps every full
collection from walking it again.
"""

from __future__ import annotations

import gc

#: Net new container objects between young collections (CPython's default: 700), and how
#: many young (then middle) collections go before one of the next generation (default 10, 10).
THRESHOLDS = (10_000, 20, 10)


def tune_gc() -> None:
    """Call once, after start-up's imports and before the service's loop starts."""
    gc.collect()  # start-up's garbage goes now, not frozen with the rest
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)

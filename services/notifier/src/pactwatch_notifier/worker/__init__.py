"""The delivery worker, cut into its steps:

    engine.py    the consume loop: records in, flow control, commits (offsets.py), revocation
    held.py      retry records held until they are due
    deliver.py   one delivery: match → claim (ledger.py) → attempt (send.py) → decide
                 (retry.py) → make the outcome durable (ledger.py, publish.py, recorder.py)
    ledger.py    the delivery ledger shared by the replicas, requests batched
    live.py      the live subscriptions, refreshed from the store
    wiring.py    every piece built from the settings, and the order they stop in

`__main__` opens the store and the Kafka clients and runs a `Worker`.
"""

from .wiring import Worker

__all__ = ["Worker"]

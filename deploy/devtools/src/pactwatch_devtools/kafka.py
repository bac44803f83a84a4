"""A real single-node Kafka broker for tests, run by deploy/kafka/kafka.sh.

Stdlib only, so it can be imported from conftest.py or any script:

    from pactwatch_devtools.kafka import KafkaBroker

    with KafkaBroker() as broker:          # free ports, temporary data dir
        use(broker.bootstrap)              # "127.0.0.1:<port>"
        broker.stop()                      # the same broker can be stopped ...
        broker.start()                     # ... and started again: same port, same data

The first start on a machine resolves the Kafka jars with Maven (once).
"""

from __future__ import annotations

import importlib.util
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[4]
KAFKA_SH = REPO_ROOT / "deploy" / "kafka" / "kafka.sh"


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(exclude: tuple[int, ...] = ()) -> int:
    """A free TCP port on 127.0.0.1 below the kernel's ephemeral range.

    Not bind(0): that hands out an ephemeral port, and while the broker is
    stopped (tests stop it for a while) a client's outgoing connection may be
    given the same port, or a reconnecting client may even connect to itself
    on it, and the broker could then not bind it again.
    """
    low, _ = _ephemeral_range()
    candidates = range(max(1024, low - 12000), low)
    for _ in range(200):
        port = random.choice(candidates)
        if port not in exclude and _port_free(port):
            return port
    raise RuntimeError("no free port found below the ephemeral range")


class KafkaBroker:
    """One broker (KRaft, broker+controller in one JVM) on 127.0.0.1.

    port / controller_port: picked once if None, then kept, so a restart
    comes back at the same address. data_dir: a temporary folder if None
    (removed by close() / leaving the with-block); a given folder is kept.
    topics: overrides PACTWATCH_TOPICS ("name:partitions,...") for start().
    """

    def __init__(
        self,
        port: int | None = None,
        data_dir: Path | None = None,
        *,
        controller_port: int | None = None,
        topics: str | None = None,
        timeout: float = 300,
    ) -> None:
        self.port = port
        self.controller_port = controller_port
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self._owns_data_dir = data_dir is None
        self.topics = topics
        self.timeout = timeout  # for one kafka.sh call; the first may fetch jars

    @property
    def bootstrap(self) -> str:
        if self.port is None:
            raise RuntimeError("broker has no port yet: call start() first")
        return f"127.0.0.1:{self.port}"

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        # Use the interpreter running the tests for readiness checks and topic
        # creation when it has aiokafka (kafka.sh defaults to .venv/bin/python).
        if "KAFKA_PYTHON" not in env and importlib.util.find_spec("aiokafka") is not None:
            env["KAFKA_PYTHON"] = sys.executable
        if self.topics is not None:
            env["PACTWATCH_TOPICS"] = self.topics
        return env

    def _run(self, *args: str) -> str:
        cmd = ["bash", str(KAFKA_SH), *args]
        proc = subprocess.run(
            cmd,
            cwd=REPO_ROOT,
            env=self._env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=self.timeout,
        )
        if proc.returncode != 0:
            raise RuntimeError(
                f"{' '.join(cmd)} failed with exit code {proc.returncode}\n"
                f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
            )
        return proc.stdout

    def start(self) -> KafkaBroker:
        """Start (or restart) the broker; returns once clients can use it and
        the topics exist. A no-op if it is already running."""
        if self.data_dir is None:
            self.data_dir = Path(tempfile.mkdtemp(prefix="pactwatch-kafka-"))
        if self.port is None:
            self.port = free_port()
        if self.controller_port is None:
            self.controller_port = free_port(exclude=(self.port,))
        self._run(
            "start",
            "--port",
            str(self.port),
            "--controller-port",
            str(self.controller_port),
            "--data-dir",
            str(self.data_dir),
        )
        return self

    def stop(self) -> None:
        """Stop the broker (SIGTERM, SIGKILL after 30 s); data is kept."""
        if self.data_dir is not None:
            self._run("stop", "--data-dir", str(self.data_dir))

    def is_running(self) -> bool:
        if self.data_dir is None:
            return False
        proc = subprocess.run(
            ["bash", str(KAFKA_SH), "status", "--data-dir", str(self.data_dir)],
            cwd=REPO_ROOT,
            capture_output=True,
            timeout=30,
        )
        return proc.returncode == 0

    def close(self) -> None:
        """Stop the broker and remove its data dir if it was a temporary one."""
        try:
            self.stop()
        finally:
            if self._owns_data_dir and self.data_dir is not None:
                shutil.rmtree(self.data_dir, ignore_errors=True)
                self.data_dir = None

    def __enter__(self) -> KafkaBroker:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        address = self.bootstrap if self.port else None
        return f"KafkaBroker(bootstrap={address!r}, data_dir={self.data_dir!s})"

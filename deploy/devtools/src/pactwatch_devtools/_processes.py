"""Services as real child processes, as an operator would run them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServiceProcess:
    """One service started from its console script, with its own env and log file."""

    def __init__(
        self,
        name: str,
        command: list[str],
        env: dict[str, str],
        http_port: int,
        log_path: Path,
    ) -> None:
        self.name = name
        self.command = command
        self.env = {**os.environ, **env}
        self.http_port = http_port
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    @classmethod
    def pactwatch(
        cls, name: str, env: dict[str, str], *, data_dir: Path, log_path: Path
    ) -> ServiceProcess:
        """A Pactwatch service (`crawler`, `classifier`, `notifier`) from the console script
        beside this interpreter, on a free port, with its data under `data_dir` unless `env`
        says otherwise."""
        port = free_port()
        prefix = f"PACTWATCH_{name.upper()}_"
        return cls(
            name,
            [str(Path(sys.executable).parent / f"pactwatch-{name}")],
            {prefix + "DATA_DIR": str(data_dir), **env, prefix + "HTTP_PORT": str(port)},
            port,
            log_path,
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self, wait: float = 60.0) -> ServiceProcess:
        """Start the process and wait until its `/healthz` answers."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            self.command, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.proc.returncode}:\n{self.tail()}"
                )
            try:
                if httpx.get(self.base_url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} not healthy within {wait}s:\n{self.tail()}")

    def metric(self, name: str, labels: dict[str, str] | None = None) -> float:
        """Sum of a metric's samples on `/metrics` whose labels include `labels`."""
        text = httpx.get(self.base_url + "/metrics", timeout=5).text
        total = 0.0
        for line in text.splitlines():
            if line.startswith("#") or not line.startswith(name):
                continue
            head, _, value = line.rpartition(" ")
            sample, _, label_text = head.partition("{")
            if sample != name:
                continue
            if labels and not all(f'{k}="{v}"' in label_text for k, v in labels.items()):
                continue
            total += float(value)
        return total

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, wait for a clean exit; returns the exit code (SIGKILL after `timeout`)."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise TimeoutError(
                f"{self.name} ignored SIGTERM for {timeout}s:\n{self.tail()}"
            ) from None

    def kill(self) -> None:
        """SIGKILL: the crash an operator cannot prevent."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text("utf-8", "replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"

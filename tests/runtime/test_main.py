"""A service's entry point: a bad setting or a named start-up failure ends in one clear line
and its exit status, never a traceback; anything unnamed still raises; the service runs
with the collector tuned (`_gc.py`)."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator

import pytest
from pydantic_settings import SettingsConfigDict

from pactwatch_runtime import ServiceSettings, run_service
from pactwatch_runtime._gc import THRESHOLDS

pytestmark = pytest.mark.unit


class DemoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PACTWATCH_DEMO_", extra="ignore")
    batch_size: int = 10


class BadBootstrapFile(Exception):
    pass


@pytest.fixture(autouse=True)
def _collector_as_it_was() -> Iterator[None]:
    """`run_service` tunes this process's collector: give the other tests the default back."""
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_the_service_runs_with_the_collector_tuned() -> None:
    seen: list[tuple[tuple[int, int, int], int]] = []

    async def run(settings: DemoSettings) -> None:
        seen.append((gc.get_threshold(), gc.get_freeze_count()))

    assert gc.get_threshold() != THRESHOLDS
    run_service("pactwatch-demo", DemoSettings, run)
    [(thresholds, frozen)] = seen
    assert thresholds == THRESHOLDS
    assert frozen > 1000  # start-up's objects (modules, classes) are left out of collections


def test_bad_setting_names_the_variable_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PACTWATCH_DEMO_BATCH_SIZE", "many")
    ran: list[DemoSettings] = []

    async def run(settings: DemoSettings) -> None:
        ran.append(settings)

    with pytest.raises(SystemExit) as exited:
        run_service("pactwatch-demo", DemoSettings, run)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("pactwatch-demo: bad settings:") and "batch_size" in err
    assert ran == []


def test_runs_with_the_settings_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACTWATCH_DEMO_BATCH_SIZE", "7")
    ran: list[int] = []

    async def run(settings: DemoSettings) -> None:
        ran.append(settings.batch_size)

    run_service("pactwatch-demo", DemoSettings, run)
    assert ran == [7]


def test_a_named_failure_is_logged_as_its_event_with_its_status(
    capsys: pytest.CaptureFixture[str],
) -> None:
    async def run(settings: DemoSettings) -> None:
        raise BadBootstrapFile("sources.yaml: entry 3: no url" + "x" * 2000)

    with pytest.raises(SystemExit) as exited:
        run_service(
            "pactwatch-demo",
            DemoSettings,
            run,
            fatal={ValueError: ("other", 1), BadBootstrapFile: ("bad_bootstrap_file", 3)},
        )
    assert exited.value.code == 3
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    (logged,) = [line for line in lines if line.get("event") == "bad_bootstrap_file"]
    assert logged["error"].startswith("sources.yaml: entry 3: no url")
    assert len(logged["error"]) == 1000


def test_an_unnamed_failure_is_a_bug_and_raises() -> None:
    async def run(settings: DemoSettings) -> None:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        run_service("pactwatch-demo", DemoSettings, run, fatal={BadBootstrapFile: ("bad", 2)})

"""Logs: our events and the libraries' records as one JSON object per line on stdout."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from pactwatch_runtime import configure_logging, logging_config

pytestmark = pytest.mark.unit


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    quiet = {name: logging.getLogger(name).level for name in ("aiokafka", "faust")}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)
    structlog.reset_defaults()


def lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_events_and_library_records_are_json_lines(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", "json")
    structlog.get_logger("pactwatch.test").info("started", sources=3)
    logging.getLogger("somelib").warning("plain %s record", "stdlib")
    logging.getLogger("aiokafka").info("chatty")  # quiet below WARNING
    logging.getLogger("aiokafka").warning("but warnings show")
    ours, theirs, warning = lines(capsys.readouterr().out)
    assert ours["event"] == "started" and ours["sources"] == 3
    assert ours["level"] == "info" and ours["logger"] == "pactwatch.test"
    assert str(ours["timestamp"]).endswith("Z")
    assert theirs["event"] == "plain stdlib record" and theirs["level"] == "warning"
    assert warning["event"] == "but warnings show" and warning["logger"] == "aiokafka"


def test_console_format_is_for_people(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("DEBUG", "console")
    structlog.get_logger("pactwatch.test").debug("polled", source="s1")
    out = capsys.readouterr().out
    assert "polled" in out and "source=s1" in out and not out.lstrip().startswith("{")


def test_a_stricter_level_also_quiets_the_libraries(restore_logging: None) -> None:
    configure_logging("ERROR")
    assert logging.getLogger("aiokafka").level == logging.ERROR
    assert logging_config("ERROR")["loggers"]["faust"] == {"level": "ERROR"}
    assert logging_config("INFO")["loggers"]["faust"] == {"level": "WARNING"}


def test_the_dict_config_renders_the_same_json(restore_logging: None) -> None:
    config = logging_config("INFO", "json")
    assert config["root"] == {"handlers": ["stdout"], "level": "INFO"}
    spec = dict(config["formatters"]["structured"])
    formatter = spec.pop("()")(**spec)
    record = logging.LogRecord("faust", logging.WARNING, __file__, 1, "worker %s", ("up",), None)
    line = json.loads(formatter.format(record))
    assert line["event"] == "worker up" and line["logger"] == "faust"


def test_events_below_the_level_skip_the_processors(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """Filtered where they are made, not after their timestamp and context were built."""
    configure_logging("WARNING")
    log = structlog.get_logger("pactwatch.test").bind()
    assert not log.is_enabled_for(logging.INFO) and log.is_enabled_for(logging.WARNING)
    log.info("delivered", n=1)
    log.warning("slow", n=2)
    (only,) = lines(capsys.readouterr().out)
    assert only["event"] == "slow" and only["level"] == "warning"

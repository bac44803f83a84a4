"""`ServiceSettings` and `shared_env`: a service's own variables, and the shared ones."""

from __future__ import annotations

import pytest
from pydantic import Field, ValidationError
from pydantic_settings import SettingsConfigDict

from pactwatch_runtime import ServiceSettings, shared_env

pytestmark = pytest.mark.unit

_shared = shared_env("PACTWATCH_EXAMPLE_")


class ExampleSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PACTWATCH_EXAMPLE_")

    kafka_bootstrap: str = Field("127.0.0.1:9092", validation_alias=_shared("KAFKA_BOOTSTRAP"))
    http_port: int = 8999


def test_defaults() -> None:
    settings = ExampleSettings()
    assert (settings.http_host, settings.log_level, settings.log_format) == (
        "127.0.0.1",
        "INFO",
        "json",
    )
    assert settings.kafka_bootstrap == "127.0.0.1:9092"


def test_base_settings_are_read_under_the_services_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACTWATCH_EXAMPLE_HTTP_HOST", "0.0.0.0")
    monkeypatch.setenv("PACTWATCH_EXAMPLE_LOG_FORMAT", "console")
    monkeypatch.setenv("PACTWATCH_LOG_FORMAT", "json")  # not a shared setting: ignored
    settings = ExampleSettings()
    assert settings.http_host == "0.0.0.0" and settings.log_format == "console"


def test_a_shared_setting_takes_the_services_own_variable_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PACTWATCH_KAFKA_BOOTSTRAP", "kafka:9092")
    assert ExampleSettings().kafka_bootstrap == "kafka:9092"
    monkeypatch.setenv("PACTWATCH_EXAMPLE_KAFKA_BOOTSTRAP", "other:9092")
    assert ExampleSettings().kafka_bootstrap == "other:9092"


def test_other_services_variables_are_ignored_and_bad_values_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PACTWATCH_EXAMPLE_NOT_A_SETTING", "x")
    ExampleSettings()
    monkeypatch.setenv("PACTWATCH_EXAMPLE_LOG_FORMAT", "xml")
    with pytest.raises(ValidationError, match="log_format"):
        ExampleSettings()

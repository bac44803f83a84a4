"""docker-compose.yml checked without a Docker engine: schema, build files, mounts, settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic_settings import BaseSettings

from pactwatch_classifier.core.config import Settings as ClassifierSettings
from pactwatch_crawler.core.config import Settings as CrawlerSettings
from pactwatch_notifier.core.config import Settings as NotifierSettings

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"
SETTINGS: dict[str, type[BaseSettings]] = {
    "crawler": CrawlerSettings,
    "classifier": ClassifierSettings,
    "notifier": NotifierSettings,
}


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return data


def env_names(settings: type[BaseSettings]) -> set[str]:
    """Every environment variable a settings class reads (prefixed names and aliases)."""
    prefix = str(settings.model_config.get("env_prefix", ""))
    names = set()
    for name, field in settings.model_fields.items():
        alias = field.validation_alias
        choices = getattr(alias, "choices", None)
        if choices:
            names.update(str(c).upper() for c in choices)
        else:
            names.add((prefix + name).upper())
    return names


def test_validates_against_the_compose_specification() -> None:
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(COMPOSE),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_build_has_its_dockerfile_and_every_mount_exists() -> None:
    for name, service in compose()["services"].items():
        build = service.get("build")
        if build:
            assert (REPO / build["context"] / build["dockerfile"]).is_file(), name
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (REPO / source).exists(), f"{name}: {source}"


def test_every_variable_set_is_one_the_service_reads() -> None:
    for name, settings in SETTINGS.items():
        service = compose()["services"][name]
        unknown = set(service.get("environment", {})) - env_names(settings)
        assert not unknown, f"{name} sets variables it never reads: {unknown}"


def test_scalable_services_have_no_fixed_names_or_host_ports() -> None:
    for name in SETTINGS:
        service = compose()["services"][name]
        assert "container_name" not in service, name
        assert "ports" not in service, name


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_dockerfile_sets_only_variables_the_service_reads(name: str) -> None:
    text = (REPO / "services" / name / "Dockerfile").read_text()
    set_vars = {
        word.split("=")[0]
        for word in text.replace("\\\n", " ").split()
        if word.startswith("PACTWATCH_") and "=" in word
    }
    assert set_vars, "the Dockerfile should set the service's bind address and port"
    assert set_vars <= env_names(SETTINGS[name])

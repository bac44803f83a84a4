"""docker-compose.yml checked without a Docker engine: schema, build files, mounts, settings."""

from __future__ import annotations

import importlib
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
SCALABLE = ["crawler", "classifier", "notifier", "notifier-api"]
PROM = REPO / "deploy" / "prometheus"


def api_settings() -> type[BaseSettings] | None:
    """The subscriptions API's settings class, if this checkout has the API yet."""
    try:
        module = importlib.import_module("pactwatch_notifier.api.config")
    except ImportError:
        return None
    settings: type[BaseSettings] = module.ApiSettings
    return settings


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


def test_every_variable_the_api_gets_is_one_it_reads() -> None:
    settings = api_settings()
    if settings is None:
        pytest.skip("pactwatch_notifier.api is not in this checkout yet")
    service = compose()["services"]["notifier-api"]
    unknown = set(service["environment"]) - env_names(settings)
    assert not unknown, f"notifier-api sets variables it never reads: {unknown}"
    assert service["entrypoint"] == ["pactwatch-notifier-api"]


def test_scalable_services_have_no_fixed_names_or_host_ports() -> None:
    for name in SCALABLE:
        service = compose()["services"][name]
        assert "container_name" not in service, name
        for port in service.get("ports", []):
            # Only a host port range: each scaled replica takes its own port from it.
            host = str(port).rsplit(":", 1)[0]
            assert "-" in host, f"{name} publishes a fixed host port: {port}"


def test_every_long_running_service_has_a_health_check_and_a_restart_policy() -> None:
    for name, service in compose()["services"].items():
        if name == "kafka-topics":  # a one-shot job
            assert service["restart"] == "no"
            continue
        assert service.get("restart") == "unless-stopped", name
        if name != "mailpit":
            assert "test" in service.get("healthcheck", {}), name


def test_workers_and_api_share_the_postgres_database() -> None:
    services = compose()["services"]
    urls = {
        services[name]["environment"]["PACTWATCH_NOTIFIER_DATABASE_URL"]
        for name in ("notifier", "notifier-api")
    }
    (url,) = urls
    assert url.startswith("postgresql+psycopg://") and "@postgres:5432/" in url
    env = services["postgres"]["environment"]
    assert url.endswith(f"/{env['POSTGRES_DB']}")
    assert f"{env['POSTGRES_USER']}:{env['POSTGRES_PASSWORD']}@" in url
    assert services["notifier"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_prometheus_scrapes_each_service_on_the_port_its_image_serves() -> None:
    services = compose()["services"]
    mounts = services["prometheus"]["volumes"]
    assert "./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro" in mounts
    assert "./deploy/prometheus/rules:/etc/prometheus/rules:ro" in mounts
    config = yaml.safe_load((PROM / "prometheus.yml").read_text())
    targets = {
        sd["names"][0]: sd["port"]
        for job in config["scrape_configs"]
        for sd in job.get("dns_sd_configs", [])
    }
    assert set(targets) == set(SCALABLE)
    for name in SETTINGS:
        dockerfile = (REPO / "services" / name / "Dockerfile").read_text()
        assert f"PACTWATCH_{name.upper()}_HTTP_PORT={targets[name]}" in dockerfile, name
        assert name in services
    api_env = services["notifier-api"]["environment"]
    assert api_env["PACTWATCH_NOTIFIER_API_PORT"] == str(targets["notifier-api"])
    assert api_env["PACTWATCH_NOTIFIER_API_HOST"] == "0.0.0.0"


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

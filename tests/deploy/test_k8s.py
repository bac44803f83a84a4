"""Kubernetes manifests rendered by the real kustomize (deploy/testenv/kustomize.sh builds it
when missing), validated against the Kubernetes schemas (kubernetes-validate, no cluster), and
checked structurally: every Deployment has probes on the health endpoints, resources, a
Service, a PodDisruptionBudget and one autoscaler; KEDA never scales past the partitions."""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from pydantic_settings import BaseSettings

from pactwatch_classifier.core.config import Settings as ClassifierSettings
from pactwatch_crawler.core.config import Settings as CrawlerSettings
from pactwatch_notifier.core.config import Settings as NotifierSettings

from .test_compose import api_settings, env_names

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
OVERLAYS = ["dev", "prod"]
K8S_VERSION = "1.30.0"
# Partitions of the topic each consumer group reads (deploy/kafka, docker-compose.yml).
PARTITIONS = {"pactwatch.articles": 6, "pactwatch.events": 6}
PORTS = {
    "pactwatch-crawler": 8001,
    "pactwatch-classifier": 8002,
    "pactwatch-notifier": 8003,
    "pactwatch-notifier-api": 8004,
}
KEDA_SCALED = {"pactwatch-classifier", "pactwatch-notifier"}


@functools.cache
def kustomize() -> str:
    result = subprocess.run(
        ["bash", str(REPO / "deploy" / "testenv" / "kustomize.sh")],
        capture_output=True,
        text=True,
        check=False,
        timeout=280,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@functools.cache
def render(overlay: str) -> tuple[dict[str, Any], ...]:
    result = subprocess.run(
        [kustomize(), "build", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def of_kind(overlay: str, kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in render(overlay) if d["kind"] == kind}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_manifest_is_valid_kubernetes(overlay: str) -> None:
    checked = 0
    for doc in render(overlay):
        if doc["apiVersion"].startswith("keda.sh/"):
            continue  # a CRD: checked structurally below
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
        checked += 1
    assert checked >= 4 * 4  # a Deployment, Service, PDB per service, HPAs, config


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_is_its_own_deployment_with_probes_resources_service_and_pdb(
    overlay: str,
) -> None:
    deployments = of_kind(overlay, "Deployment")
    assert set(deployments) == set(PORTS)
    services = of_kind(overlay, "Service")
    pdbs = of_kind(overlay, "PodDisruptionBudget")
    for name, deployment in deployments.items():
        labels = deployment["spec"]["selector"]["matchLabels"]
        pod = deployment["spec"]["template"]
        assert labels.items() <= pod["metadata"]["labels"].items(), name
        assert pod["metadata"]["annotations"]["prometheus.io/port"] == str(PORTS[name])
        (container,) = pod["spec"]["containers"]
        (port,) = container["ports"]
        assert port["containerPort"] == PORTS[name]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz", name
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz", name
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(container["resources"][kind]), (name, kind)
        # The configuration comes from the ConfigMap (and the Secret where needed).
        sources = {next(iter(ref)) for ref in container["envFrom"]}
        assert "configMapRef" in sources, name
        service = services[name]
        assert service["spec"]["selector"] == labels, name
        assert service["spec"]["ports"][0]["port"] == PORTS[name]
        assert pdbs[name]["spec"]["selector"]["matchLabels"] == labels, name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_deployment_has_exactly_one_autoscaler_that_watches_cpu(overlay: str) -> None:
    hpas = {
        h["spec"]["scaleTargetRef"]["name"]: h
        for h in of_kind(overlay, "HorizontalPodAutoscaler").values()
    }
    scaled = {
        s["spec"]["scaleTargetRef"]["name"]: s for s in of_kind(overlay, "ScaledObject").values()
    }
    assert not set(hpas) & set(scaled), "an HPA and a ScaledObject on one Deployment fight"
    assert set(hpas) | set(scaled) == set(PORTS)
    assert set(scaled) == KEDA_SCALED
    for name, hpa in hpas.items():
        (metric,) = hpa["spec"]["metrics"]
        assert metric["resource"]["name"] == "cpu", name
        assert hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"], name
    for name, obj in scaled.items():
        types = {t["type"] for t in obj["spec"]["triggers"]}
        assert types == {"kafka", "cpu"}, name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_lag_scaling_never_exceeds_the_topics_partitions(overlay: str) -> None:
    deployments = of_kind(overlay, "Deployment")
    for name, obj in of_kind(overlay, "ScaledObject").items():
        spec = obj["spec"]
        assert spec["scaleTargetRef"]["name"] in deployments
        (kafka,) = [t["metadata"] for t in spec["triggers"] if t["type"] == "kafka"]
        assert kafka["consumerGroup"] == name  # the services' default group ids
        assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"]
        assert spec["maxReplicaCount"] <= PARTITIONS[kafka["topic"]], name
        # KEDA reads the bootstrap address from the target container's environment.
        assert kafka["bootstrapServersFromEnv"] == "PACTWATCH_KAFKA_BOOTSTRAP"


def test_prod_runs_two_replicas_at_least_and_pins_images() -> None:
    for hpa in of_kind("prod", "HorizontalPodAutoscaler").values():
        assert hpa["spec"]["minReplicas"] >= 2
    for obj in of_kind("prod", "ScaledObject").values():
        assert obj["spec"]["minReplicaCount"] >= 2
    for deployment in of_kind("prod", "Deployment").values():
        image = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
        assert image.rsplit(":", 1)[1] not in ("latest", "dev"), image


def all_env_names() -> set[str]:
    settings: list[type[BaseSettings]] = [CrawlerSettings, ClassifierSettings, NotifierSettings]
    api = api_settings()
    if api is not None:
        settings.append(api)
    return set().union(*(env_names(s) for s in settings))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_configured_variable_is_one_a_service_reads(overlay: str) -> None:
    known = all_env_names()
    (config,) = [c for n, c in of_kind(overlay, "ConfigMap").items() if "config" in n]
    assert not set(config["data"]) - known
    for deployment in of_kind(overlay, "Deployment").values():
        for env in deployment["spec"]["template"]["spec"]["containers"][0].get("env", []):
            assert env["name"] in known, env["name"]
    example = (K8S / "secrets.example.env").read_text().splitlines()
    keys = {line.split("=")[0] for line in example if line and not line.startswith("#")}
    assert keys and not keys - known


def test_secrets_come_from_a_secret_generated_in_dev_and_provided_in_prod() -> None:
    dev_secrets = of_kind("dev", "Secret")
    assert len(dev_secrets) == 1
    (dev_name,) = dev_secrets
    assert not of_kind("prod", "Secret"), "production secrets never live in the repository"
    for overlay, expected in (("dev", dev_name), ("prod", "pactwatch-secrets")):
        for name in ("pactwatch-notifier", "pactwatch-notifier-api"):
            container = of_kind(overlay, "Deployment")[name]["spec"]["template"]["spec"][
                "containers"
            ][0]
            refs = [r["secretRef"]["name"] for r in container["envFrom"] if "secretRef" in r]
            assert refs == [expected], (overlay, name)

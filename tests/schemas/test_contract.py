"""JSON Schema files are the truth; the models must accept and reject the same messages."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from pydantic import BaseModel, ValidationError
from referencing import Registry, Resource

import pactwatch_schemas as ps

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
ID = "0123456789abcdef0123456789abcdef"


def _registry() -> Registry:
    resources = [
        (file, Resource.from_contents(ps.load_schema(name)))
        for name, file in ps.SCHEMA_FILES.items()
    ]
    resources += [(r.contents["$id"], r) for _, r in resources]
    return Registry().with_resources(resources)


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(
        ps.load_schema(name), registry=_registry(), format_checker=FormatChecker()
    )


def article() -> ps.Article:
    return ps.Article(
        schema_version=1,
        id=ID,
        url="https://example.org/news/1",
        title="Wuxi signs agreement",
        text="On April 28th the Wuxi Municipal Government signed a cooperation agreement.",
        source_id="wuxi-gov",
        source_tags={"region": "jiangsu"},
        language="en",
        published_at=NOW,
        fetched_at=NOW,
    )


def event() -> ps.Event:
    a = article()
    return ps.Event(
        schema_version=1,
        event_id=ID,
        type="signing",
        cameo="057",
        confidence=0.9,
        parties=["Wuxi Municipal Government", "Torch Center"],
        evidence="signed a strategic cooperation agreement",
        evidence_spans=[(0, 40)],
        locations=["Wuxi"],
        amount=ps.Amount(value=1.2e9, currency="CNY"),
        date=date(2026, 4, 28),
        sectors=["high-tech"],
        fingerprint=ID,
        article=ps.ArticleRef(
            id=a.id, url=a.url, title=a.title, source_id=a.source_id, fetched_at=a.fetched_at
        ),
        detected_at=NOW,
    )


def alert() -> ps.Alert:
    return ps.Alert(
        schema_version=1,
        type="pactwatch.alert",
        alert_id="sub-1." + ID,
        subscription_id="sub-1",
        event=event(),
        sent_at=NOW,
    )


def dead() -> ps.DeadLetter:
    d = ps.dead_letter(
        service="classifier",
        reason="invalid_json",
        error="Expecting value",
        source_topic=ps.ARTICLES_TOPIC,
        payload=b"\xffnot json",
        partition=2,
        offset=17,
        key=b"k",
    )
    return d.model_copy(update={"attempts": [ps.Attempt(at=NOW, outcome="500 from receiver")]})


def alert_with_sources() -> ps.Alert:
    e = event()
    other = e.article.model_copy(update={"id": "f" * 32, "source_id": "other-site"})
    return alert().model_copy(update={"sources": [e.article, other], "update": True})


def retry() -> ps.NotifierRetry:
    return ps.NotifierRetry(
        schema_version=1,
        subscription_id="sub-1",
        event=event(),
        attempt=2,
        not_before=NOW,
        chain="first",
        attempts=[ps.Attempt(at=NOW, outcome="https://hooks.example.org answered 503")],
    )


CASES: list[tuple[str, type[BaseModel], Any]] = [
    ("article", ps.Article, article),
    ("event", ps.Event, event),
    ("alert", ps.Alert, alert),
    ("alert", ps.Alert, alert_with_sources),
    ("dead_letter", ps.DeadLetter, dead),
    ("notifier_retry", ps.NotifierRetry, retry),
]


def _as_json(model: BaseModel) -> dict[str, Any]:
    data: dict[str, Any] = model.model_dump(mode="json")
    return data


def _accepted_by_model(model: type[BaseModel], data: dict[str, Any]) -> bool:
    try:
        model.model_validate_json(json.dumps(data))
    except ValidationError:
        return False
    return True


def _object_schemas(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Property schemas of a JSON Schema object, following local $refs."""
    ref = schema.get("$ref")
    if ref and ref.startswith("#/$defs/"):
        return _object_schemas(root["$defs"][ref.split("/")[-1]], root)
    props: dict[str, dict[str, Any]] = schema.get("properties", {})
    return props


@pytest.mark.parametrize(("name", "model", "make"), CASES, ids=[c[2].__name__ for c in CASES])
def test_fields_and_required_agree(name: str, model: type[BaseModel], make: Any) -> None:
    schema = ps.load_schema(name)
    assert set(schema["properties"]) == set(model.model_fields)
    required = {n for n, f in model.model_fields.items() if f.is_required()}
    assert set(schema["required"]) == required
    assert schema["additionalProperties"] is False
    assert model.model_config.get("extra") == "forbid"


def test_nested_objects_agree() -> None:
    event_schema = ps.load_schema("event")
    for def_name, model in (("amount", ps.Amount), ("article_ref", ps.ArticleRef)):
        sub = event_schema["$defs"][def_name]
        assert set(sub["properties"]) == set(model.model_fields), def_name
        assert set(sub["required"]) == {n for n, f in model.model_fields.items() if f.is_required()}
    for name in ("dead_letter", "notifier_retry"):
        attempt = ps.load_schema(name)["properties"]["attempts"]["items"]
        assert set(attempt["properties"]) == set(ps.Attempt.model_fields), name
        assert set(attempt["required"]) == set(ps.Attempt.model_fields), name


@pytest.mark.parametrize(("name", "model", "make"), CASES, ids=[c[2].__name__ for c in CASES])
def test_model_output_is_valid_json_schema(name: str, model: type[BaseModel], make: Any) -> None:
    message = make()
    data = _as_json(message)
    errors = list(validator(name).iter_errors(data))
    assert errors == []
    assert _accepted_by_model(model, data)
    # Round trip through the wire codec keeps every field.
    assert _as_json(ps.decode(model, ps.encode(message))) == data


def _mutations(name: str, data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Broken variants of a valid message: each must be rejected by both sides."""
    out: list[tuple[str, dict[str, Any]]] = []
    for field in ps.load_schema(name)["required"]:
        broken = copy.deepcopy(data)
        del broken[field]
        out.append((f"missing {field}", broken))
    extra = copy.deepcopy(data)
    extra["surprise"] = 1
    out.append(("extra field", extra))
    if "schema_version" in data:
        bumped = copy.deepcopy(data)
        bumped["schema_version"] = 2
        out.append(("schema_version 2", bumped))
    for field, value in data.items():
        if isinstance(value, str) and field not in {"schema_version"}:
            wrong = copy.deepcopy(data)
            wrong[field] = 12345
            out.append((f"{field} not a string", wrong))
    return out


EVENT_SPECIFIC = [
    ("confidence above 1", lambda d: d.update(confidence=1.5)),
    ("lowercase currency", lambda d: d["amount"].update(currency="cny")),
    ("negative amount", lambda d: d["amount"].update(value=-1)),
    ("unknown type", lambda d: d.update(type="handshake")),
    ("bad id", lambda d: d.update(event_id="XYZ")),
    ("span of three", lambda d: d.update(evidence_spans=[[1, 2, 3]])),
    ("negative span", lambda d: d.update(evidence_spans=[[-1, 2]])),
    ("article ref missing url", lambda d: d["article"].pop("url")),
    ("bad cameo", lambda d: d.update(cameo="x57")),
    ("naive timestamp", lambda d: d.update(detected_at="2026-11-21T10:00:00")),
    ("unix timestamp", lambda d: d.update(detected_at=1763719200)),
    ("date with time", lambda d: d.update(date="2026-04-28T10:00:00Z")),
]


@pytest.mark.parametrize(("name", "model", "make"), CASES, ids=[c[2].__name__ for c in CASES])
def test_both_reject_the_same_broken_messages(name: str, model: type[BaseModel], make: Any) -> None:
    cases = _mutations(name, _as_json(make()))
    assert len(cases) > 3
    for label, data in cases:
        by_schema = validator(name).is_valid(data)
        by_model = _accepted_by_model(model, data)
        assert by_schema == by_model, f"{name}: {label}: schema={by_schema} model={by_model}"


NOTIFIER_SPECIFIC = [
    ("alert", alert_with_sources, "source without url", lambda d: d["sources"][1].pop("url")),
    ("alert", alert_with_sources, "21 sources", lambda d: d.update(sources=d["sources"] * 11)),
    ("alert", alert_with_sources, "update not a boolean", lambda d: d.update(update="yes")),
    ("notifier_retry", retry, "attempt 0", lambda d: d.update(attempt=0)),
    ("notifier_retry", retry, "empty chain", lambda d: d.update(chain="")),
    ("notifier_retry", retry, "naive not_before", lambda d: d.update(not_before="2026-01-01T00")),
    ("notifier_retry", retry, "bad nested event", lambda d: d["event"].update(type="gossip")),
]


@pytest.mark.parametrize(
    ("name", "make", "label", "mutate"), NOTIFIER_SPECIFIC, ids=[c[2] for c in NOTIFIER_SPECIFIC]
)
def test_notifier_constraints_agree(name: str, make: Any, label: str, mutate: Any) -> None:
    model = {"alert": ps.Alert, "notifier_retry": ps.NotifierRetry}[name]
    data = _as_json(make())
    assert validator(name).is_valid(data) and _accepted_by_model(model, data)
    mutate(data)
    assert not validator(name).is_valid(data), label
    assert not _accepted_by_model(model, data), label


@pytest.mark.parametrize(("label", "mutate"), EVENT_SPECIFIC, ids=[c[0] for c in EVENT_SPECIFIC])
def test_event_constraints_agree(label: str, mutate: Any) -> None:
    data = _as_json(event())
    mutate(data)
    assert not validator("event").is_valid(data), label
    assert not _accepted_by_model(ps.Event, data), label

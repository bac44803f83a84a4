"""Reading the subscribe / manage input: JSON, or an HTML form whose lists are
comma-separated text. Both end in the same pydantic model, so the errors are the same."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from .schemas import ManageRequest, SubscribeRequest

Model = TypeVar("Model", bound=BaseModel)
_LIST_FIELDS = ("keywords", "regions", "sectors")
MAX_BODY = 64 * 1024


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


def is_json(request: Request) -> bool:
    return request.headers.get("content-type", "").split(";")[0].strip() == "application/json"


async def read_input(request: Request, model: type[Model]) -> Model:
    """The request's body as `model`; `RequestValidationError` (422) naming each problem."""
    if is_json(request):
        raw = await request.body()
        if len(raw) > MAX_BODY:
            raise RequestValidationError([_error(("body",), "the body is too large")])
        try:
            data: Any = json.loads(raw)
        except ValueError:
            raise RequestValidationError([_error(("body",), "the body is not JSON")]) from None
    else:
        form = await request.form(max_files=0, max_fields=100)
        data = {}
        for key in form:
            values = [v for v in form.getlist(key) if isinstance(v, str)]
            if key == "event_types":
                data[key] = values
            elif key in _LIST_FIELDS:
                data[key] = [term for v in values for term in _split(v)]
            elif values:
                data[key] = values[-1]
        data.pop("List-Unsubscribe", None)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None


def _error(loc: tuple[str, ...], msg: str) -> dict[str, Any]:
    return {"loc": loc, "msg": msg, "type": "value_error"}


def form_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The form-encoded variant of `model`'s JSON schema: list fields of free terms become
    one comma-separated string."""
    schema = model.model_json_schema()
    props = dict(schema["properties"])
    for name in _LIST_FIELDS:
        if name in props:
            props[name] = {
                "type": "string",
                "title": props[name].get("title", name),
                "description": "Comma-separated terms.",
                "maxLength": 10000,
            }
    return {**schema, "properties": props}


def request_body(model: type[BaseModel]) -> dict[str, Any]:
    """`openapi_extra` for a route that reads JSON or a form with `read_input`."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": model.model_json_schema()},
                "application/x-www-form-urlencoded": {"schema": form_schema(model)},
            },
        }
    }


__all__ = ["ManageRequest", "SubscribeRequest", "is_json", "read_input", "request_body"]

"""What the middleware and the shared error handlers answer, written into the OpenAPI
schema of every operation, whichever router added it.

Routes document their own outcomes; the answers every route can give come from one
place: the key check (401) and rate limit (429) on /v1, malformed JSON (400), an
oversized body (413) and invalid fields (422, as `ErrorBody`, not FastAPI's default
shape) wherever a body or parameter is read. Schemathesis holds the API to this.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic.json_schema import models_json_schema

from ..schemas import ErrorBody
from .auth import protected

_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next request.",
        "schema": {"type": "integer"},
    }
}
SECURITY_SCHEMES = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "One of REPLYGUARD_API_KEYS (no keys set: the API is open).",
    },
    "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
}


def _error(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": _ERROR_REF}},
    }
    if headers:
        response["headers"] = headers
    return response


def _is_default_422(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return bool(schema.get("$ref", "").endswith("/HTTPValidationError"))


def complete(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the shared answers and the security schemes to a generated schema."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    if "ErrorBody" not in schemas:
        _, defs = models_json_schema(
            [(ErrorBody, "serialization")], ref_template="#/components/schemas/{model}"
        )
        schemas.update(defs.get("$defs", {}))
    schema["components"]["securitySchemes"] = SECURITY_SCHEMES
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses: dict[str, Any] = operation.setdefault("responses", {})
            if "422" in responses and _is_default_422(responses["422"]):
                responses["422"] = _error("A field or parameter is missing or invalid.")
            if "requestBody" in operation:
                responses.setdefault("400", _error("The body is not valid JSON."))
                responses.setdefault("413", _error("The body is too large."))
                responses.setdefault("422", _error("A field is missing or invalid."))
            elif operation.get("parameters"):
                responses.setdefault("422", _error("A parameter is missing or invalid."))
            if protected(path):
                operation["security"] = [{"bearerAuth": []}, {"apiKeyHeader": []}]
                responses.setdefault("401", _error("No API key, or not a valid one."))
                responses.setdefault("429", _error("Too many requests.", _RETRY_AFTER))
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    return schema


def install(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if not app.openapi_schema:
            app.openapi_schema = complete(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

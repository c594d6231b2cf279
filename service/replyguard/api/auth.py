"""Who may call the API: keys from `REPLYGUARD_API_KEYS`.

A middleware, not a per-route dependency, so every route under `/v1` is covered,
whichever router adds it; `/healthz`, `/metrics`, the docs and the agent page stay
open. A key comes as `Authorization: Bearer <key>` or `X-API-Key: <key>` and is
compared in constant time (the digests of both, so not even the length leaks). With no
keys set the API is open and the service warns at start-up.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from pydantic import SecretStr
from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import error_response

PROTECTED = "/v1"


def protected(path: str) -> bool:
    return path == PROTECTED or path.startswith(PROTECTED + "/")


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8", "surrogateescape")).digest()


def key_id(key: str) -> str:
    """A short, stable name for a key, for logs and rate limits (never the key)."""
    return "key-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def presented_key(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The key from `Authorization: Bearer ...` or else `X-API-Key`, if any."""
    bearer = api_key = None
    for raw_name, raw_value in headers:
        name = raw_name.lower()
        value = raw_value.decode("latin-1").strip()
        if name == b"authorization":
            scheme, _, token = value.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                bearer = token.strip()
        elif name == b"x-api-key" and value:
            api_key = value
    return bearer or api_key


class ApiKeys:
    def __init__(self, keys: list[SecretStr]) -> None:
        secrets = [k.get_secret_value() for k in keys]
        self._digests = [(_digest(k), key_id(k)) for k in secrets]

    @property
    def enabled(self) -> bool:
        return bool(self._digests)

    def identify(self, presented: str) -> str | None:
        """The key's id when `presented` is one of the keys; every key is compared."""
        candidate = _digest(presented)
        found = None
        for digest, ident in self._digests:
            if hmac.compare_digest(candidate, digest):
                found = ident
        return found


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return f"ip:{client[0]}" if client else "ip:unknown"


class ApiKeyAuth:
    """401 for a /v1 request without a valid key; records who called in
    `scope["state"]["client_id"]` (the key's id, or the client address when open)."""

    def __init__(self, app: ASGIApp, *, keys: ApiKeys) -> None:
        self.app = app
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})
        state["client_id"] = client_address(scope)
        if self.keys.enabled and protected(scope["path"]) and scope["method"] != "OPTIONS":
            presented = presented_key(scope.get("headers") or [])
            ident = self.keys.identify(presented) if presented else None
            if ident is None:
                message = (
                    "This API needs a key: 'Authorization: Bearer <key>' or 'X-API-Key: <key>'."
                    if presented is None
                    else "The API key is not valid."
                )
                response = error_response(
                    401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"}
                )
                await response(scope, receive, send)
                return
            state["client_id"] = ident
        await self.app(scope, receive, send)

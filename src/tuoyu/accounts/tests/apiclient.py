"""Calling the API in tests the way a client does: a real token in the Authorization header."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client

from tuoyu.accounts.services import api_token_create
from tuoyu.core.scoping import SYSTEM

API = "/api/v1"


def token_for(user: Any, *, grant: Any = None, name: str = "test") -> str:
    """A fresh raw token for the user (optionally bound to one grant)."""
    _token, raw = api_token_create(actor=SYSTEM, user=user, name=name, grant=grant)
    return raw


class ApiClient:
    """A Django test client that sends JSON and, when given a user, its bearer token."""

    def __init__(self, user: Any = None, *, raw_token: str | None = None) -> None:
        if user is not None and raw_token is None:
            raw_token = token_for(user)
        headers = {"Authorization": f"Bearer {raw_token}"} if raw_token else {}
        self.raw_token = raw_token
        self.client = Client(headers=headers)

    @staticmethod
    def _url(path: str) -> str:
        return path if path.startswith("/") and path.startswith(API) else f"{API}{path}"

    def get(self, path: str, params: Any = None, **kw: Any):
        return self.client.get(self._url(path), params or {}, **kw)

    def _send(self, method: str, path: str, body: Any, **kw: Any):
        data = body if isinstance(body, str | bytes) else json.dumps(body, cls=DjangoJSONEncoder)
        return getattr(self.client, method)(self._url(path), data, content_type="application/json", **kw)

    def post(self, path: str, body: Any = None, **kw: Any):
        return self._send("post", path, {} if body is None else body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any):
        return self._send("put", path, {} if body is None else body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any):
        return self._send("patch", path, {} if body is None else body, **kw)

    def delete(self, path: str, **kw: Any):
        return self.client.delete(self._url(path), **kw)

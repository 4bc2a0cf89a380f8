"""How the API knows who is calling (security.md rule 11).

Two ways in, tried in this order:

1. `Authorization: Bearer <token>`: the token is looked up by its SHA-256 (only the hash is
   stored); a revoked or expired token, or one of a disabled account, is a 401 — it does not fall
   through to the session. A token in the query string is never read. A token bound to one grant
   narrows the user to that grant for the request.
2. The browser's signed-in session, with Django's CSRF check on unsafe methods, so the pages'
   own scripts can call the API.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from .models import ApiToken
from .services import hash_token

# last_used_at is for people reviewing their tokens ("used today?"), not an access log (that is
# the audit trail), so one write per token per 5 minutes is enough and keeps reads write-free.
LAST_USED_RESOLUTION = timedelta(minutes=5)


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer ty_…` → the token's user (security.md rule 11)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        token = token.strip()
        if not token:
            raise AuthenticationError(message=_("缺少访问令牌。"))
        row = ApiToken.objects.select_related("user").filter(key_hash=hash_token(token)).first()
        now = timezone.now()
        if row is None or row.revoked_at is not None or row.expires_at <= now or not row.user.is_active:
            # One message for unknown, revoked and expired: a caller learns nothing about a guess.
            raise AuthenticationError(message=_("访问令牌无效、已过期或已撤销。"))
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        user = row.user
        if row.grant_id is not None:
            user._token_grant_id = row.grant_id  # read by User.active_grants
        request.user = user
        request.api_token = row
        return user


class SessionCookieAuth(APIKeyCookie):
    """The signed-in browser session. Unlike ninja's `django_auth`, it looks at the session first,
    so an anonymous call gets 401 (not a CSRF 403), and a signed-in unsafe call without the CSRF
    token gets 403."""

    def __init__(self) -> None:
        self.param_name = settings.SESSION_COOKIE_NAME  # the production name is __Host-sessionid
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, _("CSRF校验失败，请刷新页面后重试。"))
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover
        return self(request)


def api_auth() -> list:
    """The default authentication of every API operation (tuoyu/api.py)."""
    return [BearerTokenAuth(), SessionCookieAuth()]

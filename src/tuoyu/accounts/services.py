"""Account writes: users, role grants and API tokens, each audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.core import audit
from tuoyu.core.errors import DomainError
from tuoyu.core.roles import ROLE_SCOPE_KIND, Role, ScopeKind

from .models import ApiToken, RoleGrant, User

MSG_SCOPE_KIND = _("角色“%(role)s”须授权在%(kind)s上。")
TOKEN_LIFETIME = timedelta(days=90)  # security.md rule 11 (setting)


@transaction.atomic
def user_create(*, actor: Any, username: str, password: str | None, display_name: str = "") -> User:
    """Create a sign-in account (no role yet; grant one with `role_grant`)."""
    user = User(username=username, display_name=display_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit.record(actor, "user_create", target=user, changes={"username": [None, username]})
    return user


@transaction.atomic
def role_grant(
    *, actor: Any, user: User, role: str, region: Any = None, institution: Any = None,
    valid_from: date | None = None, valid_until: date | None = None,
) -> RoleGrant:
    """Grant a role on a scope of the kind the role takes (a region, one institution, or none)."""
    kind = ROLE_SCOPE_KIND[role]
    ok = (
        (kind == ScopeKind.REGION and region is not None and institution is None)
        or (kind == ScopeKind.INSTITUTION and institution is not None and region is None)
        or (kind == ScopeKind.NONE and region is None and institution is None)
    )
    if not ok:
        raise DomainError(MSG_SCOPE_KIND % {"role": Role(role).label, "kind": ScopeKind(kind).label})
    grant = RoleGrant.objects.create(
        user=user, role=role, region=region, institution=institution,
        valid_from=valid_from or timezone.localdate(), valid_until=valid_until,
        granted_by=actor if isinstance(actor, User) else None,
    )
    audit.record(
        actor, "role_grant", target=user,
        region_code=region.code if region is not None else (institution.region_code if institution is not None else ""),
        institution_id=institution.pk if institution is not None else None,
        changes={"role": [None, role], "scope": [None, str(region or institution or "")]},
    )
    user.__dict__.pop("active_grants", None)
    return grant


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: Any, user: User, name: str, grant: RoleGrant | None = None) -> tuple[ApiToken, str]:
    """Issue a bearer token; returns (token row, the raw key shown once). Only the hash is kept."""
    raw = "ty_" + secrets.token_urlsafe(32)  # 256 bits
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hash_token(raw), key_prefix=raw[:8], grant=grant,
        expires_at=timezone.now() + TOKEN_LIFETIME,
    )
    audit.record(actor, "api_token_create", target=user, changes={"token": [None, token.key_prefix]})
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor, "api_token_revoke", target=token.user, changes={"token": [token.key_prefix, None]})

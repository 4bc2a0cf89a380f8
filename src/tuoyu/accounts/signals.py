"""Audit rows for sign-in, sign-out and failed sign-in (security.md rule 19).

The password is never stored; a failed attempt records only the username that was typed. Each row
carries the region (or institution) of the user's first grant, so an officer browsing the audit of
its scope sees its own people's sign-ins."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from tuoyu.core import audit
from tuoyu.core.models import AuditEntry

USERNAME_MAX = 150


def _where(user: Any) -> dict[str, Any]:
    for g in user.grants.select_related("region", "institution").order_by("pk"):
        if g.region_id:
            return {"region_code": g.region.code}
        if g.institution_id:
            return {"region_code": g.institution.region_code, "institution_id": g.institution_id}
    return {}


@receiver(user_logged_in, dispatch_uid="tuoyu_audit_login")
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(user, "login", target=user, **_where(user))


@receiver(user_logged_out, dispatch_uid="tuoyu_audit_logout")
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:
        audit.record(user, "logout", target=user, **_where(user))


@receiver(user_login_failed, dispatch_uid="tuoyu_audit_login_failed")
def audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username") or "")[:USERNAME_MAX]
    audit.record(
        None, "login_failed", target_type="accounts.User", target_repr=username, result=AuditEntry.Result.FAILED,
    )


@receiver(user_locked_out, dispatch_uid="tuoyu_audit_lockout")
def audit_lockout(sender: Any, request: Any = None, username: str | None = None, **kwargs: Any) -> None:
    """A username locked after repeated failures (security.md rule 7): its own audit row."""
    audit.record(
        None, "lockout", target_type="accounts.User", target_repr=str(username or "")[:USERNAME_MAX],
        result=AuditEntry.Result.DENIED,
    )

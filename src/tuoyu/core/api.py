"""core's part of the API: the one error shape every router declares, the "may this user do this
action anywhere" check for lists and creates, and the audit trail browser (issue #2 item 7).

core imports no app, so nothing here knows about accounts: authentication is the NinjaAPI's
default (tuoyu/api.py) and the user object only has to answer `scope_for(action)`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from pydantic import AfterValidator

from .apipagination import MAX_ID, Page, PageParams, paginate
from .audit import record_denial
from .divisions import DivisionCodeError, normalize_code, prefix_of
from .errors import PermissionDenied
from .models import AuditEntry
from .permissions import Action
from .scoping import FORBIDDEN_MESSAGE, Scope, scope_of

MSG_NUL = _("不能包含空字符（\\0）。")


class ErrorOut(Schema):
    """Every error the API answers: a stable code, a message for people, and the messages for each
    field (`classes.0.planned_capacity`, `credit_code`, `__all__` …)."""

    code: str = Field(..., examples=["invalid"])
    message: str
    field_errors: dict[str, list[str]] = Field(default_factory=dict)


def error_responses(*codes: int) -> dict[int, type[ErrorOut]]:
    """The error part of an operation's `response=`, so OpenAPI lists 401/403/404/409/422 where
    they occur (security.md rule 23)."""
    return {code: ErrorOut for code in codes}


def require_scope(user: Any, action: str) -> Scope:
    """For operations without an object (lists, creates): a role that may not do the action
    anywhere gets 403, and the denial is audited. Object operations use `get_for_action` instead,
    which answers 404 outside the scope and 403 inside it."""
    scope = scope_of(user, action)
    if scope.is_empty:
        record_denial(user, action=action)
        raise PermissionDenied(FORBIDDEN_MESSAGE)
    return scope


def division_code_or_error(value: str | None) -> str | None:
    """A query parameter holding a 6-, 9- or 12-digit division code; a bad one is a 422."""
    if value is None or not value.strip():
        return None
    try:
        return normalize_code(value)
    except DivisionCodeError as exc:
        raise ValueError(str(exc)) from exc


DivisionCodeParam = Annotated[str | None, AfterValidator(division_code_or_error)]


def no_nul(value: str) -> str:
    """PostgreSQL text cannot hold NUL: refuse it here rather than fail in the driver (a 500)."""
    if "\x00" in value:
        raise ValueError(str(MSG_NUL))
    return value


CleanStr = Annotated[str, AfterValidator(no_nul)]


def aware(value: datetime | None) -> datetime | None:
    """ISO 8601 without an offset is read in Asia/Shanghai (shared/design.md)."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


router = Router(tags=["audit"])


class AuditQuery(PageParams):
    action: CleanStr | None = Field(None, max_length=64, description="动作代码，如 institution_update")
    result: Literal["ok", "denied", "failed"] | None = None
    target_type: CleanStr | None = Field(None, max_length=64, description="对象类型，如 institutions.Institution")
    target_id: CleanStr | None = Field(None, max_length=64)
    actor: CleanStr | None = Field(None, max_length=150, description="操作人账号")
    region: DivisionCodeParam = Field(None, description="区划代码（6、9或12位），含下级")
    institution_id: int | None = Field(None, ge=1, le=MAX_ID)
    since: datetime | None = Field(None, description="起始时间（ISO 8601，无时区按北京时间）")
    until: datetime | None = Field(None, description="截止时间（不含）")


class AuditEntryOut(Schema):
    id: int
    at: datetime
    actor_name: str
    actor_roles: str
    action: str
    result: str
    target_type: str
    target_id: str
    target_repr: str
    region_code: str
    institution_id: int | None
    changes: dict[str, Any]
    request_id: str


@router.get(
    "",
    response={200: Page[AuditEntryOut], **error_responses(401, 403, 422)},
    openapi_extra={"x-tuoyu-action": Action.VIEW_AUDIT.value},
    summary="审计记录（本人辖区）",
)
def audit_list(request, filters: Query[AuditQuery]):
    """The audit trail of the caller's scope, newest first (officers; security.md rule 19)."""
    user = request.auth
    require_scope(user, Action.VIEW_AUDIT)
    qs = AuditEntry.objects.restrict(user, Action.VIEW_AUDIT)
    exact = {
        "action": filters.action, "result": filters.result, "target_type": filters.target_type,
        "target_id": filters.target_id, "actor_name": filters.actor, "institution_id": filters.institution_id,
    }
    qs = qs.filter(**{k: v for k, v in exact.items() if v not in (None, "")})
    if filters.region:
        qs = qs.filter(region_code__startswith=prefix_of(filters.region))
    if filters.since:
        qs = qs.filter(at__gte=aware(filters.since))
    if filters.until:
        qs = qs.filter(at__lt=aware(filters.until))
    return paginate(qs.order_by("-id"), filters)

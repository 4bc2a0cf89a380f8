"""The one scoping helper: `Model.objects.restrict(user, action)`.

Every model that belongs to a region or an institution uses `ScopedQuerySet` as its manager and
declares where its scope lives:

    scope_region_field = "region_code"       # a 12-digit division code on the row (prefix match)
    scope_institution_field = "pk"           # or "institution_id"
    scope_public_q = Q(status="filed")       # what anyone may see (optional)

The user object answers `scope_for(action) -> Scope` (accounts.User implements it from its role
grants); this module imports no app. Outside the scope an object answers 404, in scope but not
allowed 403 (`get_for_action`), and both denials are audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .errors import NotFound, PermissionDenied
from .permissions import PUBLIC_ACTIONS, Action

NOT_FOUND_MESSAGE = _("没有找到该记录，或您无权查看。")
FORBIDDEN_MESSAGE = _("您的角色不能进行此操作。")


@dataclass(frozen=True)
class Scope:
    """What one user may reach for one action: region code prefixes and institution ids."""

    region_prefixes: frozenset[str] = field(default_factory=frozenset)
    institution_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not self.region_prefixes and not self.institution_ids

    def covers_region(self, code: str) -> bool:
        return any(code.startswith(p) for p in self.region_prefixes)


EMPTY_SCOPE = Scope()


class ScopeHolder(Protocol):
    is_authenticated: bool

    def scope_for(self, action: str) -> Scope: ...


class SystemActor:
    """The operator behind a command line (`tuoyu load-regions`, `tuoyu seed-demo`): the whole
    city, every action. Never attached to a web request."""

    is_authenticated = True
    pk = None

    def __init__(self, name: str = "system") -> None:
        self.name = name

    def get_username(self) -> str:
        return f"system:{self.name}"

    def role_codes(self) -> set[str]:
        return {"system"}

    def scope_for(self, action: str) -> Scope:
        return Scope(frozenset({""}))  # "" is a prefix of every code

    def may(self, action: str) -> bool:
        return True

    def __str__(self) -> str:
        return self.get_username()


SYSTEM = SystemActor()


def scope_of(user: Any, action: str) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False):
        return EMPTY_SCOPE
    return user.scope_for(action)


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = Action.VIEW_INSTITUTION) -> ScopedQuerySet:
        model = self.model
        if action in PUBLIC_ACTIONS:
            public_q = getattr(model, "scope_public_q", None)
            return self.filter(public_q) if public_q is not None else self.none()
        scope = scope_of(user, action)
        if scope.is_empty:
            return self.none()
        q = Q()
        region_field = getattr(model, "scope_region_field", None)
        inst_field = getattr(model, "scope_institution_field", None)
        if "" in scope.region_prefixes:
            return self.all()
        if region_field and scope.region_prefixes:
            for prefix in sorted(scope.region_prefixes):
                q |= Q(**{f"{region_field}__startswith": prefix})
        if inst_field and scope.institution_ids:
            q |= Q(**{f"{inst_field}__in": sorted(scope.institution_ids)})
        if not q:
            return self.none()
        return self.filter(q)

    def get_for_action(self, user: Any, action: str, *, view_action: str, **lookup: Any) -> Any:
        """One object the user may act on: 404 when out of view scope, 403 when the action is
        not allowed on it. Both denials are written to the audit trail."""
        from .audit import record_denial

        obj = self.restrict(user, view_action).filter(**lookup).first()
        if obj is None:
            record_denial(user, action=action, target_type=self.model._meta.label, target_id=str(lookup))
            raise NotFound(NOT_FOUND_MESSAGE)
        if action != view_action and not self.restrict(user, action).filter(pk=obj.pk).exists():
            record_denial(user, action=action, target_type=self.model._meta.label, target_id=str(obj.pk))
            raise PermissionDenied(FORBIDDEN_MESSAGE)
        return obj


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)

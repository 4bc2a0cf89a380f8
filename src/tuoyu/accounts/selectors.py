"""Account reads. Every list of accounts starts from `User.objects.restrict(officer,
Action.MANAGE_ACCOUNTS)` (the rule of who is inside an officer's scope is documented on
`UserQuerySet`); the regions and institutions offered for a grant start from the same helper on
their own models."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Count, Prefetch, Q, QuerySet

from tuoyu.core.errors import NotFound
from tuoyu.core.models import AuditEntry
from tuoyu.core.permissions import Action
from tuoyu.core.roles import GRANT_REGION_LEVELS
from tuoyu.core.scoping import NOT_FOUND_MESSAGE
from tuoyu.core.text import compact, normalize
from tuoyu.regions.models import Region

from .models import ApiToken, RoleGrant, User, live_grant_q

SIGN_IN_ACTIONS = ("login", "login_failed", "logout")
RECENT_SIGN_INS = 10  # rows on a user's page; the whole history is in the audit trail
CREDIT_CODE_LENGTH = 18


def _institution_model() -> Any:
    # accounts sits below institutions in the layers: the model is looked up, never imported
    # (as RoleGrant.institution is a ForeignKey by name).
    return apps.get_model("institutions", "Institution")


def _with_grants(qs: QuerySet) -> QuerySet:
    grants = RoleGrant.objects.select_related("region", "institution", "granted_by", "revoked_by").order_by("-valid_from", "-pk")
    return qs.prefetch_related(Prefetch("grants", queryset=grants)).annotate(
        live_tokens=Count("api_tokens", filter=Q(api_tokens__revoked_at__isnull=True), distinct=True),
    )


def user_list(
    actor: Any, *, q: str = "", role: str = "", active: bool | None = None, action: str = Action.MANAGE_ACCOUNTS,
) -> QuerySet:
    """The accounts the actor may manage, filtered: `q` in the username or display name, `role`
    among the live grants, `active` the account's state. Grants are prefetched (newest first)."""
    qs = User.objects.restrict(actor, action)
    text = normalize(q)
    if text:
        qs = qs.filter(Q(username__icontains=text) | Q(display_name__icontains=text))
    if role:
        qs = qs.filter(pk__in=RoleGrant.objects.filter(live_grant_q(), role=role).values("user_id"))
    if active is not None:
        qs = qs.filter(is_active=active)
    return _with_grants(qs.select_related("created_by")).order_by("username", "pk")


def user_get(actor: Any, pk: int, *, action: str = Action.MANAGE_ACCOUNTS) -> User:
    """One account inside the actor's scope (404 outside it, audited), with its grants."""
    return _with_grants(User.objects.select_related("created_by")).get_for_action(actor, action, view_action=action, pk=pk)


def user_grant_get(user: User, grant_pk: int) -> RoleGrant:
    """One grant of an account already fetched through `user_get` (404 if it is another's)."""
    grant = RoleGrant.objects.select_related("user", "region", "institution").filter(user=user, pk=grant_pk).first()
    if grant is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return grant


def recent_sign_ins(user: User, limit: int = RECENT_SIGN_INS) -> list[AuditEntry]:
    """The account's latest sign-ins, sign-outs and failed attempts, from the audit trail. Read
    only for an account the caller already reached through `user_get` (the rows belong to it)."""
    own = Q(target_type=User._meta.label, target_id=str(user.pk), action__in=("login", "logout"))
    failed = Q(action="login_failed", target_repr=user.username)
    return list(AuditEntry.objects.filter(own | failed).order_by("-id")[:limit])


def own_tokens(user: User) -> QuerySet:
    return ApiToken.objects.filter(user=user).select_related("grant__region", "grant__institution").order_by("-created_at", "-id")


def own_grants(user: User) -> QuerySet:
    return user.grants.select_related("region", "institution", "granted_by").order_by("-valid_from", "-pk")


# ---------------------------------------------------------------- what a grant may be given on


def grant_regions(actor: Any) -> QuerySet:
    """Regions the actor may grant on: inside its MANAGE_ACCOUNTS scope, city to street level."""
    return (Region.objects.restrict(actor, Action.MANAGE_ACCOUNTS)
            .filter(level__in=GRANT_REGION_LEVELS, is_active=True).select_related("parent").order_by("code"))


def grant_institutions(actor: Any) -> QuerySet:
    """Institutions the actor may grant on (inside its MANAGE_ACCOUNTS scope)."""
    return _institution_model().objects.restrict(actor, Action.MANAGE_ACCOUNTS).select_related("street").order_by("region_code", "name")


def grant_region_by_code(actor: Any, code: str) -> Region | None:
    """A region by its division code, only if inside the actor's scope (else None: "not found or
    not yours" are one answer)."""
    return grant_regions(actor).filter(code=code).first()


def grant_institution_by_ref(actor: Any, ref: Any) -> Any:
    """An institution by its unified social credit code (18 characters) or its number, only if
    inside the actor's scope."""
    text = compact(ref).upper()
    qs = grant_institutions(actor)
    if len(text) == CREDIT_CODE_LENGTH:
        return qs.filter(credit_code=text).first()
    if text.isdigit() and len(text) < CREDIT_CODE_LENGTH:
        return qs.filter(pk=int(text)).first()
    return None


def own_token_get(user: User, pk: int) -> ApiToken:
    """One of the user's own tokens; someone else's answers 404, as a missing one does."""
    token = ApiToken.objects.select_related("grant__region", "grant__institution").filter(user=user, pk=pk).first()
    if token is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return token

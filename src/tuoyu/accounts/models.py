"""Users, the roles granted to them on a region or an institution, and API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from tuoyu.core.permissions import PUBLIC_ACTIONS, Action, role_may
from tuoyu.core.roles import Role
from tuoyu.core.scoping import Scope, ScopedQuerySet, scope_of


def live_grant_q(today: Any = None) -> Q:
    """Grants not yet ended: in force today or starting later (`valid_until` is inclusive)."""
    today = today or timezone.localdate()
    return Q(valid_until__isnull=True) | Q(valid_until__gte=today)


class UserQuerySet(ScopedQuerySet):
    """`User.objects.restrict(officer, Action.MANAGE_ACCOUNTS)`: the accounts an officer may manage.

    A user has no region of its own: it is reached through its role grants. A user is inside an
    officer's scope when

    1. one of its live grants (in force or starting later) lies inside the scope — a region grant
       whose code starts with a prefix of the scope, or an institution grant whose institution's
       region code does; or
    2. it has no live grant on any region or institution, and either one of its past grants lay
       inside the scope (the history of someone who left stays with the office that managed it)
       or this officer created it (a new account whose first grant has not been made yet).

    So a user who moved to another district leaves the old district's list, and a district officer
    never sees the users of another district. The whole city (SYSTEM) sees everyone.
    """

    def restrict(self, user: Any, action: str = Action.MANAGE_ACCOUNTS) -> UserQuerySet:
        if action in PUBLIC_ACTIONS:
            return self.none()
        scope = scope_of(user, action)
        if scope.is_empty:
            return self.none()
        if "" in scope.region_prefixes:
            return self.all()
        in_scope = Q()
        for prefix in sorted(scope.region_prefixes):
            in_scope |= Q(region__code__startswith=prefix) | Q(institution__region_code__startswith=prefix)
        if scope.institution_ids:
            in_scope |= Q(institution_id__in=sorted(scope.institution_ids))
        grants = RoleGrant.objects.filter(user=OuterRef("pk"))
        live = live_grant_q()
        on_a_scope = Q(region__isnull=False) | Q(institution__isnull=False)
        reach = Q(created_by_id=user.pk) if getattr(user, "pk", None) is not None else Q(pk__in=[])
        return self.filter(
            Exists(grants.filter(live & in_scope))
            | (~Exists(grants.filter(live & on_a_scope)) & (Exists(grants.filter(in_scope)) | reach))
        )


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    """Django's user manager (create_user, natural keys) with the scoped `restrict`."""


class User(AbstractUser):
    """A person who signs in. What they may see comes only from their active role grants."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    # Who made the account: a new account is that officer's until its first grant places it in a
    # scope (UserQuerySet.restrict). Empty for accounts made on the command line.
    created_by = models.ForeignKey(
        "self", verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )

    objects = UserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @cached_property
    def active_grants(self) -> list[RoleGrant]:
        """Grants in force today (Asia/Shanghai). Cached for the request: a user object lives
        for one request, so a revoked grant takes effect on the next one."""
        today = timezone.localdate()
        # The token a request came with may narrow the user to one grant (security.md rule 11).
        only = getattr(self, "_token_grant_id", None)
        grants = [
            g for g in self.grants.select_related("region").all()
            if g.valid_from <= today and (g.valid_until is None or today <= g.valid_until)
            and (only is None or g.pk == only)
        ]
        return grants

    def role_codes(self) -> set[str]:
        return {g.role for g in self.active_grants}

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes() & set(roles))

    def scope_for(self, action: str) -> Scope:
        prefixes: set[str] = set()
        inst_ids: set[int] = set()
        for g in self.active_grants:
            if not role_may(g.role, action):
                continue
            if g.region_id:
                prefixes.add(g.region.prefix)
            if g.institution_id:
                inst_ids.add(g.institution_id)
        return Scope(frozenset(prefixes), frozenset(inst_ids))

    def may(self, action: str) -> bool:
        """Whether any grant allows the action somewhere (for showing menu items and buttons)."""
        return any(role_may(g.role, action) for g in self.active_grants)


class RoleGrant(models.Model):
    """A role on one scope, for a period. An expert gets one grant per assigned institution for
    a campaign's dates; a health manager one for the institution it serves."""

    class State(models.TextChoices):
        ACTIVE = "active", _("生效中")
        PENDING = "pending", _("未到生效日期")
        ENDED = "ended", _("已到期")
        REVOKED = "revoked", _("已撤销")

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A string reference: accounts sits below institutions in the layers (shared/design.md).
    institution = models.ForeignKey(
        "institutions.Institution", verbose_name=_("机构"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )
    valid_from = models.DateField(_("生效日期"), default=timezone.localdate)
    valid_until = models.DateField(_("失效日期"), null=True, blank=True)
    granted_by = models.ForeignKey(
        User, verbose_name=_("授权人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)
    # A revoked grant is kept (history): `valid_until` moves to yesterday and these say by whom.
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, verbose_name=_("撤销人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(region__isnull=False) & models.Q(institution__isnull=False)),
                name="grant_on_region_or_institution_not_both",
            )
        ]

    def __str__(self) -> str:
        scope = self.region or self.institution or ""
        return f"{self.user} · {self.get_role_display()} · {scope}"

    def state_on(self, day: Any = None) -> str:
        day = day or timezone.localdate()
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.valid_until is not None and self.valid_until < day:
            return self.State.ENDED
        if self.valid_from > day:
            return self.State.PENDING
        return self.State.ACTIVE

    @property
    def state(self) -> str:
        return self.state_on()

    @property
    def state_label(self) -> str:
        return str(self.State(self.state).label)

    @property
    def is_live(self) -> bool:
        """In force or starting later: what a revoke can still end."""
        return self.state in (self.State.ACTIVE, self.State.PENDING)

    @property
    def scope_label(self) -> str:
        if self.region_id:
            return str(self.region)
        if self.institution_id:
            return str(self.institution)
        return ""


class ApiToken(models.Model):
    """A bearer token: random, stored only as its SHA-256, shown once, expiring, revocable, and
    optionally bound to one grant (security.md rule 11)."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(_("前缀"), max_length=8)
    grant = models.ForeignKey(
        RoleGrant, verbose_name=_("限定角色"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

"""Users, the roles granted to them on a region or an institution, and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from tuoyu.core.permissions import role_may
from tuoyu.core.roles import Role
from tuoyu.core.scoping import Scope


class User(AbstractUser):
    """A person who signs in. What they may see comes only from their active role grants."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)

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

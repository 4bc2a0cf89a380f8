"""Core models: the audit trail (security.md rules 19–20)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One audited event: a write, an export, a file load, a login or a permission denial.

    Rows are append-only (a PostgreSQL trigger refuses UPDATE and DELETE) and hash-chained:
    `entry_hash` covers the row and the previous row's hash, so `tuoyu audit-verify` finds any
    changed or removed row. Sensitive values (ID numbers, phones) are never stored here.
    """

    class Result(models.TextChoices):
        OK = "ok", _("成功")
        DENIED = "denied", _("被拒绝")
        FAILED = "failed", _("失败")

    at = models.DateTimeField(_("时间"), auto_now_add=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    actor_roles = models.CharField(_("角色"), max_length=200, blank=True)
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    result = models.CharField(_("结果"), max_length=8, choices=Result.choices, default=Result.OK)
    target_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    target_repr = models.CharField(_("对象"), max_length=200, blank=True)
    # Where the target lives, so an officer browses the audit of its own scope (prefix match).
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True, db_index=True)
    institution_id = models.BigIntegerField(_("机构"), null=True, blank=True, db_index=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=32, blank=True)
    client_ip = models.GenericIPAddressField(_("客户端IP"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64, blank=True)

    # Officers browse their own scope through the one helper.
    scope_region_field = "region_code"
    scope_institution_field = "institution_id"

    class Meta:
        ordering = ["-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"


class AuditChainHead(models.Model):
    """A single row locked while appending, so concurrent writers keep one unbroken chain."""

    last_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self) -> str:
        return self.last_hash

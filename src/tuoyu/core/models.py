"""Core models: the audit trail (security.md rules 19–20)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scoping import ScopedManager


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

    objects = ScopedManager()
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


class ImportJob(models.Model):
    """A spreadsheet load run in the background (issue #9): large files are queued as a job and the
    officer follows its progress on the job page. The load itself is all or nothing, so a job that
    stops half way (its heartbeat goes quiet) has written nothing and is marked interrupted; running
    it again gives the same rows (security.md rule 30)."""

    class Kind(models.TextChoices):
        REGIONS = "regions", _("行政区划")
        POPULATION = "population", _("人口数据")
        INSTITUTIONS = "institutions", _("托育机构")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("未通过")
        INTERRUPTED = "interrupted", _("已中断")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # opaque in URLs
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    file_sha256 = models.CharField(_("文件SHA-256"), max_length=64)
    # Relative to the private media root (never served directly, security.md rule 26).
    file_path = models.CharField(_("存储位置"), max_length=255)
    options = models.JSONField(_("选项"), default=dict, blank=True)
    progress_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    progress_total = models.PositiveIntegerField(_("总行数"), default=0)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    # The submitter's scope when the job was made, so officers see jobs of their own area only.
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True, db_index=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = ScopedManager()
    scope_region_field = "region_code"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED, self.Status.INTERRUPTED)

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

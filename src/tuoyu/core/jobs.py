"""Background spreadsheet loads (issue #9, security.md rule 30).

A file too large to load while the officer waits becomes an `ImportJob`: the file is kept under the
private media root with a random name, the job is queued after the transaction that created it
commits, and a Celery task (`tasks.run_import_job`) calls the same load service a small file goes
through, reporting progress and a heartbeat as it checks rows. The load itself is all or nothing,
so a worker that dies leaves nothing written: `import_jobs_reap` marks such a job interrupted and
`import_job_retry` runs it again with the same file (identical rows → identical result).

The loaders live in higher apps; core names them by their dotted path only (no import).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from . import audit
from .divisions import PREFIX_LENGTH, Level
from .errors import DomainError, NotFound
from .models import ImportJob
from .permissions import Action
from .scoping import SYSTEM, scope_of
from .sheets import LoadRejected, LoadResult, RowError, SheetError, file_kind, sha256_of

logger = logging.getLogger(__name__)

# What each kind of job runs, and which action a user needs to start or see it.
JOB_LOADERS = {
    ImportJob.Kind.REGIONS: "tuoyu.regions.services.regions_load_file",
    ImportJob.Kind.POPULATION: "tuoyu.regions.services.populations_load_file",
    ImportJob.Kind.INSTITUTIONS: "tuoyu.institutions.services.institutions_load_file",
}
JOB_ACTIONS = {
    ImportJob.Kind.REGIONS: Action.MANAGE_REGIONS,
    ImportJob.Kind.POPULATION: Action.MANAGE_REGIONS,
    ImportJob.Kind.INSTITUTIONS: Action.IMPORT_INSTITUTIONS,
}

MSG_CRASHED = _("处理文件时发生内部错误，没有写入任何数据。请稍后重试，或联系管理员（任务编号 %(id)s）。")
MSG_FILE_GONE = _("任务的文件已不存在或已被改动，请重新上传。")
MSG_NOT_RETRYABLE = _("只有已中断的任务可以重新运行。")
MSG_INTERRUPTED = _("任务在处理中停止了（服务器重启或进程退出），没有写入任何数据。可以重新运行。")


def max_upload_bytes() -> int:
    return int(getattr(settings, "TUOYU_IMPORT_MAX_BYTES", 20 * 1024 * 1024))


def background_rows() -> int:
    """Files with more data rows than this are loaded as a background job."""
    return int(getattr(settings, "TUOYU_IMPORT_BACKGROUND_ROWS", 2000))


def stale_after() -> timedelta:
    """A running job whose heartbeat is older than this has died (its worker is gone)."""
    return timedelta(minutes=int(getattr(settings, "TUOYU_IMPORT_STALE_MINUTES", 15)))


def _storage_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _scope_code(actor: Any, action: str) -> str:
    """The widest division of the actor's scope, for scoping who may see the job."""
    prefixes = sorted(scope_of(actor, action).region_prefixes, key=len)
    if not prefixes or prefixes[0] == "":
        return ""
    p = prefixes[0]
    lengths = sorted(PREFIX_LENGTH[level] for level in Level)
    width = next((n for n in lengths if n >= len(p)), 12)
    return p[:width].ljust(12, "0")


def import_job_create(*, actor: Any, kind: str, data: bytes, file_name: str, options: dict | None = None,
                      rows: int = 0) -> ImportJob:
    """Keep the file and queue its load. The task is queued only after this transaction commits
    (shared/style.md §2), so a rolled-back request leaves no job running."""
    ext = file_kind(data, file_name)
    name = f"{uuid.uuid4().hex}.{ext}"
    (_storage_dir() / name).write_bytes(data)
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind, file_name=file_name[:255], file_sha256=sha256_of(data), file_path=f"imports/{name}",
            options=options or {}, progress_total=rows,
            created_by=actor if getattr(actor, "pk", None) else None,
            region_code=_scope_code(actor, JOB_ACTIONS[kind]),
        )
        audit.record(actor, "import_job_create", target=job, region_code=job.region_code,
                     changes={"kind": kind, "file_name": job.file_name, "file_sha256": job.file_sha256, "rows": rows})
        transaction.on_commit(lambda: _queue(job.pk))
    return job


def _queue(job_id: Any) -> None:
    from .tasks import run_import_job

    run_import_job.delay(str(job_id))


def import_job_get(user: Any, job_id: Any) -> ImportJob:
    """A job its submitter may follow (404 for anyone else, and for a malformed id)."""
    try:
        job_uuid = uuid.UUID(str(job_id))
    except ValueError as exc:
        raise NotFound(_("没有找到该任务。")) from exc
    job = ImportJob.objects.filter(pk=job_uuid, created_by=getattr(user, "pk", None)).first()
    if job is None or not user.may(JOB_ACTIONS[job.kind]):
        audit.record_denial(user, action="view_import_job", target_type="core.ImportJob", target_id=str(job_uuid))
        raise NotFound(_("没有找到该任务。"))
    return _reap_if_stale(job)


def _reap_if_stale(job: ImportJob) -> ImportJob:
    if job.status == ImportJob.Status.RUNNING and job.heartbeat_at and job.heartbeat_at < timezone.now() - stale_after():
        import_jobs_reap()
        job.refresh_from_db()
    return job


def import_job_run(job_id: Any) -> ImportJob | None:
    """Run one queued job (what the Celery task calls). Taking the job is a conditional update,
    so a job delivered twice runs once."""
    now = timezone.now()
    taken = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=now, heartbeat_at=now, progress_done=0)
    if not taken:
        return None
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    actor = job.created_by or SYSTEM

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total, heartbeat_at=timezone.now())

    status, result = ImportJob.Status.FAILED, LoadResult(file_name=job.file_name, file_sha256=job.file_sha256)
    try:
        path = Path(settings.MEDIA_ROOT) / job.file_path
        data = path.read_bytes() if path.is_file() else b""
        if not data or sha256_of(data) != job.file_sha256:
            result.error("", None, "", MSG_FILE_GONE)
        else:
            loader: Callable[..., LoadResult] = import_string(JOB_LOADERS[job.kind])
            result = loader(actor=actor, data=data, file_name=job.file_name, progress=progress, **job.options)
            status = ImportJob.Status.SUCCEEDED
    except LoadRejected as exc:
        result = exc.result
    except (SheetError, DomainError) as exc:
        result.error("", None, "", exc.message)
    except Exception:  # a bug must not leave the job "running" for ever; nothing was written
        logger.exception("import job %s crashed", job.pk)
        result.error("", None, "", MSG_CRASHED % {"id": job.pk})
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, result=result.as_dict(), finished_at=timezone.now(), heartbeat_at=timezone.now(),
        progress_done=result.rows or job.progress_total, progress_total=result.rows or job.progress_total)
    job.refresh_from_db()
    return job


def import_jobs_reap() -> int:
    """Mark running jobs whose heartbeat stopped as interrupted (their worker died). Nothing of
    theirs was written: a load commits all its rows at once or none."""
    cutoff = timezone.now() - stale_after()
    stale = ImportJob.objects.filter(status=ImportJob.Status.RUNNING, heartbeat_at__lt=cutoff)
    result = LoadResult(errors=[RowError(message=str(MSG_INTERRUPTED))], error_count=1)
    return stale.update(status=ImportJob.Status.INTERRUPTED, finished_at=timezone.now(), result=result.as_dict())


def import_job_retry(*, actor: Any, job: ImportJob) -> ImportJob:
    """Run an interrupted job again with its stored file."""
    with transaction.atomic():
        updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.INTERRUPTED).update(
            status=ImportJob.Status.QUEUED, progress_done=0, result={}, started_at=None, finished_at=None,
            heartbeat_at=None)
        if not updated:
            raise DomainError(MSG_NOT_RETRYABLE)
        audit.record(actor, "import_job_retry", target=job, region_code=job.region_code)
        transaction.on_commit(lambda: _queue(job.pk))
    job.refresh_from_db()
    return job


def job_result(job: ImportJob) -> LoadResult | None:
    return LoadResult.from_dict(job.result) if job.result else None

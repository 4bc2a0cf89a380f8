"""Background sheet loads: queued after commit, run once, reaped when their worker dies, run
again with the same file (core.jobs, security.md rule 30)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tuoyu.core import jobs
from tuoyu.core.models import AuditEntry, ImportJob
from tuoyu.core.scoping import SYSTEM
from tuoyu.regions.models import Region

DATA = Path(__file__).resolve().parents[4] / "tests" / "data"
DIVISIONS = (DATA / "chengdu_divisions.csv").read_bytes()


@pytest.fixture
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


def make_job(capture, data=DIVISIONS, **options):
    with capture(execute=True):
        job = jobs.import_job_create(actor=SYSTEM, kind=ImportJob.Kind.REGIONS, data=data,
                                     file_name="成都区划.csv", options=options, rows=57)
    job.refresh_from_db()
    return job


def test_a_job_keeps_its_file_privately_runs_after_commit_and_records_the_result(
    db, private_media, django_capture_on_commit_callbacks,
):
    job = make_job(django_capture_on_commit_callbacks)
    stored = private_media / job.file_path
    assert stored.read_bytes() == DIVISIONS and stored.name != "成都区划.csv"  # a random server name
    assert job.status == "succeeded" and job.result["created"] == 57
    assert (job.progress_done, job.progress_total) == (57, 57)
    assert Region.objects.count() == 57
    assert AuditEntry.objects.filter(action="import_job_create").exists()
    assert AuditEntry.objects.get(action="regions_load").changes["file_sha256"] == job.file_sha256


def test_a_job_delivered_twice_runs_once(db, private_media, django_capture_on_commit_callbacks):
    job = make_job(django_capture_on_commit_callbacks)
    assert jobs.import_job_run(job.pk) is None
    assert AuditEntry.objects.filter(action="regions_load").count() == 1


def test_a_refused_file_fails_the_job_with_its_errors_and_writes_nothing(
    db, private_media, django_capture_on_commit_callbacks,
):
    job = make_job(django_capture_on_commit_callbacks, data="区划代码,名称\n510104,\n".encode())
    assert job.status == "failed"
    assert job.result["errors"][0]["message"] == "不能为空"
    assert not Region.objects.exists()


def test_a_crash_fails_the_job_with_its_id_not_a_traceback(db, private_media, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setitem(jobs.JOB_LOADERS, ImportJob.Kind.REGIONS, "tuoyu.regions.tests.test_regions_import_jobs.explode")
    job = make_job(django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert str(job.pk) in job.result["errors"][0]["message"] and "Traceback" not in str(job.result)


def explode(**kwargs):
    raise RuntimeError("boom")


def test_a_dead_worker_leaves_nothing_written_its_job_is_reaped_and_a_rerun_loads_everything(
    db, private_media, django_capture_on_commit_callbacks,
):
    # The worker took the job and died before its one transaction committed: nothing was written.
    job = ImportJob.objects.create(
        kind=ImportJob.Kind.REGIONS, status=ImportJob.Status.RUNNING, file_name="成都区划.csv",
        file_sha256=jobs.sha256_of(DIVISIONS), file_path="imports/dead.csv", progress_done=20, progress_total=57,
        heartbeat_at=timezone.now() - jobs.stale_after() - timedelta(minutes=1),
    )
    (private_media / "imports").mkdir(parents=True)
    (private_media / "imports" / "dead.csv").write_bytes(DIVISIONS)
    assert jobs.import_jobs_reap() == 1
    job.refresh_from_db()
    assert job.status == "interrupted" and "没有写入任何数据" in job.result["errors"][0]["message"]
    assert not Region.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        jobs.import_job_retry(actor=SYSTEM, job=job)
    job.refresh_from_db()
    assert job.status == "succeeded" and Region.objects.count() == 57


def test_a_live_job_is_not_reaped(db):
    ImportJob.objects.create(kind=ImportJob.Kind.REGIONS, status=ImportJob.Status.RUNNING, file_name="x.csv",
                             file_sha256="0" * 64, file_path="imports/x.csv", heartbeat_at=timezone.now())
    assert jobs.import_jobs_reap() == 0


def test_only_an_interrupted_job_can_be_retried(db, private_media, django_capture_on_commit_callbacks):
    job = make_job(django_capture_on_commit_callbacks)
    with pytest.raises(jobs.DomainError):
        jobs.import_job_retry(actor=SYSTEM, job=job)


def test_a_file_changed_behind_the_jobs_back_is_refused(db, private_media, django_capture_on_commit_callbacks):
    job = make_job(django_capture_on_commit_callbacks)
    (private_media / job.file_path).write_bytes(b"tampered")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    job = jobs.import_job_run(job.pk)
    assert job.status == "failed" and "已被改动" in job.result["errors"][0]["message"]


def test_the_deactivate_option_travels_with_the_job(db, private_media, django_capture_on_commit_callbacks):
    make_job(django_capture_on_commit_callbacks)
    smaller = "\n".join(DIVISIONS.decode("utf-8-sig").splitlines()[:-1]).encode()
    job = make_job(django_capture_on_commit_callbacks, data=smaller, deactivate_missing=True)
    assert job.result["deactivated"] == 1

"""Celery tasks of core: they load ids and call services (shared/style.md §2).

Eager in the demo and in tests (settings: CELERY_TASK_ALWAYS_EAGER unless REDIS_URL is set)."""

from celery import shared_task

from .jobs import import_job_run, import_jobs_reap


@shared_task(name="tuoyu.core.run_import_job", acks_late=True, ignore_result=True)
def run_import_job(job_id: str) -> None:
    """Load the file of one ImportJob. Delivered twice (acks_late after a crash), it runs once."""
    import_job_run(job_id)


@shared_task(name="tuoyu.core.reap_import_jobs", ignore_result=True)
def reap_import_jobs() -> int:
    """Mark jobs whose worker died as interrupted (schedule it every few minutes with beat)."""
    return import_jobs_reap()

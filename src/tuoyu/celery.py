"""Celery application. Tasks only load ids and call services (shared/style.md §2).

In the demo and in tests tasks run eagerly (no broker needed); production sets REDIS_URL and
TUOYU_CELERY_EAGER=0 and runs `celery -A tuoyu worker`.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuoyu.settings")

app = Celery("tuoyu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

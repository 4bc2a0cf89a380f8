"""Failed sign-ins lock a username for 30 minutes after 10 in a row (security.md rule 7)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

import tuoyu.urls  # noqa: F401 - the API schemas are built before the clock is frozen (pydantic)
from tuoyu.accounts.tests.factories import PASSWORD, UserFactory
from tuoyu.core.models import AuditEntry


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_ten_failures_lock_the_username_for_thirty_minutes(client, axes_on):
    UserFactory(username="wang.fang")
    start = timezone.now()
    with freeze_time(start):
        for _ in range(9):
            assert _login(client, "wang.fang", "wrong-password-123").status_code == 200
        assert _login(client, "wang.fang", "wrong-password-123").status_code == 429  # the 10th locks
        locked = _login(client, "wang.fang", PASSWORD)
        assert locked.status_code == 429 and int(locked["Retry-After"]) == 30 * 60
        assert "已暂时锁定" in locked.content.decode()
        assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="lockout", target_repr="wang.fang").exists()
    assert AuditEntry.objects.filter(action="login_failed").count() >= 10
    with freeze_time(start + timedelta(minutes=31)):
        assert _login(client, "wang.fang", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_success_resets_the_count(client, axes_on):
    UserFactory(username="li.na")
    for _ in range(9):
        _login(client, "li.na", "wrong-password-123")
    assert _login(client, "li.na", PASSWORD).status_code == 302
    client.logout()
    for _ in range(9):
        _login(client, "li.na", "wrong-password-123")
    assert _login(client, "li.na", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_token_api_is_locked_too_and_answers_json(client, axes_on):
    UserFactory(username="zhao.lei")
    url = "/api/v1/auth/token"
    for _ in range(10):
        client.post(url, {"username": "zhao.lei", "password": "wrong-password-123", "name": "t"}, content_type="application/json")
    r = client.post(url, {"username": "zhao.lei", "password": PASSWORD, "name": "t"}, content_type="application/json")
    assert r.status_code == 429 and r.json()["code"] == "locked_out" and "Retry-After" in r

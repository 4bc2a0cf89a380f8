"""Sign-in and sign-out, and their audit rows (security.md rules 7, 10, 19)."""

import pytest
from django.urls import reverse

from tuoyu.accounts.forms import MSG_INVALID_LOGIN
from tuoyu.accounts.tests.factories import PASSWORD
from tuoyu.core.models import AuditEntry


@pytest.mark.django_db
def test_login_page_renders_in_chinese(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert "登录" in body and 'autocomplete="current-password"' in body


@pytest.mark.django_db
def test_login_goes_home_with_a_new_session_and_an_audit_row(client, world):
    client.get(reverse("accounts:login"))
    before = client.session.session_key
    r = client.post(reverse("accounts:login"), {"username": "district_officer", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == reverse("home")
    assert client.session.session_key != before
    row = AuditEntry.objects.get(action="login")
    assert row.actor == world.users["district_officer"] and row.result == "ok"
    assert row.region_code == world.districts[0].code  # so the district's officers can see it


@pytest.mark.django_db
def test_failed_login_records_the_username_only_and_says_nothing_specific(client, world):
    r = client.post(reverse("accounts:login"), {"username": "district_officer", "password": "wrong-Secret-1"})
    assert r.status_code == 200
    assert str(MSG_INVALID_LOGIN) in r.content.decode()
    row = AuditEntry.objects.get(action="login_failed")
    assert row.result == "failed" and row.target_repr == "district_officer" and row.actor is None
    assert "wrong-Secret-1" not in str(row.changes) + row.target_repr + row.target_id


@pytest.mark.django_db
def test_logout_is_post_only_and_audited(client, world):
    client.force_login(world.users["street_officer"])
    assert client.get(reverse("accounts:logout")).status_code == 405
    r = client.post(reverse("accounts:logout"))
    assert r.status_code == 302 and r["Location"] == reverse("accounts:login")
    assert AuditEntry.objects.filter(action="logout", actor=world.users["street_officer"]).exists()
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_login_next_parameter_returns_to_the_page_asked_for(client, world):
    url = reverse("institutions:list")
    r = client.get(url)
    assert r.status_code == 302
    login = client.post(r["Location"], {"username": "city_officer", "password": PASSWORD,
                                         "next": url})
    assert login["Location"] == url

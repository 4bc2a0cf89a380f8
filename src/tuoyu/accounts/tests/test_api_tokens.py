"""API tokens and API authentication (security.md rule 11): random, stored only as a hash, shown
once, expiring, revocable, bound to one grant, accepted only in the Authorization header."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from tuoyu.accounts.models import ApiToken
from tuoyu.accounts.services import api_token_revoke, hash_token, role_grant
from tuoyu.accounts.tests.apiclient import API, ApiClient, token_for
from tuoyu.accounts.tests.factories import PASSWORD, UserFactory
from tuoyu.core.models import AuditEntry
from tuoyu.core.roles import Role
from tuoyu.core.rules.security import api_token_lifetime

pytestmark = pytest.mark.django_db


def issue(username, password=PASSWORD, **extra):
    return ApiClient().post("/auth/token", {"username": username, "password": password, "name": "统计脚本", **extra})


# ---- issuing -------------------------------------------------------------------------------------

def test_token_is_shown_once_and_only_its_hash_is_stored(world):
    r = issue("district_officer")
    assert r.status_code == 201, r.content
    raw = r.json()["token"]
    assert raw.startswith("ty_") and len(raw) >= 43  # 32 random bytes, url-safe base64
    row = ApiToken.objects.get(pk=r.json()["id"])
    assert row.key_hash == hash_token(raw)
    for value in ApiToken.objects.values_list().get(pk=row.pk):
        assert raw not in str(value)
    assert not any(raw in str(e.changes) or raw in e.target_repr for e in AuditEntry.objects.all())
    listed = ApiClient(raw_token=raw).get("/auth/tokens").json()["items"]
    assert listed[0]["prefix"] == raw[:8]
    assert "token" not in listed[0] and raw not in str(listed)


def test_token_issue_is_audited(world):
    issue("district_officer")
    entry = AuditEntry.objects.get(action="api_token_create")
    assert entry.actor_name == "district_officer"


@pytest.mark.parametrize(("username", "password"), [("district_officer", "wrong-password-1"), ("nobody", PASSWORD)])
def test_failed_token_request_is_401_audited_and_does_not_say_which_part_was_wrong(world, username, password):
    r = issue(username, password)
    assert r.status_code == 401
    assert r.json()["message"] == "用户名或密码错误，或账号已停用。"
    entry = AuditEntry.objects.get(result=AuditEntry.Result.FAILED)  # one row per attempt
    assert entry.action == "login_failed"
    assert entry.target_repr == username
    assert password not in str(entry.changes)
    assert not ApiToken.objects.exists()


def test_disabled_account_gets_no_token_and_its_tokens_stop_working(world):
    user = world.users["district_officer"]
    raw = token_for(user)
    user.is_active = False
    user.save()
    assert issue("district_officer").status_code == 401
    assert ApiClient(raw_token=raw).get("/auth/me").status_code == 401


def test_token_with_several_grants_must_name_one(world):
    user = world.users["district_officer"]
    role_grant(actor=world.users["city_officer"], user=user, role=Role.TRAINER, region=world.districts[1])
    r = issue("district_officer")
    assert r.status_code == 400
    assert "grant_id" in r.json()["field_errors"]
    grant = user.grants.get(role=Role.TRAINER)
    r = issue("district_officer", grant_id=grant.pk)
    assert r.status_code == 201
    assert r.json()["grant"]["role"] == "trainer"


def test_token_cannot_be_bound_to_someone_elses_grant(world):
    other = world.users["city_officer"].grants.get()
    r = issue("district_officer", grant_id=other.pk)
    assert r.status_code == 400
    assert "grant_id" in r.json()["field_errors"]


def test_token_request_with_an_unexpected_field_is_refused(world):
    r = issue("district_officer", scope="city")
    assert r.status_code == 422
    assert "scope" in r.json()["field_errors"]


# ---- using ---------------------------------------------------------------------------------------

def test_me_lists_roles_grants_and_allowed_actions(world):
    body = ApiClient(world.users["street_officer"]).get("/auth/me").json()
    assert body["username"] == "street_officer"
    assert body["roles"] == ["street_officer"]
    assert body["grants"][0]["region"] == {"code": "510104020000", "name": "书院街街道"}
    assert body["grants"][0]["scope_kind"] == "region"
    assert "view_institution" in body["actions"] and "create_institution" not in body["actions"]
    assert body["token"]["name"] == "test"


def test_revoked_token_is_401(world):
    user = world.users["district_officer"]
    api = ApiClient(user)
    assert api.get("/auth/me").status_code == 200
    api_token_revoke(actor=user, token=ApiToken.objects.get(user=user))
    r = api.get("/auth/me")
    assert r.status_code == 401
    assert r["WWW-Authenticate"].startswith("Bearer")
    assert r.json()["code"] == "unauthorized"


def test_revoking_through_the_api_stops_the_token_and_is_audited(world):
    user = world.users["district_officer"]
    api, spare = ApiClient(user), token_for(user, name="spare")
    spare_row = ApiToken.objects.get(key_hash=hash_token(spare))
    assert api.delete(f"/auth/tokens/{spare_row.pk}").status_code == 204
    assert ApiClient(raw_token=spare).get("/auth/me").status_code == 401
    assert AuditEntry.objects.filter(action="api_token_revoke").count() == 1
    assert api.delete(f"/auth/tokens/{spare_row.pk}").status_code == 204  # idempotent, not audited twice
    assert AuditEntry.objects.filter(action="api_token_revoke").count() == 1


def test_someone_elses_token_cannot_be_seen_or_revoked(world):
    victim = token_for(world.users["city_officer"])
    victim_row = ApiToken.objects.get(key_hash=hash_token(victim))
    api = ApiClient(world.users["district_officer"])
    assert victim_row.pk not in [t["id"] for t in api.get("/auth/tokens").json()["items"]]
    assert api.delete(f"/auth/tokens/{victim_row.pk}").status_code == 404
    assert ApiClient(raw_token=victim).get("/auth/me").status_code == 200


def test_expired_token_is_401(world):
    api = ApiClient(world.users["district_officer"])
    with freeze_time(timezone.now() + api_token_lifetime() - timedelta(minutes=1)):
        assert api.get("/auth/me").status_code == 200
    with freeze_time(timezone.now() + api_token_lifetime() + timedelta(minutes=1)):
        assert api.get("/auth/me").status_code == 401


@pytest.mark.parametrize("param", ["token", "access_token", "api_key", "key", "Authorization", "bearer"])
def test_token_in_the_query_string_is_ignored(world, param):
    raw = token_for(world.users["city_officer"])
    r = Client().get(f"{API}/institutions", {param: raw})
    assert r.status_code == 401
    r = Client().get(f"{API}/institutions?{param}=Bearer%20{raw}")
    assert r.status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Token {raw}", "Basic {raw}", "Bearer {raw}x", "{raw}"])
def test_malformed_or_wrong_authorization_header_is_401(world, header):
    raw = token_for(world.users["city_officer"])
    r = Client(headers={"Authorization": header.format(raw=raw)}).get(f"{API}/auth/me")
    assert r.status_code == 401


def test_an_invalid_token_does_not_fall_back_to_the_session(world):
    client = Client(headers={"Authorization": "Bearer ty_not-a-token"})
    client.force_login(world.users["city_officer"])
    assert client.get(f"{API}/auth/me").status_code == 401


def test_token_bound_to_one_grant_narrows_the_scope(world):
    user = world.users["district_officer"]  # district officer of A …
    street_grant = role_grant(actor=world.users["city_officer"], user=user, role=Role.STREET_OFFICER, region=world.streets[2])  # … and of street b1
    wide = ApiClient(raw_token=token_for(user))
    narrow = ApiClient(raw_token=token_for(user, grant=street_grant))
    names = lambda api: sorted(i["name"] for i in api.get("/institutions").json()["items"])  # noqa: E731
    assert names(wide) == sorted(i.name for i in world.institutions.values())
    assert names(narrow) == [world.institutions["b1"].name]
    a1 = world.institutions["a1"]
    assert narrow.get(f"/institutions/{a1.pk}").status_code == 404
    assert narrow.delete(f"/institutions/{a1.pk}").status_code == 404
    assert narrow.get("/auth/me").json()["roles"] == ["street_officer"]
    assert narrow.post("/institutions", {}).status_code in (403, 422)  # a street officer registers nothing


def test_last_used_is_stamped_without_a_write_on_every_request(world):
    user = world.users["district_officer"]
    api = ApiClient(user)
    api.get("/auth/me")
    stamped = ApiToken.objects.get(user=user).last_used_at
    assert stamped is not None
    with CaptureQueriesContext(connection) as ctx:
        api.get("/auth/me")
    assert not [q for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
    assert ApiToken.objects.get(user=user).last_used_at == stamped


# ---- the browser session ---------------------------------------------------------------------------

CSRF_SECRET = "a" * 32


def session_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies["csrftoken"] = CSRF_SECRET
    return client


def test_signed_in_browser_can_read_the_api(world):
    client = session_client(world.users["district_officer"])
    r = client.get(f"{API}/auth/me")
    assert r.status_code == 200
    assert r.json()["token"] is None


def test_signed_in_browser_write_needs_the_csrf_token(world):
    client = session_client(world.users["district_officer"])
    a2 = world.institutions["a2"]
    r = client.delete(f"{API}/institutions/{a2.pk}")
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"
    assert client.delete(f"{API}/institutions/{a2.pk}", headers={"X-CSRFToken": CSRF_SECRET}).status_code == 204


def test_anonymous_write_is_401_not_a_csrf_error(world):
    client = Client(enforce_csrf_checks=True)
    r = client.delete(f"{API}/institutions/{world.institutions['a2'].pk}")
    assert r.status_code == 401


def test_api_tokens_are_not_the_users_password(world):
    """A user created without roles can still hold a token, but it reaches nothing."""
    user = UserFactory(username="nobody-with-token")
    api = ApiClient(user)
    assert api.get("/auth/me").json()["roles"] == []
    assert api.get("/institutions").status_code == 403

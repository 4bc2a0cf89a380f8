"""The /users API: officers list, create, change and deactivate the accounts of their scope and
grant and revoke roles, under the same rules as the pages (the same services); no password or hash
is ever answered; unexpected fields are refused."""

import pytest

from tuoyu.accounts.models import ApiToken, RoleGrant, User
from tuoyu.accounts.tests.apiclient import ApiClient, token_for
from tuoyu.core.roles import Role

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lantern-river-2031"  # noqa: S105


def api(world, who="district_officer") -> ApiClient:
    return ApiClient(world.users[who])


def test_list_holds_the_callers_scope_with_grants_and_no_secrets(world):
    r = api(world).get("/users")
    assert r.status_code == 200
    body = r.json()
    names = {u["username"] for u in body["items"]}
    assert "institution_staff" in names and "institution_staff_out" not in names and "city_officer" not in names
    assert body["count"] == len(names) == 7
    staff = next(u for u in body["items"] if u["username"] == "institution_staff")
    assert staff["grants"][0]["role"] == "institution_staff" and staff["grants"][0]["state"] == "active"
    assert staff["grants"][0]["institution"]["id"] == world.institutions["a1"].pk
    text = r.content.decode()
    assert "password" not in text and "md5$" not in text and "pbkdf2" not in text


def test_list_filters(world):
    body = api(world, "city_officer").get("/users", {"role": "trainer", "is_active": "true", "q": "train"}).json()
    assert {u["username"] for u in body["items"]} == {"trainer", "trainer_out"}
    assert api(world).get("/users", {"role": "nope"}).status_code == 422


def test_create_with_a_first_grant(world):
    r = api(world).post("/users", {
        "username": "Zhao.Lei", "display_name": "赵磊", "password": NEW_PASSWORD,
        "grant": {"role": "health_manager", "institution_id": world.institutions["a2"].pk, "valid_until": "2099-12-31"},
    })
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["username"] == "zhao.lei" and body["created_by"] == "district_officer"
    assert body["grants"][0]["valid_until"] == "2099-12-31" and body["grants"][0]["granted_by"] == "district_officer"
    assert "password" not in body
    assert User.objects.get(username="zhao.lei").check_password(NEW_PASSWORD)


BASE = {"username": "zhao.lei", "display_name": "赵磊", "password": NEW_PASSWORD}


@pytest.mark.parametrize(("body", "field", "status"), [
    ({**BASE, "username": "x"}, "username", 400),
    ({**BASE, "password": "1234567890"}, "password", 400),
    ({**BASE, "is_staff": True}, "is_staff", 422),  # unexpected fields are refused
    ({**BASE, "grant": {"role": "street_officer", "region_code": "510105020"}}, "region_code", 400),  # district B
    ({**BASE, "grant": {"role": "street_officer", "region_code": "510104"}}, "region_code", 400),  # not a street
    ({**BASE, "grant": {"role": "institution_staff"}}, "institution_id", 400),
])
def test_create_refusals_name_the_field_and_create_nothing(world, body, field, status):
    r = api(world).post("/users", body)
    assert r.status_code == status, r.content
    assert field in r.json()["field_errors"]
    assert not User.objects.filter(username="zhao.lei").exists()


def test_grants_beyond_the_callers_reach_are_refused(world):
    r = api(world).post(f"/users/{world.users['institution_staff'].pk}/grants",
                        {"role": "city_officer", "region_code": "510100"})
    assert r.status_code == 400  # the city is not inside a district's scope: "not found or not yours"
    assert "region_code" in r.json()["field_errors"]
    expert = world.users["assessment_expert"]
    r = api(world).post(f"/users/{expert.pk}/grants", {"role": "district_officer", "region_code": "510104"})
    assert r.status_code == 201  # a colleague of its own level in its own district
    r = ApiClient(world.users["city_officer"]).post(f"/users/{expert.pk}/grants", {"role": "trainer", "region_code": "510100"})
    assert r.status_code == 201
    # A district officer's token cannot end the city-wide grant the city gave.
    grant = expert.grants.get(role=Role.TRAINER)
    r = api(world).delete(f"/users/{expert.pk}/grants/{grant.pk}")
    assert r.status_code == 403
    assert RoleGrant.objects.get(pk=grant.pk).revoked_at is None


def test_patch_renames_and_deactivates_and_reactivates(world):
    staff = world.users["institution_staff"]
    raw = token_for(staff)
    r = _patch(world, staff, {"display_name": "张敏"})
    assert r.status_code == 200 and r.json()["display_name"] == "张敏"
    r = _patch(world, staff, {"is_active": False})
    assert r.status_code == 200 and r.json()["is_active"] is False and r.json()["live_tokens"] == 0
    assert ApiClient(raw_token=raw).get("/auth/me").status_code == 401
    assert _patch(world, staff, {"is_active": True}).json()["is_active"] is True
    assert _patch(world, staff, {"password": "x"}).status_code == 422


def _patch(world, user, body):
    return api(world).patch(f"/users/{user.pk}", body)


def test_deactivate_operation(world):
    staff = world.users["institution_staff"]
    r = api(world).post(f"/users/{staff.pk}/deactivate")
    assert r.status_code == 200 and r.json()["is_active"] is False
    assert not ApiToken.objects.filter(user=staff, revoked_at__isnull=True).exists()


def test_grant_and_revoke_by_delete_and_by_post(world):
    staff = world.users["institution_staff"]
    client = api(world)
    r = client.post(f"/users/{staff.pk}/grants", {"role": "assessment_expert", "institution_id": world.institutions["a2"].pk,
                                                   "valid_from": "2099-01-01", "valid_until": "2099-01-14"})
    assert r.status_code == 201 and r.json()["state"] == "pending"
    grant_id = r.json()["id"]
    r = client.delete(f"/users/{staff.pk}/grants/{grant_id}")
    assert r.status_code == 200 and r.json()["state"] == "revoked" and r.json()["revoked_by"] == "district_officer"
    assert client.post(f"/users/{staff.pk}/grants/{grant_id}/revoke").status_code == 400  # already ended
    first = staff.grants.get(role=Role.INSTITUTION_STAFF)
    assert client.post(f"/users/{staff.pk}/grants/{first.pk}/revoke").json()["state"] == "revoked"
    assert RoleGrant.objects.filter(user=staff).count() == 2  # history kept


def test_objects_outside_the_scope_answer_404_and_other_roles_403(world):
    other = world.users["institution_staff_out"]
    assert api(world).get(f"/users/{other.pk}").status_code == 404
    assert api(world).post(f"/users/{other.pk}/deactivate").status_code == 404
    assert User.objects.get(pk=other.pk).is_active
    assert api(world, "institution_director").get("/users").status_code == 403
    assert api(world, "institution_director").get(f"/users/{world.users['institution_staff'].pk}").status_code == 403
    staff = world.users["institution_staff"]
    grant_out = other.grants.get()
    assert api(world).delete(f"/users/{staff.pk}/grants/{grant_out.pk}").status_code == 404


def test_a_token_bound_to_a_trainer_grant_cannot_manage_accounts(world):
    officer = world.users["district_officer"]
    RoleGrant.objects.create(user=officer, role=Role.TRAINER, region=world.districts[0])
    trainer_grant = officer.grants.get(role=Role.TRAINER)
    client = ApiClient(raw_token=token_for(officer, grant=trainer_grant))
    assert client.get("/users").status_code == 403

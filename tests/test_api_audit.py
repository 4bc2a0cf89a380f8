"""The audit trail through the API: officers browse their own scope (issue #2 item 7;
security.md rule 19)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tuoyu import conftest as package_conftest
from tuoyu.accounts.tests.apiclient import ApiClient

# The scoping fixture of the package's tests (src/tuoyu/conftest.py), used here by its name.
world = package_conftest.world
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def touch(world, key, open_days):
    """Change one institution through the API as the city officer (one audit row each)."""
    api = ApiClient(world.users["city_officer"])
    inst = world.institutions[key]
    body = api.get(f"/institutions/{inst.pk}").json()
    edit = {k: body[k] for k in ("name", "address", "registration_type", "service_model", "ownership",
                                 "credit_code", "status", "puhui", "demonstration_level", "filing_number", "version")}
    edit.update(street_code=body["street"]["code"], open_days=open_days,
                classes=[{k: c[k] for k in ("name", "class_type", "planned_capacity", "planned_caregivers")}
                         for c in body["classes"]])
    assert api.put(f"/institutions/{inst.pk}", edit).status_code == 200


def actions(api, **params):
    r = api.get("/audit", params)
    assert r.status_code == 200, r.content
    return [(e["action"], e["institution_id"]) for e in r.json()["items"]]


def test_district_officer_sees_the_audit_of_its_district_only(world):
    touch(world, "a1", "周一至周五")
    touch(world, "b1", "周一至周五")
    got = actions(ApiClient(world.users["district_officer"]), action="institution_update")
    assert got == [("institution_update", world.institutions["a1"].pk)]
    got = actions(ApiClient(world.users["city_officer"]), action="institution_update")
    assert len(got) == 2


def test_street_officer_sees_only_its_street(world):
    touch(world, "a1", "周一至周五")
    touch(world, "a2", "周一至周五")
    got = actions(ApiClient(world.users["street_officer"]), action="institution_update")
    assert got == [("institution_update", world.institutions["a1"].pk)]


def test_audit_filters_by_region_institution_and_time(world):
    touch(world, "a1", "周一至周五")
    touch(world, "a2", "周一至周六")
    api = ApiClient(world.users["city_officer"])
    a2 = world.institutions["a2"].pk
    assert actions(api, action="institution_update", region="510104021") == [("institution_update", a2)]
    assert actions(api, action="institution_update", institution_id=a2) == [("institution_update", a2)]
    later = (timezone.localtime() + timedelta(hours=1)).replace(tzinfo=None).isoformat()
    assert actions(api, action="institution_update", since=later) == []
    assert len(actions(api, action="institution_update", until=later)) == 2


def test_entries_carry_who_what_and_the_request(world):
    touch(world, "a1", "周一至周五")
    entry = ApiClient(world.users["district_officer"]).get("/audit", {"action": "institution_update"}).json()["items"][0]
    assert entry["actor_name"] == "city_officer"
    assert entry["actor_roles"] == "city_officer"
    assert entry["changes"]["open_days"] == ["", "周一至周五"]
    assert len(entry["request_id"]) == 32
    assert "client_ip" not in entry


@pytest.mark.parametrize("role", ["institution_director", "institution_staff", "health_manager",
                                  "assessment_expert", "trainer", "parent"])
def test_roles_other_than_officers_cannot_read_the_audit(world, role):
    r = ApiClient(world.users[role]).get("/audit")
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"

"""/api/v1/alliances: the same scoping, rules and error shape as the pages, through the services."""

from __future__ import annotations

import pytest

from tuoyu.accounts.tests.apiclient import ApiClient
from tuoyu.core.models import AuditEntry
from tuoyu.core.scoping import SYSTEM
from tuoyu.institutions.models import Alliance
from tuoyu.institutions.services import alliance_create


def _alliance(world, *members, name="锦江托育联盟", region=None):
    return alliance_create(actor=SYSTEM, name=name, region=region or world.districts[0],
                           member_ids=[world.institutions[m].pk for m in members])


def _written():
    return (list(Alliance.objects.order_by("pk").values()),
            sorted(Alliance.members.through.objects.values_list("alliance_id", "institution_id")))


def test_list_holds_the_callers_alliances_with_member_counts(world):
    _alliance(world, "a1", "a2")
    alliance_create(actor=SYSTEM, name="青羊托育联盟", region=world.districts[1], member_ids=[world.institutions["b1"].pk])
    body = ApiClient(world.users["district_officer"]).get("/alliances").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["name"] == "锦江托育联盟" and item["member_count"] == 2
    assert item["region"] == {"code": world.districts[0].code, "name": "锦江区"}
    assert set(item) == {"id", "name", "region", "description", "member_count", "created_at"}


def test_list_filters_by_text_and_region(world):
    _alliance(world, name="锦江托育联盟")
    _alliance(world, name="书院街联合体", region=world.streets[0])
    api = ApiClient(world.users["city_officer"])
    assert [i["name"] for i in api.get("/alliances", {"q": "联合体"}).json()["items"]] == ["书院街联合体"]
    assert [i["name"] for i in api.get("/alliances", {"region": world.streets[0].code[:9]}).json()["items"]] == ["书院街联合体"]
    assert api.get("/alliances", {"region": "12"}).status_code == 422


def test_detail_lists_every_member(world):
    alliance = _alliance(world, "a1", "a2")
    body = ApiClient(world.users["institution_director"]).get(f"/alliances/{alliance.pk}").json()
    assert body["member_count"] == 2
    assert {m["name"] for m in body["members"]} == {world.institutions["a1"].name, world.institutions["a2"].name}
    assert body["members"][0]["district"] == {"code": world.districts[0].code, "name": "锦江区"}


def test_create_with_members_answers_201_and_audits(world):
    a1 = world.institutions["a1"]
    r = ApiClient(world.users["district_officer"]).post("/alliances", {
        "name": "锦江区托育服务联盟", "region_code": world.districts[0].code[:6], "description": "示范引领",
        "member_ids": [a1.pk]})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["name"] == "锦江区托育服务联盟" and [m["id"] for m in body["members"]] == [a1.pk]
    assert AuditEntry.objects.filter(action="alliance_create", target_id=str(body["id"])).count() == 1


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "锦江托育联盟"}, "name"),  # taken
    ({"region_code": "510105"}, "region_code"),  # another district
    ({"member_ids": [10**9]}, "member_ids"),
    ({"name": ""}, "name"),
    ({"description": "字" * 2001}, "description"),
])
def test_create_refused_by_a_rule_answers_400_with_the_field_and_writes_nothing(world, body, field):
    _alliance(world)
    before = _written()
    payload = {"name": "新联盟", "region_code": world.districts[0].code} | body
    r = ApiClient(world.users["district_officer"]).post("/alliances", payload)
    assert r.status_code == 400, r.content
    assert field in r.json()["field_errors"]
    assert _written() == before


@pytest.mark.parametrize("body", [
    {"name": "联盟", "region_code": "510104", "members": [1]},  # unexpected field
    {"name": "联盟", "region_code": "510104", "member_ids": ["x"]},
    {"name": "联盟", "region_code": "510104", "member_ids": [2**63]},
    {"name": "联盟\x00", "region_code": "510104"},
    {"region_code": "510104"},
])
def test_create_with_a_malformed_body_answers_422(world, body):
    r = ApiClient(world.users["city_officer"]).post("/alliances", body)
    assert r.status_code == 422, r.content
    assert set(r.json()) == {"code", "message", "field_errors"}
    assert not Alliance.objects.exists()


def test_put_changes_the_fields_and_returns_the_alliance(world):
    alliance = _alliance(world, "a1")
    r = ApiClient(world.users["city_officer"]).put(f"/alliances/{alliance.pk}", {
        "name": "锦江区托育服务联盟", "region_code": world.streets[0].code, "description": "街道牵头"})
    assert r.status_code == 200, r.content
    assert r.json()["region"]["code"] == world.streets[0].code
    alliance.refresh_from_db()
    assert (alliance.name, alliance.description) == ("锦江区托育服务联盟", "街道牵头")


def test_put_members_replaces_them(world):
    alliance = _alliance(world, "a1")
    a2 = world.institutions["a2"]
    r = ApiClient(world.users["district_officer"]).put(f"/alliances/{alliance.pk}/members", {"member_ids": [a2.pk]})
    assert r.status_code == 200, r.content
    assert [m["id"] for m in r.json()["members"]] == [a2.pk]
    assert r.json()["member_count"] == 1


def test_put_members_outside_the_region_answers_400_and_keeps_the_list(world):
    alliance = _alliance(world, "a1", region=world.streets[0])
    r = ApiClient(world.users["district_officer"]).put(f"/alliances/{alliance.pk}/members",
                                                       {"member_ids": [world.institutions["a2"].pk]})
    assert r.status_code == 400
    assert "不在联盟所在区域" in r.json()["field_errors"]["member_ids"][0]
    assert list(alliance.members.values_list("pk", flat=True)) == [world.institutions["a1"].pk]


def test_delete_answers_204_and_the_alliance_is_gone(world):
    alliance = _alliance(world, "a1")
    assert ApiClient(world.users["district_officer"]).delete(f"/alliances/{alliance.pk}").status_code == 204
    assert not Alliance.objects.filter(pk=alliance.pk).exists()


def test_an_alliance_of_another_district_answers_404_to_every_operation(world):
    alliance = _alliance(world, "a1")
    api = ApiClient(world.users["district_officer_out"])
    before = _written()
    assert api.get(f"/alliances/{alliance.pk}").status_code == 404
    assert api.put(f"/alliances/{alliance.pk}", {"name": "x", "region_code": "510105"}).status_code == 404
    assert api.put(f"/alliances/{alliance.pk}/members", {"member_ids": []}).status_code == 404
    assert api.delete(f"/alliances/{alliance.pk}").status_code == 404
    assert _written() == before
    assert AuditEntry.objects.filter(result="denied", action="denied:manage_alliances").count() == 3

"""Alliance services: who may create, change and delete an alliance, which institutions may be its
members, unique names, audit rows with before/after, and nothing written when a change is refused."""

from __future__ import annotations

import pytest

from tuoyu.core.errors import DomainError, PermissionDenied
from tuoyu.core.models import AuditEntry
from tuoyu.core.roles import Role
from tuoyu.core.scoping import SYSTEM
from tuoyu.institutions import selectors
from tuoyu.institutions.models import Alliance, Institution
from tuoyu.institutions.services import (
    alliance_create,
    alliance_delete,
    alliance_members_set,
    alliance_update,
)
from tuoyu.institutions.tests.factories import InstitutionFactory
from tuoyu.regions.tests.factories import RegionFactory

CITY, DISTRICT, STREET = Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.STREET_OFFICER


def _written() -> tuple[int, int, int]:
    """Alliances, memberships and audit rows (a denial row aside: refusals here are field errors)."""
    return (Alliance.objects.count(), Alliance.members.through.objects.count(),
            AuditEntry.objects.filter(result="ok").count())


def _district_a_alliance(world, *members: str, name: str = "锦江托育联盟") -> Alliance:
    return alliance_create(actor=SYSTEM, name=name, region=world.districts[0],
                           member_ids=[world.institutions[m].pk for m in members])


# ------------------------------------------------------------------ create


def test_district_officer_creates_an_alliance_with_members_and_one_audit_row(world):
    a1, a2 = world.institutions["a1"], world.institutions["a2"]
    alliance = alliance_create(actor=world.users[DISTRICT], name=" 锦江区托育服务联盟 ", region=world.districts[0],
                               description="示范机构牵头", member_ids=[a2.pk, a1.pk, a1.pk])
    assert alliance.name == "锦江区托育服务联盟"
    assert alliance.region_code == world.districts[0].code
    assert set(alliance.members.values_list("pk", flat=True)) == {a1.pk, a2.pk}
    row = AuditEntry.objects.get(action="alliance_create")
    assert row.target_id == str(alliance.pk) and row.region_code == world.districts[0].code
    assert row.actor_name == DISTRICT
    assert row.changes == {
        "name": [None, "锦江区托育服务联盟"], "region": [None, world.districts[0].code],
        "description": [None, "示范机构牵头"], "members": [None, sorted([a1.pk, a2.pk])],
    }


def test_region_may_be_given_as_a_division_code(world):
    alliance = alliance_create(actor=world.users[CITY], name="书院街联合体", region=world.streets[0].code[:9])
    assert alliance.region == world.streets[0]


@pytest.mark.parametrize("name", ["锦江托育联盟", " 锦江托育联盟", "锦江托育联盟　", "ＡＢ托育联盟"])
def test_a_name_already_taken_is_refused_beside_the_name_and_nothing_is_written(world, name):
    _district_a_alliance(world)
    alliance_create(actor=SYSTEM, name="ab托育联盟", region=world.districts[0])
    before = _written()
    with pytest.raises(DomainError) as exc:
        alliance_create(actor=world.users[DISTRICT], name=name, region=world.districts[0],
                        member_ids=[world.institutions["a1"].pk])
    assert "已有名为" in exc.value.field_errors["name"][0]
    assert _written() == before


def test_a_region_outside_the_officers_scope_is_refused(world):
    before = _written()
    with pytest.raises(DomainError) as exc:
        alliance_create(actor=world.users[DISTRICT], name="青羊联盟", region=world.districts[1])
    assert exc.value.field_errors["region_code"] == ["您只能在自己负责的区域内建立或管理托育联盟。"]
    assert _written() == before


def test_a_role_that_may_not_manage_alliances_is_refused(world):
    with pytest.raises(PermissionDenied):
        alliance_create(actor=world.users[STREET], name="街道联盟", region=world.streets[0])
    assert not Alliance.objects.exists()


def test_a_member_the_officer_cannot_see_is_refused_and_nothing_is_written(world):
    b1 = world.institutions["b1"]
    before = _written()
    with pytest.raises(DomainError) as exc:
        alliance_create(actor=world.users[DISTRICT], name="锦江联盟", region=world.districts[0],
                        member_ids=[world.institutions["a1"].pk, b1.pk])
    assert str(b1.pk) in exc.value.field_errors["member_ids"][0]
    assert _written() == before


def test_a_member_outside_the_alliances_region_is_refused(world):
    with pytest.raises(DomainError) as exc:
        alliance_create(actor=world.users[CITY], name="书院街联合体", region=world.streets[0],
                        member_ids=[world.institutions["a2"].pk])
    assert exc.value.field_errors["member_ids"] == [f"“{world.institutions['a2'].name}”不在联盟所在区域（书院街街道）内。"]


def test_an_unknown_member_id_is_refused(world):
    with pytest.raises(DomainError) as exc:
        alliance_create(actor=world.users[CITY], name="联盟", region=world.districts[0], member_ids=[987654])
    assert "987654" in exc.value.field_errors["member_ids"][0]


def test_every_problem_is_reported_at_once(world):
    with pytest.raises(DomainError) as exc:
        alliance_create(actor=world.users[CITY], name="  ", region="12345", description="字" * 2001,
                        member_ids=[world.institutions["b1"].pk])
    assert set(exc.value.field_errors) == {"name", "region_code", "description"}


@pytest.mark.parametrize(("code", "message"), [
    ("510104020001", "所在区域须为市、区/县或街道/镇。"),
    ("510199", "所在区域不存在。"),
    ("abc", "区划代码应为6、9或12位数字"),
])
def test_region_must_be_a_known_city_district_or_street(world, code, message):
    RegionFactory(code="510104020001", name="某社区", level="community", parent=world.streets[0])
    with pytest.raises(DomainError) as exc:
        alliance_create(actor=world.users[CITY], name="联盟", region=code)
    assert exc.value.field_errors["region_code"][0].startswith(message)


def test_a_revoked_region_cannot_take_a_new_alliance(world):
    world.streets[1].is_active = False
    world.streets[1].save()
    with pytest.raises(DomainError) as exc:
        alliance_create(actor=world.users[CITY], name="联盟", region=world.streets[1])
    assert exc.value.field_errors["region_code"] == ["该区划已撤销，请选择现行区划。"]


# ------------------------------------------------------------------ update


def test_update_records_only_what_changed(world):
    alliance = _district_a_alliance(world, "a1")
    alliance, changed = alliance_update(actor=world.users[DISTRICT], alliance=alliance, name="锦江区托育服务联盟",
                                        region=world.districts[0], description="新简介")
    assert changed
    alliance.refresh_from_db()
    assert (alliance.name, alliance.description) == ("锦江区托育服务联盟", "新简介")
    row = AuditEntry.objects.get(action="alliance_update")
    assert row.changes == {"name": ["锦江托育联盟", "锦江区托育服务联盟"], "description": ["", "新简介"]}


def test_saving_an_unchanged_alliance_writes_nothing(world):
    alliance = _district_a_alliance(world, "a1")
    before = _written()
    _alliance, changed = alliance_update(actor=world.users[DISTRICT], alliance=alliance, name="锦江托育联盟",
                                         region=world.districts[0].code)
    assert not changed and _written() == before


def test_keeping_its_own_name_is_not_a_duplicate(world):
    alliance = _district_a_alliance(world)
    _alliance, changed = alliance_update(actor=world.users[DISTRICT], alliance=alliance, name="锦江托育联盟",
                                         region=world.districts[0], description="加一句")
    assert changed


def test_moving_to_a_region_that_would_leave_members_outside_is_refused(world):
    alliance = _district_a_alliance(world, "a1", "a2")
    with pytest.raises(DomainError) as exc:
        alliance_update(actor=world.users[DISTRICT], alliance=alliance, name="锦江托育联盟", region=world.streets[0])
    assert exc.value.field_errors["region_code"][0].startswith("有1家成员机构不在该区域内")
    alliance.refresh_from_db()
    assert alliance.region == world.districts[0]


def test_moving_to_a_narrower_region_that_holds_every_member_is_allowed(world):
    alliance = _district_a_alliance(world, "a1")
    alliance, changed = alliance_update(actor=world.users[DISTRICT], alliance=alliance, name="锦江托育联盟",
                                        region=world.streets[0])
    assert changed and alliance.region_code == world.streets[0].code
    assert AuditEntry.objects.get(action="alliance_update").changes == {
        "region": [world.districts[0].code, world.streets[0].code]}


def test_another_districts_officer_cannot_change_it(world):
    alliance = _district_a_alliance(world, "a1")
    with pytest.raises(PermissionDenied):
        alliance_update(actor=world.users[f"{DISTRICT}_out"], alliance=alliance, name="改名", region=world.districts[0])
    alliance.refresh_from_db()
    assert alliance.name == "锦江托育联盟"


def test_a_district_officer_cannot_move_a_city_alliance_it_may_not_manage(world):
    alliance = alliance_create(actor=SYSTEM, name="全市联盟", region=world.city)
    with pytest.raises(PermissionDenied):
        alliance_update(actor=world.users[DISTRICT], alliance=alliance, name="全市联盟", region=world.districts[0])


# ------------------------------------------------------------------ members


def test_members_set_replaces_the_list_and_audits_old_and_new(world):
    a1, a2 = world.institutions["a1"], world.institutions["a2"]
    alliance = _district_a_alliance(world, "a1")
    alliance, changed = alliance_members_set(actor=world.users[DISTRICT], alliance=alliance, member_ids=[a2.pk])
    assert changed
    assert list(alliance.members.values_list("pk", flat=True)) == [a2.pk]
    assert Institution.objects.filter(pk=a1.pk).exists()  # leaving an alliance deletes nothing
    row = AuditEntry.objects.get(action="alliance_members_set")
    assert row.changes == {"members": [[a1.pk], [a2.pk]]}


def test_members_set_to_the_same_list_writes_nothing(world):
    alliance = _district_a_alliance(world, "a1", "a2")
    before = _written()
    ids = [world.institutions["a2"].pk, world.institutions["a1"].pk]
    _alliance, changed = alliance_members_set(actor=world.users[DISTRICT], alliance=alliance, member_ids=ids)
    assert not changed and _written() == before


def test_members_set_refuses_an_institution_out_of_scope_and_keeps_the_old_list(world):
    alliance = _district_a_alliance(world, "a1")
    with pytest.raises(DomainError) as exc:
        alliance_members_set(actor=world.users[DISTRICT], alliance=alliance,
                             member_ids=[world.institutions["a2"].pk, world.institutions["b1"].pk])
    assert "member_ids" in exc.value.field_errors
    assert list(alliance.members.values_list("pk", flat=True)) == [world.institutions["a1"].pk]
    assert not AuditEntry.objects.filter(action="alliance_members_set").exists()


def test_members_may_be_emptied(world):
    alliance = _district_a_alliance(world, "a1")
    _alliance, changed = alliance_members_set(actor=world.users[CITY], alliance=alliance, member_ids=[])
    assert changed and not alliance.members.exists()


def test_a_street_officer_who_sees_the_alliance_may_not_set_its_members(world):
    alliance = _district_a_alliance(world, "a1")
    assert selectors.alliance_get(world.users[STREET], alliance.pk) == alliance
    with pytest.raises(PermissionDenied):
        alliance_members_set(actor=world.users[STREET], alliance=alliance, member_ids=[])


# ------------------------------------------------------------------ delete


def test_delete_removes_the_alliance_keeps_its_members_and_audits_what_it_was(world):
    alliance = _district_a_alliance(world, "a1", "a2")
    pk = alliance.pk
    alliance_delete(actor=world.users[DISTRICT], alliance=alliance)
    assert not Alliance.objects.filter(pk=pk).exists()
    assert Institution.objects.filter(pk__in=[world.institutions["a1"].pk, world.institutions["a2"].pk]).count() == 2
    row = AuditEntry.objects.get(action="alliance_delete")
    assert row.target_id == str(pk)
    assert row.changes["name"] == ["锦江托育联盟", None]
    assert row.changes["members"] == [sorted([world.institutions["a1"].pk, world.institutions["a2"].pk]), None]


def test_delete_by_an_officer_of_another_district_is_refused(world):
    alliance = _district_a_alliance(world, "a1")
    with pytest.raises(PermissionDenied):
        alliance_delete(actor=world.users[f"{DISTRICT}_out"], alliance=alliance)
    assert Alliance.objects.filter(pk=alliance.pk).exists()


# ------------------------------------------------------------------ who sees an alliance


@pytest.mark.parametrize(("principal", "sees"), [
    ("city_officer", True), ("district_officer", True), ("street_officer", True), ("institution_director", True),
    ("health_manager", True), ("trainer", True), ("parent", False),
    ("district_officer_out", False), ("street_officer_out", False), ("institution_director_out", False),
    ("city_officer_out", False),
])
def test_an_alliance_is_seen_in_its_region_and_by_whoever_sees_a_member(world, principal, sees):
    alliance = _district_a_alliance(world, "a1")
    assert selectors.alliance_list(world.users[principal]).filter(pk=alliance.pk).exists() is sees


def test_a_city_alliance_is_seen_by_a_district_officer_through_its_members_only(world):
    with_a = alliance_create(actor=SYSTEM, name="全市示范联盟", region=world.city, member_ids=[world.institutions["a1"].pk])
    without = alliance_create(actor=SYSTEM, name="青羊片联盟", region=world.city, member_ids=[world.institutions["b1"].pk])
    seen = set(selectors.alliance_list(world.users[DISTRICT]).values_list("pk", flat=True))
    assert with_a.pk in seen and without.pk not in seen


def test_member_count_counts_every_member_whatever_the_viewer_sees(world):
    extra = InstitutionFactory(street=world.streets[1])
    alliance = alliance_create(actor=SYSTEM, name="锦江联盟", region=world.districts[0],
                               member_ids=[world.institutions["a1"].pk, world.institutions["a2"].pk, extra.pk])
    for principal in ("street_officer", "institution_director", "city_officer"):
        row = selectors.alliance_list(world.users[principal]).get(pk=alliance.pk)
        assert row.member_count == 3, principal

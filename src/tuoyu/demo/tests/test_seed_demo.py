"""Seeding the demo city through the load services: what it writes, who can sign in, that a second
run changes nothing, and that production refuses it (issue #2 item 9, issue #9, security.md rule 6)."""

import time

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tuoyu.accounts.models import RoleGrant, User
from tuoyu.core.divisions import Level
from tuoyu.core.models import AuditEntry
from tuoyu.core.permissions import Action
from tuoyu.core.roles import Role
from tuoyu.demo.logins import DEMO_PASSWORD, DEMO_USERS
from tuoyu.demo.plan import build_plan
from tuoyu.demo.seed import DemoNotAllowed, anchor_institutions, seed_demo
from tuoyu.institutions.models import Alliance, CareClass, Institution, ServiceOffering
from tuoyu.regions.models import Region, RegionPopulation

# The loads audit themselves on every run (who loaded what, with its counts); every other audit
# row records a change to an object.
LOAD_ACTIONS = {"regions_load", "population_load", "institutions_load"}


def _counts():
    return {m.__name__: m.objects.count() for m in (
        Region, RegionPopulation, Institution, CareClass, ServiceOffering, Alliance, User, RoleGrant)}


def _db_city():
    """Names and codes as the database holds them, in a stable order."""
    return (
        sorted(Region.objects.values_list("code", "name", "level")),
        sorted(
            (i.credit_code, i.name, i.status, i.region_code, sum(c.planned_capacity for c in i.classes.all()))
            for i in Institution.objects.prefetch_related("classes")
        ),
    )


@pytest.fixture
def small(db):
    report = seed_demo(seed=2026, size="small")
    return report


def test_small_seed_writes_one_district_eight_streets_and_forty_institutions(small):
    assert Region.objects.filter(level=Level.CITY).count() == 1
    assert Region.objects.filter(level=Level.DISTRICT).count() == 1
    assert Region.objects.filter(level=Level.STREET).count() == 8
    assert Region.objects.filter(level=Level.COMMUNITY).count() >= 8 * 6
    assert Institution.objects.count() == 40
    assert CareClass.objects.count() > 40 and ServiceOffering.objects.count() >= 40
    assert RegionPopulation.objects.filter(year=2025).count() == Region.objects.count()
    assert Institution.objects.filter(lead_institution__isnull=False).exists()  # 1+N
    assert Alliance.objects.count() == 2
    assert small.changed


def test_seed_writes_exactly_the_planned_city(small):
    plan = build_plan(seed=2026, size="small")
    regions, institutions = _db_city()
    assert regions == sorted((d.code, d.name, str(d.level)) for d in plan.divisions)
    assert institutions == sorted(
        (i.credit_code, i.name, i.status, i.street.code, i.places) for i in plan.institutions)


def test_second_seed_changes_nothing(small):
    before = _counts()
    last_audit = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    report = seed_demo(seed=2026, size="small")
    assert not report.changed
    for result in report.loads.values():
        assert (result.created, result.updated, result.deactivated) == (0, 0, 0)
        assert result.unchanged == result.rows
    assert _counts() == before
    new_actions = set(AuditEntry.objects.filter(id__gt=last_audit).values_list("action", flat=True))
    assert new_actions <= LOAD_ACTIONS


def test_every_role_has_a_demo_user_who_signs_in_and_sees_data(small, client):
    assert {u.role for u in DEMO_USERS} == set(Role.values)
    anchor, _second = anchor_institutions(build_plan(seed=2026, size="small"))
    for spec in DEMO_USERS:
        assert client.login(username=spec.username, password=DEMO_PASSWORD), spec.username
        user = User.objects.get(username=spec.username)
        assert user.role_codes() == {spec.role}
        assert client.get(reverse("home")).status_code == 200
        if user.may(Action.VIEW_INSTITUTION):
            assert Institution.objects.restrict(user, Action.VIEW_INSTITUTION).filter(name=anchor.name).exists()
            page = client.get(reverse("institutions:list"))
            assert page.status_code == 200 and anchor.name in page.content.decode()
        else:  # a parent: the public (filed) institutions only
            assert Institution.objects.restrict(user, Action.VIEW_PUBLIC).exists()
        client.logout()


def test_demo_scopes_exist_in_the_small_city_as_in_the_big_one(small):
    district = RoleGrant.objects.get(user__username="district").region
    street = RoleGrant.objects.get(user__username="street").region
    director = RoleGrant.objects.get(user__username="director").institution
    assert district.level == Level.DISTRICT and street.parent == district
    assert director.region_code.startswith(street.prefix) and director.status == "filed"
    big = {i.credit_code for i in build_plan(seed=2026, size="city").institutions}
    assert director.credit_code in big


def test_production_refuses_the_demo_seed_and_writes_nothing(db, settings):
    settings.TUOYU_DEMO_ALLOWED = False
    with pytest.raises(DemoNotAllowed):
        seed_demo(seed=2026, size="small")
    for command in ("seed_demo", "demo_logins", "demo"):
        with pytest.raises(CommandError):
            call_command(command)
    assert Region.objects.count() == 0 and User.objects.count() == 0


def test_city_seed_after_the_small_one_only_adds_and_takes_under_two_minutes(small):
    started = time.perf_counter()
    report = seed_demo(seed=2026, size="city")
    elapsed = time.perf_counter() - started
    assert Institution.objects.count() == 1_600
    assert Region.objects.filter(level=Level.DISTRICT).count() == 10
    loads = report.loads
    assert loads["institutions"].created + loads["demonstration_institutions"].created == 1_600 - 40
    assert loads["institutions"].unchanged + loads["demonstration_institutions"].unchanged == 40
    assert loads["institutions"].updated == loads["demonstration_institutions"].updated == 0
    # The small city's two alliances exist already, with the small city's members only.
    assert len(report.alliances_short) == 2 and report.alliances_created == 9
    assert elapsed < 120, f"seeding the city took {elapsed:.0f} s"

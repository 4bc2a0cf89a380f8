"""Shared fixtures: `world` is the scoping fixture security.md rule 1 asks for — a city with two
districts, two streets each, institutions in two streets, and a user of every role inside a scope
and another of the same role outside it."""

from dataclasses import dataclass, field

import pytest

from tuoyu.accounts.tests.factories import user_with_role
from tuoyu.core.roles import Role
from tuoyu.institutions.choices import Status
from tuoyu.institutions.tests.factories import CareClassFactory, InstitutionFactory
from tuoyu.regions.tests.factories import RegionPopulationFactory, city, district, street


@dataclass
class World:
    city: object
    districts: list
    streets: list  # a1, a2 in district A; b1, b2 in district B
    institutions: dict  # "a1" → institution in street a1 (filed), "b1" → in street b1 (filed)
    users: dict = field(default_factory=dict)  # "<role>" inside A/a1; "<role>_out" in B/b1


@pytest.fixture
def world(db):
    c = city()
    da = district(c, "510104", "锦江区")
    db_ = district(c, "510105", "青羊区")
    a1 = street(da, "510104020", "书院街街道")
    a2 = street(da, "510104021", "合江亭街道")
    b1 = street(db_, "510105020", "少城街道")
    b2 = street(db_, "510105021", "草市街街道")
    for r, n in ((c, 21_400_000), (da, 900_000), (db_, 950_000), (a1, 60_000), (b1, 70_000)):
        RegionPopulationFactory(region=r, resident_population=n, children_under_3=n * 2 // 100)
    insts = {}
    for key, st in (("a1", a1), ("a2", a2), ("b1", b1)):
        inst = InstitutionFactory(street=st, name=f"{st.name}托育中心", status=Status.FILED, filing_number=f"BA-{key}")
        CareClassFactory(institution=inst, name="托小一班")
        insts[key] = inst
    w = World(c, [da, db_], [a1, a2, b1, b2], insts)
    inside = {"region": {Role.CITY_OFFICER: c, Role.DISTRICT_OFFICER: da, Role.STREET_OFFICER: a1, Role.TRAINER: da}}
    for role in Role.values:
        if role in inside["region"]:
            w.users[role] = user_with_role(role, role, region=inside["region"][role])
        elif role == Role.PARENT:
            w.users[role] = user_with_role(role, role)
        else:
            w.users[role] = user_with_role(role, role, institution=insts["a1"])
    # Same roles, other scope: a second city stands in for "outside" the city officer.
    other_city = city("510300000000", "另一市")
    outside = {Role.CITY_OFFICER: other_city, Role.DISTRICT_OFFICER: db_, Role.STREET_OFFICER: b1, Role.TRAINER: db_}
    for role in Role.values:
        if role in outside:
            w.users[f"{role}_out"] = user_with_role(f"{role}_out", role, region=outside[role])
        elif role != Role.PARENT:
            w.users[f"{role}_out"] = user_with_role(f"{role}_out", role, institution=insts["b1"])
    return w


def pytest_configure(config):
    """`make test-postgres` sets TUOYU_EXPECT_DB=postgresql: a run that silently fell back to
    SQLite would hide the row-lock tests, so it stops instead."""
    import os

    from django.conf import settings

    # Hashing passwords properly costs ~0.1 s each; tests create dozens of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The lockout (django-axes) needs the request in authenticate(); Django's test client
    # `login()` has none. Lockout tests switch it on with the `settings` fixture.
    settings.AXES_ENABLED = False
    expected = os.environ.get("TUOYU_EXPECT_DB")
    if expected and settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1] != expected:
        raise pytest.UsageError(f"expected the {expected} database, got {settings.DATABASES['default']['ENGINE']}")


@pytest.fixture(autouse=True)
def _chinese_after_each_test():
    """A request with the English cookie leaves English active in the worker thread; the next
    test must start in the platform's first language again."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)

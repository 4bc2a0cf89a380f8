"""restrict(user, action) for every role: what each sees of the registry (security.md rule 1)."""

import pytest

from tuoyu.core.permissions import Action
from tuoyu.core.roles import Role
from tuoyu.institutions.models import Institution

# role → which of the world's institutions it sees (a1, a2 in district A; b1 in district B)
EXPECTED_VIEW = {
    Role.CITY_OFFICER: {"a1", "a2", "b1"},
    Role.DISTRICT_OFFICER: {"a1", "a2"},
    Role.STREET_OFFICER: {"a1"},
    Role.INSTITUTION_DIRECTOR: {"a1"},
    Role.INSTITUTION_STAFF: {"a1"},
    Role.HEALTH_MANAGER: {"a1"},
    Role.ASSESSMENT_EXPERT: {"a1"},
    Role.TRAINER: {"a1", "a2"},
    Role.PARENT: set(),
}


@pytest.mark.parametrize("role", list(EXPECTED_VIEW))
def test_each_role_sees_only_its_scope(world, role):
    seen = set(Institution.objects.restrict(world.users[role], Action.VIEW_INSTITUTION).values_list("name", flat=True))
    expected = {world.institutions[k].name for k in EXPECTED_VIEW[role]}
    assert seen == expected


@pytest.mark.parametrize("role", [r for r in EXPECTED_VIEW if r != Role.PARENT])
def test_same_role_elsewhere_does_not_see_district_a(world, role):
    out = world.users[f"{role}_out"]
    seen = set(Institution.objects.restrict(out, Action.VIEW_INSTITUTION).values_list("pk", flat=True))
    assert world.institutions["a1"].pk not in seen


def test_anonymous_sees_only_filed_institutions_publicly(world):
    inst = world.institutions["a2"]
    Institution.objects.filter(pk=inst.pk).update(status="registered")
    public = set(Institution.objects.restrict(None, Action.VIEW_PUBLIC).values_list("pk", flat=True))
    assert inst.pk not in public and world.institutions["a1"].pk in public


def test_expired_grant_gives_nothing(world):
    import datetime

    user = world.users[Role.HEALTH_MANAGER]
    user.grants.update(valid_until=datetime.date(2020, 1, 1))
    user.__dict__.pop("active_grants", None)
    assert not Institution.objects.restrict(user, Action.VIEW_INSTITUTION).exists()

"""`User.objects.restrict(officer, MANAGE_ACCOUNTS)`: the accounts an officer may manage are those
with a live grant inside its scope, plus those without any live grant that it created or whose past
grants lay inside it. A district officer never sees another district's users (issue #2 item 4)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tuoyu.accounts import selectors, services
from tuoyu.accounts.models import User
from tuoyu.accounts.tests.factories import UserFactory
from tuoyu.core.errors import NotFound
from tuoyu.core.models import AuditEntry
from tuoyu.core.permissions import Action
from tuoyu.core.roles import Role
from tuoyu.core.scoping import SYSTEM

pytestmark = pytest.mark.django_db

DISTRICT_A = {"city_officer", "district_officer", "street_officer", "institution_director", "institution_staff",
              "health_manager", "assessment_expert", "trainer"}
DISTRICT_B = {"district_officer_out", "street_officer_out", "institution_director_out", "institution_staff_out",
              "health_manager_out", "assessment_expert_out", "trainer_out"}


def visible(officer) -> set[str]:
    return set(User.objects.restrict(officer, Action.MANAGE_ACCOUNTS).values_list("username", flat=True))


def test_district_officer_sees_exactly_its_districts_users(world):
    assert visible(world.users["district_officer"]) == DISTRICT_A - {"city_officer"}
    assert visible(world.users["district_officer_out"]) == DISTRICT_B


def test_city_officer_sees_its_city_and_not_another_city(world):
    assert visible(world.users["city_officer"]) == DISTRICT_A | DISTRICT_B
    assert visible(world.users["city_officer_out"]) == {"city_officer_out"}


@pytest.mark.parametrize("role", ["street_officer", "institution_director", "trainer", "parent"])
def test_roles_that_do_not_manage_accounts_see_nobody(world, role):
    assert visible(world.users[role]) == set()


def test_system_sees_everyone(world):
    assert User.objects.restrict(SYSTEM, Action.MANAGE_ACCOUNTS).count() == User.objects.count()


def test_a_new_account_without_a_grant_is_its_creators_only(world):
    user = services.user_create(actor=world.users["district_officer"], username="no.grant.yet",
                                password="Lantern-river-2031", display_name="待授权")
    assert "no.grant.yet" in visible(world.users["district_officer"])
    assert "no.grant.yet" not in visible(world.users["district_officer_out"])
    assert "no.grant.yet" not in visible(world.users["city_officer"])  # nobody else's until it has a grant
    services.role_grant(actor=world.users["district_officer"], user=user, role=Role.TRAINER, region=world.districts[0])
    assert "no.grant.yet" in visible(world.users["city_officer"])


def test_someone_who_moved_to_another_district_leaves_the_old_districts_list(world):
    user = world.users["institution_staff"]
    services.role_revoke(actor=SYSTEM, grant=user.grants.get())
    # Only past grants, all in district A: district A keeps the history.
    assert user.username in visible(world.users["district_officer"])
    services.role_grant(actor=SYSTEM, user=user, role=Role.INSTITUTION_STAFF, institution=world.institutions["b1"])
    assert user.username not in visible(world.users["district_officer"])
    assert user.username in visible(world.users["district_officer_out"])


def test_a_grant_starting_later_already_places_the_account(world):
    user = UserFactory(username="future.expert")
    services.role_grant(actor=SYSTEM, user=user, role=Role.ASSESSMENT_EXPERT, institution=world.institutions["b1"],
                        valid_from=timezone.localdate() + timedelta(days=30))
    assert "future.expert" in visible(world.users["district_officer_out"])
    assert "future.expert" not in visible(world.users["district_officer"])


def test_an_account_of_another_district_answers_404_and_the_denial_is_audited(world):
    with pytest.raises(NotFound):
        selectors.user_get(world.users["district_officer"], world.users["institution_staff_out"].pk)
    assert AuditEntry.objects.filter(action="denied:manage_accounts", actor_name="district_officer").count() == 1


def test_list_filters_by_text_role_and_state(world):
    officer = world.users["city_officer"]
    assert {u.username for u in selectors.user_list(officer, q="staff")} == {"institution_staff", "institution_staff_out"}
    assert {u.username for u in selectors.user_list(officer, role=Role.TRAINER)} == {"trainer", "trainer_out"}
    services.user_deactivate(actor=officer, user=world.users["trainer"])
    assert {u.username for u in selectors.user_list(officer, active=False)} == {"trainer"}


def test_list_reads_a_page_of_users_and_their_grants_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    """One query for the page of users (with the live-token count), one for their grants with
    regions, institutions and who granted/revoked them: 2, plus the officer's own grants (1)."""
    officer = User.objects.get(pk=world.users["city_officer"].pk)
    with django_assert_max_num_queries(3):
        rows = list(selectors.user_list(officer))
        labels = [g.scope_label for u in rows for g in u.grants.all()]
    assert len(rows) == len(DISTRICT_A | DISTRICT_B) and labels

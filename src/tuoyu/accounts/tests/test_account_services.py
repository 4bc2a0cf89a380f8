"""Account services: who may grant what (inside the scope, at or below one's level), revoking keeps
history, deactivating ends sessions and tokens (security.md rule 6), passwords pass Django's
validators (rule 8), and every write leaves an audit row without secrets (rule 19)."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from tuoyu.accounts import services
from tuoyu.accounts.models import ApiToken, RoleGrant, User
from tuoyu.accounts.services import GrantData
from tuoyu.accounts.tests.apiclient import ApiClient, token_for
from tuoyu.accounts.tests.factories import PASSWORD, UserFactory
from tuoyu.core.errors import DomainError, PermissionDenied
from tuoyu.core.models import AuditEntry
from tuoyu.core.roles import Role
from tuoyu.core.scoping import SYSTEM

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lantern-river-2031"  # noqa: S105


def new_user(actor, username="new.person", **grant):
    return services.user_create(actor=actor, username=username, password=NEW_PASSWORD, display_name="新人",
                                grant=GrantData(**grant) if grant else None)


def audit_text() -> str:
    return " ".join(f"{e.changes} {e.target_repr}" for e in AuditEntry.objects.all())


# ---- creating accounts -----------------------------------------------------------------------------

def test_district_officer_creates_an_account_with_its_first_grant_in_one_step(world):
    officer = world.users["district_officer"]
    user = new_user(officer, role=Role.STREET_OFFICER, region=world.streets[1])
    assert user.check_password(NEW_PASSWORD)
    assert user.created_by == officer
    grant = user.grants.get()
    assert (grant.role, grant.region, grant.granted_by) == (Role.STREET_OFFICER, world.streets[1], officer)
    rows = AuditEntry.objects.filter(target_id=str(user.pk)).order_by("id")
    assert [r.action for r in rows] == ["role_grant", "user_create"]
    assert all(r.region_code == world.streets[1].code for r in rows)  # filed under the new grant's street


@pytest.mark.parametrize(("typed", "stored"), [("wang.fang", "wang.fang"), ("  Wang_Fang ", "wang_fang"), ("ｌｉ－ｎａ", "li-na")])
def test_username_is_folded_to_lower_case_ascii(world, typed, stored):
    user = services.user_create(actor=SYSTEM, username=typed, password=NEW_PASSWORD, display_name="某人")
    assert user.username == stored


@pytest.mark.parametrize("bad", ["ab", "1abc", "王芳", "wang fang", "a" * 31, "wang@fang", ""])
def test_username_outside_the_rule_is_refused_with_the_field_named(world, bad):
    with pytest.raises(DomainError) as exc:
        services.user_create(actor=SYSTEM, username=bad, password=NEW_PASSWORD, display_name="某人")
    assert exc.value.field_errors["username"] == [str(services.MSG_USERNAME_FORMAT)]
    assert not User.objects.filter(display_name="某人").exists()


def test_username_taken_in_another_case_is_refused(world):
    with pytest.raises(DomainError) as exc:
        services.user_create(actor=SYSTEM, username="City_Officer", password=NEW_PASSWORD, display_name="某人")
    assert "username" in exc.value.field_errors


@pytest.mark.parametrize("password", ["short1!", "1234567890123", "password123", "new.person-x"])
def test_weak_password_is_refused_by_djangos_validators(world, password):
    with pytest.raises(DomainError) as exc:
        services.user_create(actor=SYSTEM, username="new.person", password=password, display_name="新人")
    assert exc.value.field_errors["password"]
    assert not User.objects.filter(username="new.person").exists()


def test_display_name_is_required(world):
    with pytest.raises(DomainError) as exc:
        services.user_create(actor=SYSTEM, username="new.person", password=NEW_PASSWORD, display_name="  ")
    assert "display_name" in exc.value.field_errors


def test_refused_first_grant_creates_no_account(world):
    with pytest.raises(PermissionDenied):
        new_user(world.users["district_officer"], role=Role.STREET_OFFICER, region=world.streets[2])  # district B
    assert not User.objects.filter(username="new.person").exists()
    assert AuditEntry.objects.filter(action="denied:manage_accounts").count() == 1


# ---- who may grant what ------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "scope", "allowed"), [
    (Role.DISTRICT_OFFICER, "district_a", True),      # a colleague of its own level, in its district
    (Role.STREET_OFFICER, "street_a1", True),
    (Role.TRAINER, "district_a", True),
    (Role.INSTITUTION_DIRECTOR, "inst_a1", True),
    (Role.ASSESSMENT_EXPERT, "inst_a2", True),
    (Role.CITY_OFFICER, "city", False),               # above its level
    (Role.DISTRICT_OFFICER, "district_b", False),     # another district
    (Role.STREET_OFFICER, "street_b1", False),
    (Role.TRAINER, "city", False),                    # a wider region than its own
    (Role.INSTITUTION_STAFF, "inst_b1", False),
])
def test_district_officer_grants_only_inside_its_district_and_at_or_below_its_level(world, role, scope, allowed):
    target = UserFactory(username="target")
    scopes = {
        "city": {"region": world.city}, "district_a": {"region": world.districts[0]},
        "district_b": {"region": world.districts[1]}, "street_a1": {"region": world.streets[0]},
        "street_b1": {"region": world.streets[2]}, "inst_a1": {"institution": world.institutions["a1"]},
        "inst_a2": {"institution": world.institutions["a2"]}, "inst_b1": {"institution": world.institutions["b1"]},
    }
    officer = world.users["district_officer"]
    if allowed:
        services.role_grant(actor=officer, user=target, role=role, **scopes[scope])
        assert target.grants.filter(role=role).exists()
    else:
        with pytest.raises(PermissionDenied):
            services.role_grant(actor=officer, user=target, role=role, **scopes[scope])
        assert not target.grants.exists()
        denial = AuditEntry.objects.get(action="denied:manage_accounts")
        assert denial.actor_name == "district_officer" and denial.target_id == str(target.pk)


def test_city_officer_grants_district_officers_in_its_city_but_not_in_another(world):
    target = UserFactory(username="target")
    services.role_grant(actor=world.users["city_officer"], user=target, role=Role.DISTRICT_OFFICER, region=world.districts[1])
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=world.users["city_officer_out"], user=target, role=Role.DISTRICT_OFFICER,
                            region=world.districts[0])


@pytest.mark.parametrize("role", [Role.STREET_OFFICER, Role.INSTITUTION_DIRECTOR, Role.TRAINER, Role.PARENT])
def test_roles_without_manage_accounts_cannot_grant_anything(world, role):
    actor = world.users[role]
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=actor, user=UserFactory(username="target"), role=Role.PARENT)


def test_system_may_grant_anything(world):
    target = UserFactory(username="target")
    services.role_grant(actor=SYSTEM, user=target, role=Role.CITY_OFFICER, region=world.city)
    assert target.has_role(Role.CITY_OFFICER)


@pytest.mark.parametrize(("role", "scope", "field"), [
    (Role.DISTRICT_OFFICER, "street", "region"),   # a district officer is granted on a district
    (Role.STREET_OFFICER, "district", "region"),
    (Role.CITY_OFFICER, "district", "region"),
    (Role.INSTITUTION_STAFF, "district", "institution"),  # an institution role needs an institution
    (Role.STREET_OFFICER, "institution", "region"),
    (Role.PARENT, "district", "role"),
])
def test_grant_on_the_wrong_kind_or_level_of_scope_is_refused_with_the_field_named(world, role, scope, field):
    objs = {"street": {"region": world.streets[0]}, "district": {"region": world.districts[0]},
            "institution": {"institution": world.institutions["a1"]}}
    with pytest.raises(DomainError) as exc:
        services.role_grant(actor=SYSTEM, user=UserFactory(username="target"), role=role, **objs[scope])
    assert field in exc.value.field_errors


def test_nobody_grants_to_themselves(world):
    officer = world.users["district_officer"]
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=officer, user=officer, role=Role.TRAINER, region=world.districts[0])


def test_dates_must_not_be_backdated_or_reversed(world):
    officer, target = world.users["district_officer"], UserFactory(username="target")
    today = timezone.localdate()
    with pytest.raises(DomainError) as exc:
        services.role_grant(actor=officer, user=target, role=Role.TRAINER, region=world.districts[0],
                            valid_from=today - timedelta(days=1))
    assert "valid_from" in exc.value.field_errors
    with pytest.raises(DomainError) as exc:
        services.role_grant(actor=officer, user=target, role=Role.TRAINER, region=world.districts[0],
                            valid_from=today + timedelta(days=10), valid_until=today + timedelta(days=5))
    assert "valid_until" in exc.value.field_errors


def test_an_experts_campaign_grant_is_in_force_only_between_its_dates(world):
    expert = UserFactory(username="campaign.expert")
    start = timezone.localdate() + timedelta(days=7)
    services.role_grant(actor=world.users["district_officer"], user=expert, role=Role.ASSESSMENT_EXPERT,
                        institution=world.institutions["a2"], valid_from=start, valid_until=start + timedelta(days=13))
    assert not User.objects.get(pk=expert.pk).has_role(Role.ASSESSMENT_EXPERT)
    with freeze_time(start):
        assert User.objects.get(pk=expert.pk).has_role(Role.ASSESSMENT_EXPERT)
    with freeze_time(start + timedelta(days=13)):
        assert User.objects.get(pk=expert.pk).has_role(Role.ASSESSMENT_EXPERT)  # the last day is inclusive
    with freeze_time(start + timedelta(days=14)):
        assert not User.objects.get(pk=expert.pk).has_role(Role.ASSESSMENT_EXPERT)


def test_an_overlapping_duplicate_grant_is_refused(world):
    staff = world.users["institution_staff"]
    with pytest.raises(DomainError) as exc:
        services.role_grant(actor=world.users["district_officer"], user=staff, role=Role.INSTITUTION_STAFF,
                            institution=world.institutions["a1"])
    assert exc.value.message == services.MSG_DUPLICATE_GRANT


# ---- revoking -----------------------------------------------------------------------------------------

def test_revoke_ends_the_grant_today_and_keeps_it_as_history(world):
    staff = world.users["institution_staff"]
    grant = staff.grants.get()
    raw = token_for(staff, grant=grant)
    officer = world.users["district_officer"]
    services.role_revoke(actor=officer, grant=grant)
    grant.refresh_from_db()
    assert grant.valid_until == timezone.localdate() - timedelta(days=1)
    assert grant.revoked_by == officer and grant.revoked_at is not None
    assert grant.state == RoleGrant.State.REVOKED
    assert RoleGrant.objects.filter(pk=grant.pk).exists()
    assert not User.objects.get(pk=staff.pk).has_role(Role.INSTITUTION_STAFF)
    assert ApiClient(raw_token=raw).get("/auth/me").status_code == 401  # the token bound to it is revoked
    row = AuditEntry.objects.get(action="role_revoke")
    assert row.region_code == world.institutions["a1"].region_code and row.institution_id == world.institutions["a1"].pk
    with pytest.raises(DomainError):
        services.role_revoke(actor=officer, grant=grant)  # once is enough


def test_revoking_is_held_to_the_same_reach_as_granting(world):
    with pytest.raises(PermissionDenied):
        services.role_revoke(actor=world.users["district_officer"], grant=world.users["city_officer"].grants.get())
    with pytest.raises(PermissionDenied):
        services.role_revoke(actor=world.users["district_officer"], grant=world.users["institution_staff_out"].grants.get())
    assert RoleGrant.objects.filter(revoked_at__isnull=False).count() == 0


# ---- deactivating, passwords ----------------------------------------------------------------------------

def _session_count(user) -> int:
    return sum(1 for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user.pk))


def test_deactivating_ends_sessions_and_revokes_tokens_and_the_next_request_is_refused(world):
    staff = world.users["institution_staff"]
    browser = Client()
    browser.force_login(staff)
    assert browser.get("/institutions/").status_code == 200
    raw = token_for(staff)
    other = Client()
    other.force_login(world.users["institution_director"])
    services.user_deactivate(actor=world.users["district_officer"], user=staff)
    assert _session_count(staff) == 0
    assert _session_count(world.users["institution_director"]) == 1  # nobody else's
    assert not ApiToken.objects.filter(user=staff, revoked_at__isnull=True).exists()
    r = browser.get("/institutions/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert browser.get("/api/v1/auth/me").status_code == 401
    assert ApiClient(raw_token=raw).get("/auth/me").status_code == 401
    assert Client().login(username=staff.username, password=PASSWORD) is False
    row = AuditEntry.objects.get(action="user_deactivate")
    assert row.changes["is_active"] == [True, False] and row.changes["tokens_revoked"] == [0, 1]
    assert row.changes["sessions_ended"] == [0, 1]


def test_reactivating_restores_sign_in_but_not_tokens(world):
    staff = world.users["institution_staff"]
    token_for(staff)
    officer = world.users["district_officer"]
    services.user_deactivate(actor=officer, user=staff)
    services.user_reactivate(actor=officer, user=staff)
    assert Client().login(username=staff.username, password=PASSWORD)
    assert not ApiToken.objects.filter(user=staff, revoked_at__isnull=True).exists()


def test_an_officer_cannot_deactivate_itself_or_an_account_beyond_its_reach(world):
    officer = world.users["district_officer"]
    with pytest.raises(DomainError):
        services.user_deactivate(actor=officer, user=officer)
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=officer, user=world.users["city_officer"])
    # An expert also assigned in district B is the city's to disable, not district A's.
    expert = world.users["assessment_expert"]
    services.role_grant(actor=SYSTEM, user=expert, role=Role.ASSESSMENT_EXPERT, institution=world.institutions["b1"])
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=officer, user=expert)
    services.user_deactivate(actor=world.users["city_officer"], user=expert)
    assert not User.objects.get(pk=expert.pk).is_active


def test_officer_reset_sets_a_valid_password_and_ends_the_users_sessions(world):
    staff = world.users["institution_staff"]
    browser = Client()
    browser.force_login(staff)
    with pytest.raises(DomainError) as exc:
        services.user_set_password(actor=world.users["district_officer"], user=staff, new_password="12345678901")
    assert "new_password" in exc.value.field_errors
    services.user_set_password(actor=world.users["district_officer"], user=staff, new_password=NEW_PASSWORD)
    assert User.objects.get(pk=staff.pk).check_password(NEW_PASSWORD)
    assert browser.get("/institutions/").status_code == 302
    with pytest.raises(PermissionDenied):
        services.user_set_password(actor=world.users["district_officer_out"], user=staff, new_password=NEW_PASSWORD)


def test_changing_ones_own_password_needs_the_current_one(world):
    user = world.users["parent"]
    with pytest.raises(DomainError) as exc:
        services.user_set_password(actor=user, user=user, new_password=NEW_PASSWORD, old_password="wrong-password-1")
    assert "old_password" in exc.value.field_errors
    services.user_set_password(actor=user, user=user, new_password=NEW_PASSWORD, old_password=PASSWORD)
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)


def test_update_changes_the_display_name_and_reports_no_change(world):
    staff = world.users["institution_staff"]
    _user, changed = services.user_update(actor=world.users["city_officer"], user=staff, display_name="张敏（保育师）")
    assert changed and User.objects.get(pk=staff.pk).display_name == "张敏（保育师）"
    _user, changed = services.user_update(actor=world.users["city_officer"], user=staff, display_name="张敏（保育师）")
    assert not changed


# ---- the audit trail keeps no secret -------------------------------------------------------------------

def test_account_writes_are_audited_without_passwords_or_hashes(world):
    officer = world.users["district_officer"]
    user = new_user(officer, role=Role.INSTITUTION_STAFF, institution=world.institutions["a1"])
    services.user_set_password(actor=officer, user=user, new_password="Another-harbour-2032")
    services.user_update(actor=officer, user=user, display_name="新人甲")
    services.user_deactivate(actor=officer, user=user)
    services.user_reactivate(actor=officer, user=user)
    services.role_revoke(actor=officer, grant=user.grants.get())
    user.refresh_from_db()
    actions = list(AuditEntry.objects.filter(target_id=str(user.pk)).order_by("id").values_list("action", flat=True))
    assert actions == ["role_grant", "user_create", "user_set_password", "user_update", "user_deactivate",
                       "user_reactivate", "role_revoke"]
    text = audit_text()
    for secret in (NEW_PASSWORD, "Another-harbour-2032", user.password, user.password.split("$")[-1]):
        assert secret not in text
    assert "md5$" not in text and "pbkdf2" not in text
    assert all(e.region_code.startswith(world.districts[0].code[:6]) for e in AuditEntry.objects.filter(target_id=str(user.pk)))

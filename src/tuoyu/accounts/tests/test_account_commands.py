"""The operators' command line: `tuoyu create-user`, `grant-role` and `revoke-role`, run as SYSTEM.
This is how the first city officer of a new installation is made."""

import io

import pytest
from django.core.management import CommandError, call_command

from tuoyu.accounts.models import RoleGrant, User
from tuoyu.core.models import AuditEntry
from tuoyu.core.roles import Role

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lantern-river-2031"  # noqa: S105


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def stdin(monkeypatch):
    """What the operator pipes in (`--password-stdin`); a StringIO is no terminal."""

    def feed(text: str) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO(text))
    return feed


def test_create_the_first_city_officer_with_the_password_on_stdin(world, stdin):
    stdin(NEW_PASSWORD + "\n")
    out = run("create_user", "chen.jing", "--display-name", "陈静", "--role", "city_officer", "--region", "510100",
              "--password-stdin")
    assert "Created chen.jing" in out
    user = User.objects.get(username="chen.jing")
    assert user.check_password(NEW_PASSWORD) and user.created_by is None
    assert user.grants.get().region == world.city
    row = AuditEntry.objects.get(action="user_create", target_id=str(user.pk))
    assert row.actor_name == "system:create-user" and NEW_PASSWORD not in str(row.changes)


def test_create_user_on_an_institution_by_credit_code(world, stdin):
    stdin(NEW_PASSWORD + "\n")
    run("create_user", "li.na", "--role", "institution_director", "--institution", world.institutions["a2"].credit_code,
        "--password-stdin")
    user = User.objects.get(username="li.na")
    assert user.display_name == "li.na" and user.grants.get().institution == world.institutions["a2"]


def test_create_user_refuses_a_weak_password_and_writes_nothing(world, stdin):
    stdin("123\n")
    with pytest.raises(CommandError, match="10"):
        run("create_user", "li.na", "--role", "trainer", "--region", "510104", "--password-stdin")
    assert not User.objects.filter(username="li.na").exists()


def test_create_user_without_a_terminal_asks_for_password_stdin(world, stdin):
    stdin("")
    with pytest.raises(CommandError, match="--password-stdin"):
        run("create_user", "li.na", "--role", "trainer", "--region", "510104")


@pytest.mark.parametrize(("args", "message"), [
    (["--role", "trainer", "--region", "999999"], "No active region"),
    (["--role", "trainer", "--region", "51x"], "区划代码"),
    (["--role", "institution_staff", "--institution", "12345"], "No institution"),
    (["--role", "district_officer", "--region", "510104020"], "区/县"),  # a district officer on a street
])
def test_create_user_explains_a_bad_scope(world, stdin, args, message):
    stdin(NEW_PASSWORD + "\n")
    with pytest.raises(CommandError, match=message):
        run("create_user", "li.na", *args, "--password-stdin")
    assert not User.objects.filter(username="li.na").exists()


def test_grant_then_revoke_keeps_the_history(world):
    out = run("grant_role", "institution_staff", "--role", "assessment_expert", "--institution",
              str(world.institutions["b1"].pk), "--valid-until", "2099-12-31")
    assert "Granted assessment_expert" in out
    grant = RoleGrant.objects.get(user=world.users["institution_staff"], role=Role.ASSESSMENT_EXPERT)
    assert str(grant.valid_until) == "2099-12-31"
    out = run("revoke_role", "institution_staff", "--role", "assessment_expert")
    assert "kept as history" in out
    grant.refresh_from_db()
    assert grant.state == RoleGrant.State.REVOKED
    with pytest.raises(CommandError, match="no live grant"):
        run("revoke_role", "institution_staff", "--role", "assessment_expert")


def test_revoke_asks_which_when_several_match(world):
    staff = world.users["institution_staff"]
    run("grant_role", "institution_staff", "--role", "institution_staff", "--institution", str(world.institutions["a2"].pk))
    with pytest.raises(CommandError, match="--grant"):
        run("revoke_role", "institution_staff", "--role", "institution_staff")
    first = staff.grants.order_by("pk").first()
    run("revoke_role", "institution_staff", "--grant", str(first.pk))
    assert RoleGrant.objects.get(pk=first.pk).revoked_at is not None


def test_unknown_user_is_an_error(world):
    with pytest.raises(CommandError, match="No user"):
        run("grant_role", "nobody", "--role", "parent")

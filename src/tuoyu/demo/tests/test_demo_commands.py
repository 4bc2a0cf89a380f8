"""The demo commands as a user types them: `tuoyu seed-demo`, `tuoyu demo-logins`, `tuoyu demo`."""

from io import StringIO

from tuoyu.demo.logins import DEMO_PASSWORD, DEMO_USERS
from tuoyu.institutions.models import Institution


def _run(name, *args, **options):
    from django.core.management import call_command

    out = StringIO()
    call_command(name, *args, stdout=out, **options)
    return out.getvalue()


def test_seed_demo_reports_what_it_wrote_then_that_nothing_changed(db):
    first = _run("seed_demo", "--size", "small", "--seed", "2026")
    assert "已写入" in first
    second = _run("seed_demo", "--size", "small", "--seed", "2026")
    assert "未作改动" in second
    assert Institution.objects.count() == 40


def test_demo_logins_lists_every_demo_user_and_the_password(db):
    _run("seed_demo", "--size", "small")
    out = _run("demo_logins")
    assert DEMO_PASSWORD in out
    for spec in DEMO_USERS:
        assert spec.username in out
    assert "锦华区" in out  # the district officer's scope, by name


def test_demo_without_serving_migrates_seeds_and_prints_logins(db):
    out = _run("demo", "--size", "small", "--no-serve")
    assert "已写入" in out and DEMO_PASSWORD in out
    assert Institution.objects.count() == 40

"""The audit page: officers browse the audit trail of their own scope, with filters and a
readable before/after (issue #2 item 7)."""

import pytest
from django.urls import reverse

from tuoyu.conftest import world  # noqa: F401
from tuoyu.core.models import AuditEntry
from tuoyu.institutions.services import InstitutionData, institution_update


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _change(w, key, **fields):
    inst = w.institutions[key]
    data = InstitutionData.from_instance(inst)
    for k, v in fields.items():
        setattr(data, k, v)
    institution_update(actor=w.users["city_officer"], institution=inst, data=data)


@pytest.mark.django_db
def test_district_officer_sees_changes_in_its_district_only(client, world):  # noqa: F811
    _change(world, "a1", open_days="周一至周五")
    _change(world, "b1", open_days="周一至周六")
    client.force_login(world.users["district_officer"])
    r = client.get(reverse("core:audit"), {"action": "institution_update"})
    rows = [row["entry"] for row in r.context["entries"]]
    assert [e.target_id for e in rows] == [str(world.institutions["a1"].pk)]


@pytest.mark.django_db
def test_changes_are_shown_as_a_readable_before_and_after(client, world):  # noqa: F811
    _change(world, "a1", open_days="周一至周五", status="suspended")
    client.force_login(world.users["district_officer"])
    r = client.get(reverse("core:audit"), {"action": "institution_update"})
    (row,) = r.context["entries"]
    changes = {label: (before, after) for label, before, after in row["changes"]}
    assert changes["服务日"] == ("—", "周一至周五")
    assert changes["状态"] == ("已备案", "暂停")
    body = r.content.decode()
    assert "修改机构" in body and "市级管理员" in body


@pytest.mark.django_db
def test_filters_by_date_range_and_result(client, world):  # noqa: F811
    _change(world, "a1", open_days="周一至周五")
    client.force_login(world.users["city_officer"])
    r = client.get(reverse("core:audit"), {"date_from": "2000-01-01", "date_to": "2000-01-02"})
    assert r.context["total"] == 0
    r = client.get(reverse("core:audit"), {"result": "ok", "action": "institution_update"})
    assert r.context["total"] == 1
    assert client.get(reverse("core:audit"), {"date_from": "not-a-date"}).status_code == 200


@pytest.mark.django_db
def test_audit_page_is_forbidden_to_institution_roles_and_the_denial_is_audited(client, world):  # noqa: F811
    client.force_login(world.users["institution_director"])
    assert client.get(reverse("core:audit")).status_code == 403
    assert AuditEntry.objects.filter(action="denied:view_audit", result="denied").exists()


@pytest.mark.django_db
def test_a_change_of_classes_and_prices_reads_on_the_audit_page(client, world):  # noqa: F811
    from tuoyu.institutions.services import ClassData, OfferingData

    _change(world, "a1", classes=[ClassData("乳儿班", "infant", 9, 3)], offerings=[OfferingData("hourly", 45)])
    client.force_login(world.users["city_officer"])
    r = client.get(reverse("core:audit"), {"action": "institution_update"})
    assert r.status_code == 200
    assert "乳儿班|infant|9|3" in r.content.decode()

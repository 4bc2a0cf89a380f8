"""institution_update: who may change what, optimistic locking, audit before/after."""

import pytest

from tuoyu.core.errors import Conflict
from tuoyu.core.models import AuditEntry
from tuoyu.core.roles import Role
from tuoyu.institutions.selectors import institution_rule_check
from tuoyu.institutions.services import ClassData, InstitutionData, institution_update


def test_director_changes_hours_but_not_status(world):
    inst = world.institutions["a1"]
    data = InstitutionData.from_instance(inst)
    data.open_days = "周一至周六"
    data.status = "deregistered"
    inst, changed = institution_update(actor=world.users[Role.INSTITUTION_DIRECTOR], institution=inst, data=data)
    inst.refresh_from_db()
    assert changed and inst.open_days == "周一至周六" and inst.status == "filed"
    row = AuditEntry.objects.get(action="institution_update", target_id=str(inst.pk))
    assert row.changes == {"open_days": ["", "周一至周六"]}


def test_stale_version_is_a_conflict(world):
    inst = world.institutions["a1"]
    data = InstitutionData.from_instance(inst)
    data.name = "改名甲"
    institution_update(actor=world.users[Role.CITY_OFFICER], institution=inst, data=data, version=inst.version)
    data2 = InstitutionData.from_instance(inst)
    data2.name = "改名乙"
    with pytest.raises(Conflict):
        institution_update(actor=world.users[Role.CITY_OFFICER], institution=inst, data=data2, version=inst.version)


def test_saving_unchanged_data_writes_no_audit_row(world):
    inst = world.institutions["a1"]
    before = AuditEntry.objects.count()
    _, changed = institution_update(actor=world.users[Role.CITY_OFFICER], institution=inst, data=InstitutionData.from_instance(inst))
    assert not changed and AuditEntry.objects.count() == before


def test_rule_check_reports_too_few_caregivers_in_plain_words(world):
    inst = world.institutions["a1"]
    data = InstitutionData.from_instance(inst)
    data.classes = [ClassData("乳儿班", "infant", 9, 2)]
    inst, _ = institution_update(actor=world.users[Role.CITY_OFFICER], institution=inst, data=data)
    messages = [v.message for v in institution_rule_check(inst).violations]
    assert any("乳儿班" in m and "1:3" in m and "至少3人" in m for m in messages)

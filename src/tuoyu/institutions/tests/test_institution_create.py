"""institution_create: the registry's rules on the way in (issue #2 items 5, 6, 10)."""

from decimal import Decimal

import pytest

from tuoyu.core.errors import DomainError
from tuoyu.core.models import AuditEntry
from tuoyu.core.roles import Role
from tuoyu.institutions.models import Institution
from tuoyu.institutions.services import ClassData, InstitutionData, OfferingData, institution_create
from tuoyu.institutions.tests.factories import make_uscc


def _data(world, **over):
    base = dict(
        name="锦江区新苗托育园", street_code=world.streets[0].code, address="书院西街8号",
        registration_type="enterprise", service_model="community_embedded", ownership="private",
        credit_code=make_uscc(9001), latitude=Decimal("30.657"), longitude=Decimal("104.080"),
        building_area_m2=Decimal("500"), outdoor_area_m2=Decimal("120"),
        classes=[ClassData("乳儿班", "infant", 10, 4), ClassData("托小一班", "toddler", 15, 3)],
        offerings=[OfferingData("full_day", Decimal("3200"))],
    )
    base.update(over)
    return InstitutionData(**base)


def test_district_officer_registers_in_own_district_with_audit_row(world):
    officer = world.users[Role.DISTRICT_OFFICER]
    inst = institution_create(actor=officer, data=_data(world))
    assert inst.region_code == world.streets[0].code
    assert inst.classes.count() == 2 and inst.offerings.get().price_unit == "month"
    row = AuditEntry.objects.get(action="institution_create", target_id=str(inst.pk))
    assert row.actor == officer and row.region_code == inst.region_code and "name" in row.changes


def test_full_width_credit_code_is_normalised(world):
    code = make_uscc(9002)
    full = "".join(chr(ord(c) + 0xFEE0) for c in code)
    inst = institution_create(actor=world.users[Role.CITY_OFFICER], data=_data(world, credit_code=f" {full} "))
    assert inst.credit_code == code


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"credit_code": make_uscc(9003)[:-1] + ("0" if make_uscc(9003)[-1] != "0" else "1")}, "credit_code"),
        ({"classes": [ClassData("乳儿班", "infant", 11, 4)]}, "classes.0.planned_capacity"),
        ({"latitude": Decimal("60.1")}, "latitude"),
        ({"longitude": Decimal("10")}, "longitude"),
        ({"street_code": "510199999000"}, "street_code"),
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"puhui": True, "puhui_price": None}, "puhui_price"),
        ({"service_model": "castle"}, "service_model"),
    ],
)
def test_bad_input_gets_a_field_error_and_writes_nothing(world, over, field):
    before = (Institution.objects.count(), AuditEntry.objects.count())
    with pytest.raises(DomainError) as exc:
        institution_create(actor=world.users[Role.CITY_OFFICER], data=_data(world, **over))
    assert field in exc.value.field_errors
    assert (Institution.objects.count(), AuditEntry.objects.count()) == before


def test_street_officer_may_not_register(world):
    with pytest.raises(DomainError):
        institution_create(actor=world.users[Role.STREET_OFFICER], data=_data(world))
    assert not Institution.objects.filter(name="锦江区新苗托育园").exists()


def test_district_officer_may_not_register_in_another_district(world):
    with pytest.raises(DomainError) as exc:
        institution_create(actor=world.users[Role.DISTRICT_OFFICER], data=_data(world, street_code=world.streets[2].code))
    assert "street_code" in exc.value.field_errors


def test_duplicate_credit_code_is_refused_naming_the_holder(world):
    holder = world.institutions["b1"]
    with pytest.raises(DomainError) as exc:
        institution_create(actor=world.users[Role.CITY_OFFICER], data=_data(world, credit_code=holder.credit_code))
    assert holder.name in exc.value.field_errors["credit_code"][0]


def test_class_values_beyond_the_columns_are_field_errors(world):
    data = _data(world, classes=[ClassData("托小" * 40, "toddler", 15, 40000)], offerings=[OfferingData("full_day", Decimal("123456789"))])
    with pytest.raises(DomainError) as exc:
        institution_create(actor=world.users[Role.CITY_OFFICER], data=data)
    assert {"classes.0.name", "classes.0.planned_caregivers", "offerings.0.price"} <= set(exc.value.field_errors)


def test_district_officer_cannot_link_a_point_to_another_districts_lead(world):
    lead = world.institutions["b1"]
    lead.demonstration_level = "city"
    lead.save()
    with pytest.raises(DomainError) as exc:
        institution_create(actor=world.users[Role.DISTRICT_OFFICER], data=_data(world, lead_institution_id=lead.pk))
    assert "lead_institution_id" in exc.value.field_errors

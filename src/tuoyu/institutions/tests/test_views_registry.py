"""The registry pages: list with filters and a count, an institution's page with its rule check,
the create and edit forms with errors beside their fields, and delete (issue #2 items 8 and 10)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tuoyu.core.models import AuditEntry
from tuoyu.core.validators import uscc_check_char
from tuoyu.institutions.choices import (
    ClassType,
    DemonstrationLevel,
    Ownership,
    RegistrationType,
    ServiceModel,
    Status,
)
from tuoyu.institutions.forms import form_data_for
from tuoyu.institutions.models import CareClass, Institution
from tuoyu.institutions.services import ClassData, InstitutionData, OfferingData
from tuoyu.institutions.tests.factories import CareClassFactory, InstitutionFactory, make_uscc
from tuoyu.institutions.views.registry import PAGE_SIZE
from tuoyu.regions.tests.factories import street

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def _login(client, w, role):
    client.force_login(w.users[role])
    return client


def _new(w, **overrides) -> InstitutionData:
    data = InstitutionData(
        name="新苗托育园", street_code=w.streets[0].code, address="青年路8号",
        registration_type=RegistrationType.ENTERPRISE, service_model=ServiceModel.STANDALONE,
        ownership=Ownership.PRIVATE, credit_code=make_uscc(4242), status=Status.PREPARING,
        building_area_m2=500, outdoor_area_m2=120,
        classes=[ClassData("托小一班", ClassType.TODDLER, 12, 3), ClassData("托大一班", ClassType.OLDER_TODDLER, 18, 3)],
        offerings=[OfferingData("full_day", 2600, "month")],
    )
    for k, v in overrides.items():
        setattr(data, k, v)
    return data


def _wrong_check_char(code: str) -> str:
    right = uscc_check_char(code[:17])
    return code[:17] + ("1" if right != "1" else "2")


# ------------------------------------------------------------------ list


@pytest.mark.django_db
def test_list_shows_count_and_only_the_district_officers_institutions(client, world):
    _login(client, world, "district_officer")
    r = client.get(reverse("institutions:list"))
    assert r.status_code == 200
    body = r.content.decode()
    assert "共 <strong>2</strong> 家" in body
    assert world.institutions["a1"].name in body and world.institutions["a2"].name in body
    assert world.institutions["b1"].name not in body


@pytest.mark.django_db
def test_list_filters_stay_in_the_url_and_narrow_the_rows(client, world):
    _login(client, world, "city_officer")
    world.institutions["a2"].status = Status.SUSPENDED
    world.institutions["a2"].save()
    r = client.get(reverse("institutions:list"), {"district": world.districts[0].code[:6], "status": "filed"})
    body = r.content.decode()
    assert "共 <strong>1</strong> 家" in body
    assert world.institutions["a1"].name in body
    assert world.institutions["a2"].name not in body and world.institutions["b1"].name not in body
    # The selects show the chosen values, so the page can be shared and reloaded as it is.
    assert '<option value="filed" selected>' in body


@pytest.mark.django_db
def test_list_status_is_a_label_with_its_word(client, world):
    _login(client, world, "city_officer")
    body = client.get(reverse("institutions:list")).content.decode()
    assert '<span class="status-badge status-filed">已备案</span>' in body


@pytest.mark.django_db
def test_list_ignores_a_bad_filter_value_without_an_error(client, world):
    _login(client, world, "city_officer")
    r = client.get(reverse("institutions:list"), {"status": "nonsense", "district": "abc", "page": "x"})
    assert r.status_code == 200


@pytest.mark.django_db
def test_list_paginates_and_keeps_the_filters_in_page_links(client, world):
    for i in range(PAGE_SIZE + 5):
        InstitutionFactory(street=world.streets[1], name=f"批量托育{i:03d}", status=Status.REGISTERED)
    _login(client, world, "city_officer")
    r = client.get(reverse("institutions:list"), {"status": "registered"})
    body = r.content.decode()
    assert f"共 <strong>{PAGE_SIZE + 5}</strong> 家" in body
    assert len(r.context["institutions"]) == PAGE_SIZE
    assert "?status=registered&amp;page=2" in body


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    for i in range(60):
        inst = InstitutionFactory(street=world.streets[i % 2], name=f"预算托育{i:03d}")
        CareClassFactory(institution=inst)
    _login(client, world, "city_officer")
    client.get(reverse("institutions:list"))  # warm the session
    # Budget: session, user and role grants (3); the count, one page of rows with street and
    # district joined and places summed, and the regions for the filter selects (3); the
    # session save in its savepoint (3). More rows or another page would not add a query.
    with django_assert_max_num_queries(9):
        r = client.get(reverse("institutions:list"))
    assert len(r.context["institutions"]) == PAGE_SIZE


@pytest.mark.django_db
def test_list_has_no_whole_mobile_number(client, world):
    world.institutions["a1"].contact_phone = "13812345678"
    world.institutions["a1"].save()
    _login(client, world, "city_officer")
    body = client.get(reverse("institutions:list")).content.decode()
    assert not MOBILE.search(body)


# ------------------------------------------------------------------ detail


@pytest.mark.django_db
def test_detail_lists_each_broken_rule_with_its_source(client, world):
    inst = world.institutions["a1"]
    CareClassFactory(institution=inst, name="乳儿一班", class_type=ClassType.INFANT, planned_capacity=12, planned_caregivers=1)
    _login(client, world, "district_officer")
    body = client.get(reverse("institutions:detail", args=[inst.pk])).content.decode()
    assert "超过乳儿班上限10人" in body
    assert "托育机构设置标准（试行）" in body
    assert "符合设置标准" not in body


@pytest.mark.django_db
def test_detail_says_when_every_rule_is_met(client, world):
    _login(client, world, "district_officer")
    body = client.get(reverse("institutions:detail", args=[world.institutions["a1"].pk])).content.decode()
    assert "符合设置标准" in body


@pytest.mark.django_db
def test_detail_shows_the_business_phone_whole(client, world):
    inst = world.institutions["a1"]
    inst.contact_phone = "028-86001234"
    inst.save()
    _login(client, world, "district_officer")
    assert "028-86001234" in client.get(reverse("institutions:detail", args=[inst.pk])).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "edit", "delete"), [
    ("district_officer", True, True), ("institution_director", True, False), ("institution_staff", False, False),
    ("street_officer", False, False),
])
def test_detail_shows_only_the_buttons_the_role_may_use(client, world, role, edit, delete):
    inst = world.institutions["a1"]
    _login(client, world, role)
    body = client.get(reverse("institutions:detail", args=[inst.pk])).content.decode()
    assert (reverse("institutions:edit", args=[inst.pk]) in body) is edit
    assert (reverse("institutions:delete", args=[inst.pk]) in body) is delete


@pytest.mark.django_db
def test_director_cannot_open_another_institution_by_url(client, world):
    _login(client, world, "institution_director")
    r = client.get(reverse("institutions:detail", args=[world.institutions["b1"].pk]))
    assert r.status_code == 404
    assert AuditEntry.objects.filter(action="denied:view_institution", result="denied").exists()


# ------------------------------------------------------------------ create


@pytest.mark.django_db
def test_create_saves_and_shows_the_new_institution(client, world):
    _login(client, world, "district_officer")
    r = client.post(reverse("institutions:create"), form_data_for(_new(world)))
    assert r.status_code == 302
    inst = Institution.objects.get(name="新苗托育园")
    assert r["Location"] == reverse("institutions:detail", args=[inst.pk])
    assert sorted(inst.classes.values_list("planned_capacity", flat=True)) == [12, 18]
    assert inst.offerings.get().price == 2600
    assert AuditEntry.objects.filter(action="institution_create", target_id=str(inst.pk)).exists()


def _post_create(client, world, data):
    _login(client, world, "district_officer")
    before = (Institution.objects.count(), CareClass.objects.count())
    r = client.post(reverse("institutions:create"), form_data_for(data))
    assert (Institution.objects.count(), CareClass.objects.count()) == before, "nothing may be written"
    assert r.status_code == 400
    return r, r.content.decode()


@pytest.mark.django_db
def test_create_wrong_check_character_is_shown_beside_the_credit_code(client, world):
    code = _wrong_check_char(make_uscc(77))
    r, body = _post_create(client, world, _new(world, credit_code=code))
    assert "校验位错误" in r.context["form"].errors["credit_code"][0]
    assert 'href="#id_credit_code"' in body  # the summary links to the field
    assert f'value="{code}"' in body  # what was typed is kept


@pytest.mark.django_db
def test_create_class_over_the_legal_maximum_is_shown_on_that_class_row(client, world):
    data = _new(world)
    data.classes.append(ClassData("乳儿一班", ClassType.INFANT, 14, 5))
    r, body = _post_create(client, world, data)
    row = r.context["forms"].classes.forms[2]
    assert "乳儿班最多10人" in row.errors["planned_capacity"][0]
    assert not r.context["forms"].classes.forms[0].errors
    assert 'href="#id_classes-2-planned_capacity"' in body
    assert 'name="classes-2-planned_capacity" value="14"' in body or 'value="14"' in body
    assert 'value="新苗托育园"' in body


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value", "words"), [
    ("latitude", "60.5", "纬度应在中国境内"),
    ("longitude", "20.1", "经度应在中国境内"),
])
def test_create_coordinates_outside_china_are_refused_beside_the_field(client, world, field, value, words):
    data = _new(world)
    setattr(data, field, value)
    r, _body = _post_create(client, world, data)
    assert words in r.context["form"].errors[field][0]


@pytest.mark.django_db
def test_create_unknown_street_is_refused_beside_the_street(client, world):
    r, _body = _post_create(client, world, _new(world, street_code="510104999000"))
    assert "街道" in r.context["form"].errors["street_code"][0]


@pytest.mark.django_db
def test_create_street_of_another_district_is_refused(client, world):
    r, _body = _post_create(client, world, _new(world, street_code=world.streets[2].code))
    assert "负责的区域" in r.context["form"].errors["street_code"][0]


@pytest.mark.django_db
def test_create_garbage_numbers_are_field_errors_not_a_500(client, world):
    _login(client, world, "district_officer")
    body = form_data_for(_new(world))
    body.update({"building_area_m2": "abc", "classes-0-planned_capacity": "十二", "latitude": "1e999",
                 "filed_on": "2026-13-45", "opens_at": "25:99", "registration_type": "bogus"})
    r = client.post(reverse("institutions:create"), body)
    assert r.status_code == 400
    form = r.context["form"]
    assert {"building_area_m2", "filed_on", "opens_at", "registration_type"} <= set(form.errors)
    assert "planned_capacity" in r.context["forms"].classes.forms[0].errors
    assert not Institution.objects.filter(name="新苗托育园").exists()


@pytest.mark.django_db
def test_create_full_width_credit_code_is_accepted(client, world):
    code = make_uscc(5150)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)  # as a Chinese IME types it
    _login(client, world, "district_officer")
    r = client.post(reverse("institutions:create"), form_data_for(_new(world, credit_code=full_width)))
    assert r.status_code == 302
    assert Institution.objects.get(name="新苗托育园").credit_code == code


@pytest.mark.django_db
def test_create_form_lists_streets_in_scope_grouped_by_district(client, world):
    _login(client, world, "district_officer")
    body = client.get(reverse("institutions:create")).content.decode()
    assert '<optgroup label="锦江区">' in body
    assert world.streets[0].code in body and world.streets[2].code not in body


# ------------------------------------------------------------------ edit


@pytest.mark.django_db
def test_edit_saves_a_change_and_bumps_the_version(client, world):
    inst = world.institutions["a1"]
    data = InstitutionData.from_instance(inst)
    data.open_days = "周一至周六"
    _login(client, world, "district_officer")
    r = client.post(reverse("institutions:edit", args=[inst.pk]), form_data_for(data, version=inst.version))
    assert r.status_code == 302
    inst.refresh_from_db()
    assert inst.open_days == "周一至周六" and inst.version == 2


@pytest.mark.django_db
def test_edit_with_a_stale_version_says_someone_else_saved_and_keeps_the_input(client, world):
    inst = world.institutions["a1"]
    data = InstitutionData.from_instance(inst)
    data.open_days = "周一至周日"
    _login(client, world, "district_officer")
    r = client.post(reverse("institutions:edit", args=[inst.pk]), form_data_for(data, version=inst.version - 1 or 99))
    assert r.status_code == 409
    body = r.content.decode()
    assert "已被他人修改" in body and 'value="周一至周日"' in body
    inst.refresh_from_db()
    assert inst.open_days == ""


@pytest.mark.django_db
def test_director_sees_officer_fields_read_only_and_cannot_change_them(client, world):
    inst = world.institutions["a1"]
    _login(client, world, "institution_director")
    page = client.get(reverse("institutions:edit", args=[inst.pk]))
    assert page.context["form"].fields["status"].disabled
    assert not page.context["form"].fields["open_days"].disabled
    data = InstitutionData.from_instance(inst)
    data.status = Status.DEREGISTERED
    data.demonstration_level = DemonstrationLevel.NATIONAL
    data.open_days = "周一至周五"
    r = client.post(reverse("institutions:edit", args=[inst.pk]), form_data_for(data, version=inst.version))
    assert r.status_code == 302
    inst.refresh_from_db()
    assert inst.status == Status.FILED and inst.demonstration_level == DemonstrationLevel.NONE
    assert inst.open_days == "周一至周五"


@pytest.mark.django_db
def test_edit_removing_a_class_by_ticking_delete(client, world):
    inst = world.institutions["a1"]
    CareClassFactory(institution=inst, name="托大一班", class_type=ClassType.OLDER_TODDLER, planned_capacity=20)
    data = InstitutionData.from_instance(inst)
    body = form_data_for(data, version=inst.version)
    body["classes-1-DELETE"] = "on"
    _login(client, world, "district_officer")
    assert client.post(reverse("institutions:edit", args=[inst.pk]), body).status_code == 302
    assert list(inst.classes.values_list("name", flat=True)) == [data.classes[0].name]


@pytest.mark.django_db
def test_edit_out_of_scope_answers_404_and_changes_nothing(client, world):
    inst = world.institutions["b1"]
    data = InstitutionData.from_instance(inst)
    data.name = "被改掉了"
    _login(client, world, "district_officer")
    r = client.post(reverse("institutions:edit", args=[inst.pk]), form_data_for(data, version=inst.version))
    assert r.status_code == 404
    inst.refresh_from_db()
    assert inst.name != "被改掉了"


# ------------------------------------------------------------------ delete


@pytest.mark.django_db
def test_delete_asks_first_then_deletes_on_post(client, world):
    inst = world.institutions["a2"]
    _login(client, world, "district_officer")
    confirm = client.get(reverse("institutions:delete", args=[inst.pk]))
    assert confirm.status_code == 200 and "确认删除" in confirm.content.decode()
    assert Institution.objects.filter(pk=inst.pk).exists()
    r = client.post(reverse("institutions:delete", args=[inst.pk]))
    assert r.status_code == 302 and r["Location"] == reverse("institutions:list")
    assert not Institution.objects.filter(pk=inst.pk).exists()


@pytest.mark.django_db
def test_delete_of_a_lead_institution_is_refused_with_a_reason(client, world):
    lead = world.institutions["a1"]
    lead.demonstration_level = DemonstrationLevel.CITY
    lead.save()
    InstitutionFactory(street=world.streets[0], lead_institution=lead)
    _login(client, world, "district_officer")
    r = client.post(reverse("institutions:delete", args=[lead.pk]))
    assert r.status_code == 400 and "注销" in r.content.decode()
    assert Institution.objects.filter(pk=lead.pk).exists()


@pytest.mark.django_db
def test_inactive_street_is_not_offered_for_new_institutions(client, world):
    old = street(world.districts[0], "510104099", "旧街道")
    old.is_active = False
    old.save()
    _login(client, world, "district_officer")
    body = client.get(reverse("institutions:create")).content.decode()
    assert old.code not in body


@pytest.mark.django_db
def test_missing_fields_and_rule_errors_show_together_on_the_first_try(client, world):
    data = _new(world, credit_code=_wrong_check_char(make_uscc(88)), registration_type="")
    data.classes[0].planned_capacity = 16  # toddler class: at most 15
    r, body = _post_create(client, world, data)
    form = r.context["form"]
    assert form.errors["registration_type"] == ["请选择登记类型。"]
    assert "校验位错误" in form.errors["credit_code"][0]
    assert "托小班最多15人" in r.context["forms"].classes.forms[0].errors["planned_capacity"][0]
    assert body.count('class="field-message"') >= 3


@pytest.mark.django_db
def test_selects_left_on_all_are_no_filter_not_an_invalid_one(client, world):
    _login(client, world, "city_officer")
    r = client.get(reverse("institutions:list"), {"q": "", "status": "filed", "service_model": "", "ownership": "",
                                                  "puhui": "", "demonstration_level": "", "sort": ""})
    assert not r.context["filter_errors"]
    assert r.context["total"] == 3


@pytest.mark.django_db
def test_list_sorts_by_places_most_first(client, world):
    CareClassFactory(institution=world.institutions["a2"], name="托大一班", class_type=ClassType.OLDER_TODDLER, planned_capacity=20)
    _login(client, world, "city_officer")
    r = client.get(reverse("institutions:list"), {"sort": "-places"})
    assert [i.name for i in r.context["institutions"]][0] == world.institutions["a2"].name


@pytest.mark.django_db
def test_export_link_keeps_the_filters_and_shows_only_to_officers(client, world):
    _login(client, world, "district_officer")
    body = client.get(reverse("institutions:list"), {"status": "filed", "page": "1"}).content.decode()
    assert f'href="{reverse("institutions:export")}?status=filed"' in body
    _login(client, world, "institution_director")
    assert "导出Excel" not in client.get(reverse("institutions:list")).content.decode()

"""The institution registry through the API: the same services and rules as the forms, bad input
answered with field errors and nothing written (issue #2 items 8 and 10; security.md rules 2, 3, 22)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuoyu.accounts.tests.apiclient import ApiClient
from tuoyu.core.models import AuditEntry
from tuoyu.core.scoping import SYSTEM
from tuoyu.institutions import selectors
from tuoyu.institutions.api import InstitutionQuery
from tuoyu.institutions.choices import DemonstrationLevel, ServiceModel, Status
from tuoyu.institutions.filters import InstitutionFilter
from tuoyu.institutions.models import CareClass, Institution, ServiceOffering
from tuoyu.institutions.services import alliance_create
from tuoyu.institutions.tests.factories import CareClassFactory, InstitutionFactory, make_uscc

pytestmark = pytest.mark.django_db

URL = "/institutions"


def new_institution(**over):
    body = {
        "name": "新芽托育中心",
        "street_code": "510104020",
        "address": "书院街1号",
        "registration_type": "social_organization",
        "service_model": "standalone",
        "ownership": "private",
        "credit_code": make_uscc(9_000_001),
        "latitude": "30.657",
        "longitude": "104.081",
        "building_area_m2": "400",
        "outdoor_area_m2": "100",
        "classes": [{"class_type": "toddler", "planned_capacity": 15, "planned_caregivers": 3}],
        "offerings": [{"service_type": "full_day", "price": "2800"}],
    }
    body.update(over)
    return body


def counts():
    return (Institution.objects.count(), CareClass.objects.count(), ServiceOffering.objects.count())


def edit_body(client, inst, **over):
    body = client.get(f"{URL}/{inst.pk}").json()
    keep = {
        "name", "address", "registration_type", "service_model", "ownership", "credit_code", "status",
        "latitude", "longitude", "building_area_m2", "outdoor_area_m2", "opens_at", "closes_at", "open_days",
        "contact_phone", "puhui", "puhui_price", "demonstration_level", "filing_number", "filed_on", "version",
    }
    out = {k: v for k, v in body.items() if k in keep}
    out["street_code"] = body["street"]["code"]
    out["classes"] = [{k: c[k] for k in ("name", "class_type", "planned_capacity", "planned_caregivers")} for c in body["classes"]]
    out["offerings"] = [{k: o[k] for k in ("service_type", "price", "price_unit")} for o in body["offerings"]]
    out["lead_institution_id"] = body["lead_institution"]["id"] if body["lead_institution"] else None
    out.update(over)
    return out


# ---- create --------------------------------------------------------------------------------------

def test_district_officer_registers_an_institution_with_classes_and_an_audit_row(world):
    api = ApiClient(world.users["district_officer"])
    r = api.post(URL, new_institution())
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["street"] == {"code": "510104020000", "name": "书院街街道"}
    assert body["district"]["code"] == "510104000000"
    assert body["places"] == 15 and body["class_count"] == 1
    assert body["classes"][0]["name"] == "托小班1"
    assert body["offerings"] == [{"service_type": "full_day", "price": 2800.0, "price_unit": "month"}]
    assert body["rule_check"]["violations"] == []
    assert AuditEntry.objects.filter(action="institution_create", target_id=str(body["id"])).count() == 1


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"credit_code": make_uscc(9_000_002)[:17] + ("0" if make_uscc(9_000_002)[17] != "0" else "1")}, "credit_code"),
        ({"classes": [{"class_type": "infant", "planned_capacity": 11, "planned_caregivers": 4}]}, "classes.0.planned_capacity"),
        ({"latitude": "1.5"}, "latitude"),
        ({"longitude": "150"}, "longitude"),
        ({"street_code": "510104099"}, "street_code"),
        ({"street_code": "not-a-code"}, "street_code"),
        ({"street_code": "510104"}, "street_code"),  # a district, not a street
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"opens_at": "08:00", "closes_at": "07:00"}, "closes_at"),
        ({"puhui": True}, "puhui_price"),
    ],
    ids=["credit-code-check-char", "capacity-over-legal-max", "latitude-outside-china", "longitude-outside-china",
         "unknown-street", "malformed-street", "district-as-street", "bad-phone", "closes-before-opening",
         "puhui-without-price"],
)
def test_bad_input_is_a_field_error_and_writes_nothing(world, over, field):
    api = ApiClient(world.users["district_officer"])
    before, audit_before = counts(), AuditEntry.objects.count()
    r = api.post(URL, new_institution(**over))
    assert r.status_code == 400, r.content
    body = r.json()
    assert set(body) == {"code", "message", "field_errors"}
    assert field in body["field_errors"], body
    assert body["message"]
    assert counts() == before
    assert AuditEntry.objects.count() == audit_before


def test_opening_hours_are_stored(world):
    r = ApiClient(world.users["district_officer"]).post(URL, new_institution(opens_at="07:30", closes_at="18:00"))
    assert r.status_code == 201
    assert (r.json()["opens_at"], r.json()["closes_at"]) == ("07:30:00", "18:00:00")


def test_credit_code_error_names_the_expected_check_character(world):
    good = make_uscc(9_000_003)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    r = ApiClient(world.users["district_officer"]).post(URL, new_institution(credit_code=bad))
    assert f"“{good[17]}”" in r.json()["field_errors"]["credit_code"][0]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (new_institution(region_code="510105020000"), "region_code"),
        (new_institution(institution_id=5), "institution_id"),
        (new_institution(classes=[{"class_type": "toddler", "planned_capacity": 10, "children": 3}]), "classes.0.children"),
        (new_institution(service_model="castle"), "service_model"),
        (new_institution(classes=[{"class_type": "giant", "planned_capacity": 10}]), "classes.0.class_type"),
        (new_institution(name="托育\x00中心"), "name"),
        (new_institution(offerings=[{"service_type": "full_day", "price": "123456789"}]), "offerings.0.price"),
        (new_institution(latitude="NaN"), "latitude"),
        (new_institution(opens_at="25:00"), "opens_at"),
        (new_institution(lead_institution_id=2**64), "lead_institution_id"),
        ({k: v for k, v in new_institution().items() if k != "name"}, "name"),
    ],
    ids=["extra-region-code", "extra-institution-id", "extra-nested", "unknown-choice", "unknown-class-type",
         "nul-character", "price-too-many-digits", "nan", "bad-time", "id-too-large", "missing-name"],
)
def test_wrong_shape_is_422_with_the_field_named_and_writes_nothing(world, body, field):
    api = ApiClient(world.users["district_officer"])
    before = counts()
    r = api.post(URL, body)
    assert r.status_code == 422, r.content
    data = r.json()
    assert data["code"] == "validation_error"
    assert field in data["field_errors"], data
    assert counts() == before


def test_unknown_choice_error_lists_the_allowed_codes(world):
    r = ApiClient(world.users["district_officer"]).post(URL, new_institution(service_model="castle"))
    message = r.json()["field_errors"]["service_model"][0]
    assert "home_based" in message and "standalone" in message


@pytest.mark.parametrize("raw", ["{not json", "", "[1, 2]", '"a string"', "null", "{\"name\": "])
def test_malformed_body_is_a_4xx_never_a_500(world, raw):
    api = ApiClient(world.users["district_officer"])
    before = counts()
    r = api.post(URL, raw)
    assert 400 <= r.status_code < 500, (r.status_code, r.content)
    assert {"code", "message", "field_errors"} <= set(r.json())
    assert counts() == before


def test_street_outside_the_officers_district_is_refused_and_nothing_written(world):
    before = counts()
    r = ApiClient(world.users["district_officer"]).post(URL, new_institution(street_code="510105020"))
    assert r.status_code == 400
    assert "street_code" in r.json()["field_errors"]
    assert counts() == before


# ---- read ----------------------------------------------------------------------------------------

def test_detail_shows_classes_offerings_1_plus_n_alliances_and_broken_rules(world):
    lead = world.institutions["a2"]
    Institution.objects.filter(pk=lead.pk).update(demonstration_level=DemonstrationLevel.CITY)
    a1 = world.institutions["a1"]
    Institution.objects.filter(pk=a1.pk).update(lead_institution=lead)
    CareClassFactory(institution=a1, name="乳儿班", class_type="infant", planned_capacity=10, planned_caregivers=1)
    alliance_create(actor=SYSTEM, name="锦江托育联盟", region=world.districts[0], member_ids=[a1.pk])
    api = ApiClient(world.users["district_officer"])
    body = api.get(f"{URL}/{a1.pk}").json()
    assert body["lead_institution"] == {"id": lead.pk, "name": lead.name}
    assert [c["name"] for c in body["classes"]] == ["乳儿班", "托小一班"]
    assert body["alliances"][0]["name"] == "锦江托育联盟"
    broken = [v for v in body["rule_check"]["violations"] if v["subject"] == "乳儿班"]
    assert broken and broken[0]["rule"] == "infant.children_per_caregiver"
    assert "托育机构设置标准" in broken[0]["source"]
    lead_body = api.get(f"{URL}/{lead.pk}").json()
    assert lead_body["led_points"] == [{"id": a1.pk, "name": a1.name}]


def test_list_counts_all_rows_and_pages_by_limit_and_offset(world):
    for _ in range(7):
        InstitutionFactory(street=world.streets[1])
    api = ApiClient(world.users["district_officer"])
    first = api.get(URL, {"limit": 4}).json()
    second = api.get(URL, {"limit": 4, "offset": 4}).json()
    assert first["count"] == second["count"] == 9  # a1, a2 and the seven new ones in district A
    ids = [i["id"] for i in first["items"]] + [i["id"] for i in second["items"]]
    assert len(ids) == len(set(ids)) == 8
    assert api.get(URL, {"offset": 10_000}).json()["items"] == []


def test_api_filters_are_the_list_pages_filters(world):
    """Same names as the page's FilterSet, so a shared URL means the same rows."""
    api_params = set(InstitutionQuery.model_fields) - {"limit", "offset"}
    assert api_params == set(InstitutionFilter.base_filters)


@pytest.mark.parametrize(
    "params",
    [
        {"status": ["filed"]},
        {"status": ["filed", "preparing"], "service_model": ["home_based", "standalone"]},
        {"district": "510104"},
        {"street": "510104021"},
        {"puhui": "true"},
        {"puhui": "false", "ownership": ["public", "private"]},
        {"demonstration_level": ["city"]},
        {"q": "书院"},
        {"q": make_uscc(3)},
    ],
)
def test_api_list_returns_what_the_page_filter_returns(world, params):
    InstitutionFactory(street=world.streets[0], service_model=ServiceModel.HOME_BASED, status=Status.PREPARING)
    InstitutionFactory(street=world.streets[2], puhui=True, puhui_price=1500, demonstration_level="city",
                       ownership="public", status=Status.FILED, filing_number="BA-x")
    user = world.users["city_officer"]
    from django.http import QueryDict

    qd = QueryDict(mutable=True)
    for k, v in params.items():
        qd.setlist(k, v if isinstance(v, list) else [v])
    page = InstitutionFilter(qd, queryset=selectors.institution_list(user)).qs
    page_ids = list(page.order_by(*Institution._meta.ordering).values_list("id", flat=True))
    api_ids = [i["id"] for i in ApiClient(user).get(URL, qd).json()["items"]]
    assert api_ids == page_ids


def test_list_query_count_does_not_grow_with_rows(world):
    """Budget 5: token lookup (with its user), last-used stamp, the user's grants, the count and
    the page (street and district joined, places and class count annotated). No per-row query."""
    api = ApiClient(world.users["city_officer"])
    api.get(URL)  # the first call stamps last_used_at; the budget below includes that stamp anyway

    def run():
        from tuoyu.accounts.models import ApiToken

        ApiToken.objects.update(last_used_at=None)
        with CaptureQueriesContext(connection) as ctx:
            r = api.get(URL, {"limit": 100})
        assert r.status_code == 200
        return len(ctx.captured_queries), r.json()["count"]

    few, n_few = run()
    for i in range(25):
        inst = InstitutionFactory(street=world.streets[i % 4])
        CareClassFactory(institution=inst)
    many, n_many = run()
    assert n_many == n_few + 25
    assert few == many <= 5, (few, many)


# ---- update and delete ---------------------------------------------------------------------------

def test_update_with_a_stale_version_is_409_and_changes_nothing(world):
    a1 = world.institutions["a1"]
    api = ApiClient(world.users["district_officer"])
    body = edit_body(api, a1, open_days="周一至周六")
    assert api.put(f"{URL}/{a1.pk}", body).status_code == 200
    r = api.put(f"{URL}/{a1.pk}", edit_body(api, a1, open_days="每天", version=body["version"]))
    assert r.status_code == 409
    assert r.json()["code"] == "conflict"
    a1.refresh_from_db()
    assert a1.open_days == "周一至周六"


def test_update_returns_the_new_version_and_an_audited_change(world):
    a1 = world.institutions["a1"]
    api = ApiClient(world.users["district_officer"])
    r = api.put(f"{URL}/{a1.pk}", edit_body(api, a1, open_days="周一至周五"))
    assert r.status_code == 200, r.content
    assert r.json()["version"] == a1.version + 1
    entry = AuditEntry.objects.filter(action="institution_update", target_id=str(a1.pk)).get()
    assert entry.changes["open_days"] == ["", "周一至周五"]


def test_director_cannot_change_the_officers_fields_through_the_api(world):
    a1 = world.institutions["a1"]
    api = ApiClient(world.users["institution_director"])
    r = api.put(f"{URL}/{a1.pk}", edit_body(api, a1, status="suspended", demonstration_level="national",
                                            open_days="周一至周五"))
    assert r.status_code == 200, r.content
    a1.refresh_from_db()
    assert (a1.status, a1.demonstration_level, a1.open_days) == (Status.FILED, DemonstrationLevel.NONE, "周一至周五")


def test_update_with_bad_input_writes_nothing(world):
    a1 = world.institutions["a1"]
    api = ApiClient(world.users["district_officer"])
    before = Institution.objects.filter(pk=a1.pk).values().get()
    r = api.put(f"{URL}/{a1.pk}", edit_body(api, a1, latitude="60", classes=[
        {"name": "大班", "class_type": "older_toddler", "planned_capacity": 21}]))
    assert r.status_code == 400
    assert {"latitude", "classes.0.planned_capacity"} <= set(r.json()["field_errors"])
    assert Institution.objects.filter(pk=a1.pk).values().get() == before
    assert list(a1.classes.values_list("name", flat=True)) == ["托小一班"]


def test_update_without_version_is_422(world):
    a1 = world.institutions["a1"]
    api = ApiClient(world.users["district_officer"])
    body = edit_body(api, a1)
    del body["version"]
    r = api.put(f"{URL}/{a1.pk}", body)
    assert r.status_code == 422
    assert "version" in r.json()["field_errors"]


def test_delete_of_an_institution_leading_points_is_refused(world):
    lead = world.institutions["a2"]
    Institution.objects.filter(pk=lead.pk).update(demonstration_level=DemonstrationLevel.CITY)
    Institution.objects.filter(pk=world.institutions["a1"].pk).update(lead_institution=lead)
    r = ApiClient(world.users["district_officer"]).delete(f"{URL}/{lead.pk}")
    assert r.status_code == 400
    assert Institution.objects.filter(pk=lead.pk).exists()


def test_delete_removes_the_record_and_audits_it(world):
    a2 = world.institutions["a2"]
    r = ApiClient(world.users["district_officer"]).delete(f"{URL}/{a2.pk}")
    assert r.status_code == 204
    assert not Institution.objects.filter(pk=a2.pk).exists()
    assert AuditEntry.objects.filter(action="institution_delete", target_id=str(a2.pk)).exists()


def test_an_id_that_cannot_exist_is_a_clean_4xx(world):
    api = ApiClient(world.users["city_officer"])
    for path in (f"{URL}/{2**70}", f"{URL}/0", f"{URL}/999999"):
        r = api.get(path)
        assert r.status_code in (404, 422), (path, r.status_code)


def test_reaching_into_another_district_by_id_is_404_unchanged_and_audited(world):
    """security.md rule 2: read, edit and delete of street B's institution by a district-A officer."""
    b1 = world.institutions["b1"]
    api = ApiClient(world.users["district_officer"])
    before = Institution.objects.filter(pk=b1.pk).values().get()
    body = edit_body(ApiClient(world.users["city_officer"]), b1, name="改名")
    assert api.get(f"{URL}/{b1.pk}").status_code == 404
    assert api.put(f"{URL}/{b1.pk}", body).status_code == 404
    assert api.delete(f"{URL}/{b1.pk}").status_code == 404
    assert Institution.objects.filter(pk=b1.pk).values().get() == before
    denials = AuditEntry.objects.filter(result=AuditEntry.Result.DENIED, actor_name="district_officer")
    assert sorted(denials.values_list("action", flat=True)) == [
        "denied:change_institution", "denied:delete_institution", "denied:view_institution"]


def test_in_scope_but_not_allowed_is_403_and_audited(world):
    a1 = world.institutions["a1"]
    r = ApiClient(world.users["street_officer"]).delete(f"{URL}/{a1.pk}")
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"
    assert Institution.objects.filter(pk=a1.pk).exists()
    entry = AuditEntry.objects.get(result=AuditEntry.Result.DENIED)
    assert (entry.actor_name, entry.action, entry.target_id) == ("street_officer", "denied:delete_institution", str(a1.pk))

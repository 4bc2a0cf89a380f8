"""Exporting institutions in the sheet they load from (issue #9; security.md rule 17)."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from tuoyu.core.models import AuditEntry
from tuoyu.core.permissions import Action
from tuoyu.core.scoping import SYSTEM
from tuoyu.institutions.choices import ServiceType
from tuoyu.institutions.selectors import institution_list
from tuoyu.institutions.services import institutions_export, institutions_load_file
from tuoyu.institutions.sheets import INSTITUTIONS
from tuoyu.institutions.tests.factories import CareClassFactory, ServiceOfferingFactory


@pytest.fixture
def richer(world):
    a1 = world.institutions["a1"]
    CareClassFactory(institution=a1, name="托大一班", class_type="older_toddler", planned_capacity=18, planned_caregivers=3)
    CareClassFactory(institution=a1, name="乳儿一班", class_type="infant", planned_capacity=7, planned_caregivers=None)
    ServiceOfferingFactory(institution=a1, service_type=ServiceType.FULL_DAY, price=2800)
    ServiceOfferingFactory(institution=a1, service_type=ServiceType.HOURLY, price=45, price_unit="hour")
    return world


def rows_of(content):
    wb = openpyxl.load_workbook(io.BytesIO(content))
    return [[c.value for c in row] for row in wb.worksheets[0].iter_rows()]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_loads_back_unchanged_with_identical_headers(richer, fmt):
    file = institutions_export(actor=SYSTEM, queryset=institution_list(SYSTEM, action=Action.EXPORT_DATA), fmt=fmt)
    assert file.rows == 3
    result = institutions_load_file(actor=SYSTEM, data=file.content, file_name=file.file_name)
    assert (result.created, result.updated, result.unchanged, result.error_count) == (0, 0, 3, 0)
    assert not [w for w in result.warnings if "未识别的列" in w.message]


def test_the_export_has_the_templates_headers_and_class_totals(richer):
    file = institutions_export(actor=SYSTEM, queryset=institution_list(SYSTEM, action=Action.EXPORT_DATA))
    rows = rows_of(file.content)
    assert rows[0] == [c.label for c in INSTITUTIONS.columns]
    a1 = dict(zip(rows[0], next(r for r in rows if r[0] == richer.institutions["a1"].name), strict=True))
    assert (a1["托小班数"], a1["托小班托位数"], a1["托大班托位数"], a1["乳儿班保育人员数"], a1["托位总数"]) == (1, 15, 18, None, 40)
    assert (a1["全日托收费（元/月）"], a1["计时托收费（元/小时）"], a1["半日托收费（元/月）"]) == (2800, 45, None)
    assert a1["街道代码"] == richer.streets[0].code and a1["所属区县"] == "锦江区"


def test_the_page_exports_what_the_list_filter_shows_within_the_users_scope(richer, client):
    officer = richer.users["district_officer"]
    client.force_login(officer)
    response = client.get(reverse("institutions:export"), {"street": richer.streets[0].code[:9], "format": "csv", "page": "2"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and richer.institutions["a1"].name in lines[1]
    entry = AuditEntry.objects.filter(action="institutions_export").get()
    assert entry.actor == officer
    assert entry.changes == {"format": "csv", "rows": 1, "scope": "510104",
                             "filters": {"street": [richer.streets[0].code[:9]]}}


def test_another_districts_officer_exports_none_of_this_district(richer, client):
    client.force_login(richer.users["district_officer_out"])
    response = client.get(reverse("institutions:export"), {"district": "510104"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert len(rows_of(response.content)) == 1  # the header only


def test_mobiles_are_masked_in_the_export_and_a_masked_number_loads_back_as_it_was(richer):
    inst = richer.institutions["a1"]
    inst.contact_phone = "13812345678"
    inst.save()
    file = institutions_export(actor=SYSTEM, queryset=institution_list(SYSTEM, action=Action.EXPORT_DATA), fmt="csv")
    text = file.content.decode("utf-8-sig")
    assert "13812345678" not in text and "138****5678" in text  # security.md rule 12
    assert institutions_load_file(actor=SYSTEM, data=file.content, file_name="x.csv").unchanged == 3
    inst.refresh_from_db()
    assert inst.contact_phone == "13812345678"


def test_the_export_command(richer, tmp_path, capsys):
    call_command("export_institutions", str(tmp_path / "机构.xlsx"))
    assert "已导出3行" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="institutions_export", actor_name="system:system").exists()

"""Exporting divisions and population in the sheets they load from (issue #9)."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from tuoyu.core.models import AuditEntry
from tuoyu.core.roles import Role
from tuoyu.core.scoping import SYSTEM
from tuoyu.regions.models import Region
from tuoyu.regions.services import (
    populations_export,
    populations_load_file,
    regions_export,
    regions_load_file,
)
from tuoyu.regions.sheets import DIVISIONS, POPULATION
from tuoyu.regions.tests.factories import Officer

DATA = Path(__file__).resolve().parents[4] / "tests" / "data"


@pytest.fixture
def chengdu(db):
    regions_load_file(actor=SYSTEM, data=(DATA / "chengdu_divisions.csv").read_bytes(), file_name="d.csv")
    populations_load_file(actor=SYSTEM, data=(DATA / "chengdu_population_gbk.csv").read_bytes(), file_name="p.csv")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_exported_division_sheet_loads_back_unchanged(chengdu, fmt):
    file = regions_export(actor=SYSTEM, fmt=fmt)
    assert file.rows == 57 and file.file_name.endswith(f".{fmt}")
    again = regions_load_file(actor=SYSTEM, data=file.content, file_name=file.file_name)
    assert (again.created, again.updated, again.unchanged, again.warning_count) == (0, 0, 57, 0)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_exported_population_sheet_loads_back_unchanged(chengdu, fmt):
    file = populations_export(actor=SYSTEM, fmt=fmt)
    again = populations_load_file(actor=SYSTEM, data=file.content, file_name=file.file_name)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)


def test_the_exported_headers_are_the_templates(chengdu):
    wb = openpyxl.load_workbook(io.BytesIO(regions_export(actor=SYSTEM).content))
    assert [c.value for c in next(wb.worksheets[0].iter_rows(max_row=1))] == [c.label for c in DIVISIONS.columns]
    assert "说明" in wb.sheetnames
    csv = populations_export(actor=SYSTEM, fmt="csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0] == ",".join(c.label for c in POPULATION.columns)


def test_an_officer_exports_only_its_scope_and_the_export_is_audited(chengdu):
    officer = Officer("jinjiang", Role.DISTRICT_OFFICER, "510104000000")
    file = regions_export(actor=officer, fmt="csv")
    codes = [line.split(",")[0] for line in file.content.decode("utf-8-sig").splitlines()[1:]]
    assert codes and all(c.startswith("510104") for c in codes)
    entry = AuditEntry.objects.filter(action="regions_export").get()
    assert entry.actor_name == "jinjiang"
    assert entry.changes == {"format": "csv", "rows": len(codes), "scope": "510104", "filters": {}}
    assert entry.region_code == "510104000000"


def test_inactive_divisions_are_not_exported(chengdu):
    Region.objects.filter(code="510104037000").update(is_active=False)
    assert b"510104037000" not in regions_export(actor=SYSTEM, fmt="csv").content


def test_the_export_command_writes_by_suffix(chengdu, tmp_path, capsys):
    call_command("export_regions", str(tmp_path / "r.csv"))
    call_command("export_population", str(tmp_path / "p.xlsx"), "--year", "2023")
    assert (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (tmp_path / "p.xlsx").read_bytes().startswith(b"PK\x03\x04")
    assert "已导出8行" in capsys.readouterr().out

"""Loading the division tree (regions.services.regions_load, issue #9)."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tuoyu.core.models import AuditEntry
from tuoyu.core.roles import Role
from tuoyu.core.scoping import SYSTEM
from tuoyu.core.sheets import LoadRejected, sha256_of
from tuoyu.regions.models import Region
from tuoyu.regions.services import DivisionRow, regions_load, regions_load_file
from tuoyu.regions.tests.factories import Officer

DATA = Path(__file__).resolve().parents[4] / "tests" / "data"


def load_file(name, actor=SYSTEM, **kwargs):
    data = (DATA / name).read_bytes()
    return regions_load_file(actor=actor, data=data, file_name=name, **kwargs)


def rows(*items):
    return [DivisionRow(code=c, name=n, level=lvl, row=i + 2) for i, (c, n, lvl) in enumerate(items)]


@pytest.fixture
def chengdu(db):
    return load_file("chengdu_divisions.csv")


def test_chengdu_published_codes_load_as_a_tree(chengdu):
    assert (chengdu.created, chengdu.updated, chengdu.rejected) == (57, 0, 0)
    city = Region.objects.get(code="510100000000")
    assert city.level == "city" and city.parent is None
    jinjiang = Region.objects.get(code="510104000000")
    assert (jinjiang.name, jinjiang.level, jinjiang.parent) == ("锦江区", "district", city)
    street = Region.objects.get(code="510104023000")
    assert (street.name, street.level, street.parent) == ("书院街街道", "street", jinjiang)
    community = Region.objects.get(code="510104023001")
    assert (community.level, community.parent) == ("community", street)
    assert Region.objects.get(code="510181000000").name == "都江堰市"  # 县级市 is a county-level code


def test_loading_the_same_file_again_changes_nothing_and_audits_only_the_load(chengdu):
    before = AuditEntry.objects.count()
    again = load_file("chengdu_divisions.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 57)
    new = list(AuditEntry.objects.order_by("id")[before:])
    assert [e.action for e in new] == ["regions_load"]


def test_the_load_is_audited_with_the_files_sha256_name_and_counts(chengdu):
    data = (DATA / "chengdu_divisions.csv").read_bytes()
    entry = AuditEntry.objects.filter(action="regions_load").get()
    assert entry.changes["file_sha256"] == sha256_of(data) == entry.target_id
    assert entry.changes["file_name"] == "chengdu_divisions.csv"
    assert (entry.changes["rows"], entry.changes["created"]) == (57, 57)
    assert entry.region_code == "510100000000"
    assert AuditEntry.objects.filter(action="region_create").count() == 57


def test_another_citys_codes_load_too(db):
    result = load_file("xiamen_divisions.csv")
    assert result.created == 26
    assert Region.objects.get(code="350203012000").parent.name == "思明区"
    assert Region.objects.get(code="350200000000").level == "city"


def test_an_existing_code_is_renamed_not_duplicated(chengdu):
    result = regions_load(actor=SYSTEM, rows=rows(("510104023", "书院街街道办事处", "")))
    assert (result.created, result.updated) == (0, 1)
    assert Region.objects.filter(code="510104023000").count() == 1
    assert Region.objects.get(code="510104023000").name == "书院街街道办事处"
    change = AuditEntry.objects.filter(action="region_update").get()
    assert change.changes == {"name": ["书院街街道", "书院街街道办事处"]}


def test_divisions_left_out_are_deactivated_never_deleted_and_come_back(chengdu):
    keep = [r for r in rows(*[(c.code, c.name, "") for c in Region.objects.filter(code__startswith="510104")])
            if r.code != "510104037000"]
    result = regions_load(actor=SYSTEM, rows=keep, deactivate_missing=True)
    assert result.deactivated == 1
    gone = Region.objects.get(code="510104037000")
    assert gone.is_active is False
    assert Region.objects.filter(code__startswith="510105", is_active=True).count() == 15  # other districts untouched
    assert any("三圣街道" in w.message for w in result.warnings)
    back = regions_load(actor=SYSTEM, rows=rows(("510104037", "三圣街道", "街道")))
    assert back.updated == 1
    assert Region.objects.get(code="510104037000").is_active is True


def test_a_file_of_all_districts_retires_the_missing_district(chengdu):
    districts = [(c.code, c.name, "") for c in Region.objects.filter(level="district").exclude(code="510185000000")]
    result = regions_load(actor=SYSTEM, rows=rows(*districts), deactivate_missing=True)
    assert Region.objects.get(code="510185000000").is_active is False
    assert result.deactivated == 1
    assert not Region.objects.filter(is_active=False).exclude(code="510185000000").exists()  # streets untouched


def test_without_the_option_nothing_is_deactivated(chengdu):
    regions_load(actor=SYSTEM, rows=rows(("510104", "锦江区", "区")))
    assert not Region.objects.filter(is_active=False).exists()


def test_one_bad_row_and_nothing_is_written_with_every_error_by_row_and_column(db):
    bad = rows(
        ("510100", "成都市", "市"),
        ("510104", "锦江区", "区"),
        ("51010", "错误代码", ""),           # 5 digits
        ("510104020", "", "街道"),           # empty name
        ("510104021", "盐市口街道", "社区"),  # level does not fit a 9-digit code
        ("510104021", "盐市口街道", ""),      # duplicate
        ("510109020", "无上级街道", ""),      # parent 510109 neither in the file nor loaded
        ("510104022", "春熙路街道", "片区"),  # unknown level word
    )
    with pytest.raises(LoadRejected) as caught:
        regions_load(actor=SYSTEM, rows=bad, source="bad.csv")
    result = caught.value.result
    assert Region.objects.count() == 0
    assert [str(e) for e in result.errors] == [
        "第4行 区划代码：应为6、9或12位数字（如510104、510104020或510104020001）",
        "第5行 名称：不能为空",
        "第6行 级别：填的是“社区”，但代码510104021000的结构是街道/镇级（6位为区/县，9位为街道/镇，12位为社区/村）",
        "第7行 区划代码：与第6行重复",
        "第8行 区划代码：上级区划510109000000既不在文件中，也没有导入过：请先导入上级，或把它加进文件",
        "第9行 级别：“片区”无法识别，可填：区/县、街道/镇、社区/村（或区、县、街道、镇、社区、村）",
    ]
    assert result.rejected == 6 and not result.written
    failed = AuditEntry.objects.get(action="regions_load")
    assert failed.result == "failed" and failed.changes["error_count"] == 6


def test_a_parent_already_loaded_counts(chengdu):
    result = regions_load(actor=SYSTEM, rows=rows(("510104023004", "新社区", "社区")))
    assert result.created == 1
    assert Region.objects.get(code="510104023004").parent.code == "510104023000"


def test_a_city_officer_cannot_load_another_citys_divisions(chengdu):
    officer = Officer("chengdu", Role.CITY_OFFICER, "510100000000")
    with pytest.raises(LoadRejected) as caught:
        regions_load(actor=officer, rows=rows(("350200", "厦门市", "市"), ("510104023005", "锦江新社区", "社区")))
    assert [str(e) for e in caught.value.result.errors] == ["第2行 区划代码：350200000000不在您管辖的范围内"]
    assert not Region.objects.filter(code__in=["350200000000", "510104023005"]).exists()
    ok = regions_load(actor=officer, rows=rows(("510104023005", "锦江新社区", "社区")))
    assert ok.created == 1


def test_a_district_officer_may_not_load_divisions_at_all(chengdu):
    officer = Officer("jinjiang", Role.DISTRICT_OFFICER, "510104000000")
    with pytest.raises(LoadRejected):
        regions_load(actor=officer, rows=rows(("510104023006", "新社区", "社区")))


def test_the_command_prints_counts_and_exits_1_when_refused(db, capsys, tmp_path):
    call_command("load_regions", str(DATA / "chengdu_divisions.csv"))
    assert "新增57" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("区划代码,名称\n510104,\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("load_regions", str(bad))
    assert caught.value.returncode == 1
    assert "第2行 名称：不能为空" in capsys.readouterr().err


def test_the_command_refuses_a_file_that_is_not_a_spreadsheet(db, tmp_path):
    fake = tmp_path / "区划.xlsx"
    fake.write_bytes(b"%PDF-1.4 not a sheet")
    with pytest.raises(CommandError, match="无法识别"):
        call_command("load_regions", str(fake))

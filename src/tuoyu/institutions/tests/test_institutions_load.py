"""Loading the city's existing institution list (institutions.services.institutions_load, issue #9)."""

import csv
import io
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tuoyu.accounts.tests.factories import user_with_role
from tuoyu.core.models import AuditEntry
from tuoyu.core.roles import Role
from tuoyu.core.scoping import SYSTEM
from tuoyu.core.sheets import LoadRejected
from tuoyu.institutions.choices import (
    ClassType,
    Ownership,
    RegistrationType,
    ServiceModel,
    ServiceType,
    Status,
)
from tuoyu.institutions.models import CareClass, Institution, ServiceOffering
from tuoyu.institutions.services import (
    ClassData,
    InstitutionData,
    InstitutionRow,
    OfferingData,
    institutions_load,
    institutions_load_file,
)
from tuoyu.institutions.tests.factories import make_uscc
from tuoyu.regions.models import Region
from tuoyu.regions.services import regions_load_file

DATA = Path(__file__).resolve().parents[4] / "tests" / "data"
FIXED = (DATA / "chengdu_institutions_fixed.csv").read_bytes()
BROKEN = (DATA / "chengdu_institutions_broken.csv").read_bytes()
OAK = "91510104MA6CQ7R2XM"  # 成都市锦江区小橡树托育中心有限公司 in the files


@pytest.fixture
def chengdu(db):
    regions_load_file(actor=SYSTEM, data=(DATA / "chengdu_divisions.csv").read_bytes(), file_name="d.csv")


@pytest.fixture
def loaded(chengdu):
    return institutions_load_file(actor=SYSTEM, data=FIXED, file_name="机构名单.csv")


def sheet(header, *rows, encoding="utf-8-sig"):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


HEAD = ["机构名称", "统一社会信用代码", "所属区县", "所属街道/镇", "地址", "登记类型", "服务模式", "举办性质"]


def one(name, code, street, *, district="", extra_head=(), extra=()):
    return sheet([*HEAD, *extra_head], [name, code, district, street, "测试路1号", "企业", "独立托育机构", "民办", *extra])


def errors_of(exc):
    return [str(e) for e in exc.value.result.errors]


def test_a_list_typed_the_way_offices_type_it_is_refused_with_row_and_column_errors(chengdu):
    with pytest.raises(LoadRejected) as caught:
        institutions_load_file(actor=SYSTEM, data=BROKEN, file_name="机构名单（有错）.csv")
    assert errors_of(caught) == [
        "第5行 统一社会信用代码：校验位错误：按前17位计算，第18位应为“N”。",
        "第6行 所属街道/镇：没有名为“春熙北路街道”的街道/镇",  # the row says 青羊区: no near name there
        "第7行 所属街道/镇：街道“城厢镇”不唯一：城厢镇（青白江区）、城厢镇（金堂县）（请填写完整的街道名称、所属区县或街道代码）",
    ]
    assert caught.value.result.rejected == 3
    assert not Institution.objects.exists() and not CareClass.objects.exists()
    assert AuditEntry.objects.filter(action="institutions_load", result="failed").count() == 1


def test_the_corrected_list_loads_with_spaces_and_full_width_forgiven(loaded):
    assert (loaded.created, loaded.updated, loaded.unchanged, loaded.rejected) == (6, 0, 0, 0)
    oak = Institution.objects.get(credit_code=OAK)
    assert oak.name == "成都市锦江区小橡树托育中心有限公司"
    assert oak.street.code == "510104023000" and oak.region_code == "510104023000"
    assert (oak.status, oak.filing_number, oak.filed_on) == (Status.FILED, "锦卫托备〔2023〕015号", date(2023, 5, 6))
    assert (oak.puhui, oak.puhui_price, oak.demonstration_level) == (True, Decimal("1800.00"), "city")
    assert (oak.opens_at, oak.closes_at) == (time(8, 0), time(17, 30))
    classes = sorted(oak.classes.values_list("name", "class_type", "planned_capacity", "planned_caregivers"))
    assert classes == [("托大一班", "older_toddler", 20, 3), ("托大二班", "older_toddler", 20, 3),
                       ("托小一班", "toddler", 15, 3), ("托小二班", "toddler", 15, 3)]
    offers = sorted(oak.offerings.values_list("service_type", "price", "price_unit"))
    assert offers == [("full_day", Decimal("3200.00"), "month"), ("temporary", Decimal("180.00"), "day")]
    pugong = Institution.objects.get(name="锦江区蒲公英社区托育服务中心")
    assert pugong.filed_on == date(2022, 11, 18) and pugong.puhui  # 2022年11月18日 and √
    assert Institution.objects.get(name="青白江城厢镇阳光宝贝托育园").street.code == "510113101000"  # 青白江区 城厢镇


def test_the_broken_list_with_its_typing_quirks_loads_once_the_real_errors_are_fixed(chengdu):
    text = BROKEN.decode("utf-8-sig").replace("91510105MA61T8D4N0", "91510105MA61T8D4NN")
    text = text.replace("春熙北路街道", "少城街道").replace(",,城厢镇,", ",青白江区,城厢镇,")
    result = institutions_load_file(actor=SYSTEM, data=text.encode("utf-8-sig"), file_name="改正后.csv")
    assert result.created == 6
    oak = Institution.objects.get(credit_code=OAK)
    assert oak.name == "成都市锦江区小橡树托育中心有限公司"  # the full-width space is gone
    assert oak.contact_phone == "028-86612345"               # full-width digits folded
    assert Institution.objects.filter(credit_code="52510104MJQ05123KQ").exists()  # spaces, lower case


def test_loading_the_same_list_again_changes_nothing(loaded):
    before = AuditEntry.objects.count()
    again = institutions_load_file(actor=SYSTEM, data=FIXED, file_name="机构名单.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)[before:]) == ["institutions_load"]


def test_a_gbk_copy_of_the_list_is_the_same_list(loaded):
    gbk = FIXED.decode("utf-8-sig").encode("gbk")
    assert institutions_load_file(actor=SYSTEM, data=gbk, file_name="gbk.csv").unchanged == 6


def test_a_registered_credit_code_updates_that_institution(loaded):
    text = FIXED.decode("utf-8-sig").replace("3200", "3300")
    result = institutions_load_file(actor=SYSTEM, data=text.encode(), file_name="调价.csv")
    assert (result.updated, result.unchanged) == (1, 5)
    assert Institution.objects.get(credit_code=OAK).offerings.get(service_type="full_day").price == Decimal("3300.00")
    change = AuditEntry.objects.filter(action="institution_update").get()
    assert change.changes == {"offerings": [["full_day|3200.00|month", "temporary|180.00|day"],
                                            ["full_day|3300.00|month", "temporary|180.00|day"]]}
    load = AuditEntry.objects.filter(action="institutions_load").latest("id")
    assert (load.changes["updated"], load.changes["unchanged"], load.changes["file_name"]) == (1, 5, "调价.csv")


def test_columns_the_sheet_lacks_keep_what_is_stored(loaded):
    data = one("成都市锦江区小橡树托育中心有限公司", OAK, "书院街街道")
    result = institutions_load_file(actor=SYSTEM, data=data, file_name="少列.csv")
    oak = Institution.objects.get(credit_code=OAK)
    assert result.updated == 1  # only the address changed
    assert oak.address == "测试路1号"
    assert (oak.contact_phone, oak.status, oak.classes.count(), oak.offerings.count()) == ("028-86612345", Status.FILED, 4, 2)


def test_rows_without_a_credit_code_are_matched_by_name_and_street(chengdu):
    data = one("宽窄巷子邻里托育点", "", "少城街道")
    assert institutions_load_file(actor=SYSTEM, data=data, file_name="a.csv").created == 1
    assert institutions_load_file(actor=SYSTEM, data=data, file_name="a.csv").unchanged == 1
    elsewhere = one("宽窄巷子邻里托育点", "", "草市街街道")
    assert institutions_load_file(actor=SYSTEM, data=elsewhere, file_name="b.csv").created == 1
    assert Institution.objects.filter(name="宽窄巷子邻里托育点").count() == 2


def test_a_near_miss_street_name_is_refused_with_a_suggestion(chengdu):
    with pytest.raises(LoadRejected) as caught:
        institutions_load_file(actor=SYSTEM, data=one("春熙托育", make_uscc(70), "春熙北路街道"), file_name="x.csv")
    assert errors_of(caught) == ["第2行 所属街道/镇：没有名为“春熙北路街道”的街道/镇，是否是：春熙路街道（锦江区）？"]


def test_a_credit_code_twice_in_one_file_is_an_error(chengdu):
    code = make_uscc(71)
    data = sheet(HEAD, ["甲托育", code, "", "书院街街道", "路1号", "企业", "独立托育机构", "民办"],
                 ["乙托育", code, "", "合江亭街道", "路2号", "企业", "独立托育机构", "民办"])
    with pytest.raises(LoadRejected) as caught:
        institutions_load_file(actor=SYSTEM, data=data, file_name="dup.csv")
    assert errors_of(caught) == ["第3行 统一社会信用代码：与第2行的统一社会信用代码重复"]


@pytest.mark.parametrize("street,district", [
    ("书院街", ""), ("锦江区书院街街道", ""), ("书院街街道（锦江区）", ""), ("书院街街道", "锦江区"),
    ("书 院 街 街 道", "锦江"),
])
def test_street_names_as_people_write_them(chengdu, street, district):
    result = institutions_load_file(actor=SYSTEM, data=one("书院托育", make_uscc(72), street, district=district), file_name="x.csv")
    assert result.created == 1
    assert Institution.objects.get().street.code == "510104023000"


def test_a_street_by_code_and_a_name_that_contradicts_it(chengdu):
    head = ["机构名称", "统一社会信用代码", "街道代码", "所属街道/镇", "地址", "登记类型", "服务模式", "举办性质"]
    good = sheet(head, ["代码托育", make_uscc(73), "510104023", "", "路1号", "企业", "独立托育机构", "民办"])
    assert institutions_load_file(actor=SYSTEM, data=good, file_name="x.csv").created == 1
    bad = sheet(head, ["代码托育二", make_uscc(74), "510104023", "合江亭街道", "路1号", "企业", "独立托育机构", "民办"])
    with pytest.raises(LoadRejected) as caught:
        institutions_load_file(actor=SYSTEM, data=bad, file_name="x.csv")
    assert errors_of(caught) == ["第2行 街道代码：510104023000对应“书院街街道”，与填写的“合江亭街道”不一致"]


def test_the_district_column_resolves_a_shared_street_name_and_must_agree(chengdu):
    ok = one("城厢托育", make_uscc(75), "城厢镇", district="金堂县")
    assert institutions_load_file(actor=SYSTEM, data=ok, file_name="x.csv").created == 1
    assert Institution.objects.get().street.code == "510121102000"
    with pytest.raises(LoadRejected) as caught:
        institutions_load_file(actor=SYSTEM, data=one("书院托育", make_uscc(76), "书院街街道", district="青羊区"), file_name="x.csv")
    assert errors_of(caught) == ["第2行 所属区县：街道“书院街街道”属于锦江区，与填写的“青羊区”不一致"]


def test_invalid_data_is_an_error_but_breaking_a_setting_rule_is_a_warning(chengdu):
    head = [*HEAD, "状态", "备案编号", "托小班数", "托小班托位数", "托小班保育人员数", "建筑面积（㎡）"]
    data = sheet(
        head,
        ["规则托育", make_uscc(77), "", "书院街街道", "路1号", "企业", "独立托育机构", "民办", "已登记", "", "1", "15", "2", "80"],
        ["超员托育", make_uscc(78), "", "书院街街道", "路2号", "企业", "独立托育机构", "民办", "已备案", "", "1", "20", "4", "300"],
    )
    with pytest.raises(LoadRejected) as caught:
        institutions_load_file(actor=SYSTEM, data=data, file_name="x.csv")
    assert errors_of(caught) == [
        "第3行 备案编号：已备案机构须填写备案编号。",
        "第3行 托小班托位数：托小班最多15人，计划托位数20超过了国家标准。",
    ]
    fixed = data.decode("utf-8-sig").splitlines()[:2]
    result = institutions_load_file(actor=SYSTEM, data="\n".join(fixed).encode(), file_name="x.csv")
    assert result.created == 1
    warnings = [str(w) for w in result.warnings]
    assert any("第2行 设置标准：托小一班：15名幼儿只配2名保育人员" in w for w in warnings)
    assert any("建筑面积80" in w for w in warnings)


def test_a_district_officer_loads_only_its_own_district(loaded):
    officer = user_with_role("jinjiang", Role.DISTRICT_OFFICER, region=Region.objects.get(code="510104000000"))
    qingyang = one("青羊新托育", make_uscc(79), "少城街道")
    with pytest.raises(LoadRejected) as caught:
        institutions_load_file(actor=officer, data=qingyang, file_name="x.csv")
    assert errors_of(caught) == ["第2行 所属街道/镇：少城街道（青羊区）不在您管辖的范围内"]
    # An institution registered in another district, under the same credit code: no name leaks.
    other = Institution.objects.get(name="青羊区小星星托育有限公司")
    with pytest.raises(LoadRejected) as caught:
        institutions_load_file(actor=officer, data=one("改名托育", other.credit_code, "书院街街道"), file_name="x.csv")
    assert errors_of(caught) == ["第2行 统一社会信用代码：该机构已登记在您管辖范围以外的区域，不能由您导入修改"]
    mine = one("锦江新托育", make_uscc(80), "合江亭街道")
    assert institutions_load_file(actor=officer, data=mine, file_name="x.csv").created == 1
    assert AuditEntry.objects.filter(action="institution_create", actor=officer).count() == 1


def test_the_seeders_path_creates_and_reloads_unchanged(chengdu):
    def rows():
        data = InstitutionData(
            name="种子托育园", street_code="510104023", address="种子路1号", registration_type=RegistrationType.ENTERPRISE,
            service_model=ServiceModel.COMMUNITY_EMBEDDED, ownership=Ownership.PUBLIC_BUILT_PRIVATE_RUN,
            credit_code=make_uscc(81), latitude=Decimal("30.65"), building_area_m2=Decimal(500),
            classes=[ClassData("托小一班", ClassType.TODDLER, 12, 3), ClassData("托大一班", ClassType.OLDER_TODDLER, 18, 3)],
            offerings=[OfferingData(ServiceType.FULL_DAY, Decimal(3700))],
        )
        return [InstitutionRow(data=data)]

    assert institutions_load(actor=SYSTEM, rows=rows(), source="seed").created == 1
    assert institutions_load(actor=SYSTEM, rows=rows(), source="seed").unchanged == 1
    assert ServiceOffering.objects.get().price == Decimal("3700.00")


def test_classes_with_the_same_totals_keep_their_own_sizes(loaded):
    oak = Institution.objects.get(credit_code=OAK)
    CareClass.objects.filter(institution=oak, name="托小一班").update(planned_capacity=13)
    CareClass.objects.filter(institution=oak, name="托小二班").update(planned_capacity=15)
    text = FIXED.decode("utf-8-sig").replace(",2,30,6,2,40,6,", ",2,28,6,2,40,6,")
    result = institutions_load_file(actor=SYSTEM, data=text.encode(), file_name="x.csv")
    assert result.unchanged == 6
    assert sorted(oak.classes.filter(class_type="toddler").values_list("planned_capacity", flat=True)) == [13, 15]


def test_places_without_a_class_count_are_split_by_the_legal_maximum(chengdu):
    data = one("推算托育", make_uscc(82), "书院街街道", extra_head=["托大班托位数"], extra=["45"])
    result = institutions_load_file(actor=SYSTEM, data=data, file_name="x.csv")
    assert sorted(CareClass.objects.values_list("planned_capacity", flat=True)) == [15, 15, 15]
    assert "按每班最多20人计为3个班" in result.warnings[0].message


def test_the_command_prints_the_errors_and_exits_1(chengdu, tmp_path, capsys):
    path = tmp_path / "broken.csv"
    path.write_bytes(BROKEN)
    with pytest.raises(CommandError) as caught:
        call_command("load_institutions", str(path))
    assert caught.value.returncode == 1
    assert "第6行 所属街道/镇：没有名为“春熙北路街道”" in capsys.readouterr().err
    path.write_bytes(FIXED)
    call_command("load_institutions", str(path))
    assert "新增6" in capsys.readouterr().out


def test_an_excel_workbook_with_real_numbers_dates_and_a_code_excel_made_numeric(chengdu):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "锦江区"
    ws.append(["锦江区托育机构名单（2024年12月）"])
    ws.append(["序号", "机构名称*", "统一社会信用代码", "街道代码", "地址", "登记类型", "服务模式", "举办性质", "状态",
               "备案编号", "备案日期", "是否普惠", "普惠价格", "联系电话", "开园时间", "托小班数", "托小班托位数"])
    ws.append([1, "锦江区小水滴托育园", make_uscc(83), 510104024.0, "合江亭路3号", "民办非企业单位", "社区托育",
               "民办", "已备案", "锦卫托备〔2024〕002号", date(2024, 3, 1), "√", 1600, 13981234567.0, time(8, 0), 1, 12])
    ws.append([None] * 17)
    ws.append(["合计", None, None, None, None, None, None, None, None, None, None, None, None, None, None, 1, 12])
    buf = io.BytesIO()
    wb.save(buf)
    result = institutions_load_file(actor=SYSTEM, data=buf.getvalue(), file_name="锦江区.xlsx")
    assert result.created == 1, result.errors
    inst = Institution.objects.get()
    assert (inst.street.code, inst.registration_type, inst.service_model) == (
        "510104024000", RegistrationType.SOCIAL_ORGANIZATION, ServiceModel.COMMUNITY_EMBEDDED)
    assert (inst.filed_on, inst.contact_phone, inst.opens_at, inst.puhui_price) == (
        date(2024, 3, 1), "13981234567", time(8, 0), Decimal("1600.00"))
    assert any("未识别的列“序号”" in w.message for w in result.warnings)


def test_a_masked_mobile_for_a_new_institution_is_an_error(chengdu):
    data = one("打码托育", make_uscc(84), "书院街街道", extra_head=["联系电话"], extra=["138****5678"])
    with pytest.raises(LoadRejected) as caught:
        institutions_load_file(actor=SYSTEM, data=data, file_name="x.csv")
    assert errors_of(caught) == ["第2行 联系电话：号码已打码（导出时手机号只显示前3位和后4位），新机构请填写完整号码"]

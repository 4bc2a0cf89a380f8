"""Reading and writing spreadsheets as offices keep them (core.sheets, issue #9)."""

import codecs
import io
from datetime import date, datetime, time
from decimal import Decimal

import openpyxl
import pytest
from django.db import models

from tuoyu.core.sheets import (
    Boolean,
    CellError,
    Choice,
    Column,
    CreditCode,
    Date,
    DivisionCode,
    Integer,
    LoadResult,
    Number,
    RowError,
    SheetError,
    SheetSpec,
    Text,
    Time,
    count_data_rows,
    file_kind,
    read_sheet,
    write_csv,
    write_xlsx,
)


class ServiceModel(models.TextChoices):
    """A choice list like the registry's (core's tests import no app)."""

    HOME_BASED = "home_based", "家庭托育点"
    COMMUNITY_EMBEDDED = "community_embedded", "社区嵌入式"
    EMPLOYER_SPONSORED = "employer_sponsored", "单位福利/职工福利"
    STANDALONE = "standalone", "独立托育机构"


SPEC = SheetSpec(
    name="测试表",
    columns=(
        Column("code", "区划代码", DivisionCode(), required=True, aliases=("代码",)),
        Column("name", "名称", Text(20), required=True),
        Column("population", "常住人口", Integer(wan=True, units=("人",))),
        Column("puhui", "普惠性", Boolean()),
        Column("filed_on", "备案日期", Date()),
        Column("model", "服务模式", Choice(ServiceModel)),
        Column("infant_places", "乳儿班托位数", Integer()),
        Column("infant_classes", "乳儿班数", Integer(), aliases=("乳儿班班数",)),
    ),
)


def xlsx(rows, *, sheets=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for r in rows:
        ws.append(r)
    for title, more in (sheets or {}).items():
        extra = wb.create_sheet(title)
        for r in more:
            extra.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(text, encoding="utf-8-sig"):
    return text.encode(encoding)


class TestCells:
    def test_division_codes_are_padded_and_excel_floats_lose_their_point(self):
        p = DivisionCode()
        assert p("510104") == "510104000000"
        assert p(510104020.0) == "510104020000"
        assert p("５１０１０４０２０") == "510104020000"
        assert p(" 510104020001 ") == "510104020001"

    def test_a_code_in_scientific_notation_is_refused_with_a_way_out(self):
        with pytest.raises(CellError, match="科学计数法"):
            DivisionCode()("5.10104E+11")
        with pytest.raises(CellError, match="科学计数法"):
            CreditCode()("9.15101E+17")

    def test_credit_codes_lose_spaces_and_full_width_and_become_upper_case(self):
        assert CreditCode()("９１５１０１０４ma6cq7r2xm") == "91510104MA6CQ7R2XM"

    def test_whole_numbers_typed_as_text(self):
        p = Integer(wan=True, units=("人",))
        assert p("1,234") == 1234
        assert p("１２３４") == 1234
        assert p(" 12.0 ") == 12
        assert p(12.0) == 12
        assert p("95.3万") == 953000
        assert p("903000人") == 903000
        with pytest.raises(CellError, match="不能有小数"):
            p("12.5")
        with pytest.raises(CellError, match="不能小于0"):
            p("-3")
        with pytest.raises(CellError, match="应为整数"):
            p("约九万")

    def test_decimals_round_and_ignore_units(self):
        p = Number(2, units=("元", "元/月"))
        assert p("2,800元/月") == Decimal("2800.00")
        assert p(1800.5) == Decimal("1800.50")
        with pytest.raises(CellError):
            p("面议")
        with pytest.raises(CellError):
            p("1e40")

    @pytest.mark.parametrize("value", ["是", "√", "✓", "Y", "yes", "TRUE", "1", True])
    def test_yes(self, value):
        assert Boolean()(value) is True

    @pytest.mark.parametrize("value", ["否", "×", "N", "no", "false", "0", False])
    def test_no(self, value):
        assert Boolean()(value) is False

    def test_a_word_that_is_neither_yes_nor_no(self):
        with pytest.raises(CellError, match="是.*否"):
            Boolean()("待定")

    @pytest.mark.parametrize("value", [
        "2023-05-06", "2023/5/6", "2023.5.6", "2023年5月6日", "20230506", "2023-05-06 00:00:00",
        datetime(2023, 5, 6, 0, 0), date(2023, 5, 6), 45052, 45052.0, "45052",
    ])
    def test_dates_as_offices_write_them(self, value):
        assert Date()(value) == date(2023, 5, 6)

    def test_an_impossible_date(self):
        with pytest.raises(CellError, match="2023-05-06"):
            Date()("2023年2月30日")

    @pytest.mark.parametrize("value,expected", [
        ("08:30", time(8, 30)), ("8:30", time(8, 30)), ("8点半", time(8, 30)), ("17时", time(17, 0)),
        ("８：００", time(8, 0)), (0.75, time(18, 0)), (time(7, 45), time(7, 45)),
    ])
    def test_times(self, value, expected):
        assert Time()(value) == expected

    def test_choices_by_label_part_code_or_alias(self):
        p = Choice(ServiceModel, aliases={"托育中心": ServiceModel.STANDALONE})
        assert p("单位福利") == ServiceModel.EMPLOYER_SPONSORED
        assert p("职工福利") == ServiceModel.EMPLOYER_SPONSORED
        assert p(" 社区 嵌入式 ") == ServiceModel.COMMUNITY_EMBEDDED
        assert p("home_based") == ServiceModel.HOME_BASED
        assert p("托育中心") == ServiceModel.STANDALONE
        with pytest.raises(CellError, match="可选：家庭托育点"):
            p("民办园")

    def test_text_keeps_full_width_brackets_but_not_stray_spaces(self):
        assert Text()("  成都市锦江区　小橡树托育（锦江店） ") == "成都市锦江区小橡树托育（锦江店）"
        assert Text()("Little  Oak 托育") == "Little Oak 托育"
        with pytest.raises(CellError, match="最多5个字"):
            Text(5)("一二三四五六")


class TestFiles:
    def test_xlsx_is_recognised_by_its_zip_header_not_its_name(self):
        assert file_kind(xlsx([["区划代码", "名称"]]), "名单.csv") == "xlsx"

    @pytest.mark.parametrize("data,message", [
        (b"", "空"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧版Excel"),
        (b"%PDF-1.7\n...", "无法识别"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "无法识别"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "无法识别"),
        (bytes(range(256)) * 4, "无法识别"),
    ])
    def test_what_is_not_a_spreadsheet_gets_a_clear_message(self, data, message):
        with pytest.raises(SheetError, match=message):
            file_kind(data, "x.xlsx")

    def test_a_damaged_workbook_gets_a_clear_message(self):
        with pytest.raises(SheetError, match="无法打开"):
            read_sheet(b"PK\x03\x04" + b"not really a zip", SPEC, file_name="坏.xlsx")

    @pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
    def test_csv_in_the_encodings_chinese_excel_writes(self, encoding):
        data = csv_bytes("区划代码,名称,常住人口\r\n510104,锦江区,\"903,000\"\r\n", encoding)
        sheet = read_sheet(data, SPEC, file_name="人口.csv")
        assert sheet.result.ok, sheet.result.errors
        assert sheet.rows[0].values == {"code": "510104000000", "name": "锦江区", "population": 903000}
        assert sheet.rows[0].row == 2

    def test_excel_unicode_text_is_utf16_with_tabs(self):
        data = codecs.BOM_UTF16_LE + "区划代码\t名称\r\n510105\t青羊区\r\n".encode("utf-16-le")
        sheet = read_sheet(data, SPEC)
        assert [r.values["name"] for r in sheet.rows] == ["青羊区"]

    def test_semicolons_and_excel_text_formulas(self):
        data = csv_bytes('区划代码;名称\r\n="510104020";书院街街道\r\n')
        sheet = read_sheet(data, SPEC)
        assert sheet.rows[0].values["code"] == "510104020000"

    def test_title_rows_star_markers_spaces_and_full_width_in_headers(self):
        data = xlsx([
            ["成都市2023年托育机构统计表（第一季度）"],
            ["填报单位：市卫健委", None, "单位：人"],
            ["区划代码 *", "名　称（必填）", "常住人口（人）", "普惠性", "备案日期"],
            ["510104", "锦江区", "903,000", "√", "2023/5/6"],
            [None, None, None, None, None],
            ["510105", "青羊区", 960500, "否", 45052],
            [None], [None], [None],
        ])
        sheet = read_sheet(data, SPEC, file_name="表.xlsx")
        assert sheet.result.ok, sheet.result.errors
        assert [r.row for r in sheet.rows] == [4, 6]
        assert sheet.rows[0].values == {"code": "510104000000", "name": "锦江区", "population": 903000,
                                        "puhui": True, "filed_on": date(2023, 5, 6)}
        assert sheet.rows[1].values["filed_on"] == date(2023, 5, 6)

    def test_a_two_row_header_under_merged_group_cells(self):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["区划代码", "名称", "乳儿班", None])
        ws.append([None, None, "班数", "托位数"])
        ws.append(["510104", "锦江区", 2, 20])
        ws.merge_cells("A1:A2")
        ws.merge_cells("B1:B2")
        ws.merge_cells("C1:D1")
        buf = io.BytesIO()
        wb.save(buf)
        sheet = read_sheet(buf.getvalue(), SPEC)
        assert sheet.result.ok, sheet.result.errors
        assert sheet.rows[0].values["infant_classes"] == 2
        assert sheet.rows[0].values["infant_places"] == 20

    def test_totals_rows_and_notes_below_the_data_are_skipped_with_a_warning(self):
        data = csv_bytes("区划代码,名称,常住人口\r\n510104,锦江区,903000\r\n合计,,903000\r\n,,\r\n填表人：张三,,\r\n")
        sheet = read_sheet(data, SPEC)
        assert sheet.result.ok
        assert len(sheet.rows) == 1
        assert [str(w) for w in sheet.result.warnings] == ["第3行 合计行，已忽略。", "第5行 不是数据行（“填表人：张三”），已忽略。"]

    def test_every_visible_sheet_but_the_notes_is_read(self):
        data = xlsx([["区划代码", "名称"], ["510104", "锦江区"]],
                    sheets={"说明": [["区划代码", "名称"], ["999999", "不应读入"]],
                            "青羊区": [["代码", "名称"], ["510105", "青羊区"]],
                            "备注": [["这是一张备注"]]})
        sheet = read_sheet(data, SPEC)
        assert [(r.sheet, r.values["code"]) for r in sheet.rows] == [("Sheet1", "510104000000"), ("青羊区", "510105000000")]
        assert any("备注" in str(w) for w in sheet.result.warnings)

    def test_cell_errors_name_the_row_and_the_column(self):
        data = csv_bytes("区划代码,名称,常住人口,普惠性\r\n51010,锦江区,九十万,也许\r\n510105,,100,是\r\n")
        sheet = read_sheet(data, SPEC)
        errors = [str(e) for e in sheet.result.errors]
        assert "第2行 区划代码：应为6、9或12位数字（如510104、510104020或510104020001）" in errors
        assert "第2行 常住人口：应为整数，现在是“九十万”" in errors
        assert "第2行 普惠性：应填“是”或“否”，现在是“也许”" in errors
        assert "第3行 名称：不能为空" in errors
        assert all(r.has_errors for r in sheet.rows)

    def test_missing_required_and_duplicate_columns_are_errors_unknown_ones_warnings(self):
        data = csv_bytes("名称,名称,备注\r\n锦江区,锦江区,x\r\n")
        sheet = read_sheet(data, SPEC)
        messages = [e.message for e in sheet.result.errors]
        assert "缺少必填列“区划代码”。" in messages
        assert any("出现了两次" in m for m in messages)
        assert any("未识别的列“备注”" in w.message for w in sheet.result.warnings)

    def test_no_header_at_all(self):
        sheet = read_sheet(csv_bytes("甲,乙\r\n1,2\r\n"), SPEC)
        assert "没有找到表头" in sheet.result.errors[0].message

    def test_a_header_without_data(self):
        sheet = read_sheet(csv_bytes("区划代码,名称\r\n\r\n"), SPEC)
        assert sheet.result.errors[0].message == "文件中没有数据行。"

    def test_count_data_rows_estimates_without_parsing(self):
        assert count_data_rows(csv_bytes("区划代码,名称\r\n1,a\r\n2,b\r\n\r\n")) == 2
        assert count_data_rows(xlsx([["区划代码", "名称"], ["1", "a"], [None, None], ["2", "b"]])) == 2


class TestWriting:
    ITEMS = [
        {"code": "510104000000", "name": "锦江区", "population": 903000, "puhui": True,
         "filed_on": date(2023, 5, 6), "model": ServiceModel.EMPLOYER_SPONSORED},
        {"code": "510104020000", "name": "书院街街道", "population": None, "puhui": False},
    ]

    def test_an_exported_xlsx_reads_back_to_the_same_values_with_a_notes_sheet(self):
        data = write_xlsx(SPEC, self.ITEMS, title="测试")
        wb = openpyxl.load_workbook(io.BytesIO(data))
        assert wb.sheetnames == ["测试表", "说明"]
        assert [c.value for c in wb["测试表"][1]] == [c.label for c in SPEC.columns]
        assert wb["测试表"]["A2"].data_type == "s"  # codes stay text in Excel
        notes = "\n".join(str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value)
        assert "允许的值" in notes and "家庭托育点、社区嵌入式" in notes and "一行也不写入" in notes
        sheet = read_sheet(data, SPEC)
        assert sheet.result.ok and not sheet.result.warnings
        assert sheet.rows[0].values == {**self.ITEMS[0], "infant_places": None, "infant_classes": None}

    def test_an_exported_csv_has_a_bom_for_excel_and_reads_back(self):
        data = write_csv(SPEC, self.ITEMS)
        assert data.startswith(codecs.BOM_UTF8)
        assert data.decode("utf-8-sig").splitlines()[0] == ",".join(c.label for c in SPEC.columns)
        sheet = read_sheet(data, SPEC)
        assert sheet.rows[1].values["name"] == "书院街街道"
        assert sheet.rows[0].values["model"] == ServiceModel.EMPLOYER_SPONSORED


class TestResult:
    def test_a_row_error_reads_like_the_issue_says(self):
        err = RowError("", 12, "统一社会信用代码", "统一社会信用代码校验位错误：按前17位计算，第18位应为“X”。")
        assert str(err) == "第12行 统一社会信用代码：校验位错误：按前17位计算，第18位应为“X”。"
        assert str(RowError(message="文件中没有数据行。")) == "文件中没有数据行。"

    def test_a_result_survives_json_and_counts_rejected_rows(self, settings):
        settings.TUOYU_IMPORT_MAX_LISTED = 2
        result = LoadResult(rows=5)
        for row in (2, 2, 3, 4):
            result.error("机构", row, "名称", "不能为空")
        result.warning("", 5, "", "合计行，已忽略。")
        exc = result.reject()
        assert exc.result is result and "4处错误" in exc.message
        assert (result.rejected, result.error_count, len(result.errors)) == (3, 4, 2)
        again = LoadResult.from_dict(result.as_dict())
        assert again.as_dict() == result.as_dict()
        assert again.errors_truncated and again.sheets == ["机构"]


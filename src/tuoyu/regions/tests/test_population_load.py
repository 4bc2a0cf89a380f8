"""Loading population figures by region and year (regions.services.populations_load, issue #9)."""

from pathlib import Path

import pytest

from tuoyu.core.models import AuditEntry
from tuoyu.core.scoping import SYSTEM
from tuoyu.core.sheets import LoadRejected
from tuoyu.regions.models import RegionPopulation
from tuoyu.regions.services import (
    PopulationRow,
    populations_load,
    populations_load_file,
    regions_load_file,
)

DATA = Path(__file__).resolve().parents[4] / "tests" / "data"


def load(name):
    return (DATA / name).read_bytes()


@pytest.fixture
def chengdu(db):
    regions_load_file(actor=SYSTEM, data=load("chengdu_divisions.csv"), file_name="chengdu_divisions.csv")


def figures(code, year=2023):
    return RegionPopulation.objects.filter(region__code=code.ljust(12, "0"), year=year).values_list(
        "resident_population", "births", "children_under_3").get()


def test_a_gbk_sheet_with_a_title_row_thousands_separators_wan_and_a_totals_row(chengdu):
    result = populations_load_file(actor=SYSTEM, data=load("chengdu_population_gbk.csv"), file_name="人口.csv")
    assert (result.created, result.rejected) == (8, 0)
    assert figures("510100") == (21_403_000, 126_000, 452_000)
    assert figures("510104") == (912_000, 5_930, 21_800)
    assert any("合计行" in str(w) for w in result.warnings)
    assert RegionPopulation.objects.get(region__code="510104000000").source == "锦江区统计公报"


def test_loading_again_changes_nothing(chengdu):
    populations_load_file(actor=SYSTEM, data=load("chengdu_population_gbk.csv"), file_name="人口.csv")
    before = AuditEntry.objects.count()
    again = populations_load_file(actor=SYSTEM, data=load("chengdu_population_gbk.csv"), file_name="人口.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    assert list(AuditEntry.objects.filter(id__gt=0).order_by("-id").values_list("action", flat=True)[:1]) == ["population_load"]
    assert AuditEntry.objects.count() == before + 1


def test_an_existing_region_and_year_is_updated_and_blank_figures_keep_theirs(chengdu):
    populations_load(actor=SYSTEM, rows=[PopulationRow("510104", 2023, 912_000, 5_930, 21_800)])
    result = populations_load(actor=SYSTEM, rows=[PopulationRow("510104", 2023, 915_000)])
    assert result.updated == 1
    assert figures("510104") == (915_000, 5_930, 21_800)
    change = AuditEntry.objects.filter(action="population_update").get()
    assert change.changes == {"resident_population": [912_000, 915_000]}


def test_bad_figures_are_refused_row_by_row_and_nothing_is_written(chengdu):
    bad = [
        PopulationRow("510104", 2023, 912_000, 5_930, 21_800, row=2),
        PopulationRow("510105", 2023, 20_000, 100, 30_000, row=3),          # under-3s above population
        PopulationRow("510106", 2023, 1_000, 2_000, None, row=4),           # births above population
        PopulationRow("510199", 2023, 1_000, row=5),                        # not loaded
        PopulationRow("510107", 1890, 1_000, row=6),                        # year
        PopulationRow("510104", 2023, 912_000, row=7),                      # duplicate region and year
        PopulationRow("510108", 2023, -5, row=8),                           # negative
    ]
    with pytest.raises(LoadRejected) as caught:
        populations_load(actor=SYSTEM, rows=bad)
    assert not RegionPopulation.objects.exists()
    messages = [str(e) for e in caught.value.result.errors]
    assert messages[:2] == ["第3行 3岁以下婴幼儿数：30,000超过了常住人口20,000",
                            "第4行 出生人口：2,000超过了常住人口1,000"]
    assert "第5行 区划代码：510199000000还没有导入：请先导入行政区划" in messages
    assert any(m.startswith("第6行 年份：应在1949年到") for m in messages)
    assert "第7行 区划代码：与第2行重复" in messages
    assert "第8行 常住人口：应为不小于0的整数" in messages


def test_a_district_below_the_sum_of_its_streets_is_a_warning_not_an_error(chengdu):
    result = populations_load(actor=SYSTEM, rows=[
        PopulationRow("510104", 2023, 90_000, row=2),
        PopulationRow("510104023", 2023, 48_600, row=3),
        PopulationRow("510104024", 2023, 52_300, row=4),
    ])
    assert result.created == 3 and result.ok
    assert [str(w) for w in result.warnings] == [
        "第2行 常住人口：锦江区2023年常住人口为90,000，低于其下2个下级区划之和100,900；统计口径可能不同，请核实"]


def test_the_warning_also_compares_with_figures_already_loaded(chengdu):
    populations_load(actor=SYSTEM, rows=[PopulationRow("510104023", 2023, 48_600, children_under_3=1_200)])
    result = populations_load(actor=SYSTEM, rows=[PopulationRow("510104", 2023, 900_000, children_under_3=1_000)])
    assert len(result.warnings) == 1 and "3岁以下婴幼儿数为1,000" in result.warnings[0].message


def test_a_name_that_differs_from_the_loaded_one_is_a_warning(chengdu):
    result = populations_load(actor=SYSTEM, rows=[PopulationRow("510104", 2023, 900_000, name="锦江", row=2)])
    assert result.created == 1
    assert "与系统中的“锦江区”不一致" in result.warnings[0].message

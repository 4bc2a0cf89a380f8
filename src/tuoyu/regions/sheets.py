"""The division and population sheets: their columns as officers see them (issue #9).

The same specs read uploaded files, write the downloadable templates and write the exports, so
an exported sheet loads back unchanged.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tuoyu.core.divisions import Level
from tuoyu.core.sheets import Column, DivisionCode, Integer, Number, SheetSpec, Text
from tuoyu.core.text import compact

# What offices write in a level column, for each level of the code structure. "市" is both a
# prefecture city and a county-level city (县级市), so it fits either level.
LEVEL_WORDS: dict[str, set[str]] = {
    "省": {Level.PROVINCE}, "省级": {Level.PROVINCE}, "自治区": {Level.PROVINCE}, "直辖市": {Level.PROVINCE, Level.CITY},
    "市": {Level.CITY, Level.DISTRICT}, "地级市": {Level.CITY}, "市级": {Level.CITY}, "州": {Level.CITY},
    "自治州": {Level.CITY}, "盟": {Level.CITY}, "地区": {Level.CITY},
    "区": {Level.DISTRICT}, "县": {Level.DISTRICT}, "区县": {Level.DISTRICT}, "县区": {Level.DISTRICT},
    "县级": {Level.DISTRICT}, "县级市": {Level.DISTRICT}, "市辖区": {Level.DISTRICT}, "旗": {Level.DISTRICT},
    "自治县": {Level.DISTRICT}, "自治旗": {Level.DISTRICT}, "特区": {Level.DISTRICT}, "林区": {Level.DISTRICT},
    "街道": {Level.STREET}, "镇": {Level.STREET}, "乡": {Level.STREET}, "民族乡": {Level.STREET},
    "乡镇": {Level.STREET}, "街镇": {Level.STREET}, "乡镇街道": {Level.STREET}, "苏木": {Level.STREET},
    "社区": {Level.COMMUNITY}, "村": {Level.COMMUNITY}, "居委会": {Level.COMMUNITY}, "村委会": {Level.COMMUNITY},
    "居民委员会": {Level.COMMUNITY}, "村民委员会": {Level.COMMUNITY}, "社区居委会": {Level.COMMUNITY},
    "嘎查": {Level.COMMUNITY}, "村居": {Level.COMMUNITY}, "村社区": {Level.COMMUNITY},
}


def levels_for(word: str) -> set[str] | None:
    """The levels a typed level word allows: an English code, a label ("街道/镇") or a word."""
    text = compact(word).lower()
    if text in Level.values:
        return {text}
    if text in LEVEL_WORDS:
        return set(LEVEL_WORDS[text])
    for value in Level.values:
        label = compact(str(Level(value).label)).lower()
        if text == label or text in label.split("/"):
            return {value}
    return None


class LevelText(Text):
    """Reads the level as typed (the service matches it to the code); writes its Chinese label."""

    def __init__(self) -> None:
        super().__init__(20)

    def render(self, value: Any) -> Any:
        return str(Level(value).label) if value in Level.values else (value or "")

    def describe(self) -> str:
        return str(_("可不填（按代码判断）。可填：省、市、区/县、街道/镇、社区/村，或区、县、县级市、街道、镇、乡、社区、村等"))


DIVISIONS = SheetSpec(
    name=_("行政区划"),
    columns=(
        Column("code", _("区划代码"), DivisionCode(), required=True,
               help=_("统计用区划代码。上级由代码推出：510104020 的上级是 510104（区县），510104 的上级是 5101（市）。"),
               example="510104020", aliases=("统计用区划代码", "行政区划代码", "区划编码", "代码", "编码"), width=16),
        Column("name", _("名称"), Text(100), required=True, help=_("区划的正式名称。代码已存在的，以文件中的名称为准（改名）。"),
               example="书院街街道", aliases=("区划名称", "行政区划名称", "单位名称"), width=20),
        Column("level", _("级别"), LevelText(), help=_("须与代码的结构一致：6位为区/县，9位为街道/镇，12位为社区/村。"),
               example="街道/镇", aliases=("层级", "类别", "级次")),
        Column("latitude", _("纬度"), Number(6, min_value=None), help=_("区划中心点，供“离我最近”使用；可不填。"),
               example="30.657321"),
        Column("longitude", _("经度"), Number(6, min_value=None), help=_("区划中心点；可不填。"), example="104.081245"),
    ),
    notes=(
        _("每行一个区划：区/县、街道/镇、社区/村都可以放在同一张表里，顺序不限；市本身可以在表中，也可以已经导入。"),
        _("已导入的区划代码再次出现时更新名称，不会重复。勾选“停用文件中没有的区划”时，在文件中各区划的最小共同上级之下，与文件中区划同级而文件中没有的区划标记为停用，从不删除，再次导入即恢复。"),
    ),
)

POPULATION = SheetSpec(
    name=_("人口数据"),
    columns=(
        Column("code", _("区划代码"), DivisionCode(), required=True, help=_("须是已经导入的区划。"),
               example="510104", aliases=("统计用区划代码", "行政区划代码", "代码"), width=16),
        Column("name", _("名称"), Text(100), help=_("仅供核对：与系统中的名称不同时给出提示。"), example="锦江区",
               aliases=("区划名称", "地区")),
        Column("year", _("年份"), Integer(min_value=None, units=("年度", "年")), required=True, help=_("统计年度。"),
               example="2023", aliases=("年度", "统计年度")),
        Column("resident_population", _("常住人口"), Integer(wan=True, units=("人",)), required=True,
               help=_("年末常住人口，单位：人（也可写“95.3万”）。"), example="903000",
               aliases=("常住人口数", "年末常住人口", "常住人口(人)", "人口", "总人口")),
        Column("births", _("出生人口"), Integer(wan=True, units=("人",)), help=_("当年出生人数；留空表示不修改已有数字。"),
               example="6100", aliases=("出生人数", "出生数", "年出生人口")),
        Column("children_under_3", _("3岁以下婴幼儿数"), Integer(wan=True, units=("人",)),
               help=_("0～3岁（不满3周岁）婴幼儿数；不能超过常住人口；留空表示不修改已有数字。"), example="21500",
               aliases=("0-3岁婴幼儿数", "0～3岁婴幼儿数", "三岁以下婴幼儿数", "3岁以下婴幼儿", "婴幼儿数", "3岁以下儿童数")),
        Column("source", _("数据来源"), Text(200), help=_("如：成都市统计年鉴2024。"), example="统计年鉴", aliases=("来源",)),
    ),
    notes=(
        _("每行一个区划一个年份；同一区划同一年份已有数字的，以文件为准更新。"),
        _("区县的数字低于其下各街道之和时给出提示（统计口径可能不同），不会拒收。"),
    ),
)


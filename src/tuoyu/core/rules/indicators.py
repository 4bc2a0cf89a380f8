"""Targets and publication limits of the city indicators (shared/domain/rules.md §6).

The formulas themselves live once in `tuoyu.stats.indicators`; this module holds only the numbers
they are compared with, each naming its source.
"""

from __future__ import annotations

from decimal import Decimal

from .base import Rule

FIVE_YEAR_PLAN = "中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要"
RULES_MD = "shared/domain/rules.md §6"

# 每千人口拥有3岁以下婴幼儿托位数: the national target for 2025 is 4.5. A city may set its own
# (Chengdu: 4.74) under the key below in settings.TUOYU_CITY.
PLACES_PER_1000_TARGET = Rule(
    "indicators.places_per_1000_target", Decimal("4.5"), FIVE_YEAR_PLAN, "主要指标（2025年）", configurable=True,
)

# Small cells: any published figure about fewer than this many children is suppressed. Applies to
# counts of children (enrolment, attendance, health), not to places or population.
SMALL_CELL_MIN_CHILDREN = Rule("indicators.small_cell_min_children", 5, RULES_MD, configurable=True)

ALL_RULES: list[Rule] = [PLACES_PER_1000_TARGET, SMALL_CELL_MIN_CHILDREN]


def places_per_1000_target() -> Decimal:
    return Decimal(str(PLACES_PER_1000_TARGET.current()))

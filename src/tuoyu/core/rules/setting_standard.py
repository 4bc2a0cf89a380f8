"""托育机构设置标准（试行）and 托育机构管理规范（试行）(National Health Commission, 国卫人口发〔2019〕58号),
and the national filing rules for home-based points, as the registry checks them.

Numbers from shared/domain/rules.md §1 and shared/domain/users.md. Area per child has no national
figure confirmed: it is the city's setting and is shown as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import Rule

SETTING_STANDARD = "托育机构设置标准（试行）"
MANAGEMENT_NORMS = "托育机构管理规范（试行）"
HOME_BASED_RULES = "托育机构（家庭托育点）备案管理规定"
CITY = "本市设置"


class ClassType(models.TextChoices):
    INFANT = "infant", _("乳儿班")
    TODDLER = "toddler", _("托小班")
    OLDER_TODDLER = "older_toddler", _("托大班")
    MIXED = "mixed", _("混合班")


@dataclass(frozen=True)
class ClassTypeRules:
    """Age range (months, from inclusive, to exclusive), maximum size and caregiver ratio."""

    min_age_months: Rule
    max_age_months: Rule
    max_children: Rule
    children_per_caregiver: Rule


CLASS_RULES: dict[str, ClassTypeRules] = {
    ClassType.INFANT: ClassTypeRules(
        Rule("infant.min_age_months", 6, SETTING_STANDARD, "第三章"),
        Rule("infant.max_age_months", 12, SETTING_STANDARD, "第三章"),
        Rule("infant.max_children", 10, SETTING_STANDARD, "第三章"),
        Rule("infant.children_per_caregiver", 3, SETTING_STANDARD, "第四章"),
    ),
    ClassType.TODDLER: ClassTypeRules(
        Rule("toddler.min_age_months", 12, SETTING_STANDARD, "第三章"),
        Rule("toddler.max_age_months", 24, SETTING_STANDARD, "第三章"),
        Rule("toddler.max_children", 15, SETTING_STANDARD, "第三章"),
        Rule("toddler.children_per_caregiver", 5, SETTING_STANDARD, "第四章"),
    ),
    ClassType.OLDER_TODDLER: ClassTypeRules(
        Rule("older_toddler.min_age_months", 24, SETTING_STANDARD, "第三章"),
        Rule("older_toddler.max_age_months", 36, SETTING_STANDARD, "第三章"),
        Rule("older_toddler.max_children", 20, SETTING_STANDARD, "第三章"),
        Rule("older_toddler.children_per_caregiver", 7, SETTING_STANDARD, "第四章"),
    ),
    # Mixed classes: 18 months and older, at most 18. No national ratio: the strictest ratio among
    # the ages present applies (18–36 months spans toddler 1:5 and older toddler 1:7 → 1:5).
    ClassType.MIXED: ClassTypeRules(
        Rule("mixed.min_age_months", 18, SETTING_STANDARD, "第三章"),
        Rule("mixed.max_age_months", 36, SETTING_STANDARD, "第三章"),
        Rule("mixed.max_children", 18, SETTING_STANDARD, "第三章"),
        Rule("mixed.children_per_caregiver", 5, SETTING_STANDARD, "第四章（最严比例）", configurable=True),
    ),
}

# Home-based points (家庭托育点): at most 5 children, at least one carer per 3 children.
HOME_BASED_MAX_CHILDREN = Rule("home_based.max_children", 5, HOME_BASED_RULES)
HOME_BASED_CHILDREN_PER_CARER = Rule("home_based.children_per_carer", 3, HOME_BASED_RULES)

# Area per child: a city setting (no national figure confirmed in shared/domain/rules.md §1).
BUILDING_AREA_PER_CHILD_M2 = Rule("area.building_per_child_m2", 9, CITY, city_setting=True)
OUTDOOR_AREA_PER_CHILD_M2 = Rule("area.outdoor_per_child_m2", 2, CITY, city_setting=True)


def max_children(class_type: str) -> int:
    return int(CLASS_RULES[class_type].max_children.current())


def children_per_caregiver(class_type: str) -> int:
    return int(CLASS_RULES[class_type].children_per_caregiver.current())


def caregivers_needed(class_type: str, children: int) -> int:
    """The fewest caregivers that keep `children` within the ratio (ceil)."""
    per = children_per_caregiver(class_type)
    return int(-(-Fraction(children) // per)) if children > 0 else 0


ALL_RULES: list[Rule] = [
    r for cr in CLASS_RULES.values() for r in (cr.min_age_months, cr.max_age_months, cr.max_children, cr.children_per_caregiver)
] + [HOME_BASED_MAX_CHILDREN, HOME_BASED_CHILDREN_PER_CARER, BUILDING_AREA_PER_CHILD_M2, OUTDOOR_AREA_PER_CHILD_M2]

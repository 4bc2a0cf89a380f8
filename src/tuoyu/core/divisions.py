"""National statistical division codes (统计用区划代码): 12 digits, 省2 市2 县2 乡镇3 村3.

A region's subtree is a prefix match on its meaningful digits, so scoping needs no tree walk.
Codes arrive as 6 (county), 9 (street/town) or 12 digits and are padded with zeros.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .text import compact


class Level(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    DISTRICT = "district", _("区/县")
    STREET = "street", _("街道/镇")
    COMMUNITY = "community", _("社区/村")


# Meaningful digits of each level's code.
PREFIX_LENGTH = {Level.PROVINCE: 2, Level.CITY: 4, Level.DISTRICT: 6, Level.STREET: 9, Level.COMMUNITY: 12}
LEVEL_DEPTH = {Level.PROVINCE: 0, Level.CITY: 1, Level.DISTRICT: 2, Level.STREET: 3, Level.COMMUNITY: 4}

MSG_CODE_FORMAT = _("区划代码应为6、9或12位数字（如510104、510104020或510104020001）。")


class DivisionCodeError(ValueError):
    pass


def normalize_code(value: object) -> str:
    """'510104' → '510104000000'; raises DivisionCodeError when not 6, 9 or 12 digits.

    Excel often turns codes into numbers ('510104020001.0') or scientific notation; the '.0' is
    dropped here, anything else non-numeric is refused.
    """
    raw = compact(value)
    if raw.endswith(".0"):
        raw = raw[:-2]
    if not raw.isdigit() or len(raw) not in (6, 9, 12) or raw.startswith("0"):
        raise DivisionCodeError(str(MSG_CODE_FORMAT))
    return raw.ljust(12, "0")


def level_of(code: str) -> str:
    """The level the code's structure says: the last non-zero segment decides."""
    if code[9:] != "000":
        return Level.COMMUNITY
    if code[6:9] != "000":
        return Level.STREET
    if code[4:6] != "00":
        return Level.DISTRICT
    if code[2:4] != "00":
        return Level.CITY
    return Level.PROVINCE


def prefix_of(code: str, level: str | None = None) -> str:
    return code[: PREFIX_LENGTH[level or level_of(code)]]


def parent_code(code: str) -> str | None:
    level = level_of(code)
    if level == Level.PROVINCE:
        return None
    parent_level = {Level.CITY: Level.PROVINCE, Level.DISTRICT: Level.CITY,
                    Level.STREET: Level.DISTRICT, Level.COMMUNITY: Level.STREET}[level]
    return code[: PREFIX_LENGTH[parent_level]].ljust(12, "0")

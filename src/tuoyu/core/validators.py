"""Validators for identifiers and values the registry stores, each with its standard named."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .text import compact

# GB 32100-2015 统一社会信用代码: 18 characters from this alphabet (no I, O, S, V, Z); the 18th is a
# check character: weights 3^(i) mod 31, check = 31 - (sum mod 31), 31 → "0".
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

MSG_USCC_LENGTH = _("统一社会信用代码应为18位，现在是%(n)s位。")
MSG_USCC_CHAR = _("统一社会信用代码含有不允许的字符“%(c)s”（不使用I、O、S、V、Z）。")
MSG_USCC_CHECK = _("统一社会信用代码校验位错误：按前17位计算，第18位应为“%(expected)s”。")
MSG_LAT = _("纬度应在中国境内（3.8～53.6度之间）。")
MSG_LNG = _("经度应在中国境内（73.5～135.1度之间）。")
MSG_PHONE = _("请输入11位手机号码，或带区号的固定电话（如028-12345678）。")

# National bounding box used by the platform for "a point in China" (shared/design.md).
CHINA_LAT = (Decimal("3.8"), Decimal("53.6"))
CHINA_LNG = (Decimal("73.5"), Decimal("135.1"))


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(value: object) -> str:
    return compact(value).upper()


def validate_uscc(value: str) -> None:
    code = normalize_uscc(value)
    if len(code) != 18:
        raise ValidationError(MSG_USCC_LENGTH, code="uscc_length", params={"n": len(code)})
    for c in code:
        if c not in USCC_ALPHABET:
            raise ValidationError(MSG_USCC_CHAR, code="uscc_char", params={"c": c})
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(MSG_USCC_CHECK, code="uscc_check", params={"expected": expected})


def validate_latitude(value) -> None:
    if value is not None and not (CHINA_LAT[0] <= Decimal(str(value)) <= CHINA_LAT[1]):
        raise ValidationError(MSG_LAT, code="lat_outside_china")


def validate_longitude(value) -> None:
    if value is not None and not (CHINA_LNG[0] <= Decimal(str(value)) <= CHINA_LNG[1]):
        raise ValidationError(MSG_LNG, code="lng_outside_china")


def normalize_phone(value: object) -> str:
    return compact(value).replace("－", "-").replace("—", "-")


def validate_phone(value: str) -> None:
    """A mainland mobile (11 digits from 1[3-9]) or a landline with area code (0 + 2–3 digits)."""
    v = normalize_phone(value)
    digits = v.replace("-", "")
    if not digits.isdigit():
        raise ValidationError(MSG_PHONE, code="phone")
    if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
        return
    if digits.startswith("0") and 10 <= len(digits) <= 12:
        return
    raise ValidationError(MSG_PHONE, code="phone")


def mask_phone(value: str) -> str:
    """138****5678 for lists (security.md rule 12); landlines keep the area code only."""
    digits = (value or "").replace("-", "")
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    return f"{digits[:4]}****" if digits else ""

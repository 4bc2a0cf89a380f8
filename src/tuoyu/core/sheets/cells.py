"""Cell parsers: each turns what Excel or a CSV gives into a Python value or raises CellError,
writes a value back, and explains itself for the 说明 sheet."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..divisions import DivisionCodeError, normalize_code
from ..text import compact, normalize
from .results import CellError

# Excel's 1900 date system: serial 1 is 1900-01-01, counted from 1899-12-30 (Excel's leap-year bug).
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_SERIAL_RANGE = (1, 2958465)  # 1900-01-01 … 9999-12-31
MSG_TOO_LONG = _("最多%(max)s个字，现在是%(n)s个字")
MSG_INTEGER = _("应为整数，现在是“%(value)s”")
MSG_NOT_WHOLE = _("应为整数，不能有小数（现在是“%(value)s”）")
MSG_NUMBER = _("应为数字，现在是“%(value)s”")
MSG_MIN = _("不能小于%(min)s")
MSG_MAX = _("不能大于%(max)s")
MSG_BOOLEAN = _("应填“是”或“否”，现在是“%(value)s”")
MSG_DATE = _("日期应写作2023-05-06（也可写2023/5/6或2023年5月6日），现在是“%(value)s”")
MSG_TIME = _("时间应写作08:30，现在是“%(value)s”")
MSG_CHOICE = _("“%(value)s”不是可选的值，可选：%(allowed)s")
MSG_SCIENTIFIC = _(
    "“%(value)s”被Excel改成了科学计数法，后几位已经丢失：请把该列设为“文本”格式，重新填写完整的代码"
)

_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not compact(value))
_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\ufeff")
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")


def _plain(value: Any) -> str:
    """A cell as text, spaces trimmed and collapsed (full-width ones too) but otherwise as typed:
    names keep their full-width brackets. Integral floats lose their ".0" (Excel stores
    13812345678 as a float)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if value is None:
        return ""
    text = " ".join(str(value).translate(_INVISIBLE).split())
    return _CJK_GAP.sub("", text)  # "锦江区　小橡树" is a typo for "锦江区小橡树"


class Parser:
    """Base parser: `__call__` reads a cell, `render` writes a value, `describe` explains it."""

    text_format = False  # write as Excel text, so codes keep their digits
    do_not_call_in_templates = True  # templates read `describe`, they must not parse

    def __call__(self, value: Any) -> Any:
        return _plain(value)

    def render(self, value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, models.Choices):
            return value.value
        return value

    def describe(self) -> str:
        return ""


class Text(Parser):
    def __init__(self, max_length: int | None = None, *, upper: bool = False, no_spaces: bool = False,
                 text_format: bool = False, hint: str = "") -> None:
        self.max_length, self.upper, self.no_spaces = max_length, upper, no_spaces
        self.text_format = text_format
        self.hint = hint

    def __call__(self, value: Any) -> str:
        text = _plain(value)
        if self.no_spaces:
            text = compact(text)
        if self.upper:
            text = text.upper()
        if self.max_length and len(text) > self.max_length:
            raise CellError(MSG_TOO_LONG % {"max": self.max_length, "n": len(text)})
        return text

    def describe(self) -> str:
        if self.hint:
            return str(self.hint)
        return str(_("文字，最多%(max)s个字") % {"max": self.max_length}) if self.max_length else str(_("文字"))


def _reject_scientific(text: str) -> None:
    if _SCIENTIFIC.match(text):
        raise CellError(MSG_SCIENTIFIC % {"value": text})


class DivisionCode(Parser):
    """A statistical division code: 6, 9 or 12 digits, padded to 12 (core.divisions)."""

    text_format = True

    def __call__(self, value: Any) -> str:
        if isinstance(value, float) and not value.is_integer():
            raise CellError(MSG_SCIENTIFIC % {"value": value})
        text = compact(_plain(value))
        _reject_scientific(text)
        try:
            return normalize_code(text)
        except DivisionCodeError as exc:
            raise CellError(str(exc).rstrip("。")) from exc

    def describe(self) -> str:
        return str(_("6、9或12位数字，如510104（区县）、510104020（街道）；不足12位的自动补0；请设为文本格式"))


class CreditCode(Text):
    """A unified social credit code as typed: spaces and full-width letters removed, upper case.
    The check character is verified by the registry's own validation, not here."""

    def __init__(self) -> None:
        super().__init__(None, upper=True, no_spaces=True, text_format=True)

    def __call__(self, value: Any) -> str:
        text = super().__call__(value)
        _reject_scientific(text)
        return text

    def describe(self) -> str:
        return str(_("18位，由数字和大写字母组成（不含I、O、S、V、Z），第18位为校验位；请设为文本格式"))


def _number_text(value: Any, units: Sequence[str]) -> str:
    text = compact(_plain(value)).replace(",", "").replace("，", "")
    for unit in sorted(units, key=len, reverse=True):
        if text.endswith(unit) and len(text) > len(unit):
            text = text[: -len(unit)]
            break
    return text


class Integer(Parser):
    """A whole number: 1,234 · １２３４ · 12.0 · “95.3万” (when `wan` allows it)."""

    def __init__(self, *, min_value: int | None = 0, max_value: int | None = None, wan: bool = False,
                 units: Sequence[str] = ()) -> None:
        self.min_value, self.max_value, self.wan, self.units = min_value, max_value, wan, tuple(units)

    def __call__(self, value: Any) -> int:
        if isinstance(value, bool):
            raise CellError(MSG_INTEGER % {"value": value})
        if isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(repr(value))
        else:
            text = _number_text(value, self.units)
            scale = Decimal(1)
            if self.wan and text.endswith("万"):
                text, scale = text[:-1], Decimal(10000)
            try:
                number = Decimal(text) * scale
            except InvalidOperation as exc:
                raise CellError(MSG_INTEGER % {"value": _plain(value)}) from exc
            if not number.is_finite():
                raise CellError(MSG_INTEGER % {"value": _plain(value)})
        if number != number.to_integral_value():
            raise CellError(MSG_NOT_WHOLE % {"value": _plain(value)})
        result = int(number)
        if self.min_value is not None and result < self.min_value:
            raise CellError(MSG_MIN % {"min": self.min_value})
        if self.max_value is not None and result > self.max_value:
            raise CellError(MSG_MAX % {"max": self.max_value})
        return result

    def describe(self) -> str:
        parts = [str(_("整数"))]
        if self.min_value == 0:
            parts.append(str(_("不能为负")))
        if self.wan:
            parts.append(str(_("可写“95.3万”")))
        return "，".join(parts)


class Number(Parser):
    """A decimal number, rounded to `places`; units such as 元 or ㎡ after it are ignored."""

    def __init__(self, places: int = 2, *, min_value: Decimal | int | None = 0,
                 max_value: Decimal | int | None = None, units: Sequence[str] = ()) -> None:
        self.places, self.units = places, tuple(units)
        self.min_value = None if min_value is None else Decimal(min_value)
        self.max_value = None if max_value is None else Decimal(max_value)

    def __call__(self, value: Any) -> Decimal:
        if isinstance(value, bool):
            raise CellError(MSG_NUMBER % {"value": value})
        if isinstance(value, int | float):
            text = repr(value)
        else:
            text = _number_text(value, self.units)
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise CellError(MSG_NUMBER % {"value": _plain(value)}) from exc
        if not number.is_finite():
            raise CellError(MSG_NUMBER % {"value": _plain(value)})
        try:
            number = number.quantize(Decimal(1).scaleb(-self.places))
        except InvalidOperation as exc:  # more digits than any field holds
            raise CellError(MSG_MAX % {"max": self.max_value or "999999999"}) from exc
        if self.min_value is not None and number < self.min_value:
            raise CellError(MSG_MIN % {"min": self.min_value})
        if self.max_value is not None and number > self.max_value:
            raise CellError(MSG_MAX % {"max": self.max_value})
        return number

    def render(self, value: Any) -> Any:
        if value is None:
            return ""
        number = Decimal(value).normalize()
        return int(number) if number == number.to_integral_value() else float(number)

    def describe(self) -> str:
        return str(_("数字，最多%(places)s位小数") % {"places": self.places}) if self.places else str(_("整数"))
TRUE_WORDS = frozenset({"是", "√", "✓", "✔", "☑", "y", "yes", "true", "t", "1", "有", "对", "普惠", "已"})
FALSE_WORDS = frozenset({"否", "×", "✗", "✘", "x", "n", "no", "false", "f", "0", "无", "不是", "非普惠", "未", "-", "/"})


class Boolean(Parser):
    """是/否 as offices write it: 是 · √ · Y · 1 · TRUE, and 否 · × · N · 0 · FALSE."""

    def __call__(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = compact(_plain(value)).lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise CellError(MSG_BOOLEAN % {"value": _plain(value)})

    def render(self, value: Any) -> Any:
        if value is None:
            return ""
        return str(_("是")) if value else str(_("否"))

    def describe(self) -> str:
        return str(_("是 或 否（也接受 √/×、Y/N、1/0）"))
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


class Date(Parser):
    """A date: a real Excel date, an Excel serial number, 2023-05-06, 2023/5/6, 2023.5.6,
    2023年5月6日 or 20230506."""

    def __call__(self, value: Any) -> date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self._serial(value, value)
        text = normalize(_plain(value))
        if not _DATE_PATTERNS[0].match(text):
            text = compact(text)  # "2023 年 5 月 6 日"
        for pattern in _DATE_PATTERNS:
            m = pattern.match(text)
            if m:
                try:
                    return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError as exc:
                    raise CellError(MSG_DATE % {"value": text}) from exc
        # A date column Excel saved to CSV as its serial number ("45052").
        if re.fullmatch(r"\d{5}(\.0+)?", text):
            return self._serial(float(text), text)
        raise CellError(MSG_DATE % {"value": text})

    @staticmethod
    def _serial(number: float, shown: Any) -> date:
        if not (EXCEL_SERIAL_RANGE[0] <= number <= EXCEL_SERIAL_RANGE[1]):
            raise CellError(MSG_DATE % {"value": shown})
        return EXCEL_EPOCH + timedelta(days=int(number))

    def render(self, value: Any) -> Any:
        return value if value else ""

    def describe(self) -> str:
        return str(_("日期，如2023-05-06（也接受2023/5/6、2023年5月6日）"))
_TIME_PATTERNS = (
    re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$"),
    re.compile(r"^(\d{1,2})[点时](?:(\d{1,2})分?|半)?$"),
)


class Time(Parser):
    """A time of day: a real Excel time, a fraction of a day, 08:30, 8:30, 8点30分, 8点半."""

    def __call__(self, value: Any) -> time:
        if isinstance(value, datetime):
            return value.time().replace(microsecond=0)
        if isinstance(value, time):
            return value.replace(microsecond=0)
        if isinstance(value, float) and 0 <= value < 1:
            minutes = round(value * 24 * 60)
            return time(minutes // 60, minutes % 60)
        text = compact(_plain(value))
        for pattern in _TIME_PATTERNS:
            m = pattern.match(text)
            if m:
                hour = int(m.group(1))
                minute = 30 if text.endswith("半") else int(m.group(2) or 0)
                try:
                    return time(hour, minute)
                except ValueError as exc:
                    raise CellError(MSG_TIME % {"value": text}) from exc
        raise CellError(MSG_TIME % {"value": text})

    def render(self, value: Any) -> Any:
        return value.strftime("%H:%M") if value else ""

    def describe(self) -> str:
        return str(_("时间，如08:30"))


class Choice(Parser):
    """One of a TextChoices: its Chinese label (each part of "单位福利/职工福利" counts), its English
    code, or an extra alias."""

    def __init__(self, choices: type[models.TextChoices], *, aliases: dict[str, str] | None = None,
                 exclude: Iterable[str] = ()) -> None:
        self.choices = choices
        excluded = set(exclude)
        self.values = [v for v in choices.values if v not in excluded]
        self._aliases = aliases or {}
        self._lookup: dict[str, dict[str, str]] = {}

    @property
    def labels(self) -> dict[str, str]:
        return {v: str(self.choices(v).label) for v in self.values}

    def _table(self) -> dict[str, str]:
        """Codes, aliases, and the labels in Chinese and in the active language."""
        language = translation.get_language() or ""
        if language not in self._lookup:
            table: dict[str, str] = {}
            for v in self.values:
                table[compact(v).lower()] = v
            for lang in ("zh-hans", language):
                with translation.override(lang):
                    for v in self.values:
                        label = compact(str(self.choices(v).label)).lower()
                        table.setdefault(label, v)
                        for part in re.split(r"[/、]", label):
                            table.setdefault(part, v)
            for alias, v in self._aliases.items():
                table[compact(alias).lower()] = v
            self._lookup[language] = table
        return self._lookup[language]

    def __call__(self, value: Any) -> str:
        text = compact(_plain(value)).lower()
        found = self._table().get(text)
        if found is None:
            raise CellError(MSG_CHOICE % {"value": _plain(value), "allowed": self.describe()})
        return found

    def render(self, value: Any) -> Any:
        return self.labels.get(value, value or "") if value else ""

    def describe(self) -> str:
        return "、".join(self.labels.values())

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Rule:
    """A legal (or city) number with its source. `key` is how a city overrides it."""

    key: str
    value: Any
    source: str
    article: str = ""
    configurable: bool = False
    city_setting: bool = False  # no national figure: this is the city's own setting

    def current(self) -> Any:
        if self.configurable or self.city_setting:
            return settings.TUOYU_CITY.get(self.key, self.value)
        return self.value


@dataclass(frozen=True)
class RuleViolation:
    """One rule an object breaks, in plain words, with the rule it breaks."""

    rule: Rule
    message: str
    subject: str = ""  # e.g. the class name

    @property
    def source(self) -> str:
        return f"{self.rule.source} {self.rule.article}".strip()

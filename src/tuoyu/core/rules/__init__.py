"""Every legal number the platform applies, one module per source document (shared/design.md).

A rule is a named, typed value with its source and whether a city may change it. Services and
views ask these modules; they never hold a number themselves. City overrides come from
`settings.TUOYU_CITY` through `city.py`.
"""

from .base import Rule, RuleViolation

__all__ = ["Rule", "RuleViolation"]

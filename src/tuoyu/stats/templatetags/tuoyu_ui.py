"""Template helpers every page uses (base.html loads them): what the user may do, role names,
status labels and figures. Registered here because template libraries are global; nothing here
decides permissions — `may` asks the user object, which asks the one permission table."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import pgettext

from tuoyu.core.roles import Role

register = template.Library()

# Status colours (always shown with the status word: colour is never the only signal).
STATUS_CLASS = {
    "preparing": "status-preparing",
    "registered": "status-registered",
    "filed": "status-filed",
    "suspended": "status-suspended",
    "deregistered": "status-deregistered",
}


@register.filter
def may(user: Any, action: str) -> bool:
    """{% if user|may:"view_audit" %}: whether any of the user's roles allows the action."""
    return bool(getattr(user, "is_authenticated", False) and user.may(action))


@register.filter
def role_labels(user: Any) -> str:
    codes = user.role_codes() if getattr(user, "is_authenticated", False) and hasattr(user, "role_codes") else set()
    return pgettext("list separator", "、").join(str(Role(c).label) for c in Role.values if c in codes)


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASS.get(status, "status-preparing")


@register.filter
def figure(value: Any, digits: int | None = None) -> str:
    """A number for a table: comma thousands separators as statistical bulletins print them,
    "—" when unknown (never a misleading 0)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal | float):
        return f"{value:,.{int(digits)}f}" if digits is not None else f"{value:,}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters replaced (pagination links keep filters)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


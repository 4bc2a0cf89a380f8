"""Limit/offset pagination for every API list (shared/design.md "API"): the same two query
parameters everywhere, a total count, and bounds that keep odd values from reaching the database.

Routers put `PageParams` into their query schema (by inheritance) and return `paginate(qs, params)`
as a `Page[ItemSchema]`.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Field, Schema

# One page of a list. 50 rows fill a screen of a client table; 500 rows are ~300 KB of JSON,
# the most a client should pull in one request — a whole district's data goes through the
# (audited) Excel export instead (security.md rule 17).
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# A signed 32-bit OFFSET is accepted by SQLite and PostgreSQL alike; larger values would make the
# driver fail (a 500) although the answer is simply "no rows".
MAX_OFFSET = 2**31 - 1
# Primary keys are BigAutoField (signed 64-bit): a larger id cannot exist, and sending it to the
# database would be a driver error rather than a clean 404/422.
MAX_ID = 2**63 - 1

T = TypeVar("T")


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="每页条数 (page size)")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数 (rows to skip)")


class Page(Schema, Generic[T]):
    """One page of a list and the total number of rows matching the filters."""

    count: int
    limit: int
    offset: int
    items: list[T]


def paginate(qs: QuerySet, params: PageParams) -> dict[str, Any]:
    """Two queries: the count and the page (none when the offset is past the end)."""
    count = qs.count()
    items = list(qs[params.offset : params.offset + params.limit]) if params.offset < count else []
    return {"count": count, "limit": params.limit, "offset": params.offset, "items": items}

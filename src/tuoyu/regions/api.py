"""Regions in the API: the division tree the caller's scope covers, and one region with its
population by year (issue #2 item 3). Filter values are division codes and level codes."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from ninja import Field, Path, Query, Router, Schema

from tuoyu.core.api import CleanStr, DivisionCodeParam, error_responses, require_scope
from tuoyu.core.apipagination import Page, PageParams, paginate
from tuoyu.core.divisions import DivisionCodeError, Level, normalize_code
from tuoyu.core.errors import NotFound
from tuoyu.core.permissions import Action
from tuoyu.core.scoping import NOT_FOUND_MESSAGE
from tuoyu.core.text import normalize

from .models import Region, RegionPopulation

router = Router(tags=["regions"])

# A division code (12 digits) or a search word; anything longer is not a name of ours.
MAX_Q_LENGTH = 100


class RegionQuery(PageParams):
    level: Level | None = Field(None, description="级别代码")
    parent: DivisionCodeParam = Field(None, description="上级区划代码：只列其直接下级")
    q: CleanStr | None = Field(None, max_length=MAX_Q_LENGTH, description="名称包含，或区划代码开头")
    active: bool | None = Field(None, description="true 只列有效区划，false 只列已撤销的")


class RegionOut(Schema):
    code: str
    name: str
    level: Level
    parent_code: str | None
    is_active: bool
    latitude: float | None
    longitude: float | None

    @staticmethod
    def resolve_parent_code(obj: Region) -> str | None:
        return obj.parent.code if obj.parent_id else None


class PopulationOut(Schema):
    year: int
    resident_population: int
    births: int | None
    children_under_3: int | None
    source: str


class RegionDetailOut(RegionOut):
    populations: list[PopulationOut] = Field(..., description="各年人口，新的在前")


@router.get(
    "",
    response={200: Page[RegionOut], **error_responses(401, 403, 422)},
    openapi_extra={"x-tuoyu-action": Action.VIEW_REGION.value},
    summary="辖区内的区划",
)
def region_list(request, filters: Query[RegionQuery]):
    user = request.auth
    require_scope(user, Action.VIEW_REGION)
    qs = Region.objects.restrict(user, Action.VIEW_REGION).select_related("parent")
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent__code=filters.parent)
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    word = normalize(filters.q)
    if word:
        qs = qs.filter(Q(name__icontains=word) | Q(code__startswith=word))
    return paginate(qs.order_by("code"), filters)


@router.get(
    "/{code}",
    response={200: RegionDetailOut, **error_responses(401, 404, 422)},
    openapi_extra={"x-tuoyu-action": Action.VIEW_REGION.value},
    summary="区划详情与各年人口",
)
def region_detail(request, code: str = Path(..., max_length=20, description="区划代码（6、9或12位）")):
    try:
        code = normalize_code(code)
    except DivisionCodeError as exc:
        raise NotFound(NOT_FOUND_MESSAGE) from exc
    qs = Region.objects.select_related("parent").prefetch_related(
        Prefetch("populations", queryset=RegionPopulation.objects.order_by("-year"))
    )
    return qs.get_for_action(request.auth, Action.VIEW_REGION, view_action=Action.VIEW_REGION, code=code)

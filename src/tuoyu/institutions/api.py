"""The institution registry in the API (issue #2 items 5, 8 and 10), and its alliances
(`alliance_router`, mounted at /api/v1/alliances).

Thin router: lists filter with the page's `InstitutionFilter`, reads go through `selectors`, writes
through `services` — so the API checks exactly what the forms check. Outside the caller's scope an
institution answers 404; in scope but not allowed, 403. Bad input answers 400 (rules the services
check: credit code, class sizes, coordinates, street) or 422 (shape: types, unknown choices,
unexpected fields), each with field errors, and nothing is written.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated

from django.http import QueryDict
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from tuoyu.core.api import CleanStr, DivisionCodeParam, error_responses, require_scope
from tuoyu.core.apipagination import MAX_ID, Page, PageParams, paginate
from tuoyu.core.divisions import DivisionCodeError, normalize_code, prefix_of
from tuoyu.core.errors import DomainError
from tuoyu.core.permissions import Action

from . import selectors, services
from .choices import (
    ClassType,
    DemonstrationLevel,
    Ownership,
    PriceUnit,
    RegistrationType,
    ServiceModel,
    ServiceType,
)
from .choices import (
    Status as InstitutionStatus,
)
from .filters import InstitutionFilter
from .models import Alliance, CareClass, Institution, ServiceOffering

router = Router(tags=["institutions"])


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _digits(model, name: str) -> dict[str, int]:
    f = model._meta.get_field(name)
    return {"max_digits": f.max_digits, "decimal_places": f.decimal_places}


# The largest value a PositiveSmallIntegerField holds on every database we run on.
SMALLINT_MAX = 32767
MAX_Q_LENGTH = 100


# ---- query --------------------------------------------------------------------------------------

class InstitutionQuery(PageParams):
    """The list page's filters (institutions.filters.InstitutionFilter), same names and values."""

    q: CleanStr | None = Field(None, max_length=MAX_Q_LENGTH, description="名称、地址包含，或信用代码")
    district: DivisionCodeParam = Field(None, description="区县代码（6或12位）")
    street: DivisionCodeParam = Field(None, description="街道代码（9或12位）")
    status: list[InstitutionStatus] | None = Field(None, description="状态，可重复")
    service_model: list[ServiceModel] | None = Field(None, description="服务模式，可重复")
    ownership: list[Ownership] | None = Field(None, description="举办性质，可重复")
    puhui: bool | None = Field(None, description="普惠性")
    demonstration_level: list[DemonstrationLevel] | None = Field(None, description="示范等级，可重复")


def _filter_data(filters: InstitutionQuery) -> QueryDict:
    data = QueryDict(mutable=True)
    for name in InstitutionFilter.base_filters:
        value = getattr(filters, name)
        if value is None or value == []:
            continue
        if isinstance(value, list):
            data.setlist(name, [str(getattr(v, "value", v)) for v in value])
        elif isinstance(value, bool):
            data[name] = "true" if value else "false"
        else:
            data[name] = str(value)
    return data


# ---- output -------------------------------------------------------------------------------------

class RegionRefOut(Schema):
    code: str
    name: str


class InstitutionRefOut(Schema):
    id: int
    name: str


class AllianceRefOut(Schema):
    id: int
    name: str


class InstitutionListOut(Schema):
    id: int
    name: str
    credit_code: str | None
    registration_type: RegistrationType
    service_model: ServiceModel
    ownership: Ownership
    status: InstitutionStatus
    puhui: bool
    puhui_price: float | None
    demonstration_level: DemonstrationLevel
    district: RegionRefOut | None
    street: RegionRefOut
    address: str
    latitude: float | None
    longitude: float | None
    places: int = Field(..., description="各班计划托位数之和")
    class_count: int
    version: int = Field(..., description="修改时原样带回（乐观锁）")

    @staticmethod
    def resolve_district(obj: Institution) -> object:
        return obj.street.parent

    @staticmethod
    def resolve_places(obj: Institution) -> int:
        if hasattr(obj, "places"):
            return obj.places or 0
        return sum(c.planned_capacity for c in obj.classes.all())

    @staticmethod
    def resolve_class_count(obj: Institution) -> int:
        if hasattr(obj, "class_count"):
            return obj.class_count or 0
        return len(obj.classes.all())


class ClassOut(Schema):
    id: int
    name: str
    class_type: ClassType
    planned_capacity: int
    planned_caregivers: int | None


class OfferingOut(Schema):
    service_type: ServiceType
    price: float | None
    price_unit: PriceUnit


class RuleViolationOut(Schema):
    rule: str = Field(..., description="规则代码")
    message: str
    source: str = Field(..., description="依据（文件与章节）")
    subject: str = Field(..., description="涉及的班级等，可为空")

    @staticmethod
    def resolve_rule(obj) -> str:
        return obj.rule.key


class RuleCheckOut(Schema):
    violations: list[RuleViolationOut] = Field(..., description="不符合的设置标准，逐条说明")
    checked: list[str] = Field(..., description="已核对的规则")


class InstitutionOut(InstitutionListOut):
    building_area_m2: float | None
    outdoor_area_m2: float | None
    opens_at: time | None
    closes_at: time | None
    open_days: str
    contact_phone: str
    filing_number: str
    filed_on: date | None
    lead_institution: InstitutionRefOut | None = Field(..., description="1+N：牵头的示范机构")
    led_points: list[InstitutionRefOut] = Field(..., description="1+N：本机构牵头的点位")
    alliances: list[AllianceRefOut]
    classes: list[ClassOut]
    offerings: list[OfferingOut]
    rule_check: RuleCheckOut
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_rule_check(obj: Institution) -> object:
        return selectors.institution_rule_check(obj)


# ---- input --------------------------------------------------------------------------------------

_STRICT = ConfigDict(extra="forbid", use_enum_values=True)


class ClassIn(Schema):
    model_config = _STRICT

    name: CleanStr = Field("", max_length=_max_length(CareClass, "name"), description="空则按班型命名")
    class_type: ClassType
    planned_capacity: int = Field(..., description="计划托位数，不得超过国家标准的班额上限")
    planned_caregivers: int | None = Field(None, ge=0, le=SMALLINT_MAX)


class OfferingIn(Schema):
    model_config = _STRICT

    service_type: ServiceType
    price: Decimal | None = Field(None, **_digits(ServiceOffering, "price"))
    price_unit: PriceUnit | None = Field(None, description="空则按服务类型取默认单位")


class InstitutionIn(Schema):
    """An institution's whole record. Unknown fields are refused (security.md rule 3). The
    services check the rest and answer with field errors: credit code check character (GB 32100),
    coordinates inside China, a known street in your scope, class sizes within the standard."""

    model_config = _STRICT

    name: CleanStr
    street_code: CleanStr = Field(..., max_length=20, description="所属街道/镇的区划代码（9或12位）")
    address: CleanStr
    registration_type: RegistrationType
    service_model: ServiceModel
    ownership: Ownership
    credit_code: CleanStr = Field("", max_length=40, description="统一社会信用代码（18位）")
    status: InstitutionStatus = InstitutionStatus.PREPARING
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    building_area_m2: Decimal | None = None
    outdoor_area_m2: Decimal | None = None
    opens_at: time | None = None
    closes_at: time | None = None
    open_days: CleanStr = ""
    contact_phone: CleanStr = ""
    puhui: bool = False
    puhui_price: Decimal | None = None
    demonstration_level: DemonstrationLevel = DemonstrationLevel.NONE
    filing_number: CleanStr = ""
    filed_on: date | None = None
    lead_institution_id: int | None = Field(None, ge=1, le=MAX_ID)
    classes: list[ClassIn] = Field(default_factory=list)
    offerings: list[OfferingIn] = Field(default_factory=list)


class InstitutionUpdateIn(InstitutionIn):
    version: int = Field(..., ge=1, le=MAX_ID, description="读取时的 version；他人已修改则返回409")


def _to_data(payload: InstitutionIn) -> services.InstitutionData:
    raw = payload.model_dump(exclude={"classes", "offerings", "version"})
    try:
        raw["street_code"] = normalize_code(raw["street_code"])
    except DivisionCodeError:
        pass  # the service answers "unknown street" for it, as a field error
    return services.InstitutionData(
        **raw,
        classes=[services.ClassData(**c.model_dump()) for c in payload.classes],
        offerings=[
            services.OfferingData(o.service_type, o.price, o.price_unit or "") for o in payload.offerings
        ],
    )


# ---- operations ---------------------------------------------------------------------------------

InstitutionId = Path(..., ge=1, le=MAX_ID, description="机构编号")


@router.get(
    "",
    response={200: Page[InstitutionListOut], **error_responses(401, 403, 422)},
    openapi_extra={"x-tuoyu-action": Action.VIEW_INSTITUTION.value},
    summary="辖区内的托育机构",
)
def institution_list(request, filters: Query[InstitutionQuery]):
    """Institutions in the caller's scope, with the list page's filters; `count` is the total."""
    user = request.auth
    require_scope(user, Action.VIEW_INSTITUTION)
    filterset = InstitutionFilter(_filter_data(filters), queryset=selectors.institution_list(user))
    if not filterset.is_valid():
        raise DomainError(
            next(iter(filterset.errors.values()))[0],
            field_errors={k: list(v) for k, v in filterset.errors.items()},
        )
    # Meta.ordering is dropped from GROUP BY queries (the list annotates places), so the order a
    # page depends on is spelled out here: without it limit/offset pages could overlap.
    return paginate(filterset.qs.order_by(*Institution._meta.ordering), filters)


@router.post(
    "",
    response={201: InstitutionOut, **error_responses(400, 401, 403, 409, 422)},
    openapi_extra={"x-tuoyu-action": Action.CREATE_INSTITUTION.value},
    summary="登记新机构",
)
def institution_create(request, payload: InstitutionIn):
    user = request.auth
    require_scope(user, Action.CREATE_INSTITUTION)
    inst = services.institution_create(actor=user, data=_to_data(payload))
    return Status(201, selectors.institution_get(user, inst.pk))


@router.get(
    "/{int:institution_id}",
    response={200: InstitutionOut, **error_responses(401, 404, 422)},
    openapi_extra={"x-tuoyu-action": Action.VIEW_INSTITUTION.value},
    summary="机构详情（班级、服务、1+N、联盟与设置标准核对）",
)
def institution_detail(request, institution_id: int = InstitutionId):
    return selectors.institution_get(request.auth, institution_id)


@router.put(
    "/{int:institution_id}",
    response={200: InstitutionOut, **error_responses(400, 401, 403, 404, 409, 422)},
    openapi_extra={"x-tuoyu-action": Action.CHANGE_INSTITUTION.value},
    summary="修改机构信息（整条替换，带 version）",
)
def institution_update(request, payload: InstitutionUpdateIn, institution_id: int = InstitutionId):
    """Replace the record. A director may change its own institution except the officers' fields
    (status, demonstration level, filing, 1+N, street, credit code, 普惠), which keep their values."""
    user = request.auth
    inst = selectors.institution_get(user, institution_id, action=Action.CHANGE_INSTITUTION)
    services.institution_update(actor=user, institution=inst, data=_to_data(payload), version=payload.version)
    return selectors.institution_get(user, institution_id)


@router.delete(
    "/{int:institution_id}",
    response={204: None, **error_responses(400, 401, 403, 404, 422)},
    openapi_extra={"x-tuoyu-action": Action.DELETE_INSTITUTION.value},
    summary="删除误建的机构档案",
)
def institution_delete(request, institution_id: int = InstitutionId):
    user = request.auth
    inst = selectors.institution_get(user, institution_id, action=Action.DELETE_INSTITUTION)
    services.institution_delete(actor=user, institution=inst)
    return Status(204, None)


# ==== alliances (托育联盟) under /api/v1/alliances ================================================
# Mounted by tuoyu/api.py as its own router. Visible to whoever sees the alliance's region or one of
# its members; created, changed and deleted by the officers of its region (Action.MANAGE_ALLIANCES).

alliance_router = Router(tags=["alliances"])

AllianceId = Path(..., ge=1, le=MAX_ID, description="联盟编号")
MemberId = Annotated[int, Field(ge=1, le=MAX_ID)]


class AllianceQuery(PageParams):
    q: CleanStr | None = Field(None, max_length=MAX_Q_LENGTH, description="名称或简介包含")
    region: DivisionCodeParam = Field(None, description="所在区域代码（6、9或12位），含下级")


class AllianceMemberOut(Schema):
    id: int
    name: str
    status: InstitutionStatus
    service_model: ServiceModel
    demonstration_level: DemonstrationLevel
    district: RegionRefOut | None
    street: RegionRefOut

    @staticmethod
    def resolve_district(obj: Institution) -> object:
        return obj.street.parent


class AllianceListOut(Schema):
    id: int
    name: str
    region: RegionRefOut = Field(..., description="所在区域")
    description: str
    member_count: int
    created_at: datetime

    @staticmethod
    def resolve_member_count(obj: Alliance) -> int:
        if hasattr(obj, "member_count"):
            return obj.member_count or 0
        return len(obj.members.all())


class AllianceOut(AllianceListOut):
    members: list[AllianceMemberOut]

    @staticmethod
    def resolve_members(obj: Alliance) -> list:
        return list(obj.members.all())


class AllianceIn(Schema):
    """An alliance's own fields. The service checks the rest and answers with field errors: a
    unique name, a city, district or street in your scope that still holds every member."""

    model_config = _STRICT

    name: CleanStr = Field(..., description="联盟名称（全市唯一）")
    region_code: CleanStr = Field(..., max_length=20, description="所在区域的区划代码（市、区/县或街道，6、9或12位）")
    description: CleanStr = Field("", description=f"简介，最多{services.MAX_DESCRIPTION_LENGTH}字")


class AllianceCreateIn(AllianceIn):
    member_ids: list[MemberId] = Field(
        default_factory=list, max_length=services.MAX_ALLIANCE_MEMBERS,
        description="成员机构编号：须在您的范围内且位于联盟所在区域",
    )


class AllianceMembersIn(Schema):
    """The whole member list (replaces the current one)."""

    model_config = _STRICT

    member_ids: list[MemberId] = Field(..., max_length=services.MAX_ALLIANCE_MEMBERS)


@alliance_router.get(
    "",
    response={200: Page[AllianceListOut], **error_responses(401, 403, 422)},
    openapi_extra={"x-tuoyu-action": Action.VIEW_INSTITUTION.value},
    summary="托育联盟（本人范围内可见的）",
)
def alliance_list(request, filters: Query[AllianceQuery]):
    """Alliances of the caller's regions, and those its institutions belong to, by name."""
    user = request.auth
    require_scope(user, Action.VIEW_INSTITUTION)
    prefix = prefix_of(filters.region) if filters.region else ""
    return paginate(selectors.alliance_list(user, q=filters.q or "", region_prefix=prefix), filters)


@alliance_router.post(
    "",
    response={201: AllianceOut, **error_responses(400, 401, 403, 409, 422)},
    openapi_extra={"x-tuoyu-action": Action.MANAGE_ALLIANCES.value},
    summary="建立托育联盟",
)
def alliance_create(request, payload: AllianceCreateIn):
    user = request.auth
    require_scope(user, Action.MANAGE_ALLIANCES)
    alliance = services.alliance_create(
        actor=user, name=payload.name, region=payload.region_code, description=payload.description,
        member_ids=payload.member_ids,
    )
    return Status(201, selectors.alliance_get(user, alliance.pk))


@alliance_router.get(
    "/{int:alliance_id}",
    response={200: AllianceOut, **error_responses(401, 404, 422)},
    openapi_extra={"x-tuoyu-action": Action.VIEW_INSTITUTION.value},
    summary="联盟详情与成员机构",
)
def alliance_detail(request, alliance_id: int = AllianceId):
    return selectors.alliance_get(request.auth, alliance_id)


@alliance_router.put(
    "/{int:alliance_id}",
    response={200: AllianceOut, **error_responses(400, 401, 403, 404, 409, 422)},
    openapi_extra={"x-tuoyu-action": Action.MANAGE_ALLIANCES.value},
    summary="修改联盟名称、所在区域与简介",
)
def alliance_update(request, payload: AllianceIn, alliance_id: int = AllianceId):
    user = request.auth
    alliance = selectors.alliance_get(user, alliance_id, action=Action.MANAGE_ALLIANCES)
    services.alliance_update(actor=user, alliance=alliance, name=payload.name, region=payload.region_code,
                             description=payload.description)
    return selectors.alliance_get(user, alliance_id)


@alliance_router.put(
    "/{int:alliance_id}/members",
    response={200: AllianceOut, **error_responses(400, 401, 403, 404, 409, 422)},
    openapi_extra={"x-tuoyu-action": Action.MANAGE_ALLIANCES.value},
    summary="设置联盟成员（整体替换）",
)
def alliance_members_set(request, payload: AllianceMembersIn, alliance_id: int = AllianceId):
    user = request.auth
    alliance = selectors.alliance_get(user, alliance_id, action=Action.MANAGE_ALLIANCES)
    services.alliance_members_set(actor=user, alliance=alliance, member_ids=payload.member_ids)
    return selectors.alliance_get(user, alliance_id)


@alliance_router.delete(
    "/{int:alliance_id}",
    response={204: None, **error_responses(401, 403, 404, 422)},
    openapi_extra={"x-tuoyu-action": Action.MANAGE_ALLIANCES.value},
    summary="删除托育联盟（成员机构不受影响）",
)
def alliance_delete(request, alliance_id: int = AllianceId):
    user = request.auth
    alliance = selectors.alliance_get(user, alliance_id, action=Action.MANAGE_ALLIANCES)
    services.alliance_delete(actor=user, alliance=alliance)
    return Status(204, None)

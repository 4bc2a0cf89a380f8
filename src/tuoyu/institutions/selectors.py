"""Registry reads: every query starts from `restrict(user, action)`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from tuoyu.core.divisions import Level
from tuoyu.core.permissions import Action
from tuoyu.core.rules import RuleViolation
from tuoyu.core.rules import setting_standard as std
from tuoyu.regions.models import Region

from .choices import PROVIDING_CARE, ClassType, DemonstrationLevel, ServiceModel
from .models import Alliance, CareClass, Institution


def institution_list(user: Any, *, action: str = Action.VIEW_INSTITUTION) -> QuerySet[Institution]:
    """Institutions the user may see, with what the list page shows (street, district, places)."""
    return (
        Institution.objects.restrict(user, action)
        .select_related("street", "street__parent")
        .annotate(places=Sum("classes__planned_capacity"), class_count=Count("classes"))
        # Django drops Meta.ordering from aggregated queries; pagination needs a stable order.
        .order_by(*Institution._meta.ordering)
    )


def institution_public_list() -> QuerySet[Institution]:
    return Institution.objects.restrict(None, Action.VIEW_PUBLIC).select_related("street", "street__parent")


def institution_get(user: Any, pk: Any, *, action: str = Action.VIEW_INSTITUTION) -> Institution:
    """One institution with its classes, offerings, alliances and 1+N links (404 out of scope,
    403 when the action is not allowed on it)."""
    qs = Institution.objects.select_related("street", "street__parent", "lead_institution").prefetch_related(
        Prefetch("classes", queryset=CareClass.objects.order_by("class_type", "name")),
        "offerings", "alliances", "led_points",
    )
    return qs.get_for_action(user, action, view_action=Action.VIEW_INSTITUTION, pk=pk)


# ---- alliances (托育联盟) -------------------------------------------------------------------------


def alliance_list(user: Any, *, q: str = "", region_prefix: str = "", action: str = Action.VIEW_INSTITUTION) -> QuerySet[Alliance]:
    """Alliances the user may see, with `member_count`, by name. The count is taken over the
    restricted ids (a subquery), so a scope that joins the members cannot skew it."""
    visible = Alliance.objects.restrict(user, action).values("pk")
    qs = Alliance.objects.filter(pk__in=visible)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
    if region_prefix:
        qs = qs.filter(region_code__startswith=region_prefix)
    return (
        qs.select_related("region", "region__parent")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("name", "id")
    )


def alliance_get(user: Any, pk: Any, *, action: str = Action.VIEW_INSTITUTION) -> Alliance:
    """One alliance with its members (404 out of view scope, 403 when the action is not allowed
    on it; both audited)."""
    members = Institution.objects.select_related("street", "street__parent").order_by("region_code", "name", "id")
    qs = Alliance.objects.select_related("region", "region__parent").prefetch_related(Prefetch("members", queryset=members))
    return qs.get_for_action(user, action, view_action=Action.VIEW_INSTITUTION, pk=pk)


def visible_institution_ids(user: Any, ids: Iterable[int]) -> set[int]:
    """Which of these institutions the user may open (member lists link only those)."""
    return set(Institution.objects.restrict(user, Action.VIEW_INSTITUTION).filter(pk__in=list(ids)).values_list("pk", flat=True))


def alliance_member_candidates(user: Any, alliance: Alliance, *, q: str = "", exclude: Iterable[int] = ()) -> QuerySet[Institution]:
    """Institutions that may join the alliance: visible to the user and inside its region."""
    qs = (
        Institution.objects.restrict(user, Action.VIEW_INSTITUTION)
        .filter(region_code__startswith=alliance.region.prefix)
        .exclude(pk__in=list(exclude))
        .select_related("street", "street__parent")
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q) | Q(credit_code__iexact=q))
    return qs.order_by("region_code", "name", "id")


def alliance_regions(user: Any, *, current: Region | None = None) -> list[Region]:
    """The regions an alliance may sit in for this user: city, districts and streets of its
    alliance-managing scope (and the alliance's current one, shown even if it is now out of reach)."""
    qs = (
        Region.objects.restrict(user, Action.MANAGE_ALLIANCES)
        .filter(level__in=[Level.CITY, Level.DISTRICT, Level.STREET], is_active=True)
        .select_related("parent").order_by("code")
    )
    regions = list(qs)
    if current is not None and all(r.pk != current.pk for r in regions):
        regions.insert(0, current)
    return regions


# ---- 1+N networks -------------------------------------------------------------------------------

# The N of 1+N: community and home-based points (shared/domain/rules.md §6), counted while they
# provide care (registered, filed, suspended), as the other indicators count institutions. A point
# that is itself a demonstration institution leads a network (a "1"), so it is not one of the N.
ONE_PLUS_N_POINT_MODELS = (ServiceModel.COMMUNITY_EMBEDDED, ServiceModel.HOME_BASED)


def _points(user: Any, prefix: str) -> QuerySet[Institution]:
    return Institution.objects.restrict(user, Action.VIEW_INSTITUTION).filter(
        region_code__startswith=prefix, service_model__in=ONE_PLUS_N_POINT_MODELS, status__in=PROVIDING_CARE,
        demonstration_level=DemonstrationLevel.NONE,
    )


LINKED_Q = Q(lead_institution__isnull=False) & ~Q(lead_institution__demonstration_level=DemonstrationLevel.NONE)


@dataclass
class NetworkCounts:
    """One region's 1+N figures: points providing care, those linked to a demonstration
    institution, and the demonstration institutions in it."""

    key: str
    points: int = 0
    linked_points: int = 0
    leads: int = 0


def network_counts(user: Any, prefix: str, key_length: int) -> dict[str, NetworkCounts]:
    """1+N figures under `prefix` in the user's scope, grouped by the first `key_length` digits
    of the region code (`key_length=len(prefix)`: one row for the region). Two queries."""
    out: dict[str, NetworkCounts] = {}
    rows = (
        _points(user, prefix).annotate(key=Substr("region_code", 1, key_length)).values("key")
        .annotate(points=Count("id"), linked=Count("id", filter=LINKED_Q)).order_by()
    )
    for row in rows:
        out[row["key"]] = NetworkCounts(row["key"], points=row["points"], linked_points=row["linked"])
    leads = (
        Institution.objects.restrict(user, Action.VIEW_INSTITUTION)
        .filter(region_code__startswith=prefix).exclude(demonstration_level=DemonstrationLevel.NONE)
        .annotate(key=Substr("region_code", 1, key_length)).values("key").annotate(n=Count("id")).order_by()
    )
    for row in leads:
        out.setdefault(row["key"], NetworkCounts(row["key"])).leads = row["n"]
    return out


def network_leads(user: Any, prefix: str) -> QuerySet[Institution]:
    """The demonstration institutions under `prefix` in the user's scope, each with the points it
    leads that the user may see (`points`, prefetched) and their number (`point_count`)."""
    visible_points = (
        Institution.objects.restrict(user, Action.VIEW_INSTITUTION)
        .select_related("street").order_by("region_code", "name", "id")
    )
    visible_ids = Institution.objects.restrict(user, Action.VIEW_INSTITUTION).values("pk")
    return (
        Institution.objects.restrict(user, Action.VIEW_INSTITUTION)
        .filter(region_code__startswith=prefix).exclude(demonstration_level=DemonstrationLevel.NONE)
        .select_related("street", "street__parent")
        .annotate(point_count=Count("led_points", filter=Q(led_points__in=visible_ids), distinct=True))
        .prefetch_related(Prefetch("led_points", queryset=visible_points, to_attr="points"))
        .order_by("-point_count", "region_code", "name", "id")
    )


def network_points(user: Any, lead: Institution) -> QuerySet[Institution]:
    """The points one demonstration institution leads (its N) that the user may see."""
    return (
        Institution.objects.restrict(user, Action.VIEW_INSTITUTION).filter(lead_institution=lead)
        .select_related("street", "street__parent").order_by("region_code", "name", "id")
    )


def network_unlinked_points(user: Any, prefix: str) -> QuerySet[Institution]:
    """Points providing care under `prefix` that no demonstration institution leads yet."""
    return _points(user, prefix).exclude(LINKED_Q).select_related("street", "street__parent").order_by("region_code", "name", "id")


@dataclass(frozen=True)
class RuleCheck:
    violations: list[RuleViolation]
    checked: list[str]  # plain words for each rule that was checked, broken or not


def institution_rule_check(inst: Institution) -> RuleCheck:
    """Every setting-standard rule the institution breaks, in plain words (issue #2 item 6)."""
    out: list[RuleViolation] = []
    classes = list(inst.classes.all())
    total = sum(c.planned_capacity for c in classes)
    for c in classes:
        rules = std.CLASS_RULES[c.class_type]
        legal_max = rules.max_children.current()
        if c.planned_capacity > legal_max:
            out.append(RuleViolation(rules.max_children, _("%(cls)s：计划%(n)s人，超过%(type)s上限%(max)s人。") % {
                "cls": c.name, "n": c.planned_capacity, "type": ClassType(c.class_type).label, "max": legal_max}, c.name))
        needed = std.caregivers_needed(c.class_type, c.planned_capacity)
        if c.planned_caregivers is None:
            out.append(RuleViolation(rules.children_per_caregiver, _("%(cls)s：未填写保育人员数，按1:%(per)s须至少%(need)s人。") % {
                "cls": c.name, "per": rules.children_per_caregiver.current(), "need": needed}, c.name))
        elif c.planned_caregivers < needed:
            out.append(RuleViolation(rules.children_per_caregiver, _("%(cls)s：%(n)s名幼儿只配%(have)s名保育人员，按1:%(per)s须至少%(need)s人。") % {
                "cls": c.name, "n": c.planned_capacity, "have": c.planned_caregivers,
                "per": rules.children_per_caregiver.current(), "need": needed}, c.name))
    if inst.service_model == ServiceModel.HOME_BASED:
        cap = std.HOME_BASED_MAX_CHILDREN.current()
        if total > cap:
            out.append(RuleViolation(std.HOME_BASED_MAX_CHILDREN, _("家庭托育点最多收托%(max)s名幼儿，现计划%(n)s名。") % {"max": cap, "n": total}))
    if total:
        for rule, area, label in (
            (std.BUILDING_AREA_PER_CHILD_M2, inst.building_area_m2, _("建筑面积")),
            (std.OUTDOOR_AREA_PER_CHILD_M2, inst.outdoor_area_m2, _("户外场地面积")),
        ):
            need = rule.current() * total
            if area is None:
                out.append(RuleViolation(rule, _("未填写%(what)s，无法核对生均面积（本市设置：每名幼儿不少于%(per)s㎡）。") % {"what": label, "per": rule.current()}))
            elif area < need:
                out.append(RuleViolation(rule, _("%(what)s%(area)s㎡，按本市设置每名幼儿%(per)s㎡、%(n)s个托位须至少%(need)s㎡。") % {
                    "what": label, "area": area, "per": rule.current(), "n": total, "need": need}))
    checked = [_("各班级人数上限"), _("保育人员配比"), _("生均建筑面积与户外面积（本市设置）")]
    if inst.service_model == ServiceModel.HOME_BASED:
        checked.append(_("家庭托育点收托人数"))
    return RuleCheck(out, checked)


def alliance_may(user: Any, action: str, alliance: Alliance) -> bool:
    """Whether the user may do `action` on this alliance (for showing buttons)."""
    return Alliance.objects.restrict(user, action).filter(pk=alliance.pk).exists()

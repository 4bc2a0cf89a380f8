"""Registry reads: every query starts from `restrict(user, action)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils.translation import gettext as _

from tuoyu.core.permissions import Action
from tuoyu.core.rules import RuleViolation
from tuoyu.core.rules import setting_standard as std

from .choices import ClassType, ServiceModel
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


def alliance_list(user: Any) -> QuerySet[Alliance]:
    return Alliance.objects.restrict(user, Action.VIEW_INSTITUTION).prefetch_related("members")


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

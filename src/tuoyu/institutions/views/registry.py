"""Registry pages: the list with filters, an institution's page with its rule check, the create
and edit forms, and delete. Pages without an object name their action (`scoped_view(action)`:
403 for a role that may never do it); pages of one object let the selector decide
(`get_for_action`: out of scope 404, in scope but not allowed 403), as the API does. Views never
filter by scope themselves."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.core.divisions import Level
from tuoyu.core.errors import Conflict, DomainError
from tuoyu.core.permissions import Action
from tuoyu.core.rules import setting_standard as std
from tuoyu.core.viewmixins import scoped_view
from tuoyu.regions.models import Region

from .. import selectors, services
from ..choices import DemonstrationLevel, Ownership, PriceUnit, ServiceModel, Status
from ..filters import InstitutionFilter
from ..forms import InstitutionForms, offering_initial, street_choices
from ..models import Institution

PAGE_SIZE = 50  # rows per list page (ui.md: dense tables with pagination)

SORTS = {
    "": ("region_code", "name", "id"),
    "name": ("name", "id"),
    "-places": (F("places").desc(nulls_last=True), "name", "id"),
    "status": ("status", "region_code", "name", "id"),
    "-updated": ("-updated_at", "id"),
}
SORT_LABELS = {
    "": gettext_lazy("按区域"), "name": gettext_lazy("按名称"), "-places": gettext_lazy("托位从多到少"),
    "status": gettext_lazy("按状态"), "-updated": gettext_lazy("最近更新"),
}


def _may_on(user: Any, action: str, inst: Institution) -> bool:
    return Institution.objects.restrict(user, action).filter(pk=inst.pk).exists()


# ---------------------------------------------------------------- list


@scoped_view(Action.VIEW_INSTITUTION)
def institution_list(request):
    user = request.user
    params = _non_empty(request.GET)
    filterset = InstitutionFilter(params or None, queryset=selectors.institution_list(user))
    qs = filterset.qs if filterset.is_bound else filterset.queryset
    sort = request.GET.get("sort", "")
    qs = qs.order_by(*SORTS.get(sort, SORTS[""]))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))

    regions = Region.objects.restrict(user, Action.VIEW_INSTITUTION).filter(level__in=[Level.DISTRICT, Level.STREET])
    regions = list(regions.select_related("parent").order_by("code"))
    districts = [r for r in regions if r.level == Level.DISTRICT]
    chosen_district = request.GET.get("district", "")
    streets = [r for r in regions if r.level == Level.STREET
               and (not chosen_district or r.code.startswith(chosen_district[:6]))]
    filters = {
        "status": _options(Status.choices, request.GET.getlist("status")),
        "service_model": _options(ServiceModel.choices, request.GET.getlist("service_model")),
        "ownership": _options(Ownership.choices, request.GET.getlist("ownership")),
        "demonstration_level": _options(DemonstrationLevel.choices, request.GET.getlist("demonstration_level")),
        "puhui": _options([("true", _("是")), ("false", _("否"))], request.GET.getlist("puhui")),
    }
    export_query = params.copy()
    export_query.pop("page", None)
    return render(request, "institutions/list.html", {
        "page_obj": page,
        "institutions": page.object_list,
        "total": page.paginator.count,
        "filterset": filterset,
        "filter_errors": filterset.errors if filterset.is_bound else {},
        "filters": filters,
        "districts": districts,
        "streets": street_choices(streets),
        "chosen_district": chosen_district,
        "chosen_street": request.GET.get("street", ""),
        "q": request.GET.get("q", ""),
        "sort": sort,
        "sort_labels": SORT_LABELS,
        "filtered": any(k not in ("page", "sort") for k in params),
        "export_query": export_query.urlencode(),
        "can_create": user.may(Action.CREATE_INSTITUTION),
    })


def _non_empty(query: QueryDict) -> QueryDict:
    """The query without blank values: a select left on "全部" sends `ownership=`, which means
    no filter, not an invalid one."""
    out = QueryDict(mutable=True)
    for key in query:
        values = [v for v in query.getlist(key) if v.strip()]
        if values:
            out.setlist(key, values)
    return out


def _options(choices, selected: list[str]) -> list[tuple[str, str, bool]]:
    return [(value, label, value in selected) for value, label in choices]


# ---------------------------------------------------------------- detail


def _display(inst: Institution, name: str) -> Any:
    value = getattr(inst, name)
    if hasattr(inst, f"get_{name}_display"):
        return getattr(inst, f"get_{name}_display")()
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if name == "filed_on":
        return formats.date_format(value, "DATE_FORMAT")
    if name in ("opens_at", "closes_at"):
        return value.strftime("%H:%M")
    return value


DETAIL_SECTIONS = (
    (gettext_lazy("基本信息"), ("name", "credit_code", "registration_type", "service_model", "ownership", "status")),
    (gettext_lazy("地址与联系"), ("address", "latitude", "longitude", "contact_phone")),
    (gettext_lazy("场地与服务时间"), ("building_area_m2", "outdoor_area_m2", "opens_at", "closes_at", "open_days")),
    (gettext_lazy("普惠、示范与备案"), ("puhui", "puhui_price", "demonstration_level", "filing_number", "filed_on")),
)


@scoped_view()  # the object decides: out of scope 404 (as the API answers)
def institution_detail(request, pk: int):
    user = request.user
    inst = selectors.institution_get(user, pk)
    check = selectors.institution_rule_check(inst)
    sections = [
        (title, [(Institution._meta.get_field(n).verbose_name, _display(inst, n)) for n in names])
        for title, names in DETAIL_SECTIONS
    ]
    classes = []
    for c in inst.classes.all():
        classes.append({
            "obj": c, "legal_max": std.max_children(c.class_type),
            "needed": std.caregivers_needed(c.class_type, c.planned_capacity),
            "ratio": std.children_per_caregiver(c.class_type),
        })
    places = sum(c["obj"].planned_capacity for c in classes)
    return render(request, "institutions/detail.html", {
        "inst": inst, "check": check, "sections": sections, "classes": classes, "places": places,
        "offerings": list(inst.offerings.all()), "alliances": list(inst.alliances.all()),
        "led_points": list(inst.led_points.all()),
        "can_edit": _may_on(user, Action.CHANGE_INSTITUTION, inst),
        "can_change_status": _may_on(user, Action.CHANGE_INSTITUTION_STATUS, inst),
        "can_delete": _may_on(user, Action.DELETE_INSTITUTION, inst),
        "price_units": dict(PriceUnit.choices),
    })


# ---------------------------------------------------------------- create / edit


def _streets(user: Any, action: str, current: Region | None = None) -> list:
    streets = list(
        Region.objects.restrict(user, action).filter(level=Level.STREET)
        .filter(is_active=True).select_related("parent").order_by("code")
    )
    if current is not None and all(s.pk != current.pk for s in streets):
        streets.insert(0, current)
    return street_choices(streets)


def _leads(user: Any, exclude_pk: int | None = None, current: Institution | None = None) -> list:
    qs = (Institution.objects.restrict(user, Action.VIEW_INSTITUTION)
          .exclude(demonstration_level=DemonstrationLevel.NONE).order_by("name"))
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    choices = [(pk, name) for pk, name in qs.values_list("pk", "name")]
    if current is not None and all(pk != current.pk for pk, _name in choices):
        choices.insert(0, (current.pk, current.name))
    return choices


def _render_form(request, forms: InstitutionForms, *, inst: Institution | None, status: int = 200, conflict: str = ""):
    return render(request, "institutions/form.html", {
        "forms": forms, "form": forms.form, "inst": inst, "errors": forms.summary(), "conflict": conflict,
        "class_limits": [(label, std.max_children(value), std.children_per_caregiver(value))
                         for value, label in std.ClassType.choices],
    }, status=status)


def _check_rules_too(forms: InstitutionForms, *, instance: Institution | None) -> None:
    """A form with typing errors still gets the registry's rule errors for the rest (a wrong
    check character, a class over its size), so every error shows on the first try."""
    try:
        services.institution_validate(forms.to_data(partial=True), instance=instance)
    except DomainError as exc:
        forms.put_errors(exc.field_errors, only_new=True)


@scoped_view(Action.CREATE_INSTITUTION)
def institution_create(request):
    user = request.user
    kwargs = {"street_choices": _streets(user, Action.CREATE_INSTITUTION), "lead_choices": _leads(user)}
    if request.method != "POST":
        forms = InstitutionForms(initial={"status": Status.PREPARING}, classes=[], **kwargs)
        return _render_form(request, forms, inst=None)
    forms = InstitutionForms(request.POST, **kwargs)
    if not forms.is_valid():
        _check_rules_too(forms, instance=None)
        return _render_form(request, forms, inst=None, status=400)
    try:
        inst = services.institution_create(actor=user, data=forms.to_data())
    except DomainError as exc:
        forms.put_errors(exc.field_errors, exc.message)
        return _render_form(request, forms, inst=None, status=exc.status)
    messages.success(request, _("已登记“%(name)s”。") % {"name": inst.name})
    return redirect("institutions:detail", pk=inst.pk)


@scoped_view()  # out of view scope 404, in scope without the right 403 (get_for_action)
def institution_edit(request, pk: int):
    user = request.user
    inst = selectors.institution_get(user, pk, action=Action.CHANGE_INSTITUTION)
    officer = services.actor_may_change_officer_fields(user, inst)
    kwargs = {
        "street_choices": _streets(user, Action.CHANGE_INSTITUTION_STATUS, current=inst.street) if officer
        else street_choices([inst.street]),
        "lead_choices": _leads(user, exclude_pk=inst.pk, current=inst.lead_institution),
        "readonly": () if officer else services.OFFICER_ONLY_FIELDS,
    }
    current = services.InstitutionData.from_instance(inst)
    initial = {k: v for k, v in vars(current).items() if k not in ("classes", "offerings")}
    initial["version"] = inst.version
    classes = [vars(c) for c in current.classes]
    offerings = offering_initial(current.offerings)
    if request.method != "POST":
        forms = InstitutionForms(initial=initial, classes=classes, offerings=offerings, **kwargs)
        return _render_form(request, forms, inst=inst)
    forms = InstitutionForms(request.POST, initial=initial, classes=classes, offerings=offerings, **kwargs)
    if not forms.is_valid():
        _check_rules_too(forms, instance=copy.copy(inst))
        return _render_form(request, forms, inst=inst, status=400)
    version = forms.form.cleaned_data.get("version")
    try:
        inst, changed = services.institution_update(actor=user, institution=inst, data=forms.to_data(), version=version)
    except Conflict as exc:
        return _render_form(request, forms, inst=inst, status=exc.status, conflict=str(exc.message))
    except DomainError as exc:
        forms.put_errors(exc.field_errors, exc.message)
        return _render_form(request, forms, inst=inst, status=exc.status)
    if changed:
        messages.success(request, _("已保存修改。"))
    else:
        messages.info(request, _("没有需要保存的修改。"))
    return redirect("institutions:detail", pk=inst.pk)


# ---------------------------------------------------------------- delete


@scoped_view()
def institution_delete(request, pk: int):
    user = request.user
    inst = selectors.institution_get(user, pk, action=Action.DELETE_INSTITUTION)
    if request.method == "POST":
        try:
            services.institution_delete(actor=user, institution=inst)
        except DomainError as exc:
            return render(request, "institutions/delete.html", {"inst": inst, "error": exc.message}, status=exc.status)
        messages.success(request, _("已删除“%(name)s”的档案。") % {"name": inst.name})
        return redirect("institutions:list")
    return render(request, "institutions/delete.html", {"inst": inst})


urlpatterns = [
    path("", institution_list, name="list"),
    path("new/", institution_create, name="create"),
    path("<int:pk>/", institution_detail, name="detail"),
    path("<int:pk>/edit/", institution_edit, name="edit"),
    path("<int:pk>/delete/", institution_delete, name="delete"),
]

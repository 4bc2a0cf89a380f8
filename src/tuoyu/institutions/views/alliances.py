"""Alliance pages (托育联盟/联合体, issue #2 item 5): the list, an alliance's page with its
members, the create and edit forms, member editing and delete.

Pages without an object name their action (`scoped_view(action)`); pages of one alliance let the
selector decide (`get_for_action`: out of view scope 404, in scope but not allowed 403). Member
editing is a plain form: the current members are ticked boxes (untick to remove), and a search
lists institutions that may join (tick to add). With htmx the search refreshes the list as one
types and keeps the boxes already ticked; without JavaScript the search button reloads the page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from tuoyu.core.divisions import Level, normalize_code, prefix_of
from tuoyu.core.errors import DomainError
from tuoyu.core.permissions import Action
from tuoyu.core.text import normalize
from tuoyu.core.viewmixins import scoped_view
from tuoyu.regions.models import Region

from .. import selectors, services
from ..forms import AllianceForm, AllianceMembersForm
from ..models import Alliance

PAGE_SIZE = 50  # rows per list page
CANDIDATE_LIMIT = 50  # search results shown on the members page; refine the search for more
MAX_Q_LENGTH = 100


def _q(request) -> str:
    return normalize(request.GET.get("q", ""))[:MAX_Q_LENGTH]


# ---------------------------------------------------------------- list


@scoped_view(Action.VIEW_INSTITUTION)
def alliance_list(request):
    user = request.user
    q = _q(request)
    districts = list(
        Region.objects.restrict(user, Action.VIEW_INSTITUTION).filter(level=Level.DISTRICT).order_by("code")
    )
    chosen = request.GET.get("district", "")
    prefix = ""
    if chosen:
        try:
            prefix = prefix_of(normalize_code(chosen), Level.DISTRICT)
        except ValueError:
            chosen = ""
    qs = selectors.alliance_list(user, q=q, region_prefix=prefix)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "institutions/alliance_list.html", {
        "page_obj": page, "alliances": page.object_list, "total": page.paginator.count,
        "q": q, "districts": districts, "chosen_district": chosen, "filtered": bool(q or prefix),
        "can_create": user.may(Action.MANAGE_ALLIANCES),
        "can_see_network": user.may(Action.VIEW_REGION),
    })


# ---------------------------------------------------------------- detail


@scoped_view()  # the object decides: out of scope 404 (as the API answers)
def alliance_detail(request, pk: int):
    user = request.user
    alliance = selectors.alliance_get(user, pk)
    members = list(alliance.members.all())
    return render(request, "institutions/alliance_detail.html", {
        "alliance": alliance, "members": members,
        "openable": selectors.visible_institution_ids(user, [m.pk for m in members]),
        "can_manage": selectors.alliance_may(user, Action.MANAGE_ALLIANCES, alliance),
    })


# ---------------------------------------------------------------- create / edit


def _render_form(request, form: AllianceForm, *, alliance: Alliance | None, status: int = 200):
    return render(request, "institutions/alliance_form.html", {
        "form": form, "alliance": alliance, "errors": form.summary() if form.is_bound else [],
    }, status=status)


@scoped_view(Action.MANAGE_ALLIANCES)
def alliance_create(request):
    user = request.user
    regions = selectors.alliance_regions(user)
    if request.method != "POST":
        # One area of responsibility (a district and its streets): start from the area itself.
        codes = {r.pk for r in regions}
        roots = [r for r in regions if r.parent_id not in codes]
        initial = {"region_code": roots[0].code} if len(roots) == 1 else {}
        return _render_form(request, AllianceForm(regions=regions, initial=initial), alliance=None)
    form = AllianceForm(request.POST, regions=regions)
    if not form.is_valid():
        return _render_form(request, form, alliance=None, status=400)
    d = form.cleaned_data
    try:
        alliance = services.alliance_create(actor=user, name=d["name"], region=d["region_code"], description=d["description"])
    except DomainError as exc:
        form.put_errors(exc.field_errors, exc.message)
        return _render_form(request, form, alliance=None, status=exc.status)
    messages.success(request, _("已建立“%(name)s”。请添加成员机构。") % {"name": alliance.name})
    return redirect("institutions:alliance_members", pk=alliance.pk)


@scoped_view()  # out of view scope 404, in scope without the right 403 (get_for_action)
def alliance_edit(request, pk: int):
    user = request.user
    alliance = selectors.alliance_get(user, pk, action=Action.MANAGE_ALLIANCES)
    regions = selectors.alliance_regions(user, current=alliance.region)
    initial = {"name": alliance.name, "region_code": alliance.region_code, "description": alliance.description}
    if request.method != "POST":
        return _render_form(request, AllianceForm(regions=regions, initial=initial), alliance=alliance)
    form = AllianceForm(request.POST, regions=regions, initial=initial)
    if not form.is_valid():
        return _render_form(request, form, alliance=alliance, status=400)
    d = form.cleaned_data
    try:
        _alliance, changed = services.alliance_update(
            actor=user, alliance=alliance, name=d["name"], region=d["region_code"], description=d["description"])
    except DomainError as exc:
        form.put_errors(exc.field_errors, exc.message)
        return _render_form(request, form, alliance=alliance, status=exc.status)
    if changed:
        messages.success(request, _("已保存修改。"))
    else:
        messages.info(request, _("没有需要保存的修改。"))
    return redirect("institutions:alliance_detail", pk=alliance.pk)


# ---------------------------------------------------------------- members


def _members_context(user: Any, alliance: Alliance, *, kept: set[int] | None, picked: list[int], q: str) -> dict:
    """The current members (ticked unless unticked in a failed save), the institutions ticked to
    join (kept ticked across searches), and the search results that may join."""
    current = list(alliance.members.all())
    current_ids = {m.pk for m in current}
    picked_ids = [i for i in picked if i not in current_ids]
    picked_objs = list(selectors.alliance_member_candidates(user, alliance).filter(pk__in=picked_ids)) if picked_ids else []
    results = list(selectors.alliance_member_candidates(user, alliance, q=q, exclude=current_ids | set(picked_ids))[: CANDIDATE_LIMIT + 1])
    return {
        "alliance": alliance,
        "current": [(m, kept is None or m.pk in kept) for m in current],
        "openable": selectors.visible_institution_ids(user, current_ids),
        "picked": picked_objs,
        "results": results[:CANDIDATE_LIMIT],
        "more_results": len(results) > CANDIDATE_LIMIT,
        "candidate_limit": CANDIDATE_LIMIT,
        "q": q,
    }


@scoped_view()
def alliance_members(request, pk: int):
    user = request.user
    alliance = selectors.alliance_get(user, pk, action=Action.MANAGE_ALLIANCES)
    if request.method != "POST":
        form = AllianceMembersForm(request.GET)
        picked = form.cleaned_data.get("add", []) if form.is_valid() else []
        ctx = _members_context(user, alliance, kept=None, picked=picked, q=_q(request))
        if request.htmx:  # the search as one types: only the list of institutions that may join
            return render(request, "institutions/_alliance_candidates.html", ctx)
        return render(request, "institutions/alliance_members.html", ctx)
    form = AllianceMembersForm(request.POST)
    errors: list[tuple[str, str, str]] = []
    if form.is_valid():
        try:
            _alliance, changed = services.alliance_members_set(actor=user, alliance=alliance, member_ids=form.member_ids())
        except DomainError as exc:
            messages_ = [m for ms in exc.field_errors.values() for m in ms] or [str(exc.message)]
            errors = [("", "", m) for m in messages_]
            status = exc.status
        else:
            if changed:
                messages.success(request, _("成员已更新：现有%(n)s家。") % {"n": len(form.member_ids())})
            else:
                messages.info(request, _("成员没有变化。"))
            return redirect("institutions:alliance_detail", pk=alliance.pk)
    else:
        errors = [("", "", str(m)) for ms in form.errors.values() for m in ms]
        status = 400
    kept = set(form.cleaned_data.get("members", [])) if hasattr(form, "cleaned_data") else set()
    picked = form.cleaned_data.get("add", []) if hasattr(form, "cleaned_data") else []
    ctx = _members_context(user, alliance, kept=kept, picked=picked, q="")
    ctx["errors"] = errors
    return render(request, "institutions/alliance_members.html", ctx, status=status)


# ---------------------------------------------------------------- delete


@scoped_view()
def alliance_delete(request, pk: int):
    user = request.user
    alliance = selectors.alliance_get(user, pk, action=Action.MANAGE_ALLIANCES)
    member_count = len(alliance.members.all())
    if request.method == "POST":
        services.alliance_delete(actor=user, alliance=alliance)
        messages.success(request, _("已删除“%(name)s”。") % {"name": alliance.name})
        return redirect("institutions:alliances")
    return render(request, "institutions/alliance_delete.html", {"alliance": alliance, "member_count": member_count})


urlpatterns = [
    path("alliances/", alliance_list, name="alliances"),
    path("alliances/new/", alliance_create, name="alliance_create"),
    path("alliances/<int:pk>/", alliance_detail, name="alliance_detail"),
    path("alliances/<int:pk>/edit/", alliance_edit, name="alliance_edit"),
    path("alliances/<int:pk>/members/", alliance_members, name="alliance_members"),
    path("alliances/<int:pk>/delete/", alliance_delete, name="alliance_delete"),
]

"""Pages that show figures: the home page of each role and a region's page (places per 1,000
residents, children under 3), routed from tuoyu/urls.py as `home` and `region_detail` because both
sit above every app whose figures they show; and the 1+N network page (`stats:network`)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tuoyu.core.permissions import Action
from tuoyu.core.roles import OFFICER_ROLES, Role
from tuoyu.core.rules import indicators as indicator_rules
from tuoyu.core.viewmixins import scoped_view
from tuoyu.institutions import selectors as institution_selectors

from . import network as network_figures
from . import selectors

INSIDE_ROLES = {Role.INSTITUTION_DIRECTOR, Role.INSTITUTION_STAFF, Role.HEALTH_MANAGER, Role.ASSESSMENT_EXPERT}
# Cards on the home page of institution people; more institutions than this go to the list.
HOME_CARDS_MAX = 6
# The 1+N page: demonstration institutions per page, and points not yet in a network shown by name.
NETWORK_PAGE_SIZE = 50
NETWORK_UNLINKED_SHOWN = 20


def _year_param(request) -> int | None:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return None


@scoped_view()
def home(request):
    """What needs this user now, by role. Anonymous visitors go to the login page."""
    user = request.user
    roles = user.role_codes()
    ctx: dict = {"roles": roles}
    if roles & set(OFFICER_ROLES) or Role.TRAINER in roles:
        ctx["regions"] = [selectors.region_summary(user, r) for r in selectors.region_roots(user)]
    if roles & set(OFFICER_ROLES):
        counts = selectors.status_counts(user)
        ctx["status_counts"] = counts
        ctx["institution_total"] = sum(n for _code, _label, n in counts)
    elif Role.TRAINER in roles:
        ctx["institution_total"] = institution_selectors.institution_list(user).count()
    if roles & INSIDE_ROLES:
        insts = list(institution_selectors.institution_list(user).order_by("name")[: HOME_CARDS_MAX + 1])
        ctx["institution_cards"] = [
            (inst, institution_selectors.institution_rule_check(inst)) for inst in insts[:HOME_CARDS_MAX]
        ]
        ctx["more_institutions"] = len(insts) > HOME_CARDS_MAX
    ctx["is_parent_only"] = roles <= {Role.PARENT}
    ctx["no_role"] = not roles
    ctx["target"] = indicator_rules.places_per_1000_target()
    return render(request, "stats/home.html", ctx)


@scoped_view()  # the region decides: outside the user's region scope 404 (as the API answers)
def region_detail(request, code: str):
    """A region's page: name, code, level, breadcrumb, population by year, places (all and filed)
    and places per 1,000 residents, children under 3, and the same for each child region with a
    chart against the target line and a table of the same numbers."""
    region = selectors.region_get(request.user, code)
    report = selectors.region_report(request.user, region, year=_year_param(request))
    chart = {
        "title": _("%(name)s各下级区划每千人口托位数") % {"name": region.name},
        "unit": _("个/千人"),
        "target": float(report.target),
        "target_label": _("目标 %(t)s") % {"t": report.target},
        "series_all": _("全部提供托育服务机构"),
        "series_filed": _("已备案机构"),
        "categories": [f.region.name for f in report.children],
        "all": [float(f.places_per_1000) if f.places_per_1000 is not None else None for f in report.children],
        "filed": [float(f.filed_places_per_1000) if f.filed_places_per_1000 is not None else None for f in report.children],
        "links": [reverse("region_detail", args=[f.region.code]) for f in report.children],
    }
    return render(request, "stats/region_detail.html", {"report": report, "region": region, "chart": chart})


@scoped_view(Action.VIEW_REGION)
def network(request):
    """1+N networks of a region (the user's own region by default): the coverage of community and
    home-based points by demonstration institutions, per child region, each demonstration
    institution with the points it leads, and the points no one leads yet."""
    user = request.user
    code = request.GET.get("region", "")
    roots = selectors.region_roots(user)
    region = selectors.region_get(user, code) if code else (roots[0] if roots else None)
    ctx: dict = {"region": region, "regions": network_figures.network_regions(user, region)}
    if region is not None:
        ctx["report"] = network_figures.network_report(user, region)
        leads = institution_selectors.network_leads(user, region.prefix)
        ctx["page_obj"] = page = Paginator(leads, NETWORK_PAGE_SIZE).get_page(request.GET.get("page"))
        ctx["leads"] = page.object_list
        ctx["unlinked"] = list(institution_selectors.network_unlinked_points(user, region.prefix)[:NETWORK_UNLINKED_SHOWN])
        ctx["unlinked_shown"] = NETWORK_UNLINKED_SHOWN
    return render(request, "stats/network.html", ctx)

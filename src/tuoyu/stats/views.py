"""Pages that show figures: the home page of each role and a region's page (places per 1,000
residents, children under 3). Routed from tuoyu/urls.py as `home` and `region_detail`, because
both sit above every app whose figures they show."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tuoyu.core.roles import OFFICER_ROLES, Role
from tuoyu.core.rules import indicators as indicator_rules
from tuoyu.core.viewmixins import scoped_view
from tuoyu.institutions import selectors as institution_selectors

from . import selectors

INSIDE_ROLES = {Role.INSTITUTION_DIRECTOR, Role.INSTITUTION_STAFF, Role.HEALTH_MANAGER, Role.ASSESSMENT_EXPERT}
# Cards on the home page of institution people; more institutions than this go to the list.
HOME_CARDS_MAX = 6


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

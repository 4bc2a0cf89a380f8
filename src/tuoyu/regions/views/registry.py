"""The region tree: the user's subtree roots, each expandable (htmx loads the children; without
JavaScript the same link reloads the page with that branch open). A region's own page, with its
population and indicators, is served by `stats` (routed from tuoyu/urls.py as `region_detail`)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import path, reverse

from tuoyu.core.divisions import DivisionCodeError, normalize_code, parent_code
from tuoyu.core.errors import NotFound
from tuoyu.core.permissions import Action
from tuoyu.core.scoping import NOT_FOUND_MESSAGE
from tuoyu.core.viewmixins import scoped_view

from ..models import Region

# With this many roots or fewer (a district officer has one), the first level shows at once.
AUTO_OPEN_ROOTS = 3


def _visible(user):
    return Region.objects.restrict(user, Action.VIEW_REGION)


def _with_counts(qs):
    # The children count decides whether a row can expand; inactive children are counted too,
    # since an inactive division keeps its data (issue #9).
    return qs.annotate(n_children=Count("children", distinct=True)).order_by("code")


def _get(user, code: str) -> Region:
    try:
        code = normalize_code(code)
    except DivisionCodeError as exc:
        raise NotFound(NOT_FOUND_MESSAGE) from exc
    return Region.objects.get_for_action(user, Action.VIEW_REGION, view_action=Action.VIEW_REGION, code=code)


@scoped_view(Action.VIEW_REGION)
def region_tree(request):
    user = request.user
    visible = _visible(user)
    roots = list(_with_counts(visible.exclude(parent__in=visible.values("pk"))))
    # ?open=<code> opens the branch down to that region (the no-JavaScript path of "expand").
    open_codes: set[str] = set()
    children_of: dict[int, list[Region]] = {}
    if request.GET.get("open"):
        target = _get(user, request.GET["open"])
        code = target.code
        while code:
            open_codes.add(code)
            code = parent_code(code)
    elif len(roots) <= AUTO_OPEN_ROOTS:
        open_codes = {r.code for r in roots}
    if open_codes:
        opened = list(_with_counts(visible.filter(parent__code__in=open_codes)))
        for r in opened:
            children_of.setdefault(r.parent_id, []).append(r)
    return render(request, "regions/tree.html", {
        "roots": roots, "open_codes": open_codes, "children_of": children_of,
        "q": request.GET.get("q", "").strip(),
        "matches": _search(visible, request.GET.get("q", "")),
    })


def _search(visible, q: str) -> list[Region]:
    q = q.strip()
    if not q:
        return []
    return list(visible.filter(Q(name__icontains=q) | Q(code__startswith=q)).select_related("parent").order_by("code")[:50])


@scoped_view()  # the region decides: outside the user's region scope 404
def region_children(request, code: str):
    """The child rows of one region (an htmx partial; a plain request gets the whole tree opened there)."""
    region = _get(request.user, code)
    if not request.htmx:
        return redirect(f"{reverse('regions:tree')}?open={region.code}")
    children = list(_with_counts(_visible(request.user).filter(parent=region)))
    return render(request, "regions/_children.html", {"region": region, "children": children,
                                                      "depth": region.depth + 1})


urlpatterns = [
    path("", region_tree, name="tree"),
    path("<str:code>/children/", region_children, name="children"),
]

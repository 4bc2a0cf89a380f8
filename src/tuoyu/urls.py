"""The composition root: every app's pages and the one API."""

from django.urls import include, path, re_path
from django.views.generic import RedirectView

from .api import api
from .stats import views as stats_views

urlpatterns = [
    # The home page (per role) and a region's page show registry figures, so `stats` serves them.
    path("", stats_views.home, name="home"),
    path("", include("tuoyu.accounts.urls")),
    path("regions/", include("tuoyu.regions.urls")),
    # After the regions include, so regions' own pages (tree, imports) win; codes only.
    re_path(r"^regions/(?P<code>[0-9]{6,12})/$", stats_views.region_detail, name="region_detail"),
    path("institutions/", include("tuoyu.institutions.urls")),
    path("", include("tuoyu.core.urls")),
    path("stats/", include("tuoyu.stats.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
]

# Error pages: plain words, a request id on the 500 page, never a traceback (security.md rule 21).
handler400 = "tuoyu.core.viewmixins.bad_request"
handler403 = "tuoyu.core.viewmixins.permission_denied"
handler404 = "tuoyu.core.viewmixins.page_not_found"
handler500 = "tuoyu.core.viewmixins.server_error"

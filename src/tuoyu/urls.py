"""The composition root: every app's pages and the one API."""

from django.urls import include, path
from django.views.generic import RedirectView

from .api import api

urlpatterns = [
    path("", include("tuoyu.accounts.urls")),
    path("regions/", include("tuoyu.regions.urls")),
    path("institutions/", include("tuoyu.institutions.urls")),
    path("", include("tuoyu.core.urls")),
    path("stats/", include("tuoyu.stats.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
]

"""The page base (core/viewmixins.py): login, the page's action, and domain errors as pages."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory
from django.views import View

from tuoyu.conftest import world  # noqa: F401
from tuoyu.core.errors import Conflict, NotFound
from tuoyu.core.permissions import Action
from tuoyu.core.viewmixins import ScopedViewMixin, scoped_view


class AuditLike(ScopedViewMixin, View):
    action = Action.VIEW_AUDIT

    def get(self, request):
        if request.GET.get("missing"):
            raise NotFound("没有这条记录。")
        return HttpResponse("ok")


@scoped_view()
def conflicting(request):
    raise Conflict("别人先改了。")


def _request(user, path="/x/", **params):
    request = RequestFactory().get(path, params)
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    request.user = user
    return request


@pytest.mark.django_db
def test_class_view_redirects_anonymous_visitors_to_login():
    r = AuditLike.as_view()(_request(AnonymousUser()))
    assert r.status_code == 302 and "/login/?next=/x/" in r["Location"]


@pytest.mark.django_db
def test_class_view_refuses_a_role_without_the_action(world):  # noqa: F811
    assert AuditLike.as_view()(_request(world.users["institution_director"])).status_code == 403
    assert AuditLike.as_view()(_request(world.users["district_officer"])).status_code == 200


@pytest.mark.django_db
def test_domain_errors_become_pages_with_their_status_and_message(world):  # noqa: F811
    r = AuditLike.as_view()(_request(world.users["district_officer"], missing="1"))
    assert r.status_code == 404 and "没有这条记录。" in r.content.decode()
    r = conflicting(_request(world.users["district_officer"]))
    assert r.status_code == 409 and "别人先改了。" in r.content.decode()

"""Sign in and sign out. The home page is per role and reads registry figures, so it lives in
`stats` (above institutions in the layers) and is routed from tuoyu/urls.py."""

from django.contrib.auth import views as auth_views

from .forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link cannot sign anyone out."""


login = LoginView.as_view()
logout = LogoutView.as_view()

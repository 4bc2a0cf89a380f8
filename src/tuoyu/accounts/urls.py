from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    # Officers managing the accounts of their scope.
    path("accounts/users/", views.user_list, name="users"),
    path("accounts/users/new/", views.user_create, name="user_create"),
    path("accounts/users/<int:pk>/", views.user_detail, name="user_detail"),
    path("accounts/users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("accounts/users/<int:pk>/password/", views.user_password, name="user_password"),
    path("accounts/users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("accounts/users/<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("accounts/users/<int:pk>/grants/new/", views.grant_add, name="grant_add"),
    path("accounts/users/<int:pk>/grants/<int:grant_pk>/revoke/", views.grant_revoke, name="grant_revoke"),
    # Everyone's own account.
    path("accounts/me/", views.me, name="me"),
    path("accounts/me/password/", views.me_password, name="me_password"),
    path("accounts/me/tokens/new/", views.token_create, name="token_create"),
    path("accounts/me/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]

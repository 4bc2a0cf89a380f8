from django.urls import path

from . import views

app_name = "stats"
urlpatterns: list = [
    path("network/", views.network, name="network"),
]

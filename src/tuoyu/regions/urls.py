from .views import registry, sheets

app_name = "regions"
urlpatterns = [*registry.urlpatterns, *sheets.urlpatterns]

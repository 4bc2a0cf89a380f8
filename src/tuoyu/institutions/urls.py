from .views import registry, sheets

app_name = "institutions"
urlpatterns = [*registry.urlpatterns, *sheets.urlpatterns]

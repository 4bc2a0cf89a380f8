from .views import alliances, registry, sheets

app_name = "institutions"
urlpatterns = [*registry.urlpatterns, *sheets.urlpatterns, *alliances.urlpatterns]

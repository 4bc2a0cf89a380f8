from .views import audit, jobs

app_name = "core"
urlpatterns = [*audit.urlpatterns, *jobs.urlpatterns]

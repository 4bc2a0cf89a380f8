"""The single NinjaAPI under /api/v1; each app mounts its own router (shared/style.md §4)."""

from ninja import NinjaAPI

api = NinjaAPI(title="Tuoyu API", version="1", urls_namespace="api")

"""The one domain error class (shared/style.md §2).

Services raise `DomainError` for anything a user did wrong or may not do; pages turn it into a
message beside the field, the API into JSON with a code, a message and field errors. A user error
therefore never becomes a 500.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule or validation failure the user can fix. `field_errors` maps field → [messages]."""

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: Any = "",
        *,
        field_errors: dict[str, list[Any]] | None = None,
        code: str | None = None,
    ) -> None:
        self.message = message
        self.field_errors = {k: [str(m) for m in v] for k, v in (field_errors or {}).items()}
        if code:
            self.code = code
        super().__init__(str(message))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "field_errors": self.field_errors}

    @classmethod
    def from_validation_error(cls, exc: Any) -> DomainError:
        """Wrap a Django ValidationError (from full_clean) keeping its per-field messages."""
        if hasattr(exc, "message_dict"):
            fields = {k: list(v) for k, v in exc.message_dict.items()}
            first = next(iter(fields.values()))[0] if fields else ""
            return cls(first, field_errors=fields)
        return cls("; ".join(str(m) for m in exc.messages))


class NotFound(DomainError):
    """The object does not exist, or lies outside the user's scope (both answer 404)."""

    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    """The object is in scope but the user's role may not do this action (403)."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """Someone else changed the object first (409)."""

    status = 409
    code = "conflict"

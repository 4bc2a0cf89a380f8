"""Registry writes, split by sub-domain: `registry` (one institution at a time, forms and API)
and `imports` (a whole sheet of institutions, all or nothing)."""

from .imports import *  # noqa: F403
from .imports import __all__ as _imports_all
from .registry import *  # noqa: F403
from .registry import __all__ as _registry_all

__all__ = list(_registry_all) + list(_imports_all)

"""Registry writes, split by sub-domain: `registry` (one institution at a time, forms and API),
`imports` (a whole sheet of institutions, all or nothing) and `alliances` (托育联盟 and their
members)."""

from .alliances import *  # noqa: F403
from .alliances import __all__ as _alliances_all
from .imports import *  # noqa: F403
from .imports import __all__ as _imports_all
from .registry import *  # noqa: F403
from .registry import __all__ as _registry_all

__all__ = list(_registry_all) + list(_imports_all) + list(_alliances_all)

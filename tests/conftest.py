"""The top-level tests (role matrices, browser flows) share the package's fixtures: the `world`
scoping fixture and the fast password hasher live in src/tuoyu/conftest.py."""

from tuoyu.conftest import pytest_configure, world  # noqa: F401

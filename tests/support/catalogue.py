"""Checks on the extracted translation catalogue, shared by the tests in tests/i18n."""

from __future__ import annotations

from types import ModuleType

from babel.messages.catalog import Catalog


def assert_marked(catalogue: Catalog, message: str, where: str, context: str | None = None) -> None:
    """``message`` is marked for translation in the file ``where``."""
    found = catalogue.get(message, context=context)
    assert found is not None, f"{message!r} is not marked"
    assert where in {filename for filename, _line in found.locations}


def assert_staff_only(tool: ModuleType, catalogue: Catalog, message: str) -> None:
    """``message`` is marked only outside the resident-facing scope (scripts/i18n.py)."""
    found = catalogue.get(message)
    assert found is not None
    assert not tool._in(found.locations, tool.RESIDENT_SCOPE), message

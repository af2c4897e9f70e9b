"""Shared by the translation tests: scripts/i18n.py loaded as a module, and the catalogue it
extracts from the sources (once per run: extraction reads every template and module)."""

from __future__ import annotations

import importlib.util
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog

from engage.platform.config import PROJECT_ROOT


@pytest.fixture(scope="session")
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_tool", PROJECT_ROOT / "scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def catalogue(tool: ModuleType) -> Catalog:
    """Every marked string, as `make messages` would extract it."""
    extracted: Catalog = tool.extract()
    return extracted

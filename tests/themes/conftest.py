"""Shared fixtures for the themes and report tests."""

from tests.themes.test_themes import officer, survey

__all__ = ["officer", "survey"]

"""Shared fixtures for the themes and report tests."""

from tests.support.themes import officer, survey

__all__ = ["officer", "survey"]

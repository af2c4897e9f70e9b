"""The action plan tests reuse the themes tests' published survey and signed-in officer."""

from tests.themes.test_themes import officer, survey

__all__ = ["officer", "survey"]

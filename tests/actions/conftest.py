"""The action plan tests reuse the themes tests' published survey and signed-in officer."""

from tests.support.actions import themed
from tests.support.themes import officer, survey

__all__ = ["officer", "survey", "themed"]

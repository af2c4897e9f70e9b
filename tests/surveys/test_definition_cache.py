"""Parsed definitions are kept by content: fast for residents, never stale for a draft."""

from __future__ import annotations

import copy

from surveys import services
from surveys.models import SurveyVersion
from tests.residents.conftest import SURVEY


def version(definition: dict[str, object]) -> SurveyVersion:
    return SurveyVersion(definition=definition, number=1, status="draft")


def test_the_same_content_is_parsed_once() -> None:
    first = services.definition_of(version(copy.deepcopy(SURVEY)))
    again = services.definition_of(version(copy.deepcopy(SURVEY)))
    assert again is first


def test_an_edited_draft_is_parsed_again() -> None:
    edited = copy.deepcopy(SURVEY)
    draft = version(edited)
    before = services.definition_of(draft)
    edited["title"] = "A new title"
    after = services.definition_of(draft)
    assert before.title == "Test library survey" and after.title == "A new title"

"""A survey offered in English and Welsh, and sent responses in each, for tests of surveys
in several languages (the definition, exports, reports, the builder)."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from surveys import services
from surveys.definition import parse
from surveys.models import Response, Survey

SMALL: dict[str, Any] = {
    "schema_version": 1,
    "slug": "two-languages",
    "title": "Opening hours",
    "purpose": "Tell us when your library should open.",
    "localities": [
        {"code": "north", "name": "Northgate", "branches": [{"code": "north-lib", "name": "North Library"}]}
    ],
    "pages": [
        {
            "id": "hours",
            "title": "Opening hours",
            "questions": [
                {
                    "id": "visits",
                    "type": "single_choice",
                    "text": "How often do you visit?",
                    "hint": "Think about the last year.",
                    "options": [
                        {"value": "weekly", "label": "Every week"},
                        {"value": "never", "label": "I do not visit"},
                    ],
                },
                {"id": "idea", "type": "long_text", "text": "What would you change?", "required": False},
            ],
        }
    ],
}

#: The Welsh for every piece of SMALL's text.
WELSH: dict[str, Any] = {
    "title": "Oriau agor",
    "purpose": "Dywedwch wrthym pryd y dylai eich llyfrgell agor.",
    "localities": {"north": "Gogledd-dre"},
    "branches": {"north-lib": "Llyfrgell y Gogledd"},
    "pages": {"hours": {"title": "Oriau agor"}},
    "questions": {
        "visits": {
            "text": "Pa mor aml ydych chi'n ymweld?",
            "hint": "Meddyliwch am y flwyddyn ddiwethaf.",
            "options": {"weekly": "Bob wythnos", "never": "Nid wyf yn ymweld"},
        },
        "idea": {"text": "Beth fyddech chi'n ei newid?"},
    },
}


def small_survey(welsh: dict[str, Any] | None = None) -> dict[str, Any]:
    """SMALL offered in Welsh too (``welsh``: its translation, complete by default)."""
    data = copy.deepcopy(SMALL)
    data["translations"] = {"cy": copy.deepcopy(WELSH if welsh is None else welsh)}
    parse(data)
    return data


def publish(session: Session, data: dict[str, Any], now: datetime) -> Survey:
    version = services.save_definition(session, copy.deepcopy(data), now)
    services.publish(session, version.survey, now)
    session.flush()
    return version.survey


def send(
    session: Session, survey: Survey, now: datetime, *, language: str | None, answers: dict[str, Any]
) -> Response:
    """A sent response in ``language`` (None: the survey's own) with ``answers``."""
    version = survey.published
    assert version is not None
    started = services.start_response(session, version, now, language=language)
    response = started.response
    response.answers = dict(answers)
    response.pages_done = ["hours"]
    services.submit(session, response, services.definition_of(version), now)
    return response

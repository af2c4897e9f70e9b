"""A compact survey that uses every question type and every kind of routing."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from engage.platform import clock
from engage.platform.database import db
from surveys import services
from surveys.models import Survey

SURVEY: dict[str, Any] = {
    "schema_version": 1,
    "slug": "test-survey",
    "title": "Test library survey",
    "purpose": "Tell us how you use your library.",
    "what_happens": "Officers read every answer.",
    "duration_minutes": 5,
    "resume_days": 30,
    "equality_section": True,
    "localities": [
        {
            "code": "north",
            "name": "Northgate",
            "branches": [{"code": "north-central", "name": "Northgate Central Library"}],
        },
        {
            "code": "river",
            "name": "Riverside",
            "branches": [{"code": "river-mill", "name": "Mill Lane Library"}],
        },
    ],
    "pages": [
        {
            "id": "use",
            "title": "Using the library",
            "questions": [
                {
                    "id": "visits",
                    "type": "single_choice",
                    "text": "How often do you visit?",
                    "options": [
                        {"value": "weekly", "label": "Every week"},
                        {"value": "monthly", "label": "Every month"},
                        {"value": "never", "label": "I do not visit"},
                    ],
                    "other": {"label": "Something else"},
                }
            ],
        },
        {
            "id": "why_not",
            "title": "Why you do not visit",
            "show_if": {"question": "visits", "equals": "never"},
            "questions": [
                {"id": "barrier", "type": "long_text", "text": "What stops you visiting?", "max_length": 100}
            ],
        },
        {
            "id": "details",
            "title": "Your library",
            "show_if": {"question": "visits", "any_of": ["weekly", "monthly", "other"]},
            "questions": [
                {
                    "id": "services",
                    "type": "multiple_choice",
                    "text": "Which services do you use?",
                    "options": [
                        {"value": "books", "label": "Borrowing books"},
                        {"value": "computers", "label": "Computers and Wi-Fi"},
                        {"value": "none", "label": "None of these", "exclusive": True},
                    ],
                },
                {"id": "branch", "type": "branch", "text": "Which library do you use most?"},
                {"id": "hours", "type": "likert", "text": "The opening hours suit me", "required": False},
            ],
        },
        {
            "id": "views",
            "title": "Your views",
            "questions": [
                {
                    "id": "agree",
                    "type": "grid",
                    "text": "How much do you agree?",
                    "statements": [
                        {"id": "welcoming", "text": "The library is welcoming"},
                        {"id": "quiet", "text": "There is enough quiet space"},
                    ],
                },
                {
                    "id": "priorities",
                    "type": "ranking",
                    "text": "What matters most?",
                    "top_n": 2,
                    "options": [
                        {"value": "hours", "label": "Longer opening hours"},
                        {"value": "events", "label": "More events"},
                        {"value": "stock", "label": "More books"},
                    ],
                },
                {
                    "id": "idea",
                    "type": "long_text",
                    "text": "What one thing would you change?",
                    "max_length": 200,
                },
                {
                    "id": "computer_help",
                    "type": "short_text",
                    "text": "What help with computers would you like?",
                    "required": False,
                    "show_if": {"question": "services", "equals": "computers"},
                },
            ],
        },
        {
            "id": "about",
            "title": "A little about you",
            "questions": [
                {
                    "id": "household",
                    "type": "number",
                    "text": "How many people live in your home?",
                    "min": 1,
                    "max": 20,
                    "required": False,
                },
                {
                    "id": "joined",
                    "type": "date",
                    "text": "When did you join the library?",
                    "required": False,
                    "latest": "2026-12-31",
                },
                {"id": "area", "type": "locality", "text": "Where do you live?"},
                {
                    "id": "email",
                    "type": "short_text",
                    "text": "Email address for updates",
                    "required": False,
                    "kiosk": "skip",
                },
            ],
        },
        {
            "id": "final",
            "title": "Anything else",
            "show_if": {
                "all": [
                    {"question": "idea", "not_answered": True},
                    {"any": [{"question": "visits", "equals": "weekly"}]},
                ]
            },
            "questions": [
                {"id": "anything", "type": "long_text", "text": "Anything else?", "required": False}
            ],
        },
    ],
}


@pytest.fixture
def survey_definition() -> dict[str, Any]:
    return copy.deepcopy(SURVEY)


@pytest.fixture
def publish_survey(app: Flask) -> Callable[..., Survey]:
    def publish(data: dict[str, Any] | None = None) -> Survey:
        with app.app_context():
            session = db()
            version = services.save_definition(session, copy.deepcopy(data or SURVEY), clock.now())
            services.publish(session, version.survey, clock.now())
            session.commit()
            survey = version.survey
            session.expunge_all()
            return survey

    return publish


# The test survey's text in Welsh: every page, question, option and statement, so a
# resident can answer it wholly in Welsh (ids, values and routing are the English one's).
WELSH: dict[str, Any] = {
    "title": "Arolwg llyfrgell prawf",
    "purpose": "Dywedwch wrthym sut rydych yn defnyddio eich llyfrgell.",
    "what_happens": "Mae swyddogion yn darllen pob ateb.",
    "localities": {"north": "Gogledd-dre", "river": "Glan yr Afon"},
    "branches": {"north-central": "Llyfrgell Ganolog Gogledd-dre", "river-mill": "Llyfrgell Lôn y Felin"},
    "pages": {
        "use": {"title": "Defnyddio'r llyfrgell"},
        "why_not": {"title": "Pam nad ydych yn ymweld"},
        "details": {"title": "Eich llyfrgell"},
        "views": {"title": "Eich barn"},
        "about": {"title": "Ychydig amdanoch chi"},
        "final": {"title": "Unrhyw beth arall"},
    },
    "questions": {
        "visits": {
            "text": "Pa mor aml ydych chi'n ymweld?",
            "other": "Rhywbeth arall",
            "options": {"weekly": "Bob wythnos", "monthly": "Bob mis", "never": "Nid wyf yn ymweld"},
        },
        "barrier": {"text": "Beth sy'n eich atal rhag ymweld?"},
        "services": {
            "text": "Pa wasanaethau ydych chi'n eu defnyddio?",
            "options": {
                "books": "Benthyg llyfrau",
                "computers": "Cyfrifiaduron a Wi-Fi",
                "none": "Dim un o'r rhain",
            },
        },
        "branch": {"text": "Pa lyfrgell ydych chi'n ei defnyddio fwyaf?"},
        "hours": {"text": "Mae'r oriau agor yn addas i mi"},
        "agree": {
            "text": "I ba raddau ydych chi'n cytuno?",
            "statements": {"welcoming": "Mae'r llyfrgell yn groesawgar", "quiet": "Mae digon o le tawel"},
        },
        "priorities": {
            "text": "Beth sydd bwysicaf?",
            "options": {
                "hours": "Oriau agor hirach",
                "events": "Mwy o ddigwyddiadau",
                "stock": "Mwy o lyfrau",
            },
        },
        "idea": {"text": "Pa un peth fyddech chi'n ei newid?"},
        "computer_help": {"text": "Pa help gyda chyfrifiaduron yr hoffech ei gael?"},
        "household": {"text": "Faint o bobl sy'n byw yn eich cartref?"},
        "joined": {"text": "Pryd wnaethoch chi ymuno â'r llyfrgell?"},
        "area": {"text": "Ble rydych chi'n byw?"},
        "email": {"text": "Cyfeiriad e-bost ar gyfer diweddariadau"},
        "anything": {"text": "Unrhyw beth arall?"},
    },
}


@pytest.fixture
def publish_bilingual(publish_survey: Callable[..., Survey]) -> Callable[[], Survey]:
    """Publish the test survey in English and Welsh."""

    def publish() -> Survey:
        data = copy.deepcopy(SURVEY)
        data["translations"] = {"cy": copy.deepcopy(WELSH)}
        return publish_survey(data)

    return publish

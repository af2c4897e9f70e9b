"""Fixtures for the survey builder tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from engage.accounts.models import Role, StaffUser
from engage.builder.views import bp
from engage.platform.database import db
from engage.platform.models import AuditEvent
from surveys import services
from surveys.models import Survey, SurveyVersion
from tests.support.pages import Page, PageClient

FIRST_QUESTION = "what_would_you_like_to_tell_us"


@pytest.fixture(autouse=True)
def builder_registered(app: Flask) -> Flask:
    """Register the blueprint until the application factory does (before any request)."""
    if "builder" not in app.blueprints:
        app.register_blueprint(bp)
    return app


@pytest.fixture
def officer(signed_in: Callable[[Role], StaffUser]) -> StaffUser:
    return signed_in(Role.OFFICER)


def create_survey(
    client: PageClient,
    title: str = "Library opening hours",
    slug: str = "opening-hours",
    purpose: str = "Tell us.",
    expected_status: int = 200,
) -> Page:
    page = client.get("/staff/surveys/new")
    data = {"title": title, "slug": slug, "purpose": purpose}
    return client.submit(page, data, expected_status=expected_status)


@pytest.fixture
def draft(client: PageClient, officer: StaffUser) -> str:
    """A new draft survey made through the form; returns its slug."""
    page = create_survey(client)
    assert page.h1 == "Library opening hours", page.error_summary()
    return "opening-hours"


def publish(client: PageClient, slug: str, reason: str = "Testing the builder") -> Page:
    """Publish through the checklist, saying why when a check is not done; the survey's page."""
    checklist = client.get(f"/staff/surveys/{slug}/publish")
    data = {"reason": reason} if checklist.soup.select_one("textarea[name=reason]") else {}
    return client.submit(checklist, data)


def latest(app: Flask, slug: str) -> SurveyVersion:
    with app.app_context():
        survey = services.get_survey(db(), slug)
        assert survey is not None
        version = survey.latest
        db().expunge_all()
        return version


def definition(app: Flask, slug: str) -> dict[str, Any]:
    return latest(app, slug).definition


def versions(app: Flask, slug: str) -> list[tuple[int, str, dict[str, Any]]]:
    with app.app_context():
        survey = db().scalar(select(Survey).where(Survey.slug == slug))
        assert survey is not None
        return [(v.number, v.status, v.definition) for v in survey.versions]


def audit_actions(app: Flask) -> list[str]:
    with app.app_context():
        return [e.action for e in db().scalars(select(AuditEvent).order_by(AuditEvent.id))]


def audit_rows(app: Flask, action: str) -> list[AuditEvent]:
    with app.app_context():
        rows = list(db().scalars(select(AuditEvent).where(AuditEvent.action == action)))
        db().expunge_all()
        return rows


def question_form(client: PageClient, slug: str, page_id: str, kind: str) -> Page:
    chooser = client.get(f"/staff/surveys/{slug}/pages/{page_id}/questions/new")
    assert chooser.h1 == "What type of question is it?"
    assert chooser.form()["method"] == "get"
    assert chooser.soup.select_one(f"input[name=type][value={kind}]")
    return client.get(f"/staff/surveys/{slug}/pages/{page_id}/questions/new?type={kind}")


def add_question(
    client: PageClient, slug: str, page_id: str, kind: str, data: dict[str, Any], expected_status: int = 200
) -> Page:
    return client.submit(question_form(client, slug, page_id, kind), data, expected_status=expected_status)


def survey_with_choice(client: PageClient, draft: str) -> None:
    client.submit(
        client.get(f"/staff/surveys/{draft}/localities"), {"localities": "North: Central\nSouth: Mill"}
    )
    client.submit(
        client.get(f"/staff/surveys/{draft}/questions/{FIRST_QUESTION}?type=single_choice"),
        {"text": "How often do you visit?", "options": "Every week\nEvery month\nNever"},
    )
    add_question(client, draft, "your_views", "number", {"text": "How many books?"})
    add_question(client, draft, "your_views", "locality", {"text": "Where do you live?"})

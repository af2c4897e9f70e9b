"""Kiosk helpers: the offline API, the bundle, stored rows, and the kiosk's example answers."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.test import TestResponse

from engage.platform import clock
from engage.platform.database import db
from surveys import services
from surveys.models import Response
from tests.support.pages import PageClient
from tests.support.themes import EXAMPLE

HEADERS = {"X-Engage-Kiosk": "1"}


def api(client: PageClient, url: str, data: Any, headers: dict[str, str] | None = None) -> TestResponse:
    return client.client.post(url, json=data, headers=HEADERS if headers is None else headers)


def pairs(answers: dict[str, str | list[str]]) -> list[list[str]]:
    out: list[list[str]] = []
    for name, value in answers.items():
        for item in value if isinstance(value, list) else [value]:
            out.append([name, item])
    return out


def all_pages(bundle: dict[str, Any]) -> dict[str, list[list[str]]]:
    """Every page's fields as the runner would send them (pages routing skips are ignored)."""
    return {page["id"]: pairs(ANSWERS.get(page["id"], {})) for page in bundle["pages"]}


def get_bundle(tablet: PageClient) -> dict[str, Any]:
    response = tablet.client.get("/kiosk/run/library-co-design/bundle.json")
    assert response.status_code == 200
    data: dict[str, Any] = response.get_json()
    return data


def rows(app: Flask) -> list[Response]:
    with app.app_context():
        found = list(db().scalars(select(Response).order_by(Response.id)))
        for response in found:
            _ = response.submission
        db().expunge_all()
        return found


@pytest.fixture
def keeps_unfinished(app: Flask, example_survey: str) -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    with app.app_context():
        survey = services.get_survey(db(), example_survey)
        assert survey is not None and survey.published is not None
        changed = copy.deepcopy(survey.published.definition)
        changed["kiosk_unfinished"] = "keep"
        assert changed["slug"] == data["slug"]
        version = services.save_definition(db(), changed, clock.now())
        services.publish(db(), version.survey, clock.now())
        db().commit()


ANSWERS: dict[str, dict[str, str | list[str]]] = {
    "visiting": {"visit_frequency": "never"},
    "not_visiting": {"why_not": ["opening_hours"]},
    "priorities": {
        "priority_rank.1": "learning_skills",
        "priority_rank.2": "health_wellbeing",
        "priority_rank.3": "culture_creativity",
        **{f"library_statements.{s}": "agree" for s in
           ("welcoming", "opening_hours", "children", "heritage", "community_space")},
    },
    "ideas": {"one_change": "Open later on Thursdays", "volunteering": "no"},
    "about_you": {"home_locality": "northgate"},
}  # fmt: skip

"""A resident's page loads a survey's published version alone, never every version."""

from __future__ import annotations

import copy
import json

from flask import Flask

from engage.platform import clock
from engage.platform.config import PROJECT_ROOT
from engage.platform.database import db
from surveys import listing, services
from surveys.models import VersionStatus

EXAMPLE = json.loads((PROJECT_ROOT / "examples" / "surveys" / "library-co-design.json").read_text("utf-8"))


def _published_three_times(app: Flask) -> str:
    with app.app_context():
        for n in (1, 2, 3):
            data = copy.deepcopy(EXAMPLE)
            data["title"] = f"Shaping your library, version {n}"
            survey = services.save_definition(db(), data, clock.now()).survey
            services.publish(db(), survey, clock.now())
            db().commit()
        return survey.slug


def test_the_published_version_is_loaded_alone(app: Flask) -> None:
    slug = _published_three_times(app)
    with app.app_context():
        survey = services.get_survey(db(), slug)
        assert survey is not None
        assert survey.published is not None and survey.published.number == 3
        assert "versions" not in survey.__dict__, "the other versions were not loaded"
    with app.app_context():  # the consultation hub lists every survey
        (entry,) = listing.consultations(db(), clock.now())
        assert entry.definition.title == "Shaping your library, version 3"
        survey = services.get_survey(db(), slug)  # the same object the hub loaded
        assert survey is not None and "versions" not in survey.__dict__


def test_a_version_published_in_the_same_session_is_seen_at_once(app: Flask) -> None:
    slug = _published_three_times(app)
    with app.app_context():
        survey = services.get_survey(db(), slug)
        assert survey is not None and survey.published_version is not None
        assert survey.published_version.number == 3  # loaded before the next is published
        data = copy.deepcopy(EXAMPLE)
        data["title"] = "Shaping your library, version 4"
        services.save_definition(db(), data, clock.now())
        services.publish(db(), survey, clock.now())
        assert survey.published is not None and survey.published.number == 4
        assert survey.published_version is not None and survey.published_version.number == 4
        statuses = [v.status for v in survey.versions]
        assert statuses == [VersionStatus.SUPERSEDED] * 3 + [VersionStatus.PUBLISHED]


def test_a_survey_with_only_a_draft_has_no_published_version(app: Flask) -> None:
    with app.app_context():
        slug = services.save_definition(db(), copy.deepcopy(EXAMPLE), clock.now()).survey.slug
        db().commit()
    with app.app_context():
        survey = services.get_survey(db(), slug)
        assert survey is not None and survey.published is None
        assert listing.consultations(db(), clock.now()) == []


def test_a_residents_page_shows_the_latest_published_version(app: Flask) -> None:
    slug = _published_three_times(app)
    page = app.test_client().get(f"/s/{slug}", follow_redirects=True)
    assert page.status_code == 200
    assert "Shaping your library, version 3" in page.get_data(as_text=True)

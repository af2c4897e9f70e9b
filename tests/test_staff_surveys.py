"""The one rule for loading a staff page's survey (engage.staff.surveys)."""

from __future__ import annotations

import copy
import json

import pytest
from flask import Flask
from werkzeug.exceptions import NotFound

from engage.platform import clock
from engage.platform.config import PROJECT_ROOT
from engage.platform.database import db
from engage.staff.surveys import submitted_response_or_404, survey_or_404
from surveys import services
from surveys.models import ResponseStatus

EXAMPLE = json.loads((PROJECT_ROOT / "examples" / "surveys" / "library-co-design.json").read_text("utf-8"))


def test_unknown_draft_and_published_surveys(app: Flask) -> None:
    with app.test_request_context():
        draft = copy.deepcopy(EXAMPLE)
        survey = services.save_definition(db(), draft, clock.now()).survey
        db().commit()
        slug = survey.slug
        with pytest.raises(NotFound):
            survey_or_404("no-such-survey")
        assert survey_or_404(slug).id == survey.id  # the builder and responses open drafts
        with pytest.raises(NotFound):
            survey_or_404(slug, published=True)  # themes, reports, "You said, we did" do not
        services.publish(db(), survey, clock.now())
        db().commit()
        assert survey_or_404(slug, published=True).id == survey.id


def test_only_a_submitted_response_of_the_survey_is_found(app: Flask) -> None:
    with app.test_request_context():
        survey = services.save_definition(db(), copy.deepcopy(EXAMPLE), clock.now()).survey
        version = services.publish(db(), survey, clock.now())
        started = services.start_response(db(), version, clock.now())
        db().commit()
        public_id = started.response.public_id
        for unknown in ("no-such-response", public_id):  # the second is still being answered
            with pytest.raises(NotFound):
                submitted_response_or_404(survey, unknown)
        started.response.status = ResponseStatus.SUBMITTED
        db().commit()
        assert submitted_response_or_404(survey, public_id).id == started.response.id

"""Service level: the builder's changes check the definition, name the officer in their
audit row and refuse what cannot be saved or published (no pages, one app context)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from engage.accounts.models import Role, StaffUser
from engage.builder import editing
from engage.builder import services as builder
from engage.platform.database import db
from engage.platform.models import AuditEvent

NOW = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def officer_id(make_staff: Callable[..., StaffUser]) -> int:
    return make_staff(Role.OFFICER).id


def _officer(officer_id: int) -> StaffUser:
    by = db().get(StaffUser, officer_id)
    assert by is not None
    return by


def _audit(action: str) -> AuditEvent:
    return db().scalars(select(AuditEvent).where(AuditEvent.action == action)).one()


def test_each_change_is_audited_as_the_officer_who_made_it(app: Flask, officer_id: int) -> None:
    with app.app_context():
        by = _officer(officer_id)
        survey = builder.create(db(), "spring-views", "Spring views", "What you think.", by=by, now=NOW)
        data = editing.duplicate(builder.latest(survey), "spring-views", "Spring views, 2027")
        saved = builder.save_draft(
            db(), survey, data, action="survey.details_updated", summary="Renamed", by=by, now=NOW
        )
        assert saved.kept is None  # nothing was published yet: the draft itself changed
        assert builder.publish(db(), survey, by=by, now=NOW) is not None
        assert builder.publish(db(), survey, by=by, now=NOW) is None  # no draft left
        again = builder.save_draft(
            db(), survey, data, action="survey.page_added", summary="Again", by=by, now=NOW
        )
        # After publishing, a change is a new draft and the published version is kept.
        assert (again.version.number, again.kept.number if again.kept else None) == (2, 1)
        copy = builder.duplicate(db(), survey, "spring-copy", "Copy", by=by, now=NOW)
        assert copy.slug == "spring-copy"
        db().commit()
        for action in ("survey.created", "survey.details_updated", "survey.published", "survey.duplicated"):
            assert _audit(action).actor_id == officer_id, action
        assert "version 1" in _audit("survey.details_updated").summary
        assert "version 2" in _audit("survey.page_added").summary


def test_a_definition_that_does_not_validate_is_refused_in_the_officers_words(
    app: Flask, officer_id: int
) -> None:
    with app.app_context():
        by = _officer(officer_id)
        survey = builder.create(db(), "autumn", "Autumn", "Why.", by=by, now=NOW)
        broken = editing.duplicate(builder.latest(survey), "autumn", "")
        with pytest.raises(builder.DraftError) as refused:
            builder.save_draft(
                db(), survey, broken, action="survey.details_updated", summary="x", by=by, now=NOW
            )
        assert refused.value.problems and all(isinstance(p, str) for p in refused.value.problems)
        assert builder.problems_in(broken) == refused.value.problems
        assert builder.problems_in(broken.to_data()) == refused.value.problems
        # Not open yet (never published): there is nothing to close.
        assert builder.close(db(), survey, by=by, now=NOW) is False

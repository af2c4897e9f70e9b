"""The one way a staff page loads the survey it is about, with one 404 rule."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from engage.platform.database import db
from surveys import services
from surveys.models import Response, ResponseStatus, Survey

__all__ = ["submitted_response_or_404", "survey_or_404"]


def survey_or_404(slug: str, *, published: bool = False) -> Survey:
    """The survey at ``slug``: 404 when there is none (or it has no version at all).

    With ``published=True``, also 404 when it has never been published: its answers,
    themes, reports and "You said, we did" page exist only once residents can answer it.
    """
    survey = services.get_survey(db(), slug)
    if survey is None or not survey.versions:
        abort(404)
    if published and survey.published is None:
        abort(404)
    return survey


def submitted_response_or_404(survey: Survey, public_id: str) -> Response:
    """One submitted response of ``survey`` by its public id: 404 for an unknown id, a
    response of another survey, or one still being answered."""
    response = db().scalar(
        select(Response).where(Response.survey_id == survey.id, Response.public_id == public_id)
    )
    if response is None or response.status != ResponseStatus.SUBMITTED:
        abort(404)
    return response

"""The one way a staff page loads the survey it is about, with one 404 rule."""

from __future__ import annotations

from flask import abort

from engage.database import db
from surveys import services
from surveys.models import Survey

__all__ = ["survey_or_404"]


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

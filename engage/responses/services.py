"""Staff changes to responses: starting to type in a paper or event questionnaire."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engage.accounts.models import StaffUser
from engage.platform import audit
from surveys import services as surveys
from surveys.models import Survey, SurveyVersion


def start_paper_entry(
    session: Session,
    survey: Survey,
    version: SurveyVersion,
    *,
    channel: str,
    branch: str | None,
    by: StaffUser,
    now: datetime,
    language: str | None = None,
) -> surveys.StartedResponse:
    """A response typed in by ``by`` from a questionnaire filled in on paper or at an event
    (``channel``), handed in at ``branch`` if known; audited."""
    started = surveys.start_response(
        session,
        version,
        now,
        channel=channel,
        branch_code=branch or None,
        entered_by_id=by.id,
        language=language,
    )
    audit.record(
        session,
        "response.paper_started",
        object_type="survey",
        object_id=survey.id,
        summary=f"Started entering a {channel} questionnaire for {survey.slug}",
        details={
            "response": started.response.public_id,
            "branch": branch or None,
            "language": started.response.language,
        },
        actor=by,
    )
    return started

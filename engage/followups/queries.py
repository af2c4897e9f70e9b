"""Reading follow-ups: what other features may ask without changing anything.

The "You said, we did" editor shows how many residents will hear when it is published.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engage.followups.models import FollowUp
from surveys.models import Survey


def waiting(session: Session, survey: Survey) -> int:
    """How many residents will hear when the page is published (confirmed addresses)."""
    return int(
        session.scalar(
            select(func.count(FollowUp.id)).where(
                FollowUp.survey_id == survey.id, FollowUp.confirmed_at.is_not(None)
            )
        )
        or 0
    )

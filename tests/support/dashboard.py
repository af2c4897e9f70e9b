"""A service with something of every kind the staff dashboard counts, at a known moment.

``seed`` runs with the clock at :data:`NOW` (a Tuesday, 9am in London, GMT) and makes:

* ``mine-open``, created by the officer: open, closes on Saturday 28 November 2026 (closing
  soon); three responses submitted yesterday, two today and one unfinished; a theme
  analysis of two themes, one of them reviewed; no "You said, we did" page;
* ``mine-draft``, created by the officer, never published;
* ``theirs-closed``, created by someone else: closed on 20 November, one response, no page;
* ``theirs-later``: opens on 10 December 2026;
* ``theirs-done``: closed, and its "You said, we did" page is published;
* actions: one overdue, one due within 14 days, one due later, one done (overdue date),
  one with no date;
* a forum with two people on its waiting list and one member.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask

from engage.accounts import services as accounts
from engage.accounts.models import Role
from engage.actions.models import Action, Priority, Publication
from engage.forums.models import Forum, ForumMember, MemberStatus
from engage.platform import clock
from engage.platform.database import db
from engage.themes.models import AnalysisStatus, ThemeAnalysis
from surveys import services
from surveys.models import Survey
from tests.conftest import PASSWORD

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

DEFINITION: dict[str, Any] = {
    "schema_version": 1,
    "slug": "x",
    "title": "x",
    "purpose": "Tell us how you use your library.",
    "pages": [
        {
            "id": "one",
            "title": "Your views",
            "questions": [{"id": "idea", "type": "long_text", "text": "What would you change?"}],
        }
    ],
}


def _survey(slug: str, title: str, by: int | None, *, publish: bool = True, **dates: str) -> Survey:
    data = copy.deepcopy(DEFINITION) | {"slug": slug, "title": title, **dates}
    version = services.save_definition(db(), data, clock.now(), created_by_id=by)
    if publish:
        services.publish(db(), version.survey, clock.now())
    return version.survey


def _respond(survey: Survey, when: datetime, *, submit: bool = True) -> None:
    version = survey.published
    assert version is not None
    started = services.start_response(db(), version, when)
    started.response.answers = {"idea": "Open later in the evenings"}
    if submit:
        services.submit(db(), started.response, services.definition_of(version), when)


def _analysis(survey: Survey) -> ThemeAnalysis:
    """Two themes: "Evening opening" reviewed (named, its three answers kept), "Parking" not."""
    codebook: list[dict[str, Any]] = [
        {"kind": "rename", "theme_id": "t1", "label": "Evening opening", "version": 1},
        *(
            {
                "kind": "move_answer",
                "answer_id": a,
                "theme_id": "t1",
                "review": "accepted",
                "from_theme": "t1",
                "version": 2 + n,
            }
            for n, a in enumerate(("a1", "a2", "a3"))
        ),
    ]
    return ThemeAnalysis(
        survey_id=survey.id,
        question_id="idea",
        status=AnalysisStatus.DONE,
        progress=100,
        message="",
        codebook=codebook,
        result={
            "themes": [
                {"id": "t1", "label": "Evening opening", "size": 3, "primary": 3},
                {"id": "t2", "label": "Parking", "size": 2, "primary": 2},
            ],
            "assignments": {"a1": "t1", "a2": "t1", "a3": "t1", "a4": "t2", "a5": "t2"},
            "answers": 5,
        },
        requested_at=clock.now(),
        finished_at=clock.now(),
    )


def seed(app: Flask, officer_email: str, other_email: str = "someone.else@anyshire.gov.uk") -> None:
    """Make everything above (with the clock frozen at :data:`NOW`); ``officer_email`` is
    the officer whose dashboard is read, made if missing."""
    assert clock.now() == NOW, "freeze the clock at NOW first"
    with app.app_context():
        session = db()
        ids = {}
        for email, name in ((officer_email, "Olu Officer"), (other_email, "Someone Else")):
            user = accounts.find_by_email(session, email) or accounts.create_staff(
                session, email=email, name=name, role=Role.OFFICER, password=PASSWORD
            )
            session.flush()
            ids[email] = user.id
        me, them = ids[officer_email], ids[other_email]
        mine = _survey("mine-open", "Mobile library stops", me, closes_at="2026-11-28T23:59:59Z")
        _survey("mine-draft", "Heritage open days", me, publish=False)
        closed = _survey("theirs-closed", "Archive search room", them, closes_at="2026-11-20T17:00:00Z")
        _survey("theirs-later", "Reading groups", them, opens_at="2026-12-10T09:00:00Z")
        done = _survey("theirs-done", "Study spaces", them)
        services.close(done, NOW - timedelta(days=30))
        services.close(closed, datetime(2026, 11, 20, 17, 0, tzinfo=UTC))
        session.flush()
        for hours in (20, 22, 30):
            _respond(mine, NOW - timedelta(hours=hours))  # yesterday, London time
        _respond(mine, NOW - timedelta(hours=8))  # 1am today
        _respond(mine, NOW - timedelta(minutes=5))
        _respond(mine, NOW - timedelta(minutes=1), submit=False)
        _respond(closed, datetime(2026, 11, 10, 12, 0, tzinfo=UTC))
        session.flush()
        session.add(_analysis(mine))
        session.add(Publication(survey_id=done.id, intro="", published_at=NOW, updated_at=NOW))
        priority = Priority(title="Opening hours", description="", created_at=NOW)
        session.add(priority)
        session.flush()
        for title, timescale, due_on, status in (
            ("Extend Saturday hours", "date", "2026-11-01", "agreed"),
            ("Survey evening demand", "date", "2026-12-05", "in_progress"),
            ("Open on Sundays", "date", "2027-03-01", "agreed"),
            ("Fix the clock", "date", "2026-11-02", "done"),
            ("Pilot late nights", "pilot", None, "proposed"),
        ):
            session.add(
                Action(
                    priority_id=priority.id,
                    title=title,
                    timescale=timescale,
                    due_on=due_on,
                    status=status,
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
        forum = Forum(
            slug="young-people", name="Young people's forum", purpose="Advice.", capacity=1, created_at=NOW
        )
        session.add(forum)
        session.flush()
        for n, status in enumerate((MemberStatus.ACTIVE, MemberStatus.WAITING, MemberStatus.WAITING)):
            session.add(
                ForumMember(
                    forum_id=forum.id,
                    status=status,
                    name=f"Member {n}",
                    email=f"member{n}@example.com",
                    email_key=f"member{n}@example.com",
                    organisation_type="resident",
                    localities=[],
                    interests=[],
                    channel="online",
                    created_at=NOW,
                    confirmed_at=NOW,
                    updated_at=NOW,
                )
            )
        session.commit()

"""Demo themes and action plan for ``make run``: the demo survey's free-text answers themed,
and an action plan shaped like the council's own (priorities → actions with timescales and
measures). Idempotent: nothing is duplicated on a second run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.accounts.models import StaffUser
from engage.actions import queries as action_queries
from engage.actions import services as actions
from engage.actions.models import ActionStatus, Priority
from engage.themes import queries as theme_queries
from engage.themes import services as themes
from engage.themes.models import ThemeAnalysis
from surveys import services as survey_services
from surveys.models import Survey

SLUG = "library-co-design"
Step = tuple[str, str, str, str | None]  # action, timescale, measures, a keyword to find its theme
PLAN: list[tuple[str, str, list[Step]]] = [
    (
        "Learning, literacy and a love of reading",
        "Increase libraries' and heritage's contribution to learning, from early years onwards.",
        [
            (
                "Review the children and young people's events programme and launch an enhanced offer",
                "year_1",
                "Number of events for children and young people; take-up by under 5s",
                "families",
            ),
            (
                "Every Child a Library Member: library membership from birth",
                "pilot",
                "Share of under 5s registered as members; Bookstart engagement",
                None,
            ),
        ],
    ),
    (
        "Health, wellbeing and active citizenship",
        "Libraries and heritage as places that support wellbeing and signpost help.",
        [
            (
                "Extend Making Every Contact Count signposting in every branch",
                "ongoing",
                "Number of MECC interventions",
                None,
            ),
        ],
    ),
    (
        "Digital inclusion",
        "Help people get online safely and confidently.",
        [
            (
                "Grow the Digital Helper programme with drop-in sessions in each branch",
                "year_2",
                "Sessions held; people helped; confidence before and after",
                "wifi",
            ),
        ],
    ),
]


def load_demo_actions(session: Session, now: datetime, officer: StaffUser | None) -> Iterator[str]:
    survey = survey_services.get_survey(session, SLUG)
    if survey is None:
        return
    analysis = theme_queries.get(session, survey, "one_change")
    if analysis is None:
        analysis = themes.request(session, survey, "one_change", None, now)
        session.commit()
        themes.run(analysis.id)
        yield f"Themed the answers to 'one_change': {len(analysis.snapshot.themes)} themes."
    if session.scalar(select(Priority.id).limit(1)) is not None:
        yield "Action plan already loaded."
        return
    who = officer  # the demo's plan is kept by its officer, as a real plan is by a named officer
    for title, description, steps in PLAN:
        priority = actions.add_priority(session, title, description, now, None)
        for action_title, timescale, measures, keyword in steps:
            form = actions.NewAction(
                priority_id=str(priority.id),
                title=action_title,
                lead_officer="Service Development Manager",
                timescale=timescale,
                outputs=measures,
            )
            action = actions.add_action(session, form, now, who)
            match = next(
                (
                    t
                    for t in analysis.snapshot.themes
                    if keyword and keyword in " ".join([t.label, *t.keywords]).lower()
                ),
                None,
            )
            if match is not None:
                actions.link(session, action, f"{analysis.id}:{match.id}", now, who)
                actions.change_status(session, action, ActionStatus.AGREED, "", now, who)
    session.commit()
    yield "Loaded the demo action plan (3 priorities, 4 actions)."


INTRO = (
    "Thank you to everyone who told us what would improve their library. This is an interim "
    "update: officers have checked the themes below and linked them to the actions in our plan."
)


def load_demo_publication(session: Session, now: datetime, officer: StaffUser | None) -> Iterator[str]:
    """Close the loop in the demo: the officer reviews the themes the plan's actions answer
    and publishes "You said, we did" as an interim update while the survey is open."""
    survey = survey_services.get_survey(session, SLUG)
    analysis = theme_queries.get(session, survey, "one_change") if survey is not None else None
    if survey is None or analysis is None or officer is None:
        return
    if actions.publication(session, survey) is not None:
        yield '"You said, we did" already published.'
        return
    reviewed = review_and_publish(
        session,
        survey,
        analysis,
        officer,
        now,
        INTRO,
        open_reason="An interim update for the library committee while the survey is open.",
    )
    session.commit()
    yield f'Reviewed {reviewed} themes and published "You said, we did" for the demo survey.'


def review_and_publish(
    session: Session,
    survey: Survey,
    analysis: ThemeAnalysis,
    officer: StaffUser,
    now: datetime,
    intro: str,
    open_reason: str = "",
) -> int:
    """As an officer would: review each theme an action answers (confirm its name, check a
    sample of its answers, accept the support and opposition sentences, show two quotes),
    then publish "You said, we did". Returns how many themes were reviewed."""
    linked = [
        t for t in analysis.snapshot.themes if action_queries.actions_for_theme(session, analysis, t.id)
    ]
    for theme in linked:
        themes.rename(session, analysis, theme.id, theme.label, by=officer, now=now)
        for answer in theme_queries.review_queue(analysis, theme.id)[
            : theme_queries.review_sample(theme.primary)
        ]:
            themes.review_answer(session, analysis, theme.id, answer, "accept", by=officer, now=now)
        reviewed = analysis.theme(theme.id)
        if reviewed is None:
            continue
        themes.set_statements(session, analysis, theme.id, *reviewed.statements, by=officer, now=now)
        for quote in theme_queries.shown_quotes(reviewed)[:2]:
            themes.review_quote(
                session, analysis, theme.id, theme_queries.quote_key(quote), True, officer, now
            )
    actions.save_publication(session, survey, intro, True, now, officer, open_reason=open_reason)
    return len(linked)

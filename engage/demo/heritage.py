"""A closed consultation for the demo, so a newcomer sees the whole loop from the home page:
residents answered, officers themed and reviewed the answers, the plan's actions answer the
themes (one done, one in progress, one agreed) and "You said, we did" is published.

Made through the same services as real ones and seeded, so every run gives the same demo;
idempotent, so a second run changes nothing.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.accounts.models import StaffUser
from engage.actions import services as actions
from engage.actions.models import ActionStatus, Priority
from engage.demo.actions import review_and_publish
from engage.demo.surveys import answer_and_send
from engage.platform.config import PROJECT_ROOT
from engage.themes import queries as theme_queries
from engage.themes import services as themes
from engage.themes.snapshot import SnapshotTheme
from surveys import services
from surveys.models import Survey, SurveyVersion

EXAMPLE = PROJECT_ROOT / "examples" / "surveys" / "archives-and-local-history.json"
QUESTION = "heritage_change"
RESPONSES = 160
OPENED_DAYS_AGO = 110
CLOSED_DAYS_AGO = 47

# What people asked for, each said several ways, as residents would.
WISHES = [
    [
        "put the parish records and old photographs online so we can search them from home",
        "digitise the old maps and photos, I can't get to the archive in opening hours",
        "an online catalogue of the collections that is easy to search",
        "scan the newspapers and the parish registers and put them on the website",
    ],
    [
        "open the searchroom on Saturdays, it's only open when I'm at work",
        "longer opening hours at the archive, two days a week is not enough",
        "evening opening at the heritage centre for people who work",
    ],
    [
        "workshops for school children about the history of the valley",
        "family history days with activities for kids in the school holidays",
        "hands-on sessions for schools with real objects from the collection",
    ],
    [
        "more exhibitions in the library foyer that change every few months",
        "talks by local historians in the evenings",
        "heritage open days with tours of the stores",
    ],
    [
        "record older residents' memories before their stories are lost",
        "let volunteers help catalogue the collections, I'd love to help",
        "an oral history project with the mills' former workers",
    ],
    [
        "I didn't know the archive was open to the public, advertise it more",
        "better signs to the heritage centre, it's hard to find",
        "post old photos on social media, people love them and would visit",
    ],
]
OPENERS = ["", "", "", "Honestly, ", "As a retired teacher, ", "As a family historian, ", "Please "]
CLOSERS = ["", "", " Thank you.", " It matters to us.", " 👍"]
SHORT = ["no", "n/a", "not sure", "more online", "keep it open"]

PRIORITY = (
    "Heritage and local history",
    "Open up the county's archive and local history collections to more people.",
)
# (action, timescale, measures, words that find the theme it answers, where it has got to)
PLAN = [
    (
        "Heritage workshops for schools and families in every school holiday",
        "year_1",
        "Workshops held; children and families taking part",
        ("school", "children", "famil", "kids"),
        [ActionStatus.AGREED, ActionStatus.IN_PROGRESS, ActionStatus.DONE],
    ),
    (
        "Digitise the parish records and photograph collection and put them online",
        "year_2",
        "Records and photographs online; searches each month",
        ("online", "digitis", "parish", "register", "newspaper", "photo", "scan"),
        [ActionStatus.AGREED, ActionStatus.IN_PROGRESS],
    ),
    (
        "Open the archive searchroom on Saturday mornings",
        "pilot",
        "Visits on Saturdays; new readers registered",
        ("saturday", "searchroom", "opening", "hours"),
        [ActionStatus.AGREED],
    ),
]
INTRO = (
    "Thank you to the 160 people who told us how they use Anyshire's archive and local history "
    "services. Officers checked every theme below and linked each to an action in our plan; this "
    "page shows where each action has got to."
)


def _comment(rng: random.Random) -> str:
    if rng.random() < 0.05:
        return rng.choice(SHORT)
    first, *rest = rng.sample(range(len(WISHES)), 2)
    text = rng.choice(OPENERS) + rng.choice(WISHES[first])
    if rng.random() < 0.35:
        text += ". Also " + rng.choice(WISHES[rest[0]])
    return text[0].upper() + text[1:] + "." + rng.choice(CLOSERS)


def _respond(session: Session, version: SurveyVersion, rng: random.Random, when: datetime) -> None:
    definition = services.definition_of(version)
    channel = rng.choices(["online", "paper", "event"], weights=[70, 20, 10])[0]
    started = services.start_response(
        session, version, when - timedelta(minutes=rng.randint(3, 12)), channel=channel
    )
    answers = {
        "last_heritage_visit": rng.choices(
            ["last_month", "last_year", "longer", "never"], weights=[3, 4, 3, 1]
        )[0],
        QUESTION: _comment(rng),
    }
    if rng.random() < 0.85:
        answers["home_area"] = rng.choices([loc.code for loc in definition.localities], weights=[50, 50])[0]
    answer_and_send(session, definition, started.response, when, lambda _page, q: answers.get(q.id))


def _load_survey(session: Session, now: datetime) -> Iterator[str]:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    survey = services.get_survey(session, data["slug"])
    if survey is not None and survey.published is not None:
        return
    opened = now - timedelta(days=OPENED_DAYS_AGO)
    closed = now - timedelta(days=CLOSED_DAYS_AGO)
    version = services.save_definition(session, data, opened)
    services.publish(session, version.survey, opened)
    rng = random.Random(20261204)  # noqa: S311 - demo data, seeded on purpose
    span = (closed - opened).total_seconds() - 3600
    for n in range(RESPONSES):
        _respond(
            session, version, rng, opened + timedelta(seconds=span * n / RESPONSES + rng.randint(0, 3000))
        )
    services.close(version.survey, closed)
    session.commit()
    yield f"Loaded the closed consultation {data['slug']} with {RESPONSES} responses."


def _best_theme(found: Sequence[SnapshotTheme], words: Sequence[str]) -> SnapshotTheme | None:
    """The theme whose name (counted twice) and top keywords share most of ``words``."""

    def score(theme: SnapshotTheme) -> int:
        label, keywords = theme.label.lower(), " ".join(theme.keywords[:5]).lower()
        return sum(2 * (word in label) + (word in keywords) for word in words)

    best = max(found, key=score, default=None)
    return best if best is not None and score(best) > 0 else None


def _load_plan(session: Session, survey: Survey, now: datetime, officer: StaffUser) -> Iterator[str]:
    analysis = theme_queries.get(session, survey, QUESTION)
    if analysis is None:
        analysis = themes.request(session, survey, QUESTION, None, now - timedelta(days=CLOSED_DAYS_AGO - 2))
        session.commit()
        themes.run(analysis.id)
        session.refresh(analysis)
        yield f"Themed the answers to '{QUESTION}': {len(analysis.snapshot.themes)} themes."
    if session.scalar(select(Priority.id).where(Priority.title == PRIORITY[0])) is not None:
        return
    priority = actions.add_priority(session, *PRIORITY, now - timedelta(days=40), officer)
    for title, timescale, measures, words, statuses in PLAN:
        action = actions.add_action(
            session,
            actions.NewAction(
                priority_id=str(priority.id),
                title=title,
                lead_officer="County Archivist",
                timescale=timescale,
                outputs=measures,
            ),
            now - timedelta(days=40),
            officer,
        )
        theme = _best_theme(analysis.snapshot.themes, words)
        if theme is not None:
            actions.link(session, action, f"{analysis.id}:{theme.id}", now - timedelta(days=40), officer)
        for step, status in enumerate(statuses):
            when = now - timedelta(days=38 - 15 * step)
            actions.change_status(session, action, status, "", when, officer)
    session.commit()
    yield f"Loaded the heritage action plan ({len(PLAN)} actions: one done, one in progress, one agreed)."


def load_demo_closed_consultation(
    session: Session, now: datetime, officer: StaffUser | None
) -> Iterator[str]:
    """The closed consultation, its themes, its part of the plan and its published results."""
    yield from _load_survey(session, now)
    survey = services.get_survey(session, EXAMPLE.stem)
    if survey is None or officer is None:
        return
    yield from _load_plan(session, survey, now, officer)
    analysis = theme_queries.get(session, survey, QUESTION)
    if analysis is None or actions.publication(session, survey) is not None:
        yield f'"You said, we did" for {survey.slug} already published.'
        return
    reviewed = review_and_publish(session, survey, analysis, officer, now - timedelta(days=10), INTRO)
    session.commit()
    yield f'Reviewed {reviewed} themes and published "You said, we did" for the closed consultation.'

"""Demo forums for ``make run``: the strategy's external cultural forum and steering group.

Members are realistic but invented (example.org addresses). Idempotent: forums are
found by slug and members by email, so running it again adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.forums import services
from engage.forums.models import Forum, ForumMeeting

FORUMS: list[dict[str, Any]] = [
    {
        "slug": "cultural-forum",
        "name": "External Cultural Forum",
        "purpose": (
            "Community groups, artists, heritage volunteers and partners meet four times a year to shape "
            "how Northgate and Riverside Valley libraries support culture and creativity.\n"
            "Members hear what residents said in consultations, help decide priorities for the "
            "action plan, and check that what was promised is being done."
        ),
        "localities": ["Northgate", "Riverside Valley"],
        "interests": ["culture-creativity", "learning-skills", "community-cohesion", "economic-development"],
        "capacity": 40,
    },
    {
        "slug": "steering-group",
        "name": "Cross-service Steering Group",
        "purpose": (
            "Partners from health, adult learning, digital inclusion and the voluntary sector join "
            "library officers to join up services across both localities."
        ),
        "localities": ["Northgate", "Riverside Valley"],
        "interests": ["health-wellbeing", "digital-inclusion", "learning-skills"],
        "capacity": None,
    },
]

MEMBERS = [
    (
        "cultural-forum",
        "Amara Okoye",
        "amara.okoye@example.org",
        "Northgate Arts Collective",
        "Chair",
        "arts-heritage",
        ["Northgate"],
        ["culture-creativity", "community-cohesion"],
        "",
        ["membership", "updates"],
    ),
    (
        "cultural-forum",
        "Dafydd Price",
        "dafydd.price@example.org",
        "Riverside Heritage Trust",
        "Volunteer lead",
        "arts-heritage",
        ["Riverside Valley"],
        ["culture-creativity"],
        "Hearing loop please",
        ["membership"],
    ),
    (
        "cultural-forum",
        "Sofia Marin",
        "sofia.marin@example.org",
        "",
        "",
        "resident",
        ["Northgate", "Riverside Valley"],
        ["learning-skills"],
        "",
        ["membership", "updates"],
    ),
    (
        "cultural-forum",
        "Kwame Mensah",
        "kwame.mensah@example.org",
        "Mill Street Youth Project",
        "Youth worker",
        "community-group",
        ["Riverside Valley"],
        ["community-cohesion", "economic-development"],
        "",
        ["membership"],
    ),
    (
        "steering-group",
        "Helen Marsh",
        "helen.marsh@example.org",
        "Anyshire Adult Learning",
        "Curriculum manager",
        "public-body",
        ["Northgate", "Riverside Valley"],
        ["learning-skills", "digital-inclusion"],
        "",
        ["membership", "updates"],
    ),
    (
        "steering-group",
        "Raj Patel",
        "raj.patel@example.org",
        "Northgate Primary Care Network",
        "Social prescribing lead",
        "health-care",
        ["Northgate"],
        ["health-wellbeing"],
        "Step-free access",
        ["membership"],
    ),
]

PENDING = ("cultural-forum", "Lee Chambers", "lee.chambers@example.org")


def load_demo_forums(session: Session, now: datetime) -> Iterator[str]:
    retention = services.Retention()
    wording = services.current_wording(session, now)
    forums: dict[str, Forum] = {}
    created = 0
    for spec in FORUMS:
        forum = session.scalar(select(Forum).where(Forum.slug == spec["slug"]))
        if forum is None:
            forum = Forum(created_at=now, opens_on=date(now.year, 1, 1), closes_on=None, **spec)
            session.add(forum)
            session.flush()
            forum.meetings.append(
                ForumMeeting(
                    title=f"{spec['name']}: winter meeting",
                    starts_at=(now + timedelta(days=21)).replace(hour=18, minute=0, second=0, microsecond=0),
                    place="Northgate Central Library, Community Room (step-free, hearing loop)",
                    capacity=2 if spec["slug"] == "cultural-forum" else 20,
                    details="We will look at what residents said in the library co-design survey.",
                    created_at=now,
                )
            )
            created += 1
        forums[spec["slug"]] = forum
    added = 0
    for slug, name, email, organisation, role, kind, localities, interests, needs, purposes in MEMBERS:
        forum = forums[slug]
        if services.find_member(session, forum, email) is not None:
            continue
        data = services.SignUp(name, email, organisation, role, kind, localities, interests, needs, purposes)
        outcome = services.sign_up(session, forum, data, wording, now - timedelta(days=40), retention)
        services.confirm(session, outcome.member, now - timedelta(days=40), retention)
        added += 1
    slug, name, email = PENDING
    if services.find_member(session, forums[slug], email) is None:
        data = services.SignUp(
            name, email, "", "", "resident", ["Northgate"], ["culture-creativity"], "", ["membership"]
        )
        services.sign_up(session, forums[slug], data, wording, now - timedelta(days=1), retention)
        added += 1
    for forum in forums.values():
        for meeting in forum.meetings:
            if not meeting.bookings:
                for member in services.current_members(session, forum)[:2]:
                    services.book(session, meeting, member, now)
    session.commit()
    yield f"Demo forums: {created} created, {added} members added."

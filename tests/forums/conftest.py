"""Fixtures for the forum tests: a forum, and members signed up through the services."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from engage.forums import services
from engage.forums.models import Forum, ForumMember
from engage.platform import clock
from engage.platform.database import db
from engage.platform.models import OutboundEmail

LOCALITIES = ["Northbrook", "River Mill"]


@pytest.fixture
def make_forum(app: Flask) -> Callable[..., str]:
    def make(slug: str = "culture-forum", **fields: Any) -> str:
        values: dict[str, Any] = {
            "name": "Northbrook Cultural Forum",
            "purpose": "Community groups and partners help shape library and heritage services.",
            "localities": LOCALITIES,
            "interests": ["culture-creativity", "digital-inclusion", "health-wellbeing"],
            "capacity": None,
            "opens_on": date(2026, 1, 1),
            "closes_on": None,
        }
        values.update(fields)
        with app.app_context():
            db().add(Forum(slug=slug, created_at=clock.now(), **values))
            db().commit()
        return slug

    return make


def sign_up_data(**overrides: Any) -> dict[str, str | list[str]]:
    data: dict[str, str | list[str]] = {
        "name": "Priya Shah",
        "email": "priya@example.org",
        "organisation": "Northbrook Arts Collective",
        "role": "Coordinator",
        "organisation_type": "arts-heritage",
        "localities": ["Northbrook"],
        "interests": ["culture-creativity"],
        "access_needs": "Step-free access please",
        "purposes": ["membership", "updates"],
    }
    data.update(overrides)
    return data


def outbox(app: Flask, purpose: str | None = None) -> list[OutboundEmail]:
    with app.app_context():
        query = select(OutboundEmail).order_by(OutboundEmail.id)
        if purpose:
            query = query.where(OutboundEmail.purpose == purpose)
        messages = list(db().scalars(query))
        for message in messages:
            db().expunge(message)
        return messages


def link_in(message: OutboundEmail, path: str) -> str:
    """The path of the first link in ``message`` under ``path`` (e.g. /forums/confirm/)."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path)}[^\s\"<]+)", message.text_body)
    assert match, f"no {path} link in:\n{message.text_body}"
    return match.group(1)


def members(app: Flask, slug: str = "culture-forum") -> list[ForumMember]:
    with app.app_context():
        forum = db().scalar(select(Forum).where(Forum.slug == slug))
        assert forum is not None
        rows = list(db().scalars(select(ForumMember).where(ForumMember.forum_id == forum.id)))
        for row in rows:
            _ = row.consents, [c.wording for c in row.consents]
            db().expunge(row)
        return rows


@pytest.fixture
def confirmed_member(app: Flask, make_forum: Callable[..., str]) -> Callable[..., str]:
    """Sign someone up and confirm them through the services; returns a manage token."""

    def make(slug: str = "culture-forum", **overrides: Any) -> str:
        with app.app_context():
            forum = db().scalar(select(Forum).where(Forum.slug == slug))
            assert forum is not None
            data = services.SignUp(**sign_up_data(**overrides))  # type: ignore[arg-type]
            wording = services.current_wording(db(), clock.now())
            retention = services.Retention()
            outcome = services.sign_up(db(), forum, data, wording, clock.now(), retention)
            token = services.confirm(db(), outcome.member, clock.now(), retention)
            db().commit()
            return token

    return make

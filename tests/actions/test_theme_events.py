"""Service level: the action plan follows theme merges and splits through engage.platform.events,
without the themes feature importing it (no pages, one app context)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from engage.accounts.models import Role, StaffUser
from engage.actions import services as actions
from engage.actions.models import ThemeLink
from engage.platform import clock, events
from engage.platform.database import db
from engage.themes import services as themes
from engage.themes.models import ThemeAnalysis
from tests.support.actions import themed

__all__ = ["themed"]


@pytest.fixture
def officer_id(app: Flask, make_staff: Callable[..., StaffUser]) -> int:
    return make_staff(Role.OFFICER).id


def _by(officer_id: int) -> dict[str, Any]:
    return {"by": db().get(StaffUser, officer_id), "now": clock.now()}


def _action_linked_to(analysis: ThemeAnalysis, theme_ids: list[str]) -> int:
    now = clock.now()
    priority = actions.add_priority(db(), "Digital inclusion", "", now, None)
    form = actions.NewAction(priority_id=str(priority.id), title="Evening opening pilot", timescale="pilot")
    action = actions.add_action(db(), form, now, None)
    for theme_id in theme_ids:
        actions.link(db(), action, f"{analysis.id}:{theme_id}", now, None)
    db().commit()
    return action.id


def _splittable(themed: list[dict[str, object]]) -> str:
    """A theme with at least three different answers (the corpus repeats its answers)."""
    return str(next(t["id"] for t in themed if len(t["quotes"]) >= 3))  # type: ignore[arg-type]


def _links(analysis: ThemeAnalysis) -> list[str]:
    return sorted(db().scalars(select(ThemeLink.theme_id).where(ThemeLink.analysis_id == analysis.id)))


def test_a_merge_moves_the_links_to_the_theme_that_remains(
    app: Flask, themed: list[dict[str, object]], officer_id: int
) -> None:
    first, second = str(themed[0]["id"]), str(themed[1]["id"])
    with app.app_context():
        analysis = db().scalars(select(ThemeAnalysis)).one()
        _action_linked_to(analysis, [first, second])
        names = themes.merge(db(), analysis, first, second, **_by(officer_id))
        db().commit()
        assert names == (themed[0]["label"], themed[1]["label"])
        # Both links pointed at the merged pair: one link to the theme kept, no duplicate.
        assert _links(analysis) == [second]


def test_a_split_gives_every_part_the_link_and_says_how_many(
    app: Flask, themed: list[dict[str, object]], officer_id: int
) -> None:
    theme_id = _splittable(themed)
    with app.app_context():
        analysis = db().scalars(select(ThemeAnalysis)).one()
        _action_linked_to(analysis, [theme_id])
        done = themes.split(db(), analysis, theme_id, 2, **_by(officer_id))
        db().commit()
        assert done.carried == 1 and len(done.parts) == 2
        assert _links(analysis) == sorted(done.parts)


def test_without_a_receiver_a_split_carries_nothing(
    app: Flask, themed: list[dict[str, object]], officer_id: int
) -> None:
    """The themes feature only sends the event: who follows it is the receivers' business."""
    theme_id = _splittable(themed)
    with app.app_context():
        analysis = db().scalars(select(ThemeAnalysis)).one()
        _action_linked_to(analysis, [theme_id])
        receivers = dict(events.theme_split.receivers)
        events.theme_split.receivers.clear()
        try:
            done = themes.split(db(), analysis, theme_id, 2, **_by(officer_id))
        finally:
            events.theme_split.receivers.update(receivers)
        db().rollback()
        assert done.carried == 0

"""Service level: an officer's codebook edits (rename, move an answer, set a theme aside,
split) apply their own rules, whatever page calls them (no pages, one app context)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from engage.accounts.models import Role, StaffUser
from engage.platform.database import db
from engage.platform.models import AuditEvent
from engage.themes import services
from engage.themes.models import ThemeAnalysis
from engage.themes.queries import (
    Stability,
    ThemeError,
    decisions,
    review_progress,
    review_queue,
    review_sample,
    stability,
)
from tests.support.actions import themed

__all__ = ["themed"]
NOW = datetime(2026, 11, 3, 14, 30, tzinfo=UTC)


@pytest.fixture
def officer_id(app: Flask, make_staff: Callable[..., StaffUser]) -> int:
    return make_staff(Role.OFFICER).id


def _by(officer_id: int) -> dict[str, Any]:
    return {"by": db().get(StaffUser, officer_id), "now": NOW}


def _analysis() -> ThemeAnalysis:
    return db().scalars(select(ThemeAnalysis)).one()


def test_a_new_name_is_one_tidy_line_of_at_most_80_characters(
    app: Flask, themed: list[dict[str, object]], officer_id: int
) -> None:
    theme = str(themed[0]["id"])
    with app.app_context():
        analysis = _analysis()
        for typed, message in (
            ("   ", "Enter a new name for the theme, 80 characters or fewer"),
            ("x" * 81, "Enter a new name for the theme, 80 characters or fewer"),
            ("Two\nlines", "must not contain line breaks"),
        ):
            with pytest.raises(ThemeError, match=message):
                services.rename(db(), analysis, theme, typed, **_by(officer_id))
        old, new = services.rename(db(), analysis, theme, "  Longer   opening hours ", **_by(officer_id))
        db().commit()
        assert (old, new) == (themed[0]["label"], "Longer opening hours")
        assert _analysis().theme(theme).label == "Longer opening hours"  # type: ignore[union-attr]
        # One "who": the audit row names the officer's account, and so does the codebook.
        row = db().scalars(select(AuditEvent).where(AuditEvent.action == "themes.edited")).one()
        assert row.actor_id == officer_id
        assert _analysis().codebook[-1]["author"] == f"staff:{officer_id}"
        assert _analysis().codebook[-1]["at"] == "2026-11-03T14:30:00+00:00"


def test_moving_an_answer_and_setting_a_theme_aside(
    app: Flask, themed: list[dict[str, object]], officer_id: int
) -> None:
    first, second = str(themed[0]["id"]), str(themed[1]["id"])
    with app.app_context():
        analysis = _analysis()
        answer = next(a for a, t in analysis.snapshot.assignments.items() if t == first)
        with pytest.raises(ThemeError, match="not in this analysis"):
            services.move_answer(db(), analysis, "no-such-answer", second, **_by(officer_id))
        placed, name = services.move_answer(db(), analysis, answer, second, **_by(officer_id))
        db().commit()
        assert (placed, name) == (first, themed[1]["label"])
        assert _analysis().snapshot.assignments[answer] == second
        assert services.set_aside(db(), _analysis(), second, **_by(officer_id)) == themed[1]["label"]
        db().commit()
        assert _analysis().snapshot.assignments[answer] == "unassigned"


def test_moving_several_answers_is_one_edit_with_a_move_per_answer(
    app: Flask, themed: list[dict[str, object]], officer_id: int
) -> None:
    first, second = str(themed[0]["id"]), str(themed[1]["id"])
    with app.app_context():
        analysis = _analysis()
        answers = [a for a, t in analysis.snapshot.assignments.items() if t == first][:3]
        assert len(answers) == 3
        with pytest.raises(ThemeError, match="Select the answers to move"):
            services.move_answers(db(), analysis, [], second, **_by(officer_id))
        with pytest.raises(ThemeError, match="Select the theme"):
            services.move_answers(db(), analysis, answers, "", **_by(officer_id))
        with pytest.raises(ThemeError, match="not in this analysis"):
            services.move_answers(db(), analysis, [*answers, "no-such-answer"], second, **_by(officer_id))
        moved = services.move_answers(db(), analysis, [*answers, answers[0]], second, **_by(officer_id))
        db().commit()
        assert (moved.count, moved.origins, moved.name) == (3, [first] * 3, themed[1]["label"])
        after = _analysis()
        assert all(after.snapshot.assignments[a] == second for a in answers)
        assert [op["kind"] for op in after.codebook[-3:]] == ["move_answer"] * 3
        [row] = db().scalars(select(AuditEvent).where(AuditEvent.action == "themes.edited")).all()
        assert row.summary == f"Moved 3 answers to '{themed[1]['label']}'"
        assert len(row.details["operations"]) == 3 and row.actor_id == officer_id


def test_an_officer_makes_a_theme_from_chosen_answers(
    app: Flask, themed: list[dict[str, object]], officer_id: int
) -> None:
    first = str(themed[0]["id"])
    with app.app_context():
        analysis = _analysis()
        answers = [a for a, t in analysis.snapshot.assignments.items() if t == first][:2]
        with pytest.raises(ThemeError) as refused:
            services.new_theme(db(), analysis, [], "", **_by(officer_id))
        assert refused.value.errors == {
            "answer": "Select the answers for the new theme",
            "label": "Enter a name for the new theme, 80 characters or fewer",
        }
        with pytest.raises(ThemeError, match="not in this analysis"):
            services.new_theme(db(), analysis, ["nobody"], "Quiet space", **_by(officer_id))
        made = services.new_theme(db(), analysis, answers, "Quiet  space", **_by(officer_id))
        db().commit()
        assert (made.label, made.count) == ("Quiet space", 2)
        after = _analysis()
        assert [after.snapshot.assignments[a] for a in answers] == [made.theme_id] * 2
        assert after.theme(made.theme_id).label == "Quiet space"  # type: ignore[union-attr]
        assert decisions(after)[answers[0]].review == "moved", "placed by a person"
        assert (
            after.codebook[-1]["kind"] == "new_theme"
            and after.codebook[-1]["author"] == f"staff:{officer_id}"
        )


def test_reviewing_answers_least_sure_first(
    app: Flask, themed: list[dict[str, object]], officer_id: int
) -> None:
    first, second = str(themed[0]["id"]), str(themed[1]["id"])
    with app.app_context():
        analysis = _analysis()
        queue = review_queue(analysis, first)
        scores = analysis.snapshot.scores
        assert queue and [scores[a] for a in queue] == sorted(scores[a] for a in queue), "least sure first"
        before = review_progress(analysis)[first]
        assert (before.checked, before.reviewed, before.sample) == (0, False, review_sample(before.answers))
        with pytest.raises(ThemeError) as refused:
            services.review_answer(db(), analysis, first, queue[0], "", **_by(officer_id))
        assert refused.value.errors == {"decision": "Select where this answer belongs"}
        with pytest.raises(ThemeError) as refused:
            services.review_answer(db(), analysis, first, queue[0], "move", "", **_by(officer_id))
        assert refused.value.errors == {"target": "Select the theme this answer belongs to"}
        with pytest.raises(ThemeError, match="no longer in this theme"):
            services.review_answer(db(), analysis, second, queue[0], "accept", **_by(officer_id))
        assert (
            services.review_answer(db(), analysis, first, queue[0], "accept", **_by(officer_id))
            == (themed[0]["label"])
        )
        services.review_answer(db(), _analysis(), first, queue[1], "move", second, **_by(officer_id))
        services.review_answer(db(), _analysis(), first, queue[2], "not_relevant", **_by(officer_id))
        db().commit()
        after = _analysis()
        assert review_queue(after, first) == queue[3:], "checked answers leave the queue"
        assert after.snapshot.assignments[queue[1]] == second
        assert after.snapshot.assignments[queue[2]] == "unassigned"
        progress = review_progress(after)
        assert (progress[first].accepted, progress[first].moved_out, progress[first].checked) == (1, 2, 3)
        assert progress[second].moved_in == 1
        assert [op["review"] for op in after.codebook[-3:]] == ["accepted", "moved", "not_relevant"]
        # Reviewed: the name confirmed and the sample checked.
        services.rename(db(), after, first, str(themed[0]["label"]), **_by(officer_id))
        for answer in review_queue(_analysis(), first)[: max(0, before.sample - 3)]:
            services.review_answer(db(), _analysis(), first, answer, "accept", **_by(officer_id))
        db().commit()
        assert review_progress(_analysis())[first].reviewed


def test_how_much_the_themes_changed_in_a_week(
    app: Flask, themed: list[dict[str, object]], officer_id: int
) -> None:
    first, second = str(themed[0]["id"]), str(themed[1]["id"])
    with app.app_context():
        analysis = _analysis()
        week_ago = NOW - timedelta(days=7)
        assert stability(analysis, week_ago) == Stability(len(themed), 0, 0, 0)
        answer = next(a for a, t in analysis.snapshot.assignments.items() if t == first)
        services.move_answer(db(), analysis, answer, second, **_by(officer_id))
        services.describe(db(), _analysis(), second, "Children's activities", **_by(officer_id))
        db().commit()
        assert stability(_analysis(), week_ago) == Stability(len(themed), 2, 2, 0)
        assert stability(_analysis(), NOW + timedelta(days=1)).changed == 0, "nothing since tomorrow"


def test_the_review_sample() -> None:
    assert [review_sample(n) for n in (0, 3, 5, 30, 50, 51, 200)] == [0, 3, 5, 5, 5, 6, 20]


@pytest.mark.parametrize("parts", [0, 1, 6])
def test_a_theme_splits_into_two_to_five(
    app: Flask, themed: list[dict[str, object]], parts: int, officer_id: int
) -> None:
    with app.app_context(), pytest.raises(ThemeError, match="into 2 to 5 themes"):
        services.split(db(), _analysis(), str(themed[0]["id"]), parts, **_by(officer_id))

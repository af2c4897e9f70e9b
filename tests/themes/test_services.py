"""Service level: an officer's codebook edits (rename, move an answer, set a theme aside,
split) apply their own rules, whatever page calls them (no pages, one app context)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from engage.platform.database import db
from engage.platform.models import AuditEvent
from engage.themes import services
from engage.themes.models import ThemeAnalysis
from engage.themes.queries import ThemeError
from tests.support.actions import themed

__all__ = ["themed"]
AUTHOR = "sam@anyshire.gov.uk"


def _analysis() -> ThemeAnalysis:
    return db().scalars(select(ThemeAnalysis)).one()


def test_a_new_name_is_one_tidy_line_of_at_most_80_characters(
    app: Flask, themed: list[dict[str, object]]
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
                services.rename(db(), analysis, theme, typed, author=AUTHOR)
        old, new = services.rename(db(), analysis, theme, "  Longer   opening hours ", author=AUTHOR)
        db().commit()
        assert (old, new) == (themed[0]["label"], "Longer opening hours")
        assert _analysis().theme(theme).label == "Longer opening hours"  # type: ignore[union-attr]
        assert db().scalars(select(AuditEvent.summary).where(AuditEvent.action == "themes.edited")).all()


def test_moving_an_answer_and_setting_a_theme_aside(app: Flask, themed: list[dict[str, object]]) -> None:
    first, second = str(themed[0]["id"]), str(themed[1]["id"])
    with app.app_context():
        analysis = _analysis()
        answer = next(a for a, t in analysis.snapshot.assignments.items() if t == first)
        with pytest.raises(ThemeError, match="not in this analysis"):
            services.move_answer(db(), analysis, "no-such-answer", second, author=AUTHOR)
        placed, name = services.move_answer(db(), analysis, answer, second, author=AUTHOR)
        db().commit()
        assert (placed, name) == (first, themed[1]["label"])
        assert _analysis().snapshot.assignments[answer] == second
        assert services.set_aside(db(), _analysis(), second, author=AUTHOR) == themed[1]["label"]
        db().commit()
        assert _analysis().snapshot.assignments[answer] == "unassigned"


@pytest.mark.parametrize("parts", [0, 1, 6])
def test_a_theme_splits_into_two_to_five(app: Flask, themed: list[dict[str, object]], parts: int) -> None:
    with app.app_context(), pytest.raises(ThemeError, match="into 2 to 5 themes"):
        services.split(db(), _analysis(), str(themed[0]["id"]), parts, author=AUTHOR)

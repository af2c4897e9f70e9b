"""A theme split by equality group: totals only, small groups never shown, not even in
the stored snapshot; and erasing a response erases its equality answers."""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import Flask
from sqlalchemy import delete, func, select

from engage.accounts.models import Role, StaffUser
from engage.platform.database import db
from surveys.equality import SMALL_GROUP
from surveys.models import EqualityRecord, Response
from tests.support.pages import PageClient
from tests.support.themes import AGES, URL, add_with_equality_answers, analysed, client_for, run

# One clear theme (opening hours) answered by 13 people: 6 aged 25 to 34, 5 aged 35 to 44,
# 2 aged 65 to 74 (a small group), the rest of the survey's answers about other things.


def hours_theme(app: Flask) -> dict[str, object]:
    analysis = analysed(app)
    with app.app_context():
        hour_ids = set(
            db().scalars(
                select(Response.public_id).join(EqualityRecord, EqualityRecord.response_id == Response.id)
            )
        )
    themes = analysis.result["themes"]
    return max(
        themes,
        key=lambda t: sum(
            1 for a, tid in analysis.result["assignments"].items() if tid == t["id"] and a in hour_ids
        ),
    )


def test_a_theme_splits_by_equality_group_with_small_groups_hidden(
    app: Flask, survey: str, officer: PageClient, make_staff: Callable[..., StaffUser]
) -> None:
    add_with_equality_answers(app)
    run(officer)
    theme = hours_theme(app)
    tables = {table["question"]: table for table in theme["by_equality"]}  # type: ignore[index,union-attr]
    age = tables["What is your age?"]
    rows = dict(map(tuple, age["rows"]))
    assert age["answered"] == len(AGES)
    assert rows["25 to 34"] == 6
    assert rows["65 to 74"] is None, "a group under five is never stored, only hidden"
    assert rows["35 to 44"] is None, "the next smallest goes too, or 2 = 13 - 6 - 5"
    assert age["suppressed"] is True
    # Nothing in the stored snapshot can give the small group away.
    assert '"65 to 74", 2' not in json.dumps(theme)
    # The theme page shows the table, with hidden cells said plainly.
    page = officer.get(f"{URL}/t/{theme['id']}")
    table = page.soup.select_one("#by-equality table")
    assert table is not None
    cells = {
        row.select_one("th").get_text(strip=True): row.select_one("td").get_text(strip=True)  # type: ignore[union-attr]
        for row in table.select("tbody tr")
    }
    assert cells["25 to 34"] == "6"
    assert cells["65 to 74"] == "Not shown" and cells["35 to 44"] == "Not shown"
    assert f"fewer than {SMALL_GROUP} people" in page.text
    assert "What is your age?" in table.select_one("caption").get_text()  # type: ignore[union-attr]
    # Viewers read themes but, as with the survey's equality totals, not equality splits.
    viewer = client_for(app, make_staff, Role.VIEWER)
    assert viewer.get(f"{URL}/t/{theme['id']}").soup.select_one("#by-equality") is None


def test_a_theme_with_too_few_equality_answers_shows_no_breakdown(
    app: Flask, survey: str, officer: PageClient
) -> None:
    add_with_equality_answers(app)
    with app.app_context():
        keep = (
            db().scalars(select(EqualityRecord.id).order_by(EqualityRecord.id).limit(SMALL_GROUP - 1)).all()
        )
        db().execute(delete(EqualityRecord).where(EqualityRecord.id.not_in(keep)))
        db().commit()
    run(officer)
    theme = hours_theme(app)
    assert theme["by_equality"] == [], "fewer than five people answered: no table at all"
    page = officer.get(f"{URL}/t/{theme['id']}")
    assert page.soup.select_one("#by-equality table") is None
    assert f"Fewer than {SMALL_GROUP} people in this theme answered" in page.text


def test_erasing_a_response_erases_its_equality_answers(app: Flask, survey: str) -> None:
    add_with_equality_answers(app)
    with app.app_context():
        before = db().scalar(select(func.count()).select_from(EqualityRecord))
        linked = db().scalar(
            select(EqualityRecord.response_id).where(EqualityRecord.response_id.is_not(None))
        )
        db().execute(delete(Response).where(Response.id == linked))
        db().commit()
        assert db().scalar(select(func.count()).select_from(EqualityRecord)) == before - 1

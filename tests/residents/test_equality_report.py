"""Equality answers are reported only as totals, with small groups hidden."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Flask

from engage.accounts.models import Role, StaffUser
from engage.platform.database import db
from surveys.equality import SMALL_GROUP
from surveys.models import EqualityRecord, Survey
from surveys.reporting import Row, suppress
from tests.support.pages import PageClient

LABELS = {"a": "A", "b": "B", "c": "C", "d": "D"}


def test_groups_under_five_are_hidden() -> None:
    rows, hidden = suppress({"a": 12, "b": 3, "c": 7, "d": 0}, LABELS)
    assert hidden
    # b is small; the next smallest (c) goes too so b cannot be worked out from the total.
    assert rows == [Row("A", 12), Row("B", None), Row("C", None), Row("D", 0)]


def test_two_small_groups_hide_each_other() -> None:
    rows, _ = suppress({"a": 20, "b": 2, "c": 4}, LABELS)
    assert [r.count for r in rows] == [20, None, None, 0]


def test_nothing_hidden_when_all_groups_are_large() -> None:
    rows, hidden = suppress({"a": 5, "b": 9}, LABELS)
    assert not hidden
    assert [r.count for r in rows] == [5, 9, 0, 0]
    assert SMALL_GROUP == 5


def test_equality_page(
    client: PageClient,
    app: Flask,
    publish_survey: Callable[..., Survey],
    signed_in: Callable[[Role], StaffUser],
) -> None:
    survey = publish_survey()
    with app.app_context():
        version_id = survey.versions[0].id
        for n in range(9):
            age = "25_34" if n < 6 else "65_74"
            db().add(
                EqualityRecord(
                    survey_id=survey.id,
                    version_id=version_id,
                    channel="online",
                    locality_code=None,
                    answers={"eq_age": age},
                    submitted_on=date(2026, 11, 1),
                )
            )
        db().commit()
    signed_in(Role.OFFICER)
    page = client.get("/staff/surveys/test-survey/equality")
    age = page.soup.select("table")[0]
    cells = {
        row.select_one("th").get_text(strip=True): row.select_one("td").get_text(strip=True)
        for row in age.select("tbody tr")
    }
    assert cells["65 to 74"] == "Not shown", "3 people: a small group"
    assert cells["25 to 34"] == "Not shown", "6, but hidden too or 3 = 9 - 6; not called 'fewer than 5'"
    assert "(9 answered)" in age.select_one("caption").get_text()

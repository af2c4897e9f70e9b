"""The survey report: closed-question counts with filters, charts beside tables, and every
count leading to the responses behind it."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from engage.demo.surveys import load_demo_surveys
from engage.platform import clock
from engage.platform.database import db
from engage.reports.queries import Filters, tally
from surveys import reporting, services
from surveys.definition import SurveyDefinition
from surveys.models import Response, Submission
from tests.support.pages import Page, PageClient
from tests.support.themes import SLUG

REPORT = f"/staff/surveys/{SLUG}/report"


def add(app: Flask, frequency: str, locality: str, channel: str = "online", n: int = 1) -> None:
    with app.app_context():
        survey = services.get_survey(db(), SLUG)
        assert survey is not None and survey.published is not None
        definition = services.definition_of(survey.published)
        for _ in range(n):
            started = services.start_response(
                db(), survey.published, clock.now(), channel=channel, locality_code=locality
            )
            started.response.answers = {"visit_frequency": frequency, "one_change": "More books"}
            services.submit(db(), started.response, definition, clock.now())
        db().commit()


def counts(page: Page, heading: str) -> dict[str, int]:
    title = next(h for h in page.soup.select("main h2") if h.get_text(strip=True) == heading)
    table = title.find_next("table")
    assert table is not None
    return {
        row.select_one("th").get_text(strip=True): int(
            row.select("td")[0].get_text(" ", strip=True).split()[0]
        )  # type: ignore[union-attr]
        for row in table.select("tbody tr")
    }


QUESTION = "How often do you visit a library or heritage centre in Anyshire?"


def test_counts_filters_and_the_responses_behind_each_number(
    app: Flask, survey: str, officer: PageClient
) -> None:
    add(app, "weekly", "northgate", n=3)
    add(app, "never", "riverside-valley", n=2)
    add(app, "weekly", "riverside-valley", channel="paper")
    page = officer.get(REPORT)
    assert "6 submitted responses" in page.text
    assert counts(page, QUESTION)["Every week"] == 4 and counts(page, QUESTION)["I do not visit"] == 2
    assert page.soup.select_one("figure svg[role=img][aria-labelledby]") is not None
    local = officer.get(f"{REPORT}?locality=riverside-valley")
    assert counts(local, QUESTION)["Every week"] == 1 and counts(local, QUESTION)["I do not visit"] == 2
    paper = officer.get(f"{REPORT}?channel=paper")
    assert "1 submitted response match" in paper.text
    tomorrow = (clock.now() + timedelta(days=1)).date().isoformat()
    assert "0 submitted responses" in officer.get(f"{REPORT}?since={tomorrow}").text
    # A number leads to exactly its responses, keeping the filters.
    link = local.soup.select_one(
        "a[href*='answer=visit_frequency%3Anever'], a[href*='answer=visit_frequency:never']"
    )
    assert link is not None
    listing = officer.get(str(link["href"]))
    assert "Showing the 2 responses that answered" in listing.text and "I do not visit" in listing.text
    assert len(listing.soup.select("main table tbody tr")) == 2


def test_bad_filters_are_explained_and_ignored(app: Flask, survey: str, officer: PageClient) -> None:
    add(app, "weekly", "northgate", n=2)
    page = officer.get(f"{REPORT}?locality=atlantis&channel=fax&since=yesterday", expected_status=400)
    assert page.error_summary() == [
        "Select a locality from the list",
        "Select a channel from the list",
        "Enter the date as year-month-day, like 2026-10-01",
    ]
    assert "2 submitted responses" in page.text
    backwards = officer.get(f"{REPORT}?since=2026-12-01&until=2026-11-01", expected_status=400)
    assert backwards.error_summary() == ["The end date must be on or after the start date"]
    officer.get(f"/staff/surveys/{SLUG}/responses?answer=nope:x", expected_status=404)
    # The last day there is: the day after it does not exist (an OverflowError, a 500).
    for query in ("until=9999-12-31", "since=0001-01-01", "until=1999-12-31"):
        far = officer.get(f"{REPORT}?{query}", expected_status=400)
        assert far.error_summary() == ["Enter a date from 2000 to 2999 as year-month-day, like 2026-10-01"]
        assert "2 submitted responses" in far.text, "the bad filter is ignored"
        listing = officer.get(f"/staff/surveys/{SLUG}/responses?{query}", expected_status=400)
        assert "Enter a date from 2000 to 2999" in listing.text


def one_by_one(
    definition: SurveyDefinition, answer_sets: list[dict[str, Any]]
) -> list[reporting.ClosedCounts]:
    """The reference tally: every response's answers read in Python."""
    keys = set(reporting.closed_keys(definition))
    tally = Counter(
        (key, json.dumps(value)) for answers in answer_sets for key, value in answers.items() if key in keys
    )
    return reporting.closed_counts_from(definition, ((key, value, n) for (key, value), n in tally.items()))


def test_counting_in_the_database_matches_counting_each_response(app: Flask) -> None:
    """The report counts in SQL (json_each); the same tally made response by response in
    Python is the reference, over the demo's varied answers (every closed question type)
    and awkward stored values, with and without filters."""
    with app.app_context():
        session = db()
        list(load_demo_surveys(session, clock.now()))
        survey = services.get_survey(session, SLUG)
        assert survey is not None and survey.published is not None
        definition = services.definition_of(survey.published)
        odd = services.start_response(session, survey.published, clock.now(), locality_code="northgate")
        odd.response.answers = {
            "visit_frequency": 'Ünïcode "quoted" \\ ✓',
            "services_used": ["", "books", "books"],
            "how_do_you_feel": None,
        }
        services.submit(session, odd.response, definition, clock.now())
        session.commit()
        week_ago = (clock.now() - timedelta(days=7)).date().isoformat()
        for args in ({}, {"locality": "northgate"}, {"channel": "paper"}, {"since": week_ago}):
            filters = Filters.read(args, definition)
            rows = session.execute(
                filters.apply(
                    select(Response.answers)
                    .join(Submission, Submission.response_id == Response.id)
                    .where(Response.survey_id == survey.id)
                )
            ).all()
            counted = tally(survey, definition, filters)
            assert counted.total == len(rows) > 0
            assert counted.tables == one_by_one(definition, [row[0] for row in rows]), args
        assert any(table.rows and table.answered for table in counted.tables)

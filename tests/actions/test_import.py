"""Importing an action plan from CSV or XLSX: checked row by row, all or nothing, idempotent."""

from __future__ import annotations

import io
from collections.abc import Callable

from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from engage.actions.models import Action, Priority
from engage.database import db
from engage.models import Role, StaffUser
from tests.pages import Page, PageClient
from tests.themes.test_themes import client_for

IMPORT = "/staff/actions/import"
GOOD = (
    "priority,action,description,lead_officer,timescale,outputs,outcomes,status,status_reason\r\n"
    "Digital inclusion,Digital Helper drop-ins,Weekly sessions,Service Development Manager,"
    "Year 2,Sessions held,,Agreed,\r\n"
    "Digital inclusion,'=SUM(A1) is not a formula,,,By 2027-03-31,,,,\r\n"
    "Opening hours,Sunday opening everywhere,,,Pilot,,,Not taken forward,Too costly this year\r\n"
)


def upload(client: PageClient, name: str, data: bytes) -> TestResponse:
    token = client.get(IMPORT).soup.select_one("input[name=csrf_token]")["value"]  # type: ignore[index]
    return client.client.post(
        IMPORT,
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def summary(response: TestResponse) -> list[str]:
    page = Page(response, BeautifulSoup(response.get_data(as_text=True), "html.parser"))
    return page.error_summary()


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db().scalar(select(func.count()).select_from(model)) or 0)


def test_a_csv_plan_imports_once_and_round_trips(app: Flask, survey: str, officer: PageClient) -> None:
    done = upload(officer, "plan.csv", GOOD.encode("utf-8"))
    assert done.status_code == 200
    text = done.get_data(as_text=True)
    assert "Imported 3 actions (2 new priorities); 0 already in the plan" in text
    with app.app_context():
        actions = {a.title: a for a in db().scalars(select(Action))}
        assert actions["Digital Helper drop-ins"].status == "agreed"
        assert [c.status for c in actions["Digital Helper drop-ins"].history] == ["proposed", "agreed"]
        assert actions["=SUM(A1) is not a formula"].timescale_label == "By 2027-03-31"
        dropped = actions["Sunday opening everywhere"]
        assert (dropped.status, dropped.status_reason) == ("not_taken_forward", "Too costly this year")
    again = upload(officer, "plan.csv", GOOD.encode("utf-8"))
    assert "Imported 0 actions (0 new priorities); 3 already in the plan" in again.get_data(as_text=True)
    exported = officer.client.get("/staff/actions/plan.csv").get_data()
    assert b"'=SUM(A1)" in exported
    assert "3 already in the plan" in upload(officer, "export.csv", exported).get_data(as_text=True)
    xlsx = officer.client.get("/staff/actions/plan.xlsx").get_data()
    assert "3 already in the plan" in upload(officer, "export.xlsx", xlsx).get_data(as_text=True)
    assert (count(app, Priority), count(app, Action)) == (2, 3)


def test_a_bad_file_imports_nothing_and_says_why(app: Flask, survey: str, officer: PageClient) -> None:
    bad = (
        "priority,action,timescale,status,status_reason\r\n"
        "Digital inclusion,Drop-ins,Year 2,,\r\n"
        ",No priority,Year 9,Finished,\r\n"
        "Opening hours,Sunday opening,Pilot,Not taken forward,\r\n"
    )
    response = upload(officer, "plan.csv", bad.encode("utf-8"))
    assert response.status_code == 400
    assert summary(response) == [
        "Row 3: give the priority; "
        "give a timescale: Year 1, Year 2, Year 3, Pilot, Roll-out, Ongoing or By YYYY-MM-DD; "
        "give a status: Proposed, Agreed, In progress, Done or Not taken forward",
        "Row 4: say why it is not taken forward in status_reason",
    ]
    assert count(app, Action) == 0
    assert summary(upload(officer, "plan.csv", b"priority,action\r\nA,B\r\n")) == [
        "The first row must name the columns; missing: timescale"
    ]
    assert summary(
        upload(officer, "plan.csv", "priority,action,timescale\r\nCafé,B,Pilot\r\n".encode("latin-1"))
    ) == ["Save the CSV file as UTF-8 and upload it again"]
    assert summary(upload(officer, "plan.xlsx", b"not a workbook")) == [
        "The file is not an XLSX workbook Excel can open"
    ]
    assert summary(upload(officer, "plan.pdf", b"%PDF")) == ["Choose a CSV or XLSX file"]
    assert summary(upload(officer, "plan.csv", b"")) == ["The file is empty"]


def test_only_officers_import(app: Flask, survey: str, make_staff: Callable[..., StaffUser]) -> None:
    viewer = client_for(app, make_staff, Role.VIEWER)
    assert viewer.client.get(IMPORT).status_code == 403


def test_line_breaks_in_one_line_columns_are_refused(app: Flask, survey: str, officer: PageClient) -> None:
    """An action's title reaches email subjects ("Update: <action> is now done"): one line only."""
    hostile = (
        "priority,action,lead_officer,timescale,description\r\n"
        'Digital inclusion,"Drop-ins\r\nBcc: everyone@example.org",Head\x00 of Libraries,Year 2,'
        '"Two\r\nlines"\r\n'
    )
    response = upload(officer, "plan.csv", hostile.encode("utf-8"))
    assert response.status_code == 400
    assert summary(response) == [
        "Row 2: the action must not contain line breaks or hidden control characters; "
        "the lead_officer must not contain line breaks or hidden control characters"
    ], "a line break in the (multi-line) description is fine"
    assert count(app, Action) == 0 and count(app, Priority) == 0

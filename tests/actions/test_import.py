"""Importing an action plan from CSV or XLSX: checked row by row, all or nothing, idempotent."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable

from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from engage.accounts.models import Role, StaffUser
from engage.actions import services
from engage.actions.models import Action, Priority
from engage.platform.database import db
from tests.actions import workbooks
from tests.support.pages import Page, PageClient
from tests.support.themes import client_for

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


# --- Hostile files: every one is refused with a 400, quickly and in bounded memory -----------


def refusal(data: bytes, name: str = "plan.xlsx", *, budget_mb: float = 40, seconds: float = 5) -> str:
    """read_table's message for a file it must refuse, checking its time and memory on the way."""
    tracemalloc.start()
    began = time.monotonic()
    try:
        services.read_table(name, data)
    except services.ActionError as error:
        message = error.errors["file"]
    else:
        raise AssertionError("the file was accepted")
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert time.monotonic() - began < seconds
    assert peak < budget_mb * 1024 * 1024, f"{peak / 1024 / 1024:.0f} MB"
    return message


def test_a_workbook_declaring_a_million_rows_by_16384_columns_is_refused(
    app: Flask, survey: str, officer: PageClient
) -> None:
    bomb = workbooks.dimension_bomb()
    assert len(bomb) < 5_000
    assert refusal(bomb) == (
        "The sheet is marked as 1,000,000 rows by 16,384 columns, too big for an action plan. "
        "An import can have up to 1,000 actions and 50 columns: copy the plan into a new workbook "
        "and upload that"
    )
    response = upload(officer, "plan.xlsx", bomb)
    assert response.status_code == 400
    assert summary(response) == [refusal(bomb)]
    assert count(app, Action) == 0


def test_a_workbook_unpacking_to_hundreds_of_megabytes_is_refused_before_reading(
    app: Flask, survey: str, officer: PageClient
) -> None:
    bomb = workbooks.shared_strings_bomb()
    assert len(bomb) < 1_000_000
    assert refusal(bomb) == (
        "The workbook is too big to import: it unpacks to 246 MB. An action plan import can be up to "
        "10 MB unpacked: save the plan on its own in a new workbook and upload that"
    )
    response = upload(officer, "plan.xlsx", bomb)
    assert response.status_code == 400
    assert count(app, Action) == 0


def test_a_part_that_unpacks_far_more_than_it_packs_is_refused() -> None:
    # 4 MB of one repeated byte packs to about 4 KB: no sheet Excel saves is like that.
    message = refusal(workbooks.workbook(strings_padding=4_000_000))
    assert message.startswith("The workbook cannot be imported: xl/sharedStrings.xml unpacks to 4 MB")


def test_a_zip_that_understates_a_parts_size_is_refused() -> None:
    honest = workbooks.workbook(strings_padding=3_000_000)
    lying = workbooks.understate_size(honest, "xl/sharedStrings.xml", 1_000)
    assert refusal(lying) == "The file is not an XLSX workbook Excel can open"


def test_truncated_and_corrupted_workbooks_are_refused(app: Flask, survey: str, officer: PageClient) -> None:
    upload(officer, "plan.csv", GOOD.encode("utf-8"))
    whole = officer.client.get("/staff/actions/plan.xlsx").get_data()
    damaged = [whole[: len(whole) // 2], whole[:-1]]
    for start in range(30, len(whole) - 40, 61):
        damaged.append(
            whole[:start] + bytes(b ^ 0x55 for b in whole[start : start + 40]) + whole[start + 40 :]
        )
    refused = 0
    for data in damaged:
        try:
            services.read_table("plan.xlsx", data)
        except services.ActionError:  # any other exception fails the test: it would be a 500
            refused += 1
    assert refused > len(damaged) // 2
    response = upload(officer, "plan.xlsx", whole[: len(whole) // 2])
    assert response.status_code == 400
    assert summary(response) == ["The file is not an XLSX workbook Excel can open"]


def test_a_workbook_with_a_doctype_is_refused() -> None:
    laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    assert refusal(workbooks.workbook(prologue=laughs)) == "The file is not an XLSX workbook Excel can open"


def test_row_numbers_beyond_excels_limit_are_refused_quickly() -> None:
    data = workbooks.workbook([(2, ("A", "B", "Pilot")), (99_999_999_999, ("x",))], dimension=None)
    assert refusal(data, seconds=2) == "The file is not an XLSX workbook Excel can open"
    # openpyxl would walk a million empty rows to reach this one.
    far = workbooks.workbook([(2, ("A", "B", "Pilot")), (1_048_576, ("x",))], dimension=None)
    assert refusal(far, seconds=2) == (
        "The workbook has values in row 1,048,576, too far down for an action plan. An import can have "
        "up to 1,000 actions: copy the plan into a new workbook and upload that"
    )


def test_parts_that_are_not_xml_do_not_stop_an_import() -> None:
    with_picture = io.BytesIO(workbooks.workbook())
    with zipfile.ZipFile(with_picture, "a") as archive:
        archive.writestr("xl/media/image1.png", bytes(range(256)) * 40)
    assert len(services.read_table("plan.xlsx", with_picture.getvalue())) == 1


def test_more_than_a_thousand_actions_stops_at_the_limit() -> None:
    rows = [(n, ("Opening hours", f"Action {n}", "Pilot")) for n in range(2, 1003)]
    message = "The file has more than 1,000 actions. An action plan import can have up to 1,000 actions"
    assert refusal(workbooks.workbook(rows, dimension=None)) == message
    text = "priority,action,timescale\r\n" + "".join(f"P,Action {n},Pilot\r\n" for n in range(1001))
    assert refusal(text.encode(), "plan.csv") == message
    blank_rows_do_not_count = "priority,action,timescale\r\n" + "P,A,Pilot\r\n,,\r\n" * 1000
    assert len(services.read_table("plan.csv", blank_rows_do_not_count.encode())) == 1000


def test_more_than_fifty_columns_are_refused() -> None:
    message = "The file has more than 50 columns. An action plan import can have up to 50 columns"
    wide = ("Opening hours", "Sunday opening", "Pilot", *[""] * 47, "column 51")
    assert refusal(workbooks.workbook([(2, wide)], dimension=None)) == message
    assert refusal(("priority,action,timescale\r\n" + ",".join(wide)).encode(), "plan.csv") == message
    assert refusal(b"priority,action,timescale" + b"," * 1_000_000, "plan.csv") == message


def test_a_huge_cell_is_refused(app: Flask, survey: str, officer: PageClient) -> None:
    message = (
        "Row 2 has a cell with more than 10,000 characters. "
        "Cells in an action plan can have up to 4,000 characters"
    )
    csv_file = f"priority,action,timescale\r\nP,{'x' * 200_000},Pilot\r\n".encode()
    assert refusal(csv_file, "plan.csv") == message
    assert refusal(f"priority,action,timescale\r\nP,{'x' * 10_001},Pilot\r\n".encode(), "plan.csv") == message
    assert refusal(workbooks.workbook([(2, ("P", "x" * 10_001, "Pilot"))])) == message
    response = upload(officer, "plan.csv", csv_file)
    assert response.status_code == 400
    assert summary(response) == [message]


def test_a_dimension_smaller_than_the_sheet_does_not_hide_rows() -> None:
    rows = [(n, ("Opening hours", f"Action {n}", "Pilot")) for n in range(2, 7)]
    read = services.read_table("plan.xlsx", workbooks.workbook(rows, dimension="A1:C2"))
    assert [row["action"] for row in read] == [f"Action {n}" for n in range(2, 7)]


def test_a_hand_built_workbook_imports() -> None:
    assert services.read_table("plan.xlsx", workbooks.workbook()) == [
        {"priority": "Opening hours", "action": "Sunday opening", "timescale": "Pilot"}
    ]

"""The command line: staff accounts, migrations and demo data."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.accounts.models import StaffUser
from engage.actions.models import Action
from engage.kiosk.models import KioskDevice
from engage.platform import database
from engage.platform.database import db
from engage.platform.models import AuditEvent
from engage.themes.models import ThemeAnalysis


def csrf_token(client: FlaskClient, url: str) -> str:
    field = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser").select_one(
        "input[name=csrf_token]"
    )
    assert field is not None, f"no CSRF token on {url}"
    return str(field["value"])


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db().scalar(select(func.count()).select_from(model)) or 0)


def test_staff_create_with_generated_password(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["staff", "create", "Ada.Admin@anyshire.gov.uk", "--role", "admin", "--generate-password"]
    )
    assert result.exit_code == 0, result.output
    assert "Created ada.admin@anyshire.gov.uk (Administrator)." in result.output
    assert "One-time password: " in result.output
    with app.app_context():
        user = db().scalar(select(StaffUser))
        assert user is not None and user.role == "admin" and user.must_change_password
        assert db().scalar(select(AuditEvent.actor_label)) == "command line"


def test_staff_create_prompts_for_password(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["staff", "create", "olu@anyshire.gov.uk"],
        input="a long enough passphrase\na long enough passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created olu@anyshire.gov.uk (Officer)." in result.output
    weak = runner.invoke(args=["staff", "create", "weak@anyshire.gov.uk"], input="short\nshort\n")
    assert weak.exit_code == 1
    assert "Password must be 12 characters or more" in weak.output


def test_staff_create_refuses_duplicates(app: Flask) -> None:
    runner = app.test_cli_runner()
    args = ["staff", "create", "dup@anyshire.gov.uk", "--generate-password"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code == 1
    assert "A staff account with that email address already exists" in again.output
    assert count(app, StaffUser) == 1


def test_staff_create_rejects_unknown_role(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["staff", "create", "x@anyshire.gov.uk", "--role", "king"])
    assert result.exit_code == 2
    assert "'king' is not one of" in result.output


def test_demo_load_is_idempotent(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "email:    demo.admin@anyshire.gov.uk" in first.output
    password = first.output.split("password: ")[1].split()[0]
    staff, events = count(app, StaffUser), count(app, AuditEvent)
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert f"password: {password}" in second.output, "the same printed password every run"
    assert (count(app, StaffUser), count(app, AuditEvent)) == (staff, events)
    assert staff == 4
    # The open survey's plan (4 actions) and the closed consultation's (3: done, in progress, agreed).
    assert count(app, Action) == 7 and count(app, ThemeAnalysis) == 2
    assert "Action plan already loaded." in second.output
    # The loop is closed in the demo: reviewed themes on a published "You said, we did".
    assert '"You said, we did" already published.' in second.output
    public = app.test_client().get("/you-said-we-did/library-co-design")
    assert public.status_code == 200
    text = public.get_data(as_text=True)
    assert "Themes not yet reviewed" in text and "<blockquote" in text
    # A closed consultation with its results, reached from the home page.
    home = app.test_client().get("/").get_data(as_text=True)
    assert 'href="/you-said-we-did/archives-and-local-history"' in home
    closed = app.test_client().get("/you-said-we-did/archives-and-local-history").get_data(as_text=True)
    assert all(status in closed for status in ("Done", "In progress", "Agreed"))
    assert '"You said, we did" for archives-and-local-history already published.' in second.output
    # The demo kiosk: one tablet, and each run prints a fresh one-time code that enrols a browser.
    assert count(app, KioskDevice) == 1
    code = second.output.split("one-time code ")[1].split()[0]
    assert code != first.output.split("one-time code ")[1].split()[0]
    tablet = app.test_client()
    enrolled = tablet.post(
        "/kiosk/enrol", data={"code": code, "csrf_token": csrf_token(tablet, "/kiosk/enrol")}
    )
    assert enrolled.status_code == 302 and enrolled.headers["Location"] == "/kiosk"


def test_db_current_reports_up_to_date(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["db", "current"])
    assert result.exit_code == 0, result.output
    assert f"current: {database.head_revision()}" in result.output


def test_bad_arguments_are_one_line_not_a_traceback(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    too_long = str(tmp_path / ("x" * 300))  # past the file system's 255-byte name limit
    for args, message in (
        (["db", "upgrade", "nosuchrevision"], "Can't locate revision identified by 'nosuchrevision'"),
        (["db", "upgrade", ""], "Name the revision to upgrade to"),
        (["db", "downgrade", "nosuchrevision"], "Can't locate revision identified by 'nosuchrevision'"),
        (["backup", "create", "--output", too_long], "Cannot write the backup to"),
        (["backup", "restore", too_long, "--yes"], "Cannot read the backup"),
        (["surveys", "import", too_long], "Cannot read"),
        (["surveys", "responses", "nope"], "There is no survey with the web address 'nope'"),
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 1, (args, result.output)
        assert isinstance(result.exception, SystemExit), (args, result.exception)
        assert message in result.output, (args, result.output)

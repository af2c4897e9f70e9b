"""The bad-input catalogue: hostile and odd inputs across every public form and the CLI.

Each case is its own test (``pytest tests/test_bad_input.py -k <name>``) and runs on
both databases. Every case checks three things: a clear message in plain English, the
right HTTP status (never a 500), and that what is stored afterwards is correct: nothing
from a refused request, exactly what was typed from an accepted one.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from engage.accounts.models import Role, StaffUser
from engage.actions.models import Action, Priority
from engage.demo.surveys import EXAMPLE
from engage.followups.models import FollowUp
from engage.forums.models import Forum, ForumMeeting, ForumMember
from engage.kiosk.models import KioskDevice
from engage.platform import clock
from engage.platform.database import db
from engage.platform.models import OutboundEmail
from engage.themes.models import QuoteReview, ThemeAnalysis
from engage.themes.queries import quote_key
from surveys import services
from surveys.models import Response, Submission, Survey, SurveyVersion
from tests.actions import workbooks
from tests.conftest import PASSWORD, sign_in
from tests.forums.conftest import make_forum, sign_up_data
from tests.kiosk.conftest import add_kiosk
from tests.residents.conftest import SURVEY, publish_survey
from tests.support.pages import Page, PageClient
from tests.support.residents import ANSWERS, answer_all, start

__all__ = ["make_forum", "publish_survey"]

KIOSK_HEADERS = {"X-Engage-Kiosk": "1"}


@dataclass
class Bench:
    """What every case may use: the app, a resident's browser and a few helpers."""

    app: Flask
    client: PageClient
    publish: Callable[..., Any]
    make_forum: Callable[..., str]
    make_staff: Callable[..., StaffUser]
    tmp_path: Path

    def count(self, model: type, *where: Any) -> int:
        with self.app.app_context():
            return int(db().scalar(select(func.count()).select_from(model).where(*where)) or 0)

    def answers(self) -> dict[str, Any]:
        with self.app.app_context():
            response = db().scalar(select(Response))
            assert response is not None
            return dict(response.answers)

    def views_page(self) -> Page:
        """The 'Your views' page, with the pages before it answered."""
        self.publish()
        page = self.client.submit(start(self.client), ANSWERS["use"])
        return self.client.submit(page, ANSWERS["details"])

    def about_page(self) -> Page:
        page = self.views_page()
        return self.client.submit(page, ANSWERS["views"])

    def officer(self) -> PageClient:
        user = self.make_staff(Role.OFFICER)
        staff = PageClient(self.app.test_client())
        assert sign_in(staff, user.email).h1 == "Dashboard"
        return staff

    def cli(self, *args: str) -> Any:
        return self.app.test_cli_runner().invoke(args=list(args))


CASES: list[Callable[[Bench], None]] = []


def case(check: Callable[[Bench], None]) -> Callable[[Bench], None]:
    CASES.append(check)
    return check


def views_with(bench: Bench, **fields: str | list[str]) -> tuple[Page, dict[str, str | list[str]]]:
    data: dict[str, str | list[str]] = {**ANSWERS["views"], **fields}
    return bench.views_page(), data


def refused(page: Page, message: str) -> None:
    assert message in " | ".join(page.error_summary()), page.error_summary()


# --- The resident journey: text --------------------------------------------------------


@case
def over_long_text(bench: Bench) -> None:
    page, data = views_with(bench, idea="x" * 5000)
    result = bench.client.submit(page, data, expected_status=400)
    refused(result, "must be 200 characters or fewer. It is 5,000 characters now")
    assert result.soup.select_one("textarea[name=idea]").get_text() == "x" * 5000, "kept as typed"
    assert "idea" not in bench.answers()


@case
def empty_and_blank_required_text(bench: Bench) -> None:
    page, data = views_with(bench, idea=" \n\t ")
    result = bench.client.submit(page, data, expected_status=400)
    refused(result, "Enter your answer to 'What one thing would you change'")
    assert "idea" not in bench.answers()


@case
def nul_byte(bench: Bench) -> None:
    page, data = views_with(bench, idea="More\x00 books")
    result = bench.client.submit(page, data, expected_status=400)
    refused(result, "hidden control characters")
    assert result.soup.select_one("textarea[name=idea]").get_text() == "More books"
    assert bench.client.submit(result).h1 == "A little about you"
    assert bench.answers()["idea"] == "More books"


@case
def control_characters(bench: Bench) -> None:
    page, data = views_with(bench, idea="Bell\x07 escape\x1b[31m delete\x7f")
    result = bench.client.submit(page, data, expected_status=400)
    refused(result, "hidden control characters")
    assert result.soup.select_one("textarea[name=idea]").get_text() == "Bell escape[31m delete"


@case
def bidirectional_override(bench: Bench) -> None:
    # U+202E would show "gnisolc si yrarbil" to officers as something else entirely.
    page, data = views_with(bench, idea="Keep \u202egnisolc\u202c the library \u2066open\u2069")
    result = bench.client.submit(page, data, expected_status=400)
    refused(result, "hidden control characters")
    assert result.soup.select_one("textarea[name=idea]").get_text() == "Keep gnisolc the library open"


@case
def line_break_in_a_short_text_answer(bench: Bench) -> None:
    # A short answer is one line (surveys.text): the break is taken out and the resident checks it.
    page, data = views_with(bench, computer_help="Help with email\r\nBcc: everyone@example.org")
    result = bench.client.submit(page, data, expected_status=400)
    refused(result, "Your answer contained line breaks or hidden control characters. We removed them")
    assert result.soup.select_one("input[name=computer_help]")["value"] == (
        "Help with email Bcc: everyone@example.org"
    )
    assert bench.client.submit(result).h1 == "A little about you"
    assert bench.answers()["computer_help"] == "Help with email Bcc: everyone@example.org"


@case
def right_to_left_text_is_kept(bench: Bench) -> None:
    typed = "مكتبة أكبر من فضلك \u200f and שעות ארוכות"
    page, data = views_with(bench, idea=typed)
    assert bench.client.submit(page, data).h1 == "A little about you"
    assert bench.answers()["idea"] == typed


@case
def emoji_are_kept(bench: Bench) -> None:
    typed = "More 📚 for 👩🏽‍🦱 and 🏳️‍🌈 groups"
    page, data = views_with(bench, idea=typed)
    assert bench.client.submit(page, data).h1 == "A little about you"
    assert bench.answers()["idea"] == typed


@case
def html_and_script(bench: Bench) -> None:
    typed = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    page, data = views_with(bench, idea=typed)
    check = answer_all_from(bench, bench.client.submit(page, data))
    assert typed in check.text, "shown as typed"
    assert not check.soup.select("main script, main img"), "and never as markup"
    assert bench.answers()["idea"] == typed


@case
def sql_looking_text(bench: Bench) -> None:
    typed = "'); DROP TABLE response; -- \" OR 1=1"
    page, data = views_with(bench, idea=typed)
    bench.client.submit(page, data)
    assert bench.answers()["idea"] == typed
    assert bench.count(Response) == 1, "the table is still there"


@case
def formula_trigger_is_kept_but_neutralised_in_exports(bench: Bench) -> None:
    typed = '=HYPERLINK("http://evil.example","Click")'
    page, data = views_with(bench, idea=typed)
    check = answer_all_from(bench, bench.client.submit(page, data))
    bench.client.submit(check, selector="main form[action$='/submit']")
    assert bench.answers()["idea"] == typed
    exported = bench.officer().client.get("/staff/surveys/test-survey/responses.csv")
    assert exported.status_code == 200
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    cells = [value for row in rows for value in row.values() if value and "HYPERLINK" in value]
    assert cells == ["'" + typed], cells


@case
def whitespace_only_optional_text_stores_nothing(bench: Bench) -> None:
    page, data = views_with(bench, computer_help="   ")
    bench.client.submit(page, data)
    assert "computer_help" not in bench.answers()


# --- The resident journey: choices, numbers and dates ------------------------------------


@case
def tampered_radio_value(bench: Bench) -> None:
    bench.publish()
    result = bench.client.submit(start(bench.client), {"visits": "admin' --"}, expected_status=400)
    refused(result, "Select one of the answers listed for 'How often do you visit'")
    assert "visits" not in bench.answers()


@case
def tampered_checkbox_value(bench: Bench) -> None:
    bench.publish()
    page = bench.client.submit(start(bench.client), ANSWERS["use"])
    result = bench.client.submit(
        page, {"services": ["books", "<b>root</b>"], "branch": "river-mill"}, expected_status=400
    )
    assert result.error_summary(), "an unknown option is refused"
    assert "services" not in bench.answers()


@case
def tampered_select_value_with_path(bench: Bench) -> None:
    bench.publish()
    page = bench.client.submit(start(bench.client), ANSWERS["use"])
    result = bench.client.submit(
        page, {"services": ["books"], "branch": "../../etc/passwd"}, expected_status=400
    )
    assert result.error_summary()
    assert "branch" not in bench.answers()


@case
def tampered_ranking_value(bench: Bench) -> None:
    page, data = views_with(bench, **{"priorities.1": "pay_rise", "priorities.2": "hours"})
    result = bench.client.submit(page, data, expected_status=400)
    assert result.error_summary()
    assert "priorities" not in bench.answers()


@case
def exclusive_option_combined_with_others(bench: Bench) -> None:
    bench.publish()
    page = bench.client.submit(start(bench.client), ANSWERS["use"])
    result = bench.client.submit(
        page, {"services": ["books", "none"], "branch": "river-mill"}, expected_status=400
    )
    assert result.error_summary()


@case
def duplicated_field(bench: Bench) -> None:
    bench.publish()
    page = start(bench.client)
    response = bench.client.post(
        page.response.request.path,
        data=MultiDict([("csrf_token", token_of(page)), ("visits", "weekly"), ("visits", "never")]),
    )
    assert response.status_code in {302, 303, 400}
    assert bench.answers().get("visits") in {None, "weekly"}


@case
def odd_numbers(bench: Bench) -> None:
    page = bench.about_page()
    for typed in ("1e309", "NaN", "-inf", "1_000", "0x10", "3.5", "٣٣", "9" * 5000, "21"):
        data = {**ANSWERS["about"], "household": typed}
        result = bench.client.submit(page, data, expected_status=400)
        assert any("How many people live in your home" in e for e in result.error_summary()), typed
        assert result.soup.select_one("input[name=household]")["value"] == typed, "kept as typed"
    assert "household" not in bench.answers()


@case
def impossible_dates(bench: Bench) -> None:
    page = bench.about_page()
    for day, month, year in (("31", "2", "2026"), ("1", "13", "2020"), ("1", "1", "99999"), ("x", "y", "z")):
        data = {**ANSWERS["about"], "joined-day": day, "joined-month": month, "joined-year": year}
        result = bench.client.submit(page, data, expected_status=400)
        assert result.error_summary(), (day, month, year)
    assert "joined" not in bench.answers()


@case
def huge_negative_and_odd_years(bench: Bench) -> None:
    # No sign-in needed: int("99999999999999999999") then date() raised OverflowError, a 500.
    page = bench.about_page()
    for year, message in (
        ("99999999999999999999", "The year must include 4 numbers, like 2026"),
        ("-2020", "The date must be a real date, like 27 3 2026"),
        ("0000", "The date must be a real date, like 27 3 2026"),
        ("+202", "The date must be a real date, like 27 3 2026"),
        ("2_02", "The date must be a real date, like 27 3 2026"),
    ):
        data = {**ANSWERS["about"], "joined-day": "1", "joined-month": "1", "joined-year": year}
        result = bench.client.submit(page, data, expected_status=400)
        refused(result, message)
        assert result.soup.select_one("input[name=joined-year]")["value"] == year, "kept as typed"
    assert "joined" not in bench.answers()


@case
def half_posted_date(bench: Bench) -> None:
    page = bench.about_page()
    form = {"csrf_token": token_of(page), **ANSWERS["about"], "joined-day": "3", "joined-month": "4"}
    form.pop("joined-year", None)
    response = bench.client.client.post(page.response.request.path, data=form)
    assert response.status_code == 400
    assert "The date must include a year" in response.get_data(as_text=True)
    assert "joined" not in bench.answers()


# --- The resident journey: tokens, ids, sizes and content types --------------------------


def token_of(page: Page) -> str:
    field = page.soup.select_one("input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def answer_all_from(bench: Bench, page: Page) -> Page:
    while page.h1 != "Check your answers before sending them":
        page_id = page.response.request.path.rsplit("/", 1)[-1]
        page = bench.client.submit(page, ANSWERS.get(page_id, {}))
        assert not page.error_summary(), page.error_summary()
    return page


@case
def missing_csrf_token(bench: Bench) -> None:
    bench.publish()
    page = start(bench.client)
    response = bench.client.post(page.response.request.path, data={"visits": "weekly"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Your form timed out" in text and 'value="weekly"' in text, "kept to send again"
    assert "visits" not in bench.answers()


@case
def csrf_token_from_another_session(bench: Bench) -> None:
    bench.publish()
    other = PageClient(bench.app.test_client())
    stolen = token_of(other.get("/s/test-survey"))
    page = start(bench.client)
    response = bench.client.post(page.response.request.path, data={"csrf_token": stolen, "visits": "weekly"})
    assert response.status_code == 400
    assert "visits" not in bench.answers()


@case
def garbage_csrf_token(bench: Bench) -> None:
    bench.publish()
    page = start(bench.client)
    for token in ("", "x" * 10_000, "\x00", "IjAi.AAAA.BBBB"):
        response = bench.client.post(
            page.response.request.path, data={"csrf_token": token, "visits": "never"}
        )
        assert response.status_code == 400, token[:10]
    assert "visits" not in bench.answers()


@case
def path_traversal_in_page_id(bench: Bench) -> None:
    bench.publish()
    start(bench.client)
    for path in ("/s/test-survey/..%2F..%2Fetc%2Fpasswd", "/s/test-survey/%2e%2e", "/s/../../etc/passwd"):
        response = bench.client.client.get(path)
        assert response.status_code == 404, path
    assert bench.client.client.get("/s/test-survey/" + "a" * 5000).status_code == 404


@case
def page_that_routing_skips(bench: Bench) -> None:
    bench.publish()
    page = start(bench.client)
    bench.client.submit(page, ANSWERS["use"])  # "weekly": the "why not" page is skipped
    skipped = {"csrf_token": token_of(page), "barrier": "x"}
    response = bench.client.post("/s/test-survey/why_not", data=skipped)
    assert response.status_code in {302, 303}
    assert "barrier" not in bench.answers(), "answers to a page routing skips are never stored"


@case
def submit_before_finishing(bench: Bench) -> None:
    bench.publish()
    page = start(bench.client)
    response = bench.client.post("/s/test-survey/submit", data={"csrf_token": token_of(page)})
    assert response.status_code in {302, 303}
    assert bench.count(Submission) == 0


@case
def huge_multipart_post(bench: Bench) -> None:
    bench.publish()
    page = start(bench.client)
    body = {
        "csrf_token": token_of(page),
        "visits": "weekly",
        "file": (io.BytesIO(b"x" * 3_000_000), "big.bin"),
    }
    response = bench.client.post(page.response.request.path, data=body, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "What you sent is too large" in response.get_data(as_text=True)
    assert "visits" not in bench.answers()


@case
def json_instead_of_a_form(bench: Bench) -> None:
    bench.publish()
    page = start(bench.client)
    response = bench.client.client.post(
        page.response.request.path, json={"csrf_token": token_of(page), "visits": "weekly"}
    )
    assert response.status_code == 400
    assert "visits" not in bench.answers()


@case
def plain_text_body(bench: Bench) -> None:
    bench.publish()
    page = start(bench.client)
    response = bench.client.client.post(
        page.response.request.path, data=b"visits=weekly", content_type="text/plain"
    )
    assert response.status_code == 400
    assert "visits" not in bench.answers()


@case
def non_utf8_form_body(bench: Bench) -> None:
    bench.publish()
    page = start(bench.client)
    body = f"csrf_token={token_of(page)}&visits=weekly&visits.other=%FF%FE%C0".encode()
    response = bench.client.client.post(
        page.response.request.path, data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in {302, 303, 400}
    assert bench.answers().get("visits") in {None, "weekly"}


@case
def forged_resume_link(bench: Bench) -> None:
    bench.publish()
    start(bench.client)
    stranger = PageClient(bench.app.test_client())
    for token in ("not-a-token", "A" * 64, "../../etc/passwd"):
        response = stranger.client.get(f"/s/test-survey/resume/{token}")
        assert response.status_code in {404, 410}, token
        assert "Traceback" not in response.get_data(as_text=True)


@case
def wrong_resume_codes(bench: Bench) -> None:
    bench.publish()
    stranger = PageClient(bench.app.test_client())
    page = stranger.get("/s/test-survey/resume")
    for code in ("", "ZZZZ-ZZZZ", "' OR 1=1 --", "x" * 500):
        result = stranger.submit(page, {"code": code}, expected_status=400)
        assert result.error_summary(), code


@case
def nul_bytes_in_addresses(bench: Bench) -> None:
    bench.publish()
    start(bench.client)
    staff = bench.officer()
    for client, path in (
        (bench.client, "/s/test-survey%00"),
        (bench.client, "/s/test-survey/resume/abc%00def"),
        (bench.client, "/s/test-survey?branch=%00"),
        (bench.client, "/forums/x%00y"),
        (bench.client, "/forums/manage/%00"),
        (bench.client, "/hear-back/confirm/%00"),
        (bench.client, "/you-said-we-did/%00"),
        (staff, "/staff/surveys/test-survey/responses?answer=visits:%00"),
        (staff, "/staff/surveys/test-survey/responses?question=idea&theme=%00"),
        (staff, "/staff/surveys/test-survey/report?locality=%00&since=%00"),
        (staff, "/staff/surveys/%00/report"),
    ):
        status = client.client.get(path).status_code
        assert status in {200, 302, 400, 404, 410}, (path, status)


@case
def hostile_entry_link(bench: Bench) -> None:
    bench.publish()
    page = bench.client.get("/s/test-survey?branch=<script>alert(1)</script>&channel=staff")
    assert not page.soup.select("main script")
    bench.client.submit(page, selector="main form[action$='/start']")
    with bench.app.app_context():
        response = db().scalar(select(Response))
        assert response is not None
        assert response.branch_code is None and response.channel == "online"


# --- "Tell me what happened" and save-and-return emails -----------------------------------


def done_page(bench: Bench) -> Page:
    bench.publish()
    check = answer_all(bench.client)
    return bench.client.submit(check, selector="main form[action$='/submit']")


@case
def email_header_injection(bench: Bench) -> None:
    done = done_page(bench)
    result = bench.client.submit(
        done, {"email": "a@example.org\r\nBcc: everyone@example.org", "consent": "yes"}, expected_status=400
    )
    assert result.error_summary()
    assert bench.count(FollowUp) == 0


@case
def over_long_email(bench: Bench) -> None:
    done = done_page(bench)
    result = bench.client.submit(
        done, {"email": "a" * 300 + "@example.org", "consent": "yes"}, expected_status=400
    )
    assert result.error_summary()
    assert bench.count(FollowUp) == 0


@case
def follow_up_without_consent(bench: Bench) -> None:
    done = done_page(bench)
    result = bench.client.submit(done, {"email": "resident@example.org"}, expected_status=400)
    assert result.error_summary()
    assert bench.count(FollowUp) == 0


@case
def forged_follow_up_links(bench: Bench) -> None:
    for path in (
        "/hear-back/confirm/forged",
        "/hear-back/stop/forged.token.here",
        "/hear-back/confirm/" + "x" * 3000,
    ):
        response = bench.client.client.get(path)
        assert response.status_code in {404, 410}, path
        assert "Traceback" not in response.get_data(as_text=True)


# --- Stakeholder forums --------------------------------------------------------------------


def register(bench: Bench, expected_status: int, **overrides: Any) -> Page:
    if bench.client.client.get("/forums/culture-forum").status_code == 404:
        bench.make_forum()
    page = bench.client.get("/forums/culture-forum/register")
    return bench.client.submit(page, sign_up_data(**overrides), expected_status=expected_status)


@case
def forum_name_with_nul_and_controls(bench: Bench) -> None:
    result = register(bench, 400, name="Priya\x00 Shah\x1b")
    assert result.error_summary()
    assert bench.count(ForumMember) == 0


@case
def forum_over_long_fields(bench: Bench) -> None:
    result = register(bench, 400, organisation="A" * 10_000, access_needs="B" * 100_000)
    assert len(result.error_summary()) >= 2
    assert bench.count(ForumMember) == 0


@case
def forum_tampered_options(bench: Bench) -> None:
    result = register(bench, 400, localities=["Atlantis"])
    assert result.error_summary() == ["Select at least one area you are interested in"]
    assert bench.count(ForumMember) == 0
    register(bench, 200, interests=["culture-creativity", "free-money"], purposes=["membership", "admin"])
    with bench.app.app_context():
        member = db().scalar(select(ForumMember))
        assert member is not None and member.interests == ["culture-creativity"], "unknown values dropped"


@case
def forum_invalid_emails(bench: Bench) -> None:
    bench.make_forum()
    for email in ("priya", "priya@", "pri ya@example.org", "priya@example.org\nBcc: x@y.z", "<script>@x.org"):
        page = bench.client.get("/forums/culture-forum/register")
        result = bench.client.submit(page, sign_up_data(email=email), expected_status=400)
        assert result.error_summary(), email
    assert bench.count(ForumMember) == 0


@case
def forum_unicode_names_are_kept(bench: Bench) -> None:
    register(bench, 200, name="Zoë Ó Briain-Nguyễn 🎨")
    with bench.app.app_context():
        member = db().scalar(select(ForumMember))
        assert member is not None and member.name == "Zoë Ó Briain-Nguyễn 🎨"


@case
def forum_name_stored_with_a_line_break_before_the_rule(bench: Bench) -> None:
    # Data from before the text rule: the confirmation email's subject cannot be built. The
    # resident's page is the same, and the email is recorded as failed with the reason,
    # never left queued.
    bench.make_forum(name="Culture Forum\r\nBcc: everyone@example.org")
    form = bench.client.client.get("/forums/culture-forum/register").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', form)
    assert token is not None
    sent = bench.client.client.post(
        "/forums/culture-forum/register", data={**sign_up_data(), "csrf_token": token.group(1)}
    )
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/check-your-email")
    with bench.app.app_context():
        [email] = db().scalars(select(OutboundEmail)).all()
        assert email.status == "failed"
        assert email.last_error is not None and "could not be built" in email.last_error


@case
def forum_email_change_to_hostile_addresses(bench: Bench) -> None:
    register(bench, 200)
    with bench.app.app_context():
        from engage.forums import services as forum_services

        member = db().scalars(select(ForumMember)).one()
        member.status = "active"
        token = forum_services.issue_manage_token(member, clock.now(), forum_services.Retention())
        db().commit()
    for email in ("new@example.org\r\nBcc: everyone@example.org", "new@example.org\x00", "not an address"):
        page = bench.client.get(f"/forums/manage/{token}/details")
        result = bench.client.submit(page, {"email": email}, expected_status=400)
        assert result.error_summary(), email
    with bench.app.app_context():
        member = db().scalars(select(ForumMember)).one()
        assert member.email == "priya@example.org" and member.new_email is None
        assert db().scalar(select(func.count()).select_from(OutboundEmail)) == 1, "only the sign-up's"


@case
def forged_forum_links(bench: Bench) -> None:
    bench.make_forum()
    for path in (
        "/forums/manage/forged",
        "/forums/confirm/forged",
        "/forums/unsubscribe/forged",
        "/forums/manage/x/download.csv",
        "/forums/change-email/forged",
        "/forums/change-email/" + "x" * 3000,
    ):
        response = bench.client.client.get(path)
        assert response.status_code in {404, 410}, path


@case
def forum_officer_forms_with_huge_numbers_and_half_dates(bench: Bench) -> None:
    bench.make_forum()
    staff = bench.officer()
    edit = staff.get("/staff/forums/culture-forum/edit")
    for fields in (
        {"opens_on": ["1", "1", "99999999999999999999"]},
        {"closes_on": ["1", "2"]},
        {"capacity": "99999999999999999999"},
        {"capacity": "²"},
    ):
        assert staff.submit(edit, fields, expected_status=400).error_summary(), fields
    meeting = staff.get("/staff/forums/culture-forum/meetings/new")
    good = {"title": "Spring", "date": ["3", "3", "2027"], "time": "18:30",
            "place": "Northbrook Library", "capacity": "20"}  # fmt: skip
    for fields in (
        {"date": ["3", "3", "99999999999999999999"]},
        {"date": ["3", "3", ""]},
        {"capacity": "9" * 30},
    ):
        assert staff.submit(meeting, {**good, **fields}, expected_status=400).error_summary(), fields
    with bench.app.app_context():
        assert db().scalars(select(ForumMeeting)).all() == []


# --- Kiosk tablets ---------------------------------------------------------------------------


def enrolled_tablet(bench: Bench) -> PageClient:
    with bench.app.app_context():
        version = services.save_definition(db(), json.loads(EXAMPLE.read_text()), clock.now())
        services.publish(db(), version.survey, clock.now())
        db().commit()
    staff = PageClient(bench.app.test_client())
    user = bench.make_staff(Role.BRANCH_STAFF)
    sign_in(staff, user.email)
    device = PageClient(bench.app.test_client())
    device.submit(device.get("/kiosk/enrol"), {"code": add_kiosk(staff)})
    return device


@case
def kiosk_api_without_enrolment(bench: Bench) -> None:
    response = bench.client.client.post("/kiosk/api/responses", json={}, headers=KIOSK_HEADERS)
    assert response.status_code == 401
    assert response.get_json()["error"] == "This device is not an enrolled kiosk"


@case
def kiosk_api_malformed_bodies(bench: Bench) -> None:
    device = enrolled_tablet(bench)
    for body, content_type in (
        (b"{not json", "application/json"),
        (b"\xff\xfe", "application/json"),
        (b"x=1", "text/plain"),
    ):
        response = device.client.post(
            "/kiosk/api/responses", data=body, content_type=content_type, headers=KIOSK_HEADERS
        )
        assert response.status_code == 400, body
        assert response.get_json()["error"]
    assert bench.count(Response) == 0


@case
def kiosk_api_deeply_nested_json(bench: Bench) -> None:
    device = enrolled_tablet(bench)
    for body in ("[" * 50_000, "[" * 50_000 + "]" * 50_000, '{"slug": ' * 500 + "1" + "}" * 500):
        for url in ("/kiosk/api/responses", "/kiosk/api/check", "/kiosk/api/handoff", "/kiosk/api/status"):
            response = device.client.post(
                url, data=body, content_type="application/json", headers=KIOSK_HEADERS
            )
            assert response.status_code == 400, (url, body[:10], response.status_code)
            assert response.get_json() == {"error": "The JSON is nested more than 64 levels deep"}
    assert bench.count(Response) == 0


@case
def kiosk_api_wrong_types(bench: Bench) -> None:
    device = enrolled_tablet(bench)
    bodies: list[Any] = [
        [],
        {"slug": ["x"], "version": "one", "pages": "all"},
        {"slug": "library-co-design", "version": 1e999, "pages": {}},
        {"slug": "library-co-design", "version": [1], "key": {"a": 1}},
    ]
    for url in ("/kiosk/api/responses", "/kiosk/api/check", "/kiosk/api/handoff"):
        for body in bodies:
            response = device.client.post(url, json=body, headers=KIOSK_HEADERS)
            assert response.status_code in {400, 404, 422}, (url, body, response.status_code)
            assert response.get_json()["error"]
    assert bench.count(Response) == 0


def queued_response(bench: Bench, key: str, pages: dict[str, Any], **extra: Any) -> dict[str, Any]:
    with bench.app.app_context():
        survey = services.get_survey(db(), "library-co-design")
        assert survey is not None and survey.published is not None
        version = survey.published.id
    return {
        "key": key.ljust(16, "0"),
        "slug": "library-co-design",
        "version": version,
        "pages": pages,
        **extra,
    }


@case
def kiosk_complete_response_with_nothing_in_it(bench: Bench) -> None:
    device = enrolled_tablet(bench)
    for n, pages in enumerate([{}, {"visiting": []}, {"visiting": [["visit_frequency", "  "]]}]):
        body = queued_response(bench, f"nothing-{n}", pages)
        response = device.client.post("/kiosk/api/responses", json=body, headers=KIOSK_HEADERS)
        assert response.status_code == 422, pages
        assert response.get_json()["error"] == (
            "No answers that pass the survey's checks were sent, so there is nothing to keep"
        )
    assert bench.count(Response) == 0


@case
def kiosk_answers_the_tablet_never_asks(bench: Bench) -> None:
    device = enrolled_tablet(bench)
    pages = {
        "visiting": [["visit_frequency", "never"], ["visit_frequency.other", "<script>x</script>"]],
        "your_library": [["main_branch", "northgate-central"]],  # routing skips it for "never"
        "about_you": [["home_locality", "northgate"], ["callback_phone", "07700 900123"]],  # never on a kiosk
        "../../etc/passwd": [["x" * 200, "y" * 20_000]],
    }
    body = queued_response(bench, "never-asked", pages)
    response = device.client.post("/kiosk/api/responses", json=body, headers=KIOSK_HEADERS)
    assert response.status_code == 201 and response.get_json()["flagged"] is True
    assert bench.answers() == {"visit_frequency": "never", "home_locality": "northgate"}


@case
def kiosk_hostile_finishing_times(bench: Bench) -> None:
    device = enrolled_tablet(bench)
    pages = {"visiting": [["visit_frequency", "never"]]}
    unreadable: list[Any] = [
        "yesterday",
        1e10,
        ["2026-11-25T10:00:00Z"],
        "2026-11-25T10:00:00",  # no time zone
        "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
        "9999-12-31T23:59:59-14:00",  # after year 9999 in UTC
        "2026-11-25T10:00:00Z" + " " * 100,
    ]
    for n, finished in enumerate(unreadable):
        body = queued_response(bench, f"bad-time-{n}", pages, finished_at=finished)
        response = device.client.post("/kiosk/api/responses", json=body, headers=KIOSK_HEADERS)
        assert response.status_code == 422, finished
        assert response.get_json()["error"].startswith("finished_at must be a date and time with a time zone")
    # A time far in the future or the past is not believed: the time it arrived is used.
    for n, finished in enumerate(["9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z"]):
        body = queued_response(bench, f"odd-time-{n}", pages, finished_at=finished)
        response = device.client.post("/kiosk/api/responses", json=body, headers=KIOSK_HEADERS)
        assert response.status_code == 201, finished
    assert bench.count(Response) == 2


# --- Staff forms that take files or free text ------------------------------------------------


def import_file(bench: Bench, name: str, content: bytes) -> Any:
    staff = bench.officer()
    page = staff.get("/staff/actions/import")
    return staff.client.post(
        "/staff/actions/import",
        data={"csrf_token": token_of(page), "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


PLAN_CSV = (
    "priority,action,lead_officer,timescale,output_measures,impact_outcomes,status\n"
    "Digital inclusion,Digital buddies in every branch,Head of Libraries,Year 1,Sessions run,"
    "Confidence up,proposed\n"
)


@case
def non_utf8_csv_import(bench: Bench) -> None:
    response = import_file(bench, "plan.csv", PLAN_CSV.replace("buddies", "büddies").encode("latin-1"))
    assert response.status_code == 400
    assert "UTF-8" in response.get_data(as_text=True)
    assert bench.count(Action) == 0


@case
def path_traversal_in_upload_name(bench: Bench) -> None:
    response = import_file(bench, "../../../../etc/passwd.csv", PLAN_CSV.encode())
    assert response.status_code in {302, 303}
    assert bench.count(Action) == 1
    assert not Path("/etc/passwd.csv").exists()


@case
def not_really_a_spreadsheet(bench: Bench) -> None:
    for name, content in (
        ("plan.xlsx", b"PK\x03\x04 not a zip"),
        ("plan.csv", b""),
        ("plan.exe", b"MZ\x90\x00"),
    ):
        response = import_file(bench, name, content)
        assert response.status_code == 400, name
        assert "Traceback" not in response.get_data(as_text=True)
    assert bench.count(Action) == 0


@case
def xlsx_declaring_a_million_rows(bench: Bench) -> None:
    # 2 KB declaring A1:XFD1000000, with a cell in row 1,000,000: openpyxl padded every row
    # to 16,384 columns and the worker passed 1 GB.
    response = import_file(bench, "plan.xlsx", workbooks.dimension_bomb())
    assert response.status_code == 400
    assert "The sheet is marked as 1,000,000 rows by 16,384 columns" in response.get_data(as_text=True)
    assert bench.count(Action) == 0


@case
def xlsx_unpacking_to_246_mb(bench: Bench) -> None:
    bomb = workbooks.shared_strings_bomb()
    assert len(bomb) < 1_000_000
    response = import_file(bench, "plan.xlsx", bomb)
    assert response.status_code == 400
    assert "The workbook is too big to import: it unpacks to 246 MB" in response.get_data(as_text=True)
    assert bench.count(Action) == 0


@case
def truncated_and_corrupted_xlsx(bench: Bench) -> None:
    whole = workbooks.workbook()
    middle = len(whole) // 2
    for damaged in (whole[:middle], whole[:60] + bytes(b ^ 0x55 for b in whole[60:100]) + whole[100:]):
        response = import_file(bench, "plan.xlsx", damaged)
        assert response.status_code == 400
        assert "The file is not an XLSX workbook Excel can open" in response.get_data(as_text=True)
    assert bench.count(Action) == 0


@case
def csv_field_of_200000_characters(bench: Bench) -> None:
    response = import_file(
        bench, "plan.csv", f"priority,action,timescale\nP,{'x' * 200_000},Pilot\n".encode()
    )
    assert response.status_code == 400
    assert "Row 2 has a cell with more than 10,000 characters" in response.get_data(as_text=True)
    assert bench.count(Action) == 0


@case
def formula_triggers_in_an_imported_plan(bench: Bench) -> None:
    hostile = PLAN_CSV.replace("Digital buddies in every branch", "=cmd|' /C calc'!A0")
    response = import_file(bench, "plan.csv", hostile.encode())
    assert response.status_code in {302, 303}
    staff = bench.officer()
    exported = staff.client.get("/staff/actions/plan.csv").get_data(as_text=True)
    assert "'=cmd|' /C calc'!A0" in exported
    assert "\n=cmd" not in exported and ",=cmd" not in exported


@case
def sign_in_with_hostile_values(bench: Bench) -> None:
    user = bench.make_staff(Role.OFFICER)
    for email, password in (
        ("x" * 100_000 + "@example.org", PASSWORD),
        (user.email, "\x00" + PASSWORD),
        (user.email + "\x00", PASSWORD),
        ("' OR 1=1 --", "' OR 1=1 --"),
    ):
        page = bench.client.get("/staff/sign-in")
        result = bench.client.submit(page, {"email": email, "password": password}, expected_status=400)
        assert result.error_summary(), email[:20]
        assert "Dashboard" not in result.text


@case
def line_breaks_in_staff_names_and_titles(bench: Bench) -> None:
    # They reach email subjects ("Confirm you want to join <forum>"), where a line break
    # used to leave the email stuck as queued. One rule for every single-line field.
    staff = bench.officer()
    for url, data, message in (
        (
            "/staff/surveys/new",
            {"title": "Hours\r\nBcc: x@example.org", "slug": "hours", "purpose": "Why"},
            "Title must not contain line breaks or hidden control characters",
        ),
        (
            "/staff/forums/new",
            {"name": "Forum\nBcc: x@example.org", "slug": "forum", "purpose": "Why"},
            "The forum's name must not contain line breaks or hidden control characters",
        ),
        (
            "/staff/actions/priorities/new",
            {"title": "Digital\x00\u202e inclusion"},
            "The priority's title must not contain line breaks or hidden control characters",
        ),
    ):
        result = staff.submit(staff.get(url), data, expected_status=400)
        refused(result, message)
    assert bench.count(Survey) == 0 and bench.count(Forum) == 0 and bench.count(Priority) == 0


@case
def builder_dates_and_numbers(bench: Bench) -> None:
    bench.publish()
    staff = bench.officer()
    details = staff.get("/staff/surveys/test-survey/details")
    for fields, message in (
        ({"opens_on": ["1", "1", "99999999999999999999"]}, "The year must include 4 numbers, like 2026"),
        ({"opens_on": ["1"]}, "The opening date must include a month and year"),  # half-posted
        ({"closes_on": ["99999999999999999999", "1", "2026"]}, "The closing date must be a real date"),
        ({"duration_minutes": "9" * 5000}, "The time it takes must be between 1 and 120"),
    ):
        refused(staff.submit(details, fields, expected_status=400), message)


@case
def report_dates_at_the_end_of_time(bench: Bench) -> None:
    # until=9999-12-31 counted up to the day after it, which does not exist: a 500.
    bench.publish()
    staff = bench.officer()
    for query in ("until=9999-12-31", "since=0001-01-01&until=9999-12-31"):
        for path in ("report", "responses"):
            page = staff.get(f"/staff/surveys/test-survey/{path}?{query}", expected_status=400)
            refused(page, "Enter a date from 2000 to 2999 as year-month-day")


@case
def huge_ids_in_staff_forms_and_addresses(bench: Bench) -> None:
    # A 20-digit id reached the database: OverflowError on SQLite, DataError on PostgreSQL.
    staff = bench.officer()
    for path in ("/staff/actions/99999999999999999999", "/staff/kiosks/99999999999999999999"):
        assert staff.client.get(path).status_code == 404, path
    page = staff.get("/staff/actions/new")
    for forged in ("99999999999999999999", "²"):
        result = staff.submit(
            page, {"priority": forged, "title": "T", "timescale": "pilot"}, expected_status=400
        )
        refused(result, "Select the priority this action belongs to")
    kiosk = staff.get("/staff/kiosks/new")
    for idle in ("²", "9" * 5000):
        result = staff.submit(kiosk, {"name": "Tablet", "idle": idle}, expected_status=400)
        refused(result, "Enter the idle time in seconds")
    assert bench.count(Action) == 0


@case
def crlf_in_next_after_sign_in(bench: Bench) -> None:
    user = bench.make_staff(Role.OFFICER)
    page = bench.client.get("/staff/sign-in?next=/staff/audit%0d%0aSet-Cookie:%20session=stolen")
    result = bench.client.submit(
        page, {"email": user.email, "password": PASSWORD}, follow_redirects=False, expected_status=302
    )
    assert result.response.headers["Location"] == "/staff/", "an unsafe next is no next"
    assert "stolen" not in str(result.response.headers)


@case
def forged_host_headers(bench: Bench) -> None:
    # A forged Host or X-Forwarded-Host once chose the site that emailed secret links
    # pointed at. Links come from ENGAGE_BASE_URL; bodies and headers are checked whole.
    slug = bench.make_forum()
    for header in ({"Host": "attacker.example"}, {"X-Forwarded-Host": "attacker.example"}):
        page = bench.client.get(f"/forums/{slug}/register", headers=header)
        bench.client.submit(page, sign_up_data(email=f"x{len(header)}@example.org"), headers=header)
    with bench.app.app_context():
        bodies = [m.text_body + m.html_body for m in db().scalars(select(OutboundEmail))]
    assert len(bodies) == 2
    assert all("attacker.example" not in body and "http://127.0.0.1:5000/forums/" in body for body in bodies)


@case
def forged_ids_of_other_peoples_responses(bench: Bench) -> None:
    bench.publish()
    staff = bench.officer()
    for path in (
        "/staff/surveys/test-survey/responses/00000000-0000-0000-0000-000000000000",
        "/staff/surveys/test-survey/responses/1 OR 1=1",
        "/staff/surveys/test-survey/posters/..%2F..%2Fetc%2Fpasswd.pdf",
        "/staff/surveys/test-survey/posters/north-central.exe",
        "/staff/actions/999999",
    ):
        assert staff.client.get(path).status_code == 404, path


@case
def forged_quote_decisions(bench: Bench) -> None:
    """The buttons that show or hide a quote on public pages, sent with hostile values:
    each is refused with a message and nothing is decided."""
    survey = bench.publish()
    with bench.app.app_context():
        theme = {
            "id": "t1",
            "label": "Opening hours",
            "keywords": [],
            "size": 12,
            "quotes": ["Open later please"],
            "by_locality": {},
            "by_branch": {},
            "by_channel": {},
        }
        db().add(
            ThemeAnalysis(
                survey_id=survey.id,
                question_id="idea",
                status="done",
                progress=100,
                message="",
                codebook=[],
                result={"themes": [theme], "assignments": {}, "answers": 12, "unassigned": 0, "version": 0},
                requested_at=clock.now(),
            )
        )
        db().commit()
    staff = bench.officer()
    page = staff.get("/staff/surveys/test-survey/themes/idea/t/t1")
    good = {
        "csrf_token": token_of(page),
        "theme": "t1",
        "quote": quote_key("Open later please"),
        "back": "theme",
    }
    for hostile in (
        {"decision": "show", "quote": "' OR 1=1 --"},
        {"decision": "show", "quote": "0" * 64},
        {"decision": "show", "quote": "x" * 100_000},
        {"decision": "show", "theme": "../t1"},
        {"decision": "publish-everything"},
        {"decision": ["show", "hide"], "quote": "\x00"},
        {},
    ):
        response = staff.client.post(
            "/staff/surveys/test-survey/themes/idea/quotes", data={**good, **hostile}
        )
        assert response.status_code == 400, hostile
        assert "There is a problem" in response.get_data(as_text=True)
    assert staff.client.post("/staff/surveys/test-survey/themes/nope/quotes", data=good).status_code == 404
    assert bench.count(QuoteReview) == 0


# --- Every form at once -----------------------------------------------------------------------

ODD_VALUES = ("99999999999999999999", "\x00", "x" * 100_000, "²", "-1")


def _forms(html: str, here: str) -> list[tuple[str, MultiDict[str, str], list[str]]]:
    """Each posting form on a page: where it goes, what a browser would send, its field names."""
    found = []
    for form in BeautifulSoup(html, "html.parser").select("main form[method=post]"):
        fields: MultiDict[str, str] = MultiDict()
        for element in form.select("input[name], select[name], textarea[name]"):
            name, kind = str(element["name"]), str(element.get("type", "")).lower()
            if kind in {"submit", "button", "file"}:
                continue
            if kind in {"checkbox", "radio"} and name in fields:
                continue
            if element.name == "select":
                options = [o for o in element.select("option") if o.get("value")]
                fields.add(name, str(options[0]["value"]) if options else "")
            elif element.name == "textarea":
                fields.add(name, element.get_text())
            else:
                fields.add(name, str(element.get("value", "on" if kind in {"checkbox", "radio"} else "")))
        action = urljoin(here, str(form.get("action") or here))
        found.append((urlsplit(action).path, fields, [n for n in dict.fromkeys(fields) if n != "csrf_token"]))
    return found


def _crawl(app: Flask, client: Any, starts: list[str], limit: int = 150) -> list[tuple[str, str]]:
    """Pages reachable from ``starts`` by links in <main>, one for each view (endpoint)."""
    routes = app.url_map.bind("localhost")
    seen: set[str] = set()
    queue, pages = list(starts), []
    while queue and len(pages) < limit:
        url = queue.pop(0)
        try:
            endpoint, _ = routes.match(url, method="GET")
        except HTTPException:
            continue
        if endpoint in seen or endpoint == "static":
            continue
        seen.add(endpoint)
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code == 200 and response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            pages.append((url, html))
            for link in BeautifulSoup(html, "html.parser").select("main a[href^='/']"):
                queue.append(urlsplit(str(link["href"]))._replace(query="", fragment="").geturl())
    return pages


def _post_odd_values(client: Any, url: str, html: str) -> None:
    for action, fields, names in _forms(html, url):
        if action.endswith(("/sign-out", "/password")):
            continue
        for name in names:
            for value in (*ODD_VALUES, None, ["1", "2", "99999999999999999999"]):
                data = MultiDict(fields)
                if value is None:
                    data.poplist(name)
                else:
                    data.setlist(name, value if isinstance(value, list) else [value])
                status = client.post(action, data=data).status_code
                assert status < 500, (action, name, str(value)[:20], status)


@case
def every_form_with_odd_values(bench: Bench) -> None:
    """A loop over the pages an administrator and a resident reach (one page per view),
    posting odd values into each field of each form in turn: a huge number, a NUL byte,
    100,000 characters, '²', -1, the field left out, the field three times. Nothing may
    answer 5xx."""
    bench.publish()
    bench.make_forum()
    with bench.app.app_context():
        from engage.actions import services as plan

        priority = plan.add_priority(db(), "Digital inclusion", "", clock.now(), None)
        form = plan.NewAction(priority_id=str(priority.id), title="Drop-ins", timescale="pilot")
        plan.add_action(db(), form, clock.now(), None)
        db().add(
            KioskDevice(
                name="Tablet", branch_code="river-mill", branch_name="River Mill", created_at=clock.now()
            )
        )
        db().commit()
    admin = PageClient(bench.app.test_client())
    assert sign_in(admin, bench.make_staff(Role.ADMIN).email).h1 == "Dashboard"
    staff_starts = ["/staff/", "/staff/surveys/test-survey", "/staff/forums/culture-forum", "/staff/actions"]
    for url, html in _crawl(bench.app, admin.client, staff_starts):
        _post_odd_values(admin.client, url, html)
    for url, html in _crawl(bench.app, bench.client.client, ["/", "/s/test-survey", "/forums/culture-forum"]):
        _post_odd_values(bench.client.client, url, html)
    # The survey's own pages are reached only by answering the ones before.
    page = start(bench.client)
    while page.h1 != "Check your answers before sending them":
        path = page.response.request.path
        _post_odd_values(bench.client.client, path, page.response.get_data(as_text=True))
        page = bench.client.submit(bench.client.get(path), ANSWERS.get(path.rsplit("/", 1)[-1], {}))


# --- The command line ---------------------------------------------------------------------------


@case
def cli_import_non_utf8_and_missing_files(bench: Bench) -> None:
    latin1 = bench.tmp_path / "survey.json"
    latin1.write_bytes(json.dumps({**SURVEY, "title": "Café"}, ensure_ascii=False).encode("latin-1"))
    versions = bench.count(SurveyVersion)
    for path in (str(latin1), str(bench.tmp_path / "missing.json"), str(bench.tmp_path)):
        result = bench.cli("surveys", "import", path)
        assert result.exit_code != 0, path
        assert "Traceback" not in result.output
        assert result.output.strip(), "a message says what was wrong"
    assert bench.count(Response) == 0
    assert bench.count(SurveyVersion) == versions, "nothing was imported"


@case
def cli_import_deeply_nested_or_huge_json(bench: Bench) -> None:
    deep = bench.tmp_path / "deep.json"
    deep.write_text("[" * 50_000)
    huge = bench.tmp_path / "huge.json"
    huge.write_bytes(b'{"title": "' + b"x" * 6_000_000 + b'"}')
    listed = bench.tmp_path / "list.json"
    listed.write_text(json.dumps(list(range(100_000))))
    for path, message in (
        (deep, "the JSON is nested more than 64 levels deep"),
        (huge, "is bigger than 5 MB"),
        (listed, "must hold one JSON object"),
    ):
        result = bench.cli("surveys", "import", str(path))
        assert result.exit_code == 1, path
        assert isinstance(result.exception, SystemExit), result.exception  # not a traceback
        assert message in result.output and len(result.output.splitlines()) == 1, result.output[:200]


@case
def cli_import_hostile_definition(bench: Bench) -> None:
    hostile = bench.tmp_path / "hostile.json"
    hostile.write_text(json.dumps({**SURVEY, "slug": "../../etc", "title": "\x00" * 3}))
    result = bench.cli("surveys", "import", str(hostile))
    assert result.exit_code == 1
    assert "slug" in result.output
    with bench.app.app_context():
        assert services.get_survey(db(), "../../etc") is None


@case
def cli_import_title_with_a_line_break(bench: Bench) -> None:
    hostile = bench.tmp_path / "crlf.json"
    hostile.write_text(json.dumps({**SURVEY, "title": "Library\r\nBcc: everyone@example.org"}))
    result = bench.cli("surveys", "import", str(hostile))
    assert result.exit_code == 1
    assert "must not contain line breaks or hidden control characters" in result.output
    assert "Traceback" not in result.output
    assert bench.count(Survey) == 0


@case
def cli_unknown_revision_and_impossible_paths(bench: Bench) -> None:
    bench.publish()
    too_long = str(bench.tmp_path / ("x" * 300))
    for args in (
        ("db", "upgrade", "nosuchrevision"),
        ("db", "downgrade", ""),
        ("backup", "create", "--output", too_long),
        ("backup", "restore", too_long, "--yes"),
        ("surveys", "responses", "test-survey", "--out", too_long),
    ):
        result = bench.cli(*args)
        assert result.exit_code == 1, args
        assert isinstance(result.exception, SystemExit), (args, result.exception)  # not a traceback
        assert len(result.output.strip().splitlines()) == 1, result.output


@case
def cli_staff_with_bad_values(bench: Bench) -> None:
    for args in (
        ("not-an-email",),
        ("a@example.org", "--role", "emperor"),
        ("x" * 500 + "@example.org",),
        ("a@example.org", "--name", "Ann\r\nBcc: everyone@example.org"),
    ):
        result = bench.cli("staff", "create", *args, "--generate-password")
        assert result.exit_code != 0, args
        assert "Traceback" not in result.output
    assert bench.count(StaffUser) == 0


@case
def cli_backup_paths(bench: Bench) -> None:
    existing = bench.tmp_path / "exists.sqlite3"
    existing.write_bytes(b"keep me")
    result = bench.cli("backup", "create", "--output", str(existing))
    assert result.exit_code == 1 and existing.read_bytes() == b"keep me", "never overwrites"
    result = bench.cli("backup", "restore", str(bench.tmp_path), "--yes")
    assert result.exit_code == 2 and "is a directory" in result.output


# --- The catalogue as tests ---------------------------------------------------------------------


@pytest.fixture
def bench(
    app: Flask,
    client: PageClient,
    publish_survey: Callable[..., Any],
    make_forum: Callable[..., str],
    make_staff: Callable[..., StaffUser],
    tmp_path: Path,
) -> Bench:
    return Bench(app, client, publish_survey, make_forum, make_staff, tmp_path)


def test_the_catalogue_has_at_least_forty_cases() -> None:
    assert len(CASES) >= 40, len(CASES)


@pytest.mark.parametrize("check", CASES, ids=[c.__name__ for c in CASES])
def test_bad_input(check: Callable[[Bench], None], bench: Bench) -> None:
    check(bench)

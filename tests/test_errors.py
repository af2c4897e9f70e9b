"""Error pages: the service's layout, the right status, plain English, no stack trace."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, abort
from sqlalchemy import select

from engage.accounts.models import Role, StaffUser
from engage.accounts.services import AccountError
from engage.platform import clock
from engage.platform.database import db
from engage.themes.queries import ThemeError
from surveys.models import Survey
from surveys.refusal import RefusedError
from surveys.services import SurveyError
from tests.support.pages import PageClient


def test_404(client: PageClient) -> None:
    page = client.get("/no-such-page", expected_status=404)
    assert page.h1 == "Page not found"
    assert page.page_title == "Page not found"


def test_405(client: PageClient) -> None:
    page = client.get("/", expected_status=200)
    response = client.client.post("/", data={"csrf_token": "x"})
    assert response.status_code == 405
    assert "That action is not available on this page" in response.get_data(as_text=True)
    assert page.status == 200


def test_403_for_a_role_without_access(client: PageClient, signed_in: Callable[[Role], StaffUser]) -> None:
    signed_in(Role.OFFICER)
    page = client.get("/staff/accounts", expected_status=403)
    assert page.h1 == "You do not have permission to see this page"


def test_413_when_a_post_is_too_large(client: PageClient, app: Flask) -> None:
    too_big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.client.post("/staff/sign-in", data={"email": too_big, "password": "y"})
    assert response.status_code == 413
    assert "What you sent is too large" in response.get_data(as_text=True)


def test_400_for_a_malformed_request(client: PageClient, app: Flask) -> None:
    @app.get("/test-bad-request")
    def bad() -> Any:
        abort(400)

    page = client.get("/test-bad-request", expected_status=400)
    assert page.h1 == "There is a problem with your request"


def test_500_shows_no_stack_trace(client: PageClient, app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    @app.get("/test-explode")
    def explode() -> Any:
        secret = "internal detail 8f3a"
        raise RuntimeError(secret)

    page = client.get("/test-explode", expected_status=500)
    assert page.h1 == "Sorry, there is a problem with the service"
    body = page.response.get_data(as_text=True)
    assert "Traceback" not in body
    assert "internal detail 8f3a" not in body
    assert "RuntimeError" not in body
    assert any("internal detail 8f3a" in str(r.exc_info) for r in caplog.records if r.exc_info), (
        "logged for staff"
    )


def test_a_refusal_no_page_caught_is_a_400_in_the_service_s_own_words(client: PageClient, app: Flask) -> None:
    """Every service refuses a change with one error type (surveys.refusal.RefusedError);
    one that escapes its page still tells the person why, and saves nothing."""

    @app.get("/test-refused")
    def refuse() -> Any:
        db().add(Survey(slug="half-made", title="Half made", created_at=clock.now()))
        db().flush()
        raise SurveyError("Publish the survey before analysing its answers")

    page = client.get("/test-refused", expected_status=400)
    assert page.h1 == "There is a problem with your request"
    assert "Publish the survey before analysing its answers" in page.text
    with app.app_context():
        assert db().scalar(select(Survey).where(Survey.slug == "half-made")) is None, "nothing saved"
    assert issubclass(ThemeError, RefusedError) and issubclass(AccountError, RefusedError)


def test_429_page(client: PageClient, app: Flask) -> None:
    from werkzeug.exceptions import TooManyRequests

    @app.get("/test-too-many")
    def too_many() -> Any:
        raise TooManyRequests(retry_after=120)

    page = client.get("/test-too-many", expected_status=429)
    assert page.h1 == "Too many attempts"
    assert page.response.headers["Retry-After"] == "120"
    assert "try again in about 2 minutes" in page.text


def test_database_unavailable_is_a_friendly_503(client: PageClient, app: Flask) -> None:
    from sqlalchemy.exc import OperationalError

    @app.get("/test-db-down")
    def db_down() -> Any:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    page = client.get("/test-db-down", expected_status=503)
    assert page.h1 == "Sorry, the service is unavailable"
    assert "Try again shortly" in page.text


def test_a_value_the_database_cannot_store_is_a_400(client: PageClient, app: Flask) -> None:
    from sqlalchemy.exc import DataError

    @app.get("/test-unstorable")
    def unstorable() -> Any:
        raise DataError("INSERT", {}, Exception("text fields cannot contain NUL (0x00) bytes"))

    page = client.get("/test-unstorable", expected_status=400)
    assert page.h1 == "There is a problem with your request"
    assert "characters or numbers we cannot store" in page.text
    assert "NUL" not in page.response.get_data(as_text=True)


def test_expired_form_keeps_what_was_typed(client: PageClient) -> None:
    page = client.get("/staff/sign-in")
    expired = client.submit(
        page,
        {
            "csrf_token": "expired-or-forged",
            "email": "ruth.ellis@anyshire.gov.uk",
            "password": "typed secret",
        },
        expected_status=400,
    )
    assert expired.h1 == "Your form timed out"
    kept = {i["name"]: i["value"] for i in expired.soup.select("main form input[type=hidden]")}
    assert kept["email"] == "ruth.ellis@anyshire.gov.uk"
    assert "password" not in kept, "secrets are never echoed back"
    assert "typed secret" not in expired.response.get_data(as_text=True)
    assert "You will need to type your password again" in expired.text
    # Continuing re-sends the kept answers with a fresh token.
    again = client.submit(expired, expected_status=400)
    assert again.h1 == "Sign in"
    assert again.soup.select_one("input[name=email]")["value"] == "ruth.ellis@anyshire.gov.uk"
    assert again.error_summary() == ["Enter your password"]


def test_missing_csrf_token_is_refused(client: PageClient, make_staff: Callable[..., StaffUser]) -> None:
    user = make_staff(Role.ADMIN)
    response = client.client.post(
        "/staff/sign-in", data={"email": user.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 400
    assert "Your form timed out" in response.get_data(as_text=True)

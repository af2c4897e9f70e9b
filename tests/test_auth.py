"""Staff sign in: sessions held on the server, timeouts, rate limits, no enumeration."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from engage.accounts import services as accounts
from engage.accounts.models import Role, StaffSession, StaffUser
from engage.platform.database import db
from engage.platform.models import AuditEvent, RateLimitCounter
from tests.conftest import PASSWORD, FrozenClock, sign_in
from tests.support.pages import PageClient

WRONG = "Enter the email address and password for your staff account. Check them and try again."


def audit_actions(app: Flask) -> list[str]:
    with app.app_context():
        return [e.action for e in db().scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_sign_in_and_out(client: PageClient, make_staff: Callable[..., StaffUser], app: Flask) -> None:
    user = make_staff(Role.OFFICER, name="Ruth Ellis")
    page = sign_in(client, user.email)
    assert page.h1 == "Dashboard"
    assert "Welcome, Ruth Ellis" in page.text
    signed_out = client.submit(page, selector="header form")
    assert signed_out.h1 == "Sign in"
    assert "You have signed out" in signed_out.text
    assert client.get_redirect("/staff/").startswith("/staff/sign-in")
    assert audit_actions(app) == ["staff.signed_in", "staff.signed_out"]


def test_email_is_case_and_space_insensitive(
    client: PageClient, make_staff: Callable[..., StaffUser]
) -> None:
    user = make_staff(Role.OFFICER, email="mixed.case@anyshire.gov.uk")
    assert sign_in(client, "  Mixed.Case@Anyshire.gov.uk ").h1 == "Dashboard"
    assert user.email == "mixed.case@anyshire.gov.uk"


def test_replayed_cookie_after_sign_out_does_not_work(
    client: PageClient, make_staff: Callable[..., StaffUser]
) -> None:
    user = make_staff(Role.ADMIN)
    page = sign_in(client, user.email)
    stolen = client.client.get_cookie("engage_session")
    assert stolen is not None
    client.submit(page, selector="header form")
    # An attacker (or the back button) presents the old cookie again.
    client.client.set_cookie("engage_session", stolen.value)
    response = client.client.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/sign-in")


def test_wrong_password_and_unknown_email_look_the_same(
    client: PageClient, make_staff: Callable[..., StaffUser]
) -> None:
    user = make_staff(Role.OFFICER)
    wrong_password = sign_in(client, user.email, "not the password at all")
    unknown_email = sign_in(client, "nobody@anyshire.gov.uk", "not the password at all")
    for page in (wrong_password, unknown_email):
        assert page.status == 400
        assert page.title.startswith("Error: Sign in")
        assert page.error_summary() == [WRONG]
    # The same page, apart from the per-request nonce and token.
    strip = lambda p: p.soup.select_one("main").get_text(" ", strip=True)  # noqa: E731
    assert strip(wrong_password) == strip(unknown_email)


def test_empty_form_gets_field_errors(client: PageClient) -> None:
    page = client.submit(client.get("/staff/sign-in"), {"email": "", "password": ""}, expected_status=400)
    assert page.error_summary() == ["Enter your email address", "Enter your password"]
    links = [a["href"] for a in page.soup.select(".govuk-error-summary__list a")]
    assert links == ["#email", "#password"]


def test_deactivated_account_cannot_sign_in(
    client: PageClient, make_staff: Callable[..., StaffUser], app: Flask
) -> None:
    user = make_staff(Role.OFFICER)
    with app.app_context():
        db().get(StaffUser, user.id).is_active_account = False
        db().commit()
    assert sign_in(client, user.email).error_summary() == [WRONG]


def test_safe_next_redirect(client: PageClient, make_staff: Callable[..., StaffUser]) -> None:
    user = make_staff(Role.ADMIN)
    for target, expected in (
        ("/staff/audit", "/staff/audit"),
        ("https://evil.example/", "/staff/"),
        ("//evil.example", "/staff/"),
    ):
        page = client.get(f"/staff/sign-in?next={target}")
        response = client.submit(
            page, {"email": user.email, "password": PASSWORD}, follow_redirects=False, expected_status=302
        )
        assert response.response.headers["Location"] == expected
        client.client.post("/staff/sign-out", data={"csrf_token": _token(client)})


def test_next_with_control_characters_goes_to_the_dashboard(
    client: PageClient, make_staff: Callable[..., StaffUser]
) -> None:
    # A CR/LF made werkzeug refuse the Location header: a 500 just after signing in.
    user = make_staff(Role.ADMIN)
    for target in (
        "/staff/audit%0d%0aSet-Cookie:%20x=1",
        "/staff/audit%0aX:%20y",
        "/staff/audit%00",
        "/staff/audit%09",
        "/staff/audit%7f",
        "/%0d%0a//evil.example",
        "%2f%2fevil.example",
        "/\\evil.example",
        "/staff/" + "a" * 5000,
    ):
        page = client.get(f"/staff/sign-in?next={target}")
        response = client.submit(
            page, {"email": user.email, "password": PASSWORD}, follow_redirects=False, expected_status=302
        )
        assert response.response.headers["Location"] == "/staff/", target
        client.client.post("/staff/sign-out", data={"csrf_token": _token(client)})


def _token(client: PageClient) -> str:
    page = client.get("/")
    found = page.soup.select_one("input[name=csrf_token]")
    return str(found["value"]) if found else ""


def test_sign_in_page_redirects_when_already_signed_in(client: PageClient, signed_in: Any) -> None:
    signed_in(Role.VIEWER)
    assert client.get_redirect("/staff/sign-in") == "/staff/"


class TestTimeouts:
    def test_idle_timeout(
        self, client: PageClient, make_staff: Callable[..., StaffUser], frozen_clock: FrozenClock
    ) -> None:
        user = make_staff(Role.OFFICER)
        sign_in(client, user.email)
        frozen_clock.advance(minutes=29)
        assert client.client.get("/staff/").status_code == 200, "active within 30 minutes"
        frozen_clock.advance(minutes=29)
        assert client.client.get("/staff/").status_code == 200, "each request resets the idle clock"
        frozen_clock.advance(minutes=31)
        client.get_redirect("/staff/", to="/staff/sign-in")  # idle for more than 30 minutes
        # Coming back later with the same cookie does not revive it.
        frozen_clock.advance(minutes=1)
        client.get_redirect("/staff/", to="/staff/sign-in")

    def test_absolute_timeout(
        self, client: PageClient, make_staff: Callable[..., StaffUser], frozen_clock: FrozenClock, app: Flask
    ) -> None:
        user = make_staff(Role.OFFICER)
        sign_in(client, user.email)
        for _ in range(12 * 4 - 1):
            frozen_clock.advance(minutes=15)
            assert client.client.get("/staff/").status_code == 200
        frozen_clock.advance(minutes=16)
        client.get_redirect("/staff/", to="/staff/sign-in")  # older than 12 hours
        with app.app_context():
            reasons = [s.revoked_reason for s in db().scalars(select(StaffSession))]
        assert reasons == ["absolute timeout"]


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"login_attempts_per_account": 3, "login_attempts_per_client": 5, "login_window_minutes": 15}


class TestRateLimits:
    def test_per_account_limit_blocks_even_the_right_password(
        self, client: PageClient, make_staff: Callable[..., StaffUser], frozen_clock: FrozenClock
    ) -> None:
        user = make_staff(Role.OFFICER)
        for _ in range(3):
            assert sign_in(client, user.email, "wrong password here").status == 400
        page = client.get("/staff/sign-in")
        blocked = client.submit(page, {"email": user.email, "password": PASSWORD}, expected_status=429)
        assert blocked.h1 == "Too many attempts"
        assert re.search(r"too many attempts to sign in\. For your security, wait \d+ minutes?", blocked.text)
        assert int(blocked.response.headers["Retry-After"]) > 0

    def test_guessing_the_current_password_on_the_password_page_is_limited_too(
        self, client: PageClient, signed_in: Any
    ) -> None:
        """A session left open on a shared computer must not allow unlimited password guesses."""
        signed_in(Role.OFFICER)
        guess = {"new_password": "a much better passphrase", "confirm_password": "a much better passphrase"}
        for attempt in range(3):
            page = client.get("/staff/password")
            wrong = client.submit(
                page, {"current_password": f"guess number {attempt}", **guess}, expected_status=400
            )
            assert wrong.error_summary() == ["Your current password is not right"]
        page = client.get("/staff/password")
        blocked = client.submit(page, {"current_password": PASSWORD, **guess}, expected_status=429)
        assert blocked.h1 == "Too many attempts"

    def test_limit_counts_unknown_emails_too(self, client: PageClient) -> None:
        """Blocking only real accounts would reveal which emails exist."""
        for _ in range(3):
            sign_in(client, "ghost@anyshire.gov.uk", "wrong password here")
        page = client.get("/staff/sign-in")
        client.submit(page, {"email": "ghost@anyshire.gov.uk", "password": "x"}, expected_status=429)

    def test_per_client_limit_across_accounts(
        self, client: PageClient, make_staff: Callable[..., StaffUser]
    ) -> None:
        user = make_staff(Role.OFFICER)
        for n in range(5):
            sign_in(client, f"spray{n}@anyshire.gov.uk", "wrong password here")
        page = client.get("/staff/sign-in")
        client.submit(page, {"email": user.email, "password": PASSWORD}, expected_status=429)
        # Another address is not blocked by this one's failures.
        other = client.client.get("/staff/sign-in", environ_base={"REMOTE_ADDR": "10.1.2.3"})
        assert other.status_code == 200

    def test_window_expires(
        self, client: PageClient, make_staff: Callable[..., StaffUser], frozen_clock: FrozenClock
    ) -> None:
        user = make_staff(Role.OFFICER)
        for _ in range(3):
            sign_in(client, user.email, "wrong password here")
        refused = client.submit(
            client.get("/staff/sign-in"), {"email": user.email, "password": PASSWORD}, expected_status=429
        )
        assert refused.response.headers["Retry-After"] == str(15 * 60)
        frozen_clock.advance(minutes=15, seconds=1)
        assert sign_in(client, user.email).h1 == "Dashboard"

    def test_each_attempt_is_counted_before_its_password_is_checked(
        self,
        client: PageClient,
        make_staff: Callable[..., StaffUser],
        app: Flask,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """So concurrent attempts cannot all pass a check that has not yet seen the others
        (tests/faults/test_sign_in_concurrency.py shows it with gunicorn's workers)."""
        user = make_staff(Role.OFFICER)
        counted_at_check: list[int] = []
        real_authenticate = accounts.authenticate

        def authenticate(session: Any, email: str, password: str) -> Any:
            with app.app_context():
                hits = db().scalar(select(func.coalesce(func.sum(RateLimitCounter.hits), 0)))
            counted_at_check.append(int(hits or 0))
            return real_authenticate(session, email, password)

        monkeypatch.setattr(accounts, "authenticate", authenticate)
        sign_in(client, user.email, "wrong password here")
        sign_in(client, user.email, "wrong password here")
        assert counted_at_check == [2, 4], "the account and the client each counted this attempt first"

    def test_signing_in_to_your_own_account_does_not_use_up_or_reset_the_client_limit(
        self, client: PageClient, make_staff: Callable[..., StaffUser]
    ) -> None:
        """A successful sign in takes back its own attempt, and only that: the client's
        failures still count, so an account holder cannot buy guesses at other accounts."""
        user = make_staff(Role.OFFICER)
        for _ in range(7):  # more than the client's 5
            page = sign_in(client, user.email)
            assert page.h1 == "Dashboard"
            client.submit(page, selector="header form")
        for n in range(4):
            assert sign_in(client, f"other{n}@anyshire.gov.uk", "wrong password here").status == 400
        client.submit(sign_in(client, user.email), selector="header form")
        assert sign_in(client, "other4@anyshire.gov.uk", "wrong password here").status == 400
        page = client.get("/staff/sign-in")
        client.submit(page, {"email": user.email, "password": PASSWORD}, expected_status=429)

    def test_success_resets_the_account_counter(
        self, client: PageClient, make_staff: Callable[..., StaffUser]
    ) -> None:
        user = make_staff(Role.OFFICER)
        for _ in range(2):
            sign_in(client, user.email, "wrong password here")
        page = sign_in(client, user.email)
        client.submit(page, selector="header form")
        for _ in range(2):
            sign_in(client, user.email, "wrong password here")
        assert sign_in(client, user.email).h1 == "Dashboard"


class TestPasswords:
    def test_must_change_password_first(
        self, client: PageClient, make_staff: Callable[..., StaffUser]
    ) -> None:
        user = make_staff(Role.OFFICER, must_change=True)
        page = sign_in(client, user.email)
        assert page.h1 == "Change your password"
        assert client.get_redirect("/staff/") == "/staff/password"
        changed = client.submit(
            page,
            {
                "current_password": PASSWORD,
                "new_password": "a much better passphrase",
                "confirm_password": "a much better passphrase",
            },
        )
        assert changed.h1 == "Dashboard"
        assert "Your password has been changed" in changed.text

    @pytest.mark.parametrize(
        ("current", "new", "confirm", "message"),
        [
            (
                "wrong current password",
                "a much better passphrase",
                "a much better passphrase",
                "Your current password is not right",
            ),
            (PASSWORD, "short", "short", "Password must be 12 characters or more"),
            (PASSWORD, "a much better passphrase", "something else entirely", "The passwords do not match"),
            (
                PASSWORD,
                "aaaaaaaaaaaaaaaa",
                "aaaaaaaaaaaaaaaa",
                "Password must not repeat the same few characters",
            ),
        ],
    )
    def test_bad_new_passwords(
        self, client: PageClient, signed_in: Any, current: str, new: str, confirm: str, message: str
    ) -> None:
        signed_in(Role.OFFICER)
        page = client.get("/staff/password")
        result = client.submit(
            page,
            {"current_password": current, "new_password": new, "confirm_password": confirm},
            expected_status=400,
        )
        assert result.error_summary() == [message]
        assert not result.soup.select("input[type=password][value]:not([value=''])"), (
            "passwords are never echoed"
        )

    def test_changing_password_signs_out_other_devices(
        self, app: Flask, make_staff: Callable[..., StaffUser]
    ) -> None:
        user = make_staff(Role.OFFICER)
        laptop, phone = PageClient(app.test_client()), PageClient(app.test_client())
        sign_in(laptop, user.email)
        sign_in(phone, user.email)
        page = laptop.get("/staff/password")
        laptop.submit(
            page,
            {
                "current_password": PASSWORD,
                "new_password": "a much better passphrase",
                "confirm_password": "a much better passphrase",
            },
        )
        assert laptop.client.get("/staff/").status_code == 200, "this device stays signed in"
        phone.get_redirect("/staff/", to="/staff/sign-in")  # the other device is signed out

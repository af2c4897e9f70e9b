"""Security headers and caching rules on every kind of response."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from engage.accounts.models import Role, StaffUser
from tests.support.pages import PageClient


@pytest.mark.parametrize("url", ["/", "/staff/sign-in", "/does-not-exist", "/healthz"])
def test_headers_on_every_response(client: PageClient, url: str) -> None:
    response = client.client.get(url)
    csp = response.headers["Content-Security-Policy"]
    for directive in ("frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'", "default-src 'self'"):
        assert directive in csp
    assert "'unsafe-inline'" not in csp
    assert "'nonce-" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers, "no HSTS over plain HTTP"


def test_nonce_changes_every_request(client: PageClient) -> None:
    first = client.client.get("/").headers["Content-Security-Policy"]
    second = client.client.get("/").headers["Content-Security-Policy"]
    assert first != second


def test_hsts_when_served_over_https(client: PageClient) -> None:
    response = client.client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_staff_pages_are_not_stored(client: PageClient, signed_in: Callable[[Role], StaffUser]) -> None:
    assert client.client.get("/staff/sign-in").headers["Cache-Control"] == "no-store"
    signed_in(Role.ADMIN)
    for url in ("/staff/", "/staff/accounts", "/staff/audit", "/staff/password"):
        assert client.client.get(url).headers["Cache-Control"] == "no-store", url
    # Even a public page shown to a signed-in member of staff names them.
    assert client.client.get("/").headers["Cache-Control"] == "no-store"


def test_public_pages_may_be_cached_but_revalidated(client: PageClient) -> None:
    assert client.client.get("/privacy").headers["Cache-Control"] == "no-cache"


def test_session_cookie_flags(client: PageClient, make_staff: Callable[..., StaffUser]) -> None:
    user = make_staff(Role.OFFICER)
    page = client.get("/staff/sign-in")
    response = client.submit(
        page,
        {"email": user.email, "password": "correct horse battery staple"},
        follow_redirects=False,
        expected_status=302,
    )
    cookie = response.response.headers.get("Set-Cookie", "")
    assert "engage_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie, "plain HTTP base URL: not Secure"

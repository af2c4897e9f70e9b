"""The staff area's rules hold for every URL under /staff, not just the pages someone remembered.

Each test walks the application's URL map: every rule under ``/staff``, with every method it
accepts, built with placeholder values. New staff pages are covered without editing this file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import IntegerConverter, PathConverter, Rule

from engage.accounts.models import Role, StaffUser
from engage.staff.area import OPEN_ENDPOINTS, PASSWORD_CHANGE_ENDPOINTS
from tests.conftest import PASSWORD
from tests.support.pages import PageClient
from tests.support.staff_roles import LEAST_ROLE, OPEN, SIGNED_IN

PLACEHOLDERS = {"int": 1, "default": "x", "string": "x", "path": "x"}


def staff_requests(app: Flask, ids: int = 1) -> Iterator[tuple[str, str, str]]:
    """(endpoint, method, path) for every staff URL in the map (record ids: ``ids``)."""
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff"):
            continue
        placeholders = {**PLACEHOLDERS, "int": ids}
        values = {name: placeholders[_converter(rule, name)] for name in rule.arguments}
        path = adapter.build(rule.endpoint, values)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, path


def _converter(rule: Rule, name: str) -> str:
    converter = rule._converters[name]
    if isinstance(converter, IntegerConverter):
        return "int"
    return "path" if isinstance(converter, PathConverter) else "string"


@pytest.fixture
def no_csrf(app: Flask) -> Flask:
    # The walk posts without forms; CSRF would answer first and hide what the staff area does.
    app.config["WTF_CSRF_ENABLED"] = False
    return app


def _sign_in(client: FlaskClient, email: str) -> None:
    response = client.post("/staff/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def test_the_walk_covers_every_feature(app: Flask) -> None:
    prefixes = {path.split("/")[2] for _, _, path in staff_requests(app) if path.count("/") >= 2}
    assert {"surveys", "forums", "kiosks", "actions", "accounts", "audit", "outbox", "sign-in"} <= prefixes
    assert len(list(staff_requests(app))) > 100


def test_an_account_that_must_change_its_password_reaches_nothing_else(
    no_csrf: Flask, make_staff: Callable[..., StaffUser]
) -> None:
    user = make_staff(Role.ADMIN, must_change=True)
    client = no_csrf.test_client()
    _sign_in(client, user.email)
    reached = []
    for endpoint, method, path in staff_requests(no_csrf):
        if endpoint in OPEN_ENDPOINTS | PASSWORD_CHANGE_ENDPOINTS:
            continue
        response = client.open(path, method=method)
        location = response.headers.get("Location", "")
        if response.status_code != 302 or not location.endswith("/staff/password"):
            reached.append(f"{method} {path} → {response.status_code} {location}")
        assert response.headers["Cache-Control"] == "no-store"
    assert reached == []
    # …while the password page itself works, and then everything opens up.
    assert client.get("/staff/password").status_code == 200
    assert client.get("/staff/").headers["Location"].endswith("/staff/password")
    changed = client.post(
        "/staff/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a much better passphrase",
            "confirm_password": "a much better passphrase",
        },
    )
    assert changed.status_code in (302, 303), changed.get_data(as_text=True)[:300]
    assert client.get("/staff/").status_code == 200
    assert client.get("/staff/surveys").status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in_from_every_staff_url(no_csrf: Flask) -> None:
    client = no_csrf.test_client()
    reached = []
    for endpoint, method, path in staff_requests(no_csrf):
        if endpoint in OPEN_ENDPOINTS:
            continue
        response = client.open(path, method=method)
        location = response.headers.get("Location", "")
        if response.status_code != 302 or "/staff/sign-in" not in location:
            reached.append(f"{method} {path} → {response.status_code} {location}")
        assert response.headers["Cache-Control"] == "no-store"
    assert reached == []


def test_an_enrolled_kiosk_gets_no_staff_page_even_when_staff_sign_in_on_it(
    app: Flask, make_staff: Callable[..., StaffUser]
) -> None:
    from engage.kiosk import services
    from engage.kiosk.models import KioskDevice
    from engage.platform import clock
    from engage.platform.database import db

    with app.app_context():
        device = KioskDevice(
            name="Tablet", branch_code="northgate-central", branch_name="Northgate", idle_seconds=120
        )
        device.created_at = clock.now()
        db().add(device)
        db().flush()
        code = services.new_enrol_code(device, clock.now())
        db().commit()
    tablet = PageClient(app.test_client())
    tablet.submit(tablet.get("/kiosk/enrol"), {"code": code}, expected_status=(200, 403))
    user = make_staff(Role.ADMIN)
    app.config["WTF_CSRF_ENABLED"] = False
    refused = 0
    for _endpoint, method, path in staff_requests(app):
        response = tablet.client.open(path, method=method, data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 403, f"{method} {path} → {response.status_code}"
        assert "Staff pages are not available on this tablet" in response.get_data(as_text=True)
        refused += 1
    assert refused > 100


def test_a_signed_in_officer_still_reaches_their_pages(
    client: PageClient, signed_in: Callable[[Role], StaffUser]
) -> None:
    signed_in(Role.OFFICER)
    for path in ("/staff/", "/staff/surveys", "/staff/forums", "/staff/actions", "/staff/kiosks"):
        page = client.get(path)
        assert page.response.headers["Cache-Control"] == "no-store"


STAFF_TEMPLATE_DIRS = (
    "actions",
    "alerts",
    "auth",
    "builder",
    "forum_admin",
    "kiosk_admin",
    "reports",
    "responses",
    "staff",
    "themes",
)


def test_staff_templates_extend_the_staff_layout() -> None:
    """One place says staff pages are not for search engines (templates/staff/layout.html)."""
    from engage.platform.config import PROJECT_ROOT

    wrong = []
    for folder in STAFF_TEMPLATE_DIRS:
        for path in sorted((PROJECT_ROOT / "templates" / folder).glob("*.html")):
            text = path.read_text(encoding="utf-8")
            if "{% extends" not in text or path.name == "layout.html":
                continue  # partials and the PDF's stand-alone document
            if path.name.startswith("trial_") and '{% extends "residents/' in text:
                continue  # a try-out shows the residents' own pages, which keep search engines out
            if '{% extends "staff/layout.html" %}' not in text or "block robots" in text:
                wrong.append(str(path.relative_to(PROJECT_ROOT)))
    assert wrong == []


def test_every_staff_page_tells_search_engines_to_keep_out(
    app: Flask, client: PageClient, signed_in: Callable[[Role], StaffUser]
) -> None:
    signed_in(Role.ADMIN)
    checked = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff") or rule.arguments or "GET" not in (rule.methods or set()):
            continue
        response = client.client.get(rule.rule)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = client.get(rule.rule)
        robots = page.soup.select_one('meta[name="robots"]')
        assert robots is not None and robots["content"] == "noindex, nofollow", rule.rule
        checked.append(rule.rule)
    assert {"/staff/", "/staff/surveys", "/staff/actions", "/staff/forums", "/staff/kiosks"} <= set(checked)


RANKS = (Role.VIEWER, Role.BRANCH_STAFF, Role.OFFICER, Role.ADMIN)


def test_the_role_table_lists_every_staff_page_once(no_csrf: Flask) -> None:
    walked = {f"{method} {endpoint}" for endpoint, method, _ in staff_requests(no_csrf)}
    declared = set(LEAST_ROLE) | OPEN | SIGNED_IN
    assert walked - declared == set(), "declare who may use these in tests/support/staff_roles.py"
    assert declared - walked == set(), "these are declared but no longer exist"


@pytest.mark.parametrize("role", RANKS, ids=[role.value for role in RANKS])
def test_each_role_reaches_exactly_the_pages_the_table_gives_it(
    no_csrf: Flask, make_staff: Callable[..., StaffUser], role: Role
) -> None:
    """Every staff URL × method, as this role: refused (403) exactly when the table says so.
    Record ids that cannot exist keep the walk from changing anything real; a 404 for them
    still means the role check let the request through."""
    user = make_staff(role)
    client = no_csrf.test_client()
    _sign_in(client, user.email)
    wrong = []
    for endpoint, method, path in staff_requests(no_csrf, ids=999_999):
        key = f"{method} {endpoint}"
        if key in OPEN or key in SIGNED_IN:
            continue
        allowed = RANKS.index(role) >= RANKS.index(LEAST_ROLE[key])
        response = client.open(path, method=method)
        if (response.status_code != 403) != allowed or response.status_code == 302:
            wrong.append(f"{key} {path} → {response.status_code} (allowed: {allowed})")
    assert wrong == []

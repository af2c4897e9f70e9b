"""Links that leave the service come from ENGAGE_BASE_URL, whatever Host a request claims.

A forged ``Host`` or ``X-Forwarded-Host`` must never put an attacker's address into an email
that carries a secret token (forum confirm and manage links, resume links, "tell me what
happened" confirmations), a poster, or the Atom feed. In production the forged request is
refused outright.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request
from sqlalchemy import select

from engage import create_app
from engage.accounts.models import Role
from engage.platform.config import PROJECT_ROOT
from engage.platform.database import db
from engage.platform.links import external_url
from engage.platform.models import OutboundEmail
from surveys.models import Survey
from tests.conftest import make_settings, sign_in
from tests.forums.conftest import make_forum, sign_up_data
from tests.residents.conftest import publish_survey
from tests.support.forums import confirm_latest
from tests.support.pages import PageClient
from tests.support.residents import answer_all, start

BASE = "http://haveyoursay.anyshire.gov.uk"
ATTACKER = "attacker.example"
__all__ = ["make_forum", "publish_survey"]  # fixtures shared with the forums and residents tests

URL = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"base_url": BASE}


class ForgedHost:
    """WSGI middleware that makes every request claim to be for the attacker's site."""

    def __init__(self, app: Any, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = headers

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        # A copy: the test client resolves redirects against its own, honest, environ.
        return self.app({**environ, **self.headers}, start_response)


def forge(app: Flask, **headers: str) -> PageClient:
    app.wsgi_app = ForgedHost(app.wsgi_app, headers)  # type: ignore[method-assign]
    return PageClient(app.test_client())


def links_in_outbox(app: Flask) -> list[str]:
    with app.app_context():
        messages = list(db().scalars(select(OutboundEmail)))
        found = []
        for message in messages:
            for body in (message.text_body, message.html_body, *message.headers.values()):
                found.extend(URL.findall(body))
        return found


def exercise_emails(client: PageClient, app: Flask, forum: str, survey: str) -> None:
    """Every resident- and member-facing flow that emails a link with a token in it."""
    # Forum sign-up (confirm link), the same address again ("already registered" + manage
    # link), and "email me my link" (manage link).
    client.submit(client.get(f"/forums/{forum}/register"), sign_up_data())
    confirm_latest(client, app)
    client.submit(client.get(f"/forums/{forum}/register"), sign_up_data())
    client.submit(client.get("/forums/manage"), {"email": "priya@example.org"})
    # Save and come back later, by email (resume link).
    page = client.submit(start(client, f"/s/{survey}"), {"visits": "weekly"})
    saved = client.submit(page, {"action": "save"})
    client.submit(saved, {"email": "resident@example.org"}, selector="main form:has(input[name=email])")
    # "Tell me what happened" (confirmation link), on a fresh browser's finished survey.
    other = PageClient(app.test_client())
    done = other.submit(answer_all(other))
    other.submit(
        done,
        {"email": "hear@example.org", "consent": "yes"},
        selector="form:has(input[name=email])",
    )


def assert_all_from_base(links: Iterable[str], minimum: int) -> None:
    links = list(links)
    assert len(links) >= minimum, links
    foreign = [link for link in links if not link.startswith(BASE + "/")]
    assert foreign == []


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"HTTP_HOST": ATTACKER}, id="Host"),
        pytest.param({"HTTP_X_FORWARDED_HOST": ATTACKER, "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, id="XFH"),
    ],
)
def test_emails_built_during_a_forged_request_link_to_the_base_url(
    app: Flask,
    make_forum: Callable[..., str],
    publish_survey: Callable[..., Survey],
    headers: dict[str, str],
) -> None:
    forum = make_forum()
    publish_survey()
    client = forge(app, **headers)
    exercise_emails(client, app, forum, "test-survey")
    with app.app_context():
        purposes = set(db().scalars(select(OutboundEmail.purpose)))
    assert {
        "forum_confirm",
        "forum_already_registered",
        "forum_link",
        "survey_resume",
        "follow_up_confirm",
    } <= purposes
    assert_all_from_base(links_in_outbox(app), minimum=5)


def test_behind_a_proxy_x_forwarded_host_is_ignored_unless_configured(
    database_url: str, tmp_path: Path
) -> None:
    app = create_app(
        {"INSTANCE_PATH": tmp_path / "instance"},
        settings=make_settings(database_url, base_url=BASE, proxy_count=1),
    )
    seen: list[str] = []

    @app.get("/__host")
    def _host() -> str:
        seen.append(request.host)
        return "ok"

    client = forge(app, HTTP_X_FORWARDED_HOST=ATTACKER, HTTP_X_FORWARDED_FOR="203.0.113.9")
    client.client.get("/__host")
    assert seen == ["localhost"]
    app.extensions["engage.engine"].dispose()


@pytest.mark.parametrize(
    ("overrides", "headers"),
    [
        pytest.param({}, {"HTTP_HOST": ATTACKER}, id="Host"),
        pytest.param(
            {"proxy_count": 1, "proxy_forwarded_host": True},
            {"HTTP_X_FORWARDED_HOST": ATTACKER, "HTTP_X_FORWARDED_FOR": "203.0.113.9"},
            id="XFH-believed-but-checked",
        ),
    ],
)
def test_with_trusted_hosts_a_forged_host_is_refused_with_400(
    database_url: str, tmp_path: Path, overrides: dict[str, Any], headers: dict[str, str]
) -> None:
    # Production sets TRUSTED_HOSTS from ENGAGE_BASE_URL; ENGAGE_ALLOWED_HOSTS does the same
    # here without the rest of production's requirements. "localhost" is the test client's host.
    settings = make_settings(database_url, base_url=BASE, allowed_hosts="localhost", **overrides)
    app = create_app({"INSTANCE_PATH": tmp_path / "instance"}, settings=settings)
    assert app.config["TRUSTED_HOSTS"] == ["haveyoursay.anyshire.gov.uk", "localhost"]
    PageClient(app.test_client()).get("/forums/manage")  # the real host still works
    client = forge(app, **headers)
    for path in ("/", "/forums/manage", "/s/test-survey", "/staff/sign-in"):
        page = client.get(path, expected_status=400)
        assert "Sorry, there is a problem with your request" in page.text or page.h1
    response = client.client.post("/forums/manage", data={"email": "priya@example.org"})
    assert response.status_code == 400
    with app.app_context():
        assert list(db().scalars(select(OutboundEmail))) == []
    app.extensions["engage.engine"].dispose()


def test_production_trusts_only_the_public_host() -> None:
    from engage.platform.config import Settings

    production = Settings(
        env="production",
        secret_key="s" * 40,
        database_url="postgresql://db/engage",
        base_url="https://haveyoursay.anyshire.gov.uk/",
    )
    assert production.trusted_hosts == ["haveyoursay.anyshire.gov.uk"]
    with_internal = Settings(
        env="production",
        secret_key="s" * 40,
        database_url="postgresql://db/engage",
        base_url="https://haveyoursay.anyshire.gov.uk",
        allowed_hosts="engage.internal, 10.0.0.5",
    )
    assert with_internal.trusted_hosts == ["haveyoursay.anyshire.gov.uk", "engage.internal", "10.0.0.5"]
    assert Settings().trusted_hosts is None  # development: any host, links still from the base URL


def test_posters_and_the_feed_use_the_base_url(
    app: Flask, make_staff: Callable[..., Any], publish_survey: Callable[..., Survey]
) -> None:
    publish_survey()
    client = forge(app, HTTP_HOST=ATTACKER)
    feed = client.client.get("/you-said-we-did/feed.atom").get_data(as_text=True)
    assert_all_from_base([u for u in URL.findall(feed) if "w3.org" not in u], minimum=2)
    user = make_staff(Role.BRANCH_STAFF)
    assert sign_in(client, user.email).h1 == "Dashboard"
    posters = client.get("/staff/surveys/test-survey/posters")
    shown = [code.get_text() for code in posters.soup.select("main code")]
    assert shown and all(link.startswith(BASE + "/s/test-survey?branch=") for link in shown), shown


def test_external_url_keeps_a_path_prefix(app: Flask) -> None:
    app.config["ENGAGE_SETTINGS"].base_url = "https://council.example/engage/"
    app.extensions.pop("engage.platform.links.adapter", None)
    with app.app_context():
        assert (
            external_url("forums.manage", token="abc") == "https://council.example/engage/forums/manage/abc"
        )
        assert (
            external_url("residents.start", slug="s", branch="b")
            == "https://council.example/engage/s/s?branch=b"
        )


def test_no_view_or_template_builds_an_outgoing_link_from_the_request() -> None:
    """The rule, checked on the source: `_external=True` takes the host from the request."""
    offenders = []
    for folder in ("engage", "templates"):
        for path in (PROJECT_ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".html", ".txt", ".xml"} and path.name != "links.py":
                text = path.read_text(encoding="utf-8")
                if re.search(r"_external\s*=|test_request_context|request\.host_url|request\.url_root", text):
                    offenders.append(str(path.relative_to(PROJECT_ROOT)))
    assert offenders == []

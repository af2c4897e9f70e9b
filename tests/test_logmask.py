"""Secret tokens never reach a log line, an officer's screen, or a second use of a resume link."""

from __future__ import annotations

import contextlib
import io
import logging
import re
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.routing import Rule

from engage.accounts.models import Role, StaffUser
from engage.platform import logmask
from engage.platform.config import PROJECT_ROOT
from engage.staff.views import mask_secrets_in_email
from surveys.models import Survey
from tests.conftest import sign_in
from tests.faults.gunicorn import serve
from tests.residents.conftest import publish_survey
from tests.support.pages import PageClient
from tests.support.residents import start

__all__ = ["publish_survey"]

SECRET = "Zq9SECRETtoken_xY-12"


def token_rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if "token" in rule.arguments]


def test_every_route_with_a_token_is_masked(app: Flask) -> None:
    adapter = app.url_map.bind("haveyoursay.example", url_scheme="https")
    rules = token_rules(app)
    assert len(rules) >= 10
    for rule in rules:
        values: dict[str, object] = dict.fromkeys(rule.arguments, "x")
        values.update(token=SECRET, meeting_id=3)
        url = adapter.build(rule.endpoint, values, force_external=True) + "?a=1"
        masked = logmask.mask(f'GET {url} HTTP/1.1 "Referer: {url}"')
        assert SECRET not in masked, rule.rule
        assert logmask.HIDDEN in masked


def test_masking_leaves_ordinary_paths_alone() -> None:
    line = "GET /forums/culture-forum/register?next=/s/x HTTP/1.1 /s/library/page/where"
    assert logmask.mask(line) == line
    assert logmask.mask(logmask.mask(f"/forums/manage/{SECRET}")) == "/forums/manage/[hidden]"


def test_the_apps_own_log_lines_are_masked() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("engage.test-logmask")
    logger.addHandler(handler)
    logmask.install(logger)
    try:
        logger.warning("CSRF check failed on %s", f"/forums/manage/{SECRET}/details")
    finally:
        logger.removeHandler(handler)
    assert SECRET not in stream.getvalue()
    assert "/forums/manage/[hidden]/details" in stream.getvalue()


def test_make_run_uses_the_masking_logger() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    deployment = (PROJECT_ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    for text in (makefile, deployment):
        assert "--logger-class engage.platform.logmask.GunicornLogger" in text


def test_gunicorn_access_log_holds_no_token(database_url: str, tmp_path: Path) -> None:
    """The real thing: gunicorn with the logger class writes its access log to a file."""
    log = tmp_path / "access.log"
    logger = "engage.platform.logmask.GunicornLogger"
    args = ("--workers", "1", "--access-logfile", str(log), "--logger-class", logger,
            "--access-logformat", '%(h)s "%(r)s" %(s)s "%(f)s" %(U)s %({raw_uri}e)s')  # fmt: skip
    with serve(database_url, args=args) as (base, _master):
        for path in (
            f"/forums/manage/{SECRET}",
            f"/forums/confirm/{SECRET}",
            f"/s/library-co-design/resume/{SECRET}",
            f"/hear-back/stop/{SECRET}",
        ):
            request = urllib.request.Request(base + path, headers={"Referer": base + path})
            with contextlib.suppress(OSError):  # a 404 is fine: the request line is logged anyway
                urllib.request.urlopen(request, timeout=10).close()
    written = log.read_text(encoding="utf-8")
    assert written.count("[hidden]") >= 4 * 4, written
    assert SECRET not in written


def test_officers_read_outbox_emails_with_tokens_and_codes_hidden(
    app: Flask,
    client: PageClient,
    make_staff: Callable[..., StaffUser],
    publish_survey: Callable[..., Survey],
) -> None:
    publish_survey()
    resident = PageClient(app.test_client())
    page = resident.submit(start(resident), {"visits": "weekly"})
    saved = resident.submit(resident.submit(page, {"action": "save"}), {"email": "r@example.org"},
                            selector="main form:has(input[name=email])")  # fmt: skip
    code = saved.soup.select_one("#resume-code") or saved.soup.find(
        string=re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}")
    )
    assert code is not None
    officer = make_staff(Role.OFFICER)
    sign_in(client, officer.email)
    outbox = client.get("/staff/outbox")
    link = outbox.soup.select_one("main table a")
    assert link is not None
    email = client.get(str(link["href"]))
    body = email.soup.select_one("#text-body")
    assert body is not None
    text = body.get_text()
    assert "/resume/[hidden]" in text and "code: [hidden]" in text
    assert not re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", text)
    assert not re.search(r"/resume/(?!\[hidden\])", text)


def test_masking_an_email_hides_the_resume_code() -> None:
    body = f"Open http://x/s/y/resume/{SECRET}\nOr go to http://x/s/y/resume and enter this code: AB3D-9KLM\n"
    masked = mask_secrets_in_email(body)
    assert SECRET not in masked and "AB3D-9KLM" not in masked
    assert "http://x/s/y/resume and enter this code: [hidden]" in masked


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ADMIN])
def test_the_dashboard_shows_officers_only_events_about_their_work(
    app: Flask, client: PageClient, make_staff: Callable[..., StaffUser], role: Role
) -> None:
    admin = PageClient(app.test_client())
    sign_in(admin, make_staff(Role.ADMIN).email)
    new = admin.submit(
        admin.get("/staff/accounts/new"),
        {"email": "new.starter@anyshire.gov.uk", "name": "New Starter", "role": "officer"},
    )
    assert "New Starter" in new.text
    admin.submit(
        admin.get("/staff/surveys/new"),
        {"title": "Opening hours", "slug": "opening-hours", "purpose": "Tell us."},
    )
    me = make_staff(role)
    dashboard = sign_in(client, me.email)
    activity = dashboard.soup.select_one("#recent-activity")
    assert activity is not None
    shown = activity.get_text(" ", strip=True)
    assert "Opening hours" in shown or "survey" in shown.lower()
    if role is Role.ADMIN:
        assert "New Starter" in shown or "new.starter" in shown
    else:
        assert "New Starter" not in shown and "new.starter" not in shown
        assert "signed in" not in shown.lower()


def test_a_resume_link_works_once(
    app: Flask, client: PageClient, publish_survey: Callable[..., Survey]
) -> None:
    publish_survey()
    page = client.submit(start(client), {"visits": "weekly"})
    saved = client.submit(page, {"action": "save"})
    link = saved.soup.find("a", href=re.compile(r"/resume/"))
    text_link = re.search(r"https?://[^\s<\"]+/resume/[\w-]+", saved.text)
    assert text_link is not None or link is not None
    path = re.sub(r"^https?://[^/]+", "", text_link.group(0) if text_link else str(link["href"]))  # type: ignore[index]
    other = PageClient(app.test_client())
    assert "/s/test-survey/" in other.get_redirect(path)
    again = PageClient(app.test_client())
    expired = again.get(path, expected_status=404)
    assert "That link has expired or has already been used" in expired.text

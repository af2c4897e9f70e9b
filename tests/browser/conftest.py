"""Browser tests: Debian Chromium driven by Playwright against a live server on 127.0.0.1.

Every page a test visits is checked with axe-core (from npm): a serious or critical
violation fails the test.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright
from werkzeug.serving import make_server

from engage import create_app
from engage.accounts import services as accounts
from engage.accounts.models import Role
from engage.platform import clock
from engage.platform.config import PROJECT_ROOT
from engage.platform.database import db
from surveys import services
from tests.conftest import PASSWORD, TestDatabase, make_settings

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EXAMPLE = PROJECT_ROOT / "examples" / "surveys" / "library-co-design.json"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(5)

    def publish_example(self) -> str:
        """The shipped example survey, published once per server; returns its slug."""
        definition = json.loads(EXAMPLE.read_text(encoding="utf-8"))
        with self.app.app_context():
            if services.get_survey(db(), definition["slug"]) is None:
                version = services.save_definition(db(), definition, clock.now())
                services.publish(db(), version.survey, clock.now())
                db().commit()
        return str(definition["slug"])

    def sign_in(self, page: Page, role: Role, email: str) -> None:
        """Sign ``page`` in as a staff member with ``role`` (made if missing)."""
        self.make_staff(role, email)
        page.goto(self.url + "/staff/sign-in")
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/staff/")

    def make_staff(self, role: Role, email: str) -> str:
        with self.app.app_context():
            if accounts.find_by_email(db(), email) is None:
                accounts.create_staff(
                    db(), email=email, name=f"{role.label} Tester", role=role, password=PASSWORD
                )
                db().commit()
        return email


@pytest.fixture(scope="module")
def live_server(
    test_database: TestDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    app = create_app(
        {"INSTANCE_PATH": tmp_path_factory.mktemp("instance")}, settings=make_settings(test_database.reset())
    )
    with LiveServer(app) as server:
        yield server
    app.extensions["engage.engine"].dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = "Debian chromium is not installed at /usr/bin/chromium (make chromium installs it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    contexts: list[BrowserContext] = []

    def make(*, scripts: bool = True, **options: Any) -> BrowserContext:
        # bypass_csp lets the test inject axe-core; the app's own pages never need it.
        context = browser.new_context(bypass_csp=True, **options)
        context.set_default_timeout(10_000)
        if not scripts:
            context.route("**/*", _without_scripts)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


SCRIPT_TAG = re.compile(r"<script\b.*?</script>", re.IGNORECASE | re.DOTALL)


def _without_scripts(route: Route) -> None:
    """A resident with JavaScript off: no page script, inline or external, ever runs.

    Chromium's own switch (java_script_enabled=False) also stops Playwright from
    injecting axe, so instead every script is removed before the page sees it.
    """
    if route.request.resource_type == "script":
        route.abort()
        return
    if route.request.resource_type != "document":
        route.continue_()
        return
    response = route.fetch(max_redirects=0)
    body = response.body()
    if "text/html" in response.headers.get("content-type", ""):
        body = SCRIPT_TAG.sub("", body.decode("utf-8")).encode("utf-8")
    route.fulfill(response=response, body=body)


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    return new_context(viewport={"width": 1024, "height": 800}).new_page()


AXE_SOURCE = (PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


def check_axe(page: Page) -> dict[str, Any]:
    """Run axe on the page as it is now; fail on serious or critical violations."""
    # After a click that navigates, the new page may still be fetching its stylesheet;
    # unstyled links fail target-size, so wait until everything the page needs is in.
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate("(source) => { (0, eval)(source); }", AXE_SOURCE)
    # Every rule runs; only violations get their nodes' selectors worked out (passes and
    # "incomplete" keep one node each), which took a third of axe's time.
    results: dict[str, Any] = page.evaluate(
        "async (tags) => await axe.run(document,"
        " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    assert results["passes"], "axe did not run any checks"
    serious = [
        v
        for v in results["violations"]
        if v["impact"] in ("serious", "critical") and not _govuk_conditional_reveal(v)
    ]
    assert not serious, f"axe on {page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in serious
    )
    return results


def _govuk_conditional_reveal(violation: dict[str, Any]) -> bool:
    """GOV.UK Frontend's conditional reveal puts aria-expanded on radios and checkboxes.

    axe reports that as not allowed on those roles; it is GOV.UK Frontend's documented,
    user-researched pattern, so only exactly that finding is set aside (docs/testing.md).
    """
    if violation["id"] != "aria-allowed-attr":
        return False
    return all(
        "aria-expanded" in node.get("failureSummary", "")
        and ("govuk-radios__input" in node["html"] or "govuk-checkboxes__input" in node["html"])
        for node in violation["nodes"]
    )


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    viewport = page.evaluate("() => window.innerWidth")
    assert width <= viewport, f"{page.url} scrolls sideways: {width} > {viewport}"


# --- the kiosk's runner (tests/browser/test_kiosk.py and test_kiosk_welsh.py) ---------


def kiosk_heading(tablet: Page) -> str:
    return tablet.locator("main h1").first.inner_text().strip()


def answer_kiosk_page(tablet: Page, *, comment: str, button: str) -> None:
    """Answer the kiosk runner's page the way a resident picking a first sensible answer
    would (``comment`` in any text box), press ``button`` (Save and continue, in the page's
    language) and wait for the next page; fails on an error summary."""
    form = tablet.locator("#runner-form")
    groups: list[str] = form.locator("input[type=radio]:enabled").evaluate_all(
        "els => [...new Set(els.filter(e => e.offsetParent !== null).map(e => e.name))]"
    )
    for name in groups:
        radios = form.locator(f"input[type=radio][name='{name}']")
        (form.locator("input[value=never]") if name == "visit_frequency" else radios.first).check()
    boxes: list[str] = form.locator("input[type=checkbox]:enabled").evaluate_all(
        "els => [...new Set(els.filter(e => e.offsetParent !== null).map(e => e.name))]"
    )
    for name in boxes:
        form.locator(f"input[type=checkbox][name='{name}']").first.check()
    selects = form.locator("select:enabled")
    for index in range(selects.count()):
        values = [
            v for v in selects.nth(index).locator("option").evaluate_all("os => os.map(o => o.value)") if v
        ]
        selects.nth(index).select_option(values[index % len(values)])
    for area in form.locator("textarea:enabled").all():
        if area.is_visible():
            area.fill(comment)
    for field in form.locator("input[type=text]:enabled, input:not([type]):enabled").all():
        if field.is_visible() and not field.input_value():
            field.fill("AN7 1AB" if field.get_attribute("autocomplete") == "postal-code" else "3")
    before = kiosk_heading(tablet)
    shown = tablet.evaluate_handle("() => document.querySelector('#runner-errors')")  # after an error
    tablet.get_by_role("button", name=button).click()
    tablet.wait_for_function(
        "([before, shown]) => { const errors = document.querySelector('#runner-errors');"
        " return (errors && errors !== shown)"
        " || document.querySelector('main h1').textContent.trim() !== before; }",
        arg=[before, shown],
    )
    errors = tablet.locator("#runner-errors")
    assert errors.count() == 0, errors.inner_text()

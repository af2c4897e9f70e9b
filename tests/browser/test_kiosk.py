"""A kiosk tablet in a browser: enrolment, answering, the idle warning and reset, Back after a
reset, answering with the network cut and syncing exactly once afterwards, revocation.

axe checks every kiosk page; touch targets and 200% text are checked on the tablet screens.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from engage.accounts.models import Role
from engage.kiosk.models import KioskRefusal
from engage.platform import clock
from engage.platform.config import PROJECT_ROOT
from engage.platform.database import db
from surveys import services
from surveys.models import Response
from tests.browser.conftest import (
    LiveServer,
    answer_kiosk_page,
    check_axe,
    kiosk_heading,
    no_horizontal_scroll,
)

pytestmark = pytest.mark.browser

EXAMPLE = PROJECT_ROOT / "examples" / "surveys" / "library-co-design.json"
TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}
CHECK = "Check your answers before sending them"
# Put one finished response with no answers straight into the tablet's queue (IndexedDB).
QUEUE_ONE = """(item) => new Promise((resolve, reject) => {
  const open = indexedDB.open("engage-kiosk", 1);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const transaction = open.result.transaction("queue", "readwrite");
    const finished = new Date().toISOString();
    transaction.objectStore("queue").put({...item, pages: {}, complete: true, finished_at: finished});
    transaction.oncomplete = () => { open.result.close(); resolve(true); };
    transaction.onerror = () => reject(transaction.error);
  };
})"""
QUEUE_LENGTH = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("engage-kiosk", 1);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const count = open.result.transaction("queue").objectStore("queue").count();
    count.onsuccess = () => { open.result.close(); resolve(count.result); };
    count.onerror = () => reject(count.error);
  };
})"""


@pytest.fixture(scope="module")
def kiosk_server(live_server: LiveServer) -> LiveServer:
    live_server.publish_example()
    return live_server


def kiosk_rows(server: LiveServer) -> list[tuple[str, str | None, str, str | None]]:
    with server.app.app_context():
        return [
            (r.channel, r.branch_code, r.status, r.client_key)
            for r in db().scalars(select(Response).where(Response.channel == "kiosk").order_by(Response.id))
        ]


def staff_adds_a_kiosk(page: Page, server: LiveServer, idle: str = "30") -> str:
    server.sign_in(page, Role.BRANCH_STAFF, "branch.kiosk@example.gov.uk")
    page.goto(server.url + "/staff/kiosks/new")
    check_axe(page)
    page.get_by_label("Name", exact=True).fill("Children's library tablet")
    page.get_by_label("Branch").select_option("northgate-central")
    page.get_by_label("Start again after this long without a touch").fill(idle)
    page.get_by_role("button", name="Add kiosk").click()
    check_axe(page)
    return page.locator("#enrol-code").inner_text().strip()


def enrol(tablet: Page, server: LiveServer, code: str) -> None:
    tablet.goto(server.url + "/kiosk/enrol")
    check_axe(tablet)
    tablet.get_by_label("Set up this tablet as a kiosk").fill(code)
    tablet.get_by_role("button", name="Set up kiosk").click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text(
        "Have your say about Northgate Central Library"
    )
    check_axe(tablet)


def wait_until_cached(tablet: Page) -> None:
    tablet.wait_for_function(
        """async () => {
            await navigator.serviceWorker.ready;
            const cache = await caches.open('engage-kiosk-v3');
            return Boolean(await cache.match('/kiosk/run/library-co-design?lang=en'))
                && Boolean(await cache.match('/kiosk/run/library-co-design/bundle.json?lang=en'))
                && Boolean(await cache.match('/kiosk/offline?lang=en'))
                && Boolean(await cache.match('/kiosk'));
        }""",
        polling=250,
    )


def answer_page(tablet: Page) -> None:
    answer_kiosk_page(tablet, comment="More evening opening, please 📚", button="Save and continue")


def answer_survey(tablet: Page, *, axe: bool = False, send: bool = True) -> None:
    tablet.get_by_role("button", name=re.compile("Shaping your library")).click()
    expect(tablet.locator("#runner-form")).to_be_visible()
    for _ in range(15):
        if kiosk_heading(tablet) == CHECK:
            break
        if axe:
            check_axe(tablet)
        answer_page(tablet)
    assert kiosk_heading(tablet) == CHECK
    if axe:
        check_axe(tablet)
    if send:
        tablet.get_by_role("button", name="Send answers").click()


def test_a_kiosk_day(new_context: Callable[..., BrowserContext], kiosk_server: LiveServer) -> None:
    staff = new_context(viewport={"width": 1280, "height": 900}).new_page()
    code = staff_adds_a_kiosk(staff, kiosk_server)
    context = new_context(**TABLET)
    tablet = context.new_page()
    tablet.clock.install()
    enrol(tablet, kiosk_server, code)
    wait_until_cached(tablet)

    # Large touch targets, and text at 200% without sideways scrolling.
    button = tablet.get_by_role("button", name=re.compile("Shaping your library")).bounding_box()
    assert button is not None and button["height"] >= 48 and button["width"] >= 280
    tablet.evaluate("document.documentElement.style.fontSize = '200%'")
    no_horizontal_scroll(tablet)
    tablet.evaluate("document.documentElement.style.fontSize = ''")

    # One resident answers and finishes.
    answer_survey(tablet, axe=True)
    expect(tablet.get_by_role("heading", name="Answers sent")).to_be_visible()
    assert re.fullmatch(r"[A-Z0-9-]+", tablet.locator("#reference").inner_text())
    check_axe(tablet)
    assert [row[:3] for row in kiosk_rows(kiosk_server)] == [("kiosk", "northgate-central", "submitted")]
    tablet.get_by_role("button", name="Finish").click()
    expect(tablet.locator("#ready")).to_be_visible()

    # The next one starts, answers a page, and walks away: a warning, then a clean tablet.
    tablet.get_by_role("button", name=re.compile("Shaping your library")).click()
    expect(tablet.locator("#runner-form")).to_be_visible()
    answer_page(tablet)
    tablet.clock.run_for(11_000)
    warning = tablet.get_by_role("alertdialog", name="Are you still there?")
    expect(warning).to_be_visible()
    check_axe(tablet)
    keep = tablet.get_by_role("button", name="Yes, I am still here")
    box = keep.bounding_box()
    assert box is not None and box["height"] >= 48
    tablet.clock.run_for(21_000)
    expect(tablet.locator("#ready")).to_be_visible()
    tablet.go_back()
    expect(tablet.locator("#runner-form input:checked")).to_have_count(0)
    assert kiosk_rows(kiosk_server)[1:] == [], "nothing of the walk-away visitor was stored"

    # The network drops: two more residents answer from the cached survey.
    tablet.goto(kiosk_server.url + "/kiosk")
    context.set_offline(True)
    for _ in range(2):
        answer_survey(tablet)
        expect(tablet.get_by_role("heading", name="Answers saved")).to_be_visible()
        tablet.get_by_role("button", name="Finish").click()
        expect(tablet.get_by_role("heading", level=1)).to_have_text(
            "Have your say about Northgate Central Library"
        )
    expect(tablet.locator("#kiosk-queue")).to_have_text("2 sets of answers are waiting to be sent.")
    # A page the tablet does not keep (the no-JavaScript journey) says so instead of failing.
    tablet.goto(kiosk_server.url + "/s/library-co-design")
    expect(tablet.get_by_role("heading", level=1)).to_have_text("This tablet is temporarily unavailable")
    check_axe(tablet)
    tablet.get_by_role("link", name="Go back to the start").click()
    expect(tablet.locator("#kiosk-queue")).to_have_text("2 sets of answers are waiting to be sent.")
    # The tablet holds both. (Once in many runs, Chromium's offline emulation let a send
    # reach the server while the page saw it fail: the tablet then keeps it and sends it
    # again later, which is exactly what the idempotency key is for; the count below holds.)

    # It comes back: each queued response is stored exactly once.
    context.set_offline(False)
    expect(tablet.locator("#kiosk-queue")).to_be_hidden(timeout=15_000)
    rows = kiosk_rows(kiosk_server)
    assert [row[:3] for row in rows] == [("kiosk", "northgate-central", "submitted")] * 3
    keys = [row[3] for row in rows[1:]]
    assert all(keys) and len(set(keys)) == 2
    tablet.evaluate("() => window.dispatchEvent(new Event('online'))")  # a second sync sends nothing more
    tablet.wait_for_timeout(500)
    assert len(kiosk_rows(kiosk_server)) == 3
    with kiosk_server.app.app_context():
        notes = db().scalars(select(Response.review_note).where(Response.channel == "kiosk")).all()
        assert notes == [None] * 3, "the runner's responses pass the server's checks"

    # A queued response the server refuses for good (here: nothing in it) leaves the queue
    # instead of being sent again every 15 seconds; the server keeps a trace of it.
    with kiosk_server.app.app_context():
        survey = services.get_survey(db(), "library-co-design")
        assert survey is not None and survey.published is not None
        version = survey.published.id
    tablet.evaluate(
        QUEUE_ONE, {"key": "refused-in-the-browser-1", "slug": "library-co-design", "version": version}
    )
    assert tablet.evaluate(QUEUE_LENGTH) == 1
    tablet.evaluate("() => window.dispatchEvent(new Event('online'))")
    for _ in range(80):  # up to 20 seconds (the page's own clock is Playwright's, so poll from here)
        if tablet.evaluate(QUEUE_LENGTH) == 0:
            break
        tablet.wait_for_timeout(250)
    assert tablet.evaluate(QUEUE_LENGTH) == 0, "a refused response leaves the queue"
    expect(tablet.locator("#kiosk-queue")).to_be_hidden()
    with kiosk_server.app.app_context():
        assert db().scalars(select(KioskRefusal.reason)).all() == ["empty"]
    assert len(kiosk_rows(kiosk_server)) == 3

    # A resident who wants to leave their email continues on their own phone instead.
    answer_survey(tablet, send=False)
    tablet.get_by_role("button", name="Continue on my own phone").click()
    expect(tablet.get_by_role("img", name="QR code")).to_be_visible()
    check_axe(tablet)
    tablet.get_by_role("button", name="Done: clear this tablet").click()
    expect(tablet.locator("#ready")).to_be_visible()
    with kiosk_server.app.app_context():
        handed = db().scalars(select(Response).where(Response.channel == "online")).all()
        assert [(r.branch_code, r.status) for r in handed] == [("northgate-central", "in_progress")]

    # An answer the server does not accept (sent past the runner's checks) is left out, and
    # staff find the response flagged, with what was left out.
    flagged = tablet.evaluate(
        """(body) => fetch("/kiosk/api/responses", {method: "POST", credentials: "same-origin",
             headers: {"Content-Type": "application/json", "X-Engage-Kiosk": "1"},
             body: JSON.stringify(body)}).then((r) => r.json())""",
        {
            "key": "flagged-in-the-browser-1",
            "slug": "library-co-design",
            "version": version,
            "pages": {
                "visiting": [["visit_frequency", "sometimes-maybe"]],
                "ideas": [["one_change", "Later"]],
            },
        },
    )
    assert flagged["flagged"] is True, flagged
    staff.goto(kiosk_server.url + "/staff/surveys/library-co-design/responses?review=flagged")
    check_axe(staff)
    staff.get_by_role("link", name=flagged["reference"]).click()
    expect(staff.locator("#review-note")).to_contain_text("did not pass the survey's checks")
    check_axe(staff)

    # The survey closes while a resident is answering: their answers are not recorded, and
    # the tablet says so rather than "Answers sent".
    answer_survey(tablet, send=False)
    with kiosk_server.app.app_context():
        survey = services.get_survey(db(), "library-co-design")
        assert survey is not None
        survey.closed_at = clock.now() - timedelta(hours=1)
        db().commit()
    tablet.get_by_role("button", name="Send answers").click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Your answers were not recorded")
    expect(tablet.locator("#runner-refused")).to_have_text(
        "The survey had closed when these answers were finished, so they were not kept."
    )
    check_axe(tablet)
    with kiosk_server.app.app_context():
        survey = services.get_survey(db(), "library-co-design")
        assert survey is not None
        survey.closed_at = None
        db().commit()
    tablet.get_by_role("button", name="Finish").click()
    expect(tablet.locator("#ready")).to_be_visible()

    # Staff see the kiosk's last contact and an empty queue, then revoke it.
    staff.goto(kiosk_server.url + "/staff/kiosks")
    expect(staff.locator("#refusals")).to_contain_text(
        "The survey had closed when these answers were finished"
    )
    expect(staff.get_by_text("None waiting")).to_be_visible()
    check_axe(staff)
    staff.get_by_role("button", name="Revoke Children's library tablet").click()
    tablet.reload()
    expect(tablet.get_by_role("heading", level=1)).to_have_text("This tablet is not set up")
    check_axe(tablet)

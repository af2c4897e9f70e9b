"""The action plan, links from themes, traceability both ways, and "You said, we did"."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from engage.accounts.models import Role, StaffUser
from engage.actions.models import ThemeLink
from engage.platform.database import db
from engage.platform.models import AuditEvent
from tests.support.actions import action_id, add_action, add_priority
from tests.support.pages import PageClient
from tests.support.themes import SLUG, URL, add_responses, analysed, client_for


def test_priorities_and_actions_are_checked(app: Flask, survey: str, officer: PageClient) -> None:
    empty = officer.submit(officer.get("/staff/actions/priorities/new"), {"title": " "}, expected_status=400)
    assert empty.error_summary() == ["Enter the priority's title, 200 characters or fewer"]
    add_priority(officer)
    again = officer.submit(
        officer.get("/staff/actions/priorities/new"), {"title": "Digital inclusion"}, expected_status=400
    )
    assert again.error_summary() == ["There is already a priority with that title"]
    page = officer.get("/staff/actions/new")
    bad = officer.submit(
        page, {"priority": "", "title": "", "timescale": "date", "due_on": "31/03/2027"}, expected_status=400
    )
    assert bad.error_summary() == [
        "Select the priority this action belongs to",
        "Enter what the action is, 200 characters or fewer",
        "Enter the date as year-month-day, like 2027-03-31",
    ]
    done = add_action(
        officer, timescale="date", due_on="2027-03-31", lead_officer="Service Development Manager"
    )
    assert done.h1 == "Evening opening pilot"
    assert "By 2027-03-31" in done.text and "Proposed" in done.text
    plan = officer.get("/staff/actions")
    assert "Evening opening pilot" in plan.text and "Service Development Manager" in plan.text


def test_status_changes_are_dated_attributed_and_need_a_reason_to_drop(
    app: Flask, survey: str, officer: PageClient, make_staff: Callable[..., StaffUser]
) -> None:
    add_priority(officer)
    page = add_action(officer)
    refused = officer.submit(
        page,
        {"status": "not_taken_forward", "reason": ""},
        selector="form[action$='/status']",
        expected_status=400,
    )
    assert refused.error_summary() == [
        "Say why the action is not being taken forward: residents will read it"
    ]
    hidden = officer.submit(
        page,
        {"status": "not_taken_forward", "reason": "Too\x00 costly\r\nthis year"},
        selector="form[action$='/status']",
        expected_status=400,
    )
    assert hidden.error_summary() == ["The reason must not contain hidden control characters"]
    page = officer.submit(page, {"status": "in_progress"}, selector="form[action$='/status']")
    assert "The action is now 'In progress'" in page.text
    rows = [" ".join(item.get_text().split()) for item in page.soup.select("#history li")]
    assert rows[0].startswith(tuple("0123456789")) and rows[0].endswith(
        ", Sam Test changed the status to 'In progress'"
    )
    assert rows[1].endswith("Sam Test added the action (Proposed)")
    with app.app_context():
        assert db().scalar(
            select(AuditEvent.summary).where(AuditEvent.action == "action_plan.status_changed")
        ) == ("'Evening opening pilot' is now In progress")


def test_a_theme_links_to_an_action_and_can_be_traced_both_ways(
    app: Flask, themed: list[dict[str, object]], officer: PageClient
) -> None:
    add_priority(officer)
    page = add_action(officer)
    coverage_before = officer.get("/staff/actions/coverage")
    first = themed[0]
    assert str(first["label"]) in coverage_before.text
    key = f"{analysed(app).id}:{first['id']}"
    page = officer.submit(page, {"theme": key}, selector="form[action$='/themes']")
    assert "Linked the theme" in page.text
    assert f"{first['size']} answers in the linked themes" in page.text
    linked = page.soup.select("table")[0].get_text(" ", strip=True)
    assert "What one change would most improve the library service where you live?" in linked, (
        "the question by its wording, not its id"
    )
    # From the theme: what was done about it.
    themes_page = officer.get(URL)
    assert "Evening opening pilot" in themes_page.text
    # The coverage view no longer lists it.
    assert str(first["label"]) not in [
        r.select_one("th").get_text(strip=True)
        for r in officer.get("/staff/actions/coverage").soup.select("tbody tr")
        if r.select_one("th")  # type: ignore[union-attr]
    ]
    # From a response in that theme: its theme and the action.
    response_id = next(a for a, t in analysed(app).result["assignments"].items() if t == first["id"])
    detail = officer.get(f"/staff/surveys/{SLUG}/responses/{response_id}")
    trace = detail.soup.select_one("#trace + p")
    assert (
        trace is not None
        and str(first["label"]) in trace.get_text()
        and "Evening opening pilot" in trace.get_text()
    )


def test_links_follow_a_merge(app: Flask, themed: list[dict[str, object]], officer: PageClient) -> None:
    add_priority(officer)
    page = add_action(officer)
    analysis = analysed(app)
    source, into = themed[1], themed[0]
    officer.submit(page, {"theme": f"{analysis.id}:{source['id']}"}, selector="form[action$='/themes']")
    themes_page = officer.get(URL)
    officer.submit(
        themes_page, {"theme": source["id"], "into": into["id"]}, selector="form:has(input[value=merge])"
    )
    with app.app_context():
        assert [link.theme_id for link in db().scalars(select(ThemeLink))] == [into["id"]]


def test_links_follow_a_split_to_every_part(
    app: Flask, themed: list[dict[str, object]], officer: PageClient
) -> None:
    add_priority(officer)
    page = add_action(officer)
    analysis = analysed(app)
    # A theme with at least three different answers (the corpus repeats its answers).
    theme = next(t for t in themed if len(t["quotes"]) >= 3)  # type: ignore[arg-type]
    officer.submit(page, {"theme": f"{analysis.id}:{theme['id']}"}, selector="form[action$='/themes']")
    uncovered = len(officer.get("/staff/actions/coverage").soup.select("tbody th"))
    split = officer.submit(
        officer.get(URL), {"theme": theme["id"], "parts": "3"}, selector="form:has(input[value=split])"
    )
    assert "The action linked to it now answers each part" in split.text
    parts = [t["id"] for t in analysed(app).result["themes"] if str(t["id"]).startswith(f"{theme['id']}.")]
    assert len(parts) == 3
    with app.app_context():
        assert sorted(link.theme_id for link in db().scalars(select(ThemeLink))) == sorted(parts)
        assert db().scalar(
            select(AuditEvent.summary).where(AuditEvent.action == "action_plan.links_followed_split")
        ) == (f"Links from 1 action to '{theme['label']}' now go to each of its 3 parts")
    # Each part is answered, so none joins the themes with no action.
    assert len(officer.get("/staff/actions/coverage").soup.select("tbody th")) == uncovered


def test_you_said_we_did_shows_only_what_is_published_and_nothing_personal(
    app: Flask, themed: list[dict[str, object]], officer: PageClient, make_staff: Callable[..., StaffUser]
) -> None:
    add_priority(officer)
    page = add_action(officer, description="Open until 8pm on Thursdays for six months.")
    analysis = analysed(app)
    for theme in themed[:2]:
        page = officer.submit(
            page, {"theme": f"{analysis.id}:{theme['id']}"}, selector="form[action$='/themes']"
        )
    officer.submit(page, {"status": "in_progress"}, selector="form[action$='/status']")
    add_action(officer, title="Sunday opening everywhere")
    dropped = officer.get(f"/staff/actions/{action_id(app, 'Sunday opening everywhere')}")
    dropped = officer.submit(
        dropped, {"theme": f"{analysis.id}:{themed[2]['id']}"}, selector="form[action$='/themes']"
    )
    officer.submit(
        dropped,
        {"status": "not_taken_forward", "reason": "Too costly this year; we will look again in 2028."},
        selector="form[action$='/status']",
    )
    public = PageClient(app.test_client())
    assert public.get(f"/you-said-we-did/{SLUG}", expected_status=404)
    assert "Nothing has been published yet" in public.get("/you-said-we-did").text
    editor = officer.get(f"/staff/surveys/{SLUG}/you-said-we-did")
    viewer = client_for(app, make_staff, Role.VIEWER)
    assert viewer.client.get(f"/staff/surveys/{SLUG}/you-said-we-did").status_code == 403
    checks = editor.soup.select_one("#checks").get_text(" ", strip=True)  # type: ignore[union-attr]
    assert f"0 of {len(analysis.result['themes'])} themes reviewed by an officer" in checks
    assert "The survey is still open" in checks
    # The preview is the public page as it would be now, marked as not public.
    preview = officer.get(f"/staff/surveys/{SLUG}/you-said-we-did/preview")
    assert "This is not public" in preview.text and str(themed[0]["label"]) in preview.text
    assert "Evening opening pilot" in preview.text
    assert viewer.client.get(f"/staff/surveys/{SLUG}/you-said-we-did/preview").status_code == 403
    # Publishing while the survey is open needs a reason.
    refused = officer.submit(
        editor,
        {"intro": "Thank you to the 430 people who took part.", "publish": "publish"},
        selector="main form",
        expected_status=400,
    )
    assert refused.error_summary() == [
        "The survey is still open: say why you are publishing before it closes, or close it first"
    ]
    public.get(f"/you-said-we-did/{SLUG}", expected_status=404)
    published = officer.submit(
        refused,
        {
            "intro": "Thank you to the 430 people who took part.",
            "publish": "publish",
            "open_reason": "An interim update for the committee",
        },
        selector="main form",
    )
    assert "Published" in published.text
    shown = public.get(f"/you-said-we-did/{SLUG}")
    text = shown.text
    assert "Thank you to the 430 people who took part." in text
    assert str(themed[0]["label"]) in text and "Evening opening pilot" in text and "In progress" in text
    assert "What we decided not to do, and why" in text and "Too costly this year" in text
    assert "jo.bloggs@example.com" not in text and "example.com" not in text
    # Nobody has reviewed the themes: they are listed by name and count, without quotes.
    assert "Themes not yet reviewed" in text
    # One locality: counts are that locality's.
    local = public.get(f"/you-said-we-did/{SLUG}?locality=riverside-valley")
    assert "Riverside Valley" in local.h1 + local.text
    public.get(f"/you-said-we-did/{SLUG}?locality=atlantis", expected_status=404)
    # The Atom feed is well-formed and carries the page and the status changes.
    feed = public.client.get("/you-said-we-did/feed.atom")
    assert feed.mimetype == "application/atom+xml"
    root = ET.fromstring(feed.get_data())  # noqa: S314 (our own feed)
    titles = [
        e.findtext("{http://www.w3.org/2005/Atom}title")
        for e in root.iter("{http://www.w3.org/2005/Atom}entry")
    ]
    assert any(t and t.startswith("You said, we did:") for t in titles)
    assert "Evening opening pilot: In progress" in titles
    assert "Sunday opening everywhere: Not taken forward" in titles
    # Unpublished again: gone from the public.
    officer.submit(
        officer.get(f"/staff/surveys/{SLUG}/you-said-we-did"), {"publish": "unpublish"}, selector="main form"
    )
    public.get(f"/you-said-we-did/{SLUG}", expected_status=404)


def test_the_action_plan_exports_are_formula_safe(app: Flask, survey: str, officer: PageClient) -> None:
    add_priority(officer, title='=HYPERLINK("http://evil")')
    add_action(officer, title="+SUM(A1:A9)", lead_officer="@lead")
    body = officer.client.get("/staff/actions/plan.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:2] == ["priority", "action"]
    assert (
        rows[1][0] == '\'=HYPERLINK("http://evil")'
        and rows[1][1] == "'+SUM(A1:A9)"
        and rows[1][3] == "'@lead"
    )
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(officer.client.get("/staff/actions/plan.xlsx").get_data()))
    sheet = book.active
    assert sheet is not None and sheet["B2"].value == "'+SUM(A1:A9)"
    officer.get("/staff/actions/plan.pdf", expected_status=404)


def test_a_single_response_can_be_linked_to_an_action(
    app: Flask, themed: list[dict[str, object]], officer: PageClient, make_staff: Callable[..., StaffUser]
) -> None:
    add_priority(officer)
    add_action(officer)
    response_id = next(iter(analysed(app).result["assignments"]))
    url = f"/staff/surveys/{SLUG}/responses/{response_id}"
    detail = officer.get(url)
    linked = officer.submit(detail, {"action": str(action_id(app))}, selector="form[action$='/actions']")
    assert "Linked directly to: Evening opening pilot (Proposed)" in linked.text
    again = officer.submit(linked, {"action": str(action_id(app))}, selector="form[action$='/actions']")
    assert "This response is already linked to that action" in again.text
    action_page = officer.get(f"/staff/actions/{action_id(app)}")
    assert "Responses linked directly" in action_page.text
    assert action_page.soup.select_one(f"a[href='{url}']") is not None
    viewer = client_for(app, make_staff, Role.VIEWER)
    seen = viewer.get(url)
    assert seen.soup.select_one("form[action$='/actions']") is None
    token = seen.soup.select_one("input[name=csrf_token]")["value"]  # type: ignore[index]
    assert viewer.post(url + "/actions", data={"action": "1", "csrf_token": token}).status_code == 403


def test_forged_and_huge_ids_are_refused_not_a_500(app: Flask, survey: str, officer: PageClient) -> None:
    # 99999999999999999999 was an OverflowError on SQLite (a DataError on PostgreSQL); '²'
    # passes isdigit() but not int().
    add_priority(officer)
    page = officer.get("/staff/actions/new")
    for forged in ("99999999999999999999", "²", "2147483648", "-1"):
        bad = officer.submit(
            page, {"priority": forged, "title": "T", "timescale": "pilot"}, expected_status=400
        )
        assert bad.error_summary() == ["Select the priority this action belongs to"], forged
    add_action(officer)
    token = page.soup.select_one("input[name=csrf_token]")["value"]  # type: ignore[index]
    for forged in ("99999999999999999999:x", "²:x", ":x", "1"):
        bad = officer.client.post(
            f"/staff/actions/{action_id(app)}/themes", data={"csrf_token": token, "theme": forged}
        )
        assert bad.status_code == 400 and "Select a theme from the list" in bad.get_data(as_text=True), forged
    add_responses(app, ["More study space"])
    with app.app_context():
        from surveys.models import Response

        public_id = db().scalars(select(Response.public_id)).first()
    response_page = officer.get(f"/staff/surveys/{SLUG}/responses/{public_id}")
    for forged in ("99999999999999999999", "²"):
        bad = officer.submit(response_page, {"action": forged}, selector="form[action$='/actions']")
        assert "Select an action from the list" in bad.text, forged  # shown after the redirect
    for path in ("/staff/actions/99999999999999999999", "/staff/actions/2147483648"):
        officer.get(path, expected_status=404)
    status = officer.client.post(
        "/staff/actions/99999999999999999999/status", data={"csrf_token": token, "status": "agreed"}
    )
    assert status.status_code == 404
    with app.app_context():
        assert db().scalars(select(ThemeLink)).all() == []


def test_a_theme_left_with_no_answers_is_not_counted_among_the_themes_to_review(
    app: Flask, themed: list[dict[str, object]], officer: PageClient
) -> None:
    # Every answer of the last theme moved to the first: the public page leaves the empty
    # theme out, so the checklist does not ask for it to be reviewed either.
    emptied, other = themed[-1], themed[0]
    detail = officer.get(f"{URL}/t/{emptied['id']}")
    answers = [str(box["value"]) for box in detail.soup.select("tbody input[name=answer]")]
    officer.submit(detail, {"answer": answers, "into": other["id"]}, selector="form[action$='/move']")
    editor = officer.get(f"/staff/surveys/{SLUG}/you-said-we-did")
    checks = editor.soup.select_one("#checks").get_text(" ", strip=True)  # type: ignore[union-attr]
    assert f"0 of {len(themed) - 1} themes reviewed by an officer" in checks

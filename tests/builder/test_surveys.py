"""Creating, describing, publishing, closing, duplicating and downloading surveys."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from flask import Flask

from engage.accounts.models import Role, StaffUser
from tests.builder.conftest import (
    audit_actions,
    audit_rows,
    create_survey,
    definition,
    latest,
    publish,
    versions,
)
from tests.conftest import FrozenClock
from tests.support.pages import PageClient


def test_list_and_create(client: PageClient, app: Flask, officer: StaffUser) -> None:
    page = client.get("/staff/surveys")
    assert page.h1 == "Surveys"
    assert "There are no surveys yet." in page.text
    new = client.get(page.soup.select_one("a.govuk-button[href='/staff/surveys/new']")["href"])
    assert new.page_title == "Create a survey"
    overview = client.submit(
        new, {"title": "Library Opening Hours", "slug": "", "purpose": "We want to know."}
    )
    assert overview.h1 == "Library Opening Hours"
    assert overview.response.request.path == "/staff/surveys/library-opening-hours"
    assert "Draft" in overview.text and "Version 1 (draft)" in overview.text
    assert "Page 1: Your views" in overview.text
    assert "What would you like to tell us?" in overview.text and "Long text, required" in overview.text
    links = {a["href"] for a in overview.soup.select("main a")}
    for path in ("responses", "paper", "posters", "preview", "definition.json", "duplicate", "details"):
        assert f"/staff/surveys/library-opening-hours/{path}" in links, path
    data = definition(app, "library-opening-hours")
    assert data["title"] == "Library Opening Hours" and data["purpose"] == "We want to know."
    [event] = audit_rows(app, "survey.created")
    assert event.object_type == "survey" and event.details["slug"] == "library-opening-hours"

    listing = client.get("/staff/surveys")
    row = [td.get_text(" ", strip=True) for td in listing.soup.select("tbody tr")[0].select("th, td")]
    assert row == ["Library Opening Hours", "/s/library-opening-hours", "Draft", "1", "0"]


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"title": "", "slug": "", "purpose": ""},
            ["Enter the survey's title", "Enter why the council is asking"],
        ),
        (
            {"title": "Hours", "slug": "Bad Slug!", "purpose": "x"},
            [
                "The web address must only include lower-case letters a to z, numbers and single hyphens "
                "between words"
            ],
        ),
        ({"title": "Hours", "slug": "ab", "purpose": "x"}, ["The web address must be 3 characters or more"]),
        (
            {"title": "Hours", "slug": "a" * 61, "purpose": "x"},
            ["The web address must be 60 characters or fewer"],
        ),
        (
            {"title": "Hours", "slug": "new", "purpose": "x"},
            ["A survey already uses that web address. Choose a different one"],
        ),
        (
            {"title": "!!", "slug": "", "purpose": "x"},
            ["Enter a web address: we could not make one from the title"],
        ),
        ({"title": "T" * 151, "slug": "abc", "purpose": "x"}, ["The title must be 150 characters or fewer"]),
    ],
)
def test_create_validation(
    client: PageClient, officer: StaffUser, data: dict[str, str], errors: list[str]
) -> None:
    page = client.submit(client.get("/staff/surveys/new"), data, expected_status=400)
    assert page.error_summary() == errors
    assert page.title.startswith("Error: ")
    assert page.soup.select_one("input[name=title]")["value"] == data["title"], "typed values are kept"


def test_slug_must_be_unique(client: PageClient, draft: str) -> None:
    page = create_survey(client, slug=draft, expected_status=400)
    assert page.error_summary() == ["A survey already uses that web address. Choose a different one"]


def test_details(client: PageClient, app: Flask, draft: str) -> None:
    form = client.get(f"/staff/surveys/{draft}/details")
    assert form.page_title == "Survey details"
    assert form.soup.select_one("input[name=equality_section][value=no]").has_attr("checked")
    assert form.soup.select_one("input[name=follow_up][value=yes]").has_attr("checked"), "offered by default"
    page = client.submit(
        form,
        {
            "title": "Opening hours 2027",
            "purpose": "Tell us when to open.",
            "what_happens": "We read everything.",
            "duration_minutes": "5",
            "opens_on": ["1", "12", "2026"],
            "closes_on": ["31", "1", "2027"],
            "resume_days": "14",
            "equality_section": "yes",
            "follow_up": "no",
            "audience": "Anyone who uses a library",
            "topics": " Opening hours,children ,, Opening HOURS, Families ",
        },
    )
    assert page.h1 == "Opening hours 2027"
    assert "End of 31 January 2027" in page.text and "1 December 2026" in page.text
    data = definition(app, draft)
    assert {k: data[k] for k in ("title", "purpose", "what_happens", "duration_minutes", "resume_days")} == {
        "title": "Opening hours 2027",
        "purpose": "Tell us when to open.",
        "what_happens": "We read everything.",
        "duration_minutes": 5,
        "resume_days": 14,
    }
    assert data["opens_at"] == "2026-12-01T00:00:00+00:00"
    assert data["closes_at"] == "2027-01-31T23:59:59+00:00"
    assert data["equality_section"] is True
    assert data["follow_up"] is False
    assert data["audience"] == "Anyone who uses a library"
    assert data["topics"] == ["Opening hours", "children", "Families"]  # tidied, each once
    assert "Offer to tell residents what happened" in page.text and "Not offered" in page.text
    [event] = audit_rows(app, "survey.details_updated")
    assert event.details["follow_up"] == {"before": None, "after": False}
    assert event.details["title"] == {"before": "Library opening hours", "after": "Opening hours 2027"}

    again = client.get(f"/staff/surveys/{draft}/details")
    assert [i["value"] for i in again.soup.select("input[name=opens_on]")] == ["01", "12", "2026"]
    assert again.soup.select_one("input[name=topics]")["value"] == "Opening hours, children, Families"
    cleared = client.submit(
        again,
        {
            "what_happens": "",
            "duration_minutes": "",
            "opens_on": ["", "", ""],
            "closes_on": ["", "", ""],
            "resume_days": "",
            "equality_section": "no",
            "follow_up": "yes",
        },
    )
    assert cleared.h1 == "Opening hours 2027"
    data = definition(app, draft)
    for key in (
        "what_happens",
        "duration_minutes",
        "opens_at",
        "closes_at",
        "resume_days",
        "equality_section",
        "follow_up",
    ):
        assert key not in data, "left out: the default (offered) applies"


def test_dates_typed_in_summer_mean_that_day_in_london(client: PageClient, app: Flask, draft: str) -> None:
    """One time-zone rule: a typed day is that day in the council's time (BST in June)."""
    form = client.get(f"/staff/surveys/{draft}/details")
    fields = {
        "title": "Summer reading",
        "purpose": "Tell us what to read.",
        "what_happens": "We read everything.",
        "duration_minutes": "5",
        "opens_on": ["1", "6", "2027"],
        "closes_on": ["30", "6", "2027"],
        "resume_days": "14",
        "equality_section": "no",
        "follow_up": "no",
    }
    page = client.submit(form, fields)
    data = definition(app, draft)
    assert data["opens_at"] == "2027-06-01T00:00:00+01:00"
    assert data["closes_at"] == "2027-06-30T23:59:59+01:00"
    assert "End of 30 June 2027" in page.text and "1 June 2027" in page.text
    again = client.get(f"/staff/surveys/{draft}/details")
    assert [i["value"] for i in again.soup.select("input[name=closes_on]")] == ["30", "06", "2027"]


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"title": "", "purpose": "", "duration_minutes": "ten", "resume_days": "400"},
            [
                "Enter the survey's title",
                "Enter why the council is asking",
                "The time it takes must be a whole number, like 5",
                "The days to keep unfinished answers must be between 1 and 365",
            ],
        ),
        ({"opens_on": ["", "12", "2026"]}, ["The opening date must include a day"]),
        ({"opens_on": ["31", "2", "2026"]}, ["The opening date must be a real date, like 27 3 2026"]),
        ({"closes_on": ["1", "1", "26"]}, ["The year must include 4 numbers, like 2026"]),
        # Hostile dates and numbers: each was a 500.
        ({"opens_on": ["1", "1", "99999999999999999999"]}, ["The year must include 4 numbers, like 2026"]),
        (
            {"opens_on": ["99999999999999999999", "1", "2026"]},
            ["The opening date must be a real date, like 27 3 2026"],
        ),
        ({"opens_on": ["1", "1", "-2026"]}, ["The opening date must be a real date, like 27 3 2026"]),
        ({"opens_on": ["1"]}, ["The opening date must include a month and year"]),
        ({"closes_on": ["1", "2", "2027", "4"]}, []),
        ({"duration_minutes": "9" * 5000}, ["The time it takes must be between 1 and 120"]),
        ({"duration_minutes": "٣"}, []),
        ({"topics": "a, b, c, d, e, f, g"}, ["Enter 6 topics or fewer"]),
        (
            {"topics": "x" * 41},
            ["Each topic must be 40 characters or fewer ('xxxxxxxxxxxxxxxxxxxx…' is longer)"],
        ),
        ({"audience": "y" * 301}, ["Who it is for must be 300 characters or fewer"]),
        (
            {"opens_on": ["2", "1", "2027"], "closes_on": ["1", "1", "2027"]},
            ["The closing date must be the same as or after the opening date"],
        ),
    ],
)
def test_details_validation(client: PageClient, draft: str, data: dict[str, str], errors: list[str]) -> None:
    page = client.submit(
        client.get(f"/staff/surveys/{draft}/details"), data, expected_status=400 if errors else 200
    )
    assert page.error_summary() == errors
    if "duration_minutes" in data and errors:
        assert page.soup.select_one("input[name=duration_minutes]")["value"] == data["duration_minutes"]


def test_localities_form(client: PageClient, app: Flask, draft: str) -> None:
    form = client.get(f"/staff/surveys/{draft}/localities")
    assert form.page_title == "Areas and libraries"
    page = client.submit(
        form, {"localities": "Northgate: Central Library, Hill Road\nRiverside: Mill Lane\nEastfield"}
    )
    assert "Northgate" in page.text and "Central Library, Hill Road" in page.text
    assert definition(app, draft)["localities"] == [
        {
            "code": "northgate",
            "name": "Northgate",
            "branches": [
                {"code": "central-library", "name": "Central Library"},
                {"code": "hill-road", "name": "Hill Road"},
            ],
        },
        {"code": "riverside", "name": "Riverside", "branches": [{"code": "mill-lane", "name": "Mill Lane"}]},
        {"code": "eastfield", "name": "Eastfield"},
    ]
    again = client.get(f"/staff/surveys/{draft}/localities")
    shown = again.soup.select_one("textarea[name=localities]").get_text()
    assert shown == "Northgate: Central Library, Hill Road\nRiverside: Mill Lane\nEastfield"
    bad = client.submit(again, {"localities": "Northgate: A\nNorthgate: B"}, expected_status=400)
    assert bad.error_summary() == ["Line 2: the area 'Northgate' is listed twice"]
    assert bad.soup.select_one("textarea[name=localities]").get_text() == "Northgate: A\nNorthgate: B"
    assert len(audit_rows(app, "survey.localities_updated")) == 1


def test_publish_then_edit_makes_a_new_draft(
    client: PageClient, app: Flask, draft: str, frozen_clock: FrozenClock
) -> None:
    published = publish(client, draft)
    assert (
        f"Version 1 of 'Library opening hours' is published. Its link is http://127.0.0.1:5000/s/{draft}"
        in published.text
    )
    assert "Open" in published.text and "Version 1 (published)" in published.text
    assert not published.soup.select(f"a[href='/staff/surveys/{draft}/publish']")
    client.get(f"/s/{draft}")  # residents can see it
    [event] = audit_rows(app, "survey.published")
    assert event.details["version"] == 1
    v1 = definition(app, draft)

    details = client.get(f"/staff/surveys/{draft}/details")
    changed = client.submit(details, {"title": "Changed title"})
    assert "Your change is in a new draft, version 2. Version 1 stays as it is" in changed.text
    assert "Version 2 (draft)" in changed.text
    assert [(n, s) for n, s, _ in versions(app, draft)] == [(1, "published"), (2, "draft")]
    assert versions(app, draft)[0][2] == v1, "the published version did not change"
    assert versions(app, draft)[1][2]["title"] == "Changed title"
    # A second edit changes the same draft.
    client.submit(client.get(f"/staff/surveys/{draft}/details"), {"purpose": "Again"})
    assert [(n, s) for n, s, _ in versions(app, draft)] == [(1, "published"), (2, "draft")]
    start = client.get(f"/s/{draft}")
    assert start.h1 == "Library opening hours", "residents still see version 1"

    republished = publish(client, draft)
    assert "Version 2 of 'Changed title' is published" in republished.text
    assert [(n, s) for n, s, _ in versions(app, draft)] == [(1, "superseded"), (2, "published")]


def test_close(client: PageClient, app: Flask, draft: str) -> None:
    overview = client.get(f"/staff/surveys/{draft}")
    assert not overview.soup.select(f"form[action='/staff/surveys/{draft}/close']"), "drafts cannot be closed"
    overview = publish(client, draft)
    closed = client.submit(overview, selector=f"form[action='/staff/surveys/{draft}/close']")
    assert "is closed. People can no longer answer it." in closed.text
    assert "Closed" in [t.get_text(strip=True) for t in closed.soup.select(".govuk-tag")]
    client.get(f"/s/{draft}", expected_status=410)
    assert "survey.closed" in audit_actions(app)
    listing = client.get("/staff/surveys")
    assert "Closed" in listing.soup.select_one("tbody tr").get_text()


def test_scheduled_state(client: PageClient, app: Flask, draft: str, frozen_clock: FrozenClock) -> None:
    client.submit(client.get(f"/staff/surveys/{draft}/details"), {"opens_on": ["1", "1", "2027"]})
    page = publish(client, draft)
    assert "Scheduled" in [t.get_text(strip=True) for t in page.soup.select(".govuk-tag")]


def test_duplicate(client: PageClient, app: Flask, draft: str) -> None:
    client.submit(client.get(f"/staff/surveys/{draft}/localities"), {"localities": "North: Central"})
    client.submit(
        client.get(f"/staff/surveys/{draft}/details"),
        {"opens_on": ["1", "1", "2027"], "closes_on": ["1", "2", "2027"]},
    )
    form = client.get(f"/staff/surveys/{draft}/duplicate")
    assert form.soup.select_one("input[name=title]")["value"] == "Copy of Library opening hours"
    taken = client.submit(form, {"slug": draft}, expected_status=400)
    assert taken.error_summary() == ["A survey already uses that web address. Choose a different one"]
    copy_page = client.submit(taken, {"title": "Opening hours again", "slug": "hours-again"})
    assert copy_page.h1 == "Opening hours again"
    original, copied = definition(app, draft), definition(app, "hours-again")
    assert copied["slug"] == "hours-again" and copied["title"] == "Opening hours again"
    assert copied["pages"] == original["pages"] and copied["localities"] == original["localities"]
    assert "opens_at" not in copied and "closes_at" not in copied
    [event] = audit_rows(app, "survey.duplicated")
    assert event.details["from"] == draft and event.details["slug"] == "hours-again"


def test_download(client: PageClient, app: Flask, draft: str) -> None:
    response = client.client.get(f"/staff/surveys/{draft}/definition.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{draft}-v1.json"'
    assert response.headers["Cache-Control"] == "no-store"
    assert json.loads(response.get_data(as_text=True)) == latest(app, draft).definition


def test_unknown_survey_is_404(client: PageClient, officer: StaffUser) -> None:
    client.get("/staff/surveys/no-such-survey", expected_status=404)
    client.get("/staff/surveys/no-such-survey/details", expected_status=404)


@pytest.mark.parametrize("role", [Role.VIEWER, Role.BRANCH_STAFF])
def test_viewers_and_branch_staff_see_but_cannot_change(
    client: PageClient,
    app: Flask,
    make_staff: Callable[..., StaffUser],
    signed_in: Callable[[Role], StaffUser],
    role: Role,
) -> None:
    from tests.builder.conftest import definition as current

    officer = make_staff(Role.OFFICER)
    other = PageClient(app.test_client())
    from tests.conftest import sign_in

    sign_in(other, officer.email)
    create_survey(other)
    signed_in(role)
    page = client.get("/staff/surveys")
    assert not page.soup.select("a[href='/staff/surveys/new']")
    overview = client.get("/staff/surveys/opening-hours")
    assert not overview.soup.select("form[method=post][action*='/staff/surveys/']"), "no change buttons"
    assert not overview.soup.select("a[href*='/pages/']")
    client.get("/staff/surveys/opening-hours/preview/your_views")
    assert client.client.get("/staff/surveys/opening-hours/definition.json").status_code == 200
    token = overview.soup.select_one("input[name=csrf_token]")["value"]
    before = current(app, "opening-hours")
    for url in [
        "/staff/surveys/new",
        "/staff/surveys/opening-hours/details",
        "/staff/surveys/opening-hours/localities",
        "/staff/surveys/opening-hours/pages/new",
        "/staff/surveys/opening-hours/pages/your_views",
        "/staff/surveys/opening-hours/pages/your_views/delete",
        "/staff/surveys/opening-hours/pages/your_views/questions/new",
        "/staff/surveys/opening-hours/questions/what_would_you_like_to_tell_us",
        "/staff/surveys/opening-hours/questions/what_would_you_like_to_tell_us/delete",
        "/staff/surveys/opening-hours/duplicate",
    ]:
        assert client.client.get(url).status_code == 403, url
        assert client.post(url, data={"csrf_token": token, "title": "x"}).status_code == 403, url
    for url in [
        "/staff/surveys/opening-hours/publish",
        "/staff/surveys/opening-hours/close",
        "/staff/surveys/opening-hours/pages/your_views/move",
        "/staff/surveys/opening-hours/questions/what_would_you_like_to_tell_us/move",
    ]:
        assert client.post(url, data={"csrf_token": token}).status_code == 403, url
    assert current(app, "opening-hours") == before


def test_signed_out_people_are_sent_to_sign_in(client: PageClient) -> None:
    location = client.get_redirect("/staff/surveys")
    assert "/staff/sign-in" in location

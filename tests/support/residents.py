"""Resident journey helpers: start the test survey and answer every page."""

from __future__ import annotations

from typing import Any

from tests.support.pages import Page, PageClient

ANSWERS: dict[str, dict[str, Any]] = {
    "use": {"visits": "weekly"},
    "details": {"services": ["books", "computers"], "branch": "river-mill", "hours": "agree"},
    "views": {
        "agree.welcoming": "strongly_agree",
        "agree.quiet": "disagree",
        "priorities.1": "hours",
        "priorities.2": "events",
        "idea": "Open on Sundays <script>alert(1)</script> 📚",
        "computer_help": "Help with email",
    },
    "about": {
        "household": "3",
        "joined-day": "4",
        "joined-month": "9",
        "joined-year": "2019",
        "area": "river",
    },
    "equality": {"eq_age": "35_44"},
}


def start(client: PageClient, url: str = "/s/test-survey") -> Page:
    page = client.get(url)
    return client.submit(page, selector="main form[action$='/start']")


def answer_all(client: PageClient, answers: dict[str, dict[str, Any]] = ANSWERS) -> Page:
    page = start(client)
    while page.h1 != "Check your answers before sending them":
        page_id = page.response.request.path.rsplit("/", 1)[-1]
        page = client.submit(page, answers.get(page_id, {}))
        assert not page.error_summary(), (page_id, page.error_summary())
    return page

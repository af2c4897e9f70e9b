"""The kiosk in Welsh: each resident chooses English or Cymraeg on the attract screen, every
kiosk screen and message follows, and a reset gives the next person the kiosk's default."""

from __future__ import annotations

import json
import re
from typing import Any

from bs4 import BeautifulSoup
from flask import Flask

from engage.platform import clock
from engage.platform.database import db
from surveys import services
from surveys.definition import SurveyDefinition, parse
from tests.kiosk.conftest import EXAMPLE
from tests.support.kiosk import ANSWERS, HEADERS, api, rows
from tests.support.pages import Page, PageClient

SLUG = "library-co-design"


def lang(page: Page) -> str:
    html = page.soup.select_one("html")
    assert html is not None
    return str(html["lang"])


def language_cookie(tablet: PageClient) -> str | None:
    cookie = tablet.client.get_cookie("engage_lang")
    return None if cookie is None else cookie.value


def messages(page: Page) -> dict[str, Any]:
    holder = page.soup.select_one("script#kiosk-messages")
    assert holder is not None
    data: dict[str, Any] = json.loads(holder.get_text())
    return data


def test_the_attract_screen_offers_english_and_cymraeg(
    tablet: PageClient, welsh_survey: SurveyDefinition
) -> None:
    english = tablet.get("/kiosk")
    assert lang(english) == "en-GB"
    buttons = english.soup.select("nav.engage-kiosk-languages a")
    assert [(b.get_text(strip=True), b["lang"], b["href"]) for b in buttons] == [
        ("English", "en", "/kiosk?lang=en"),
        ("Cymraeg", "cy", "/kiosk?lang=cy"),
    ]
    assert buttons[0].get("aria-current") == "true" and buttons[1].get("aria-current") is None
    # The big buttons choose the language here: the header's small toggle is not repeated.
    assert english.soup.select_one("nav.engage-language") is None

    welsh = tablet.get("/kiosk?lang=cy")
    assert lang(welsh) == "cy"
    assert welsh.h1 == "Dweud eich dweud am Northgate Central Library"
    assert welsh.page_title == "Dweud eich dweud yn Northgate Central Library"
    assert "Dewiswch arolwg." in welsh.text
    assert "Llechen a rennir yw hon." in welsh.text and "2 funud" in welsh.text
    start = welsh.soup.select_one(".engage-kiosk-surveys a")
    assert start is not None
    assert start.get_text(strip=True) == welsh_survey.localised("cy").title
    assert start.get("lang") is None  # in the page's language
    assert start["href"] == f"/s/{SLUG}?lang=cy"
    assert start["data-kiosk-runner"] == f"/kiosk/run/{SLUG}?lang=cy"
    assert start["data-kiosk-bundle"] == f"/kiosk/run/{SLUG}/bundle.json?lang=cy"
    current = welsh.soup.select_one("#kiosk-language-cy")
    assert current is not None and current.get("aria-current") == "true"
    assert messages(welsh)["queue"]["two"] == "Mae %(num)d set o atebion yn aros i gael eu hanfon."
    # The service worker is told to keep every survey's runner and bundle in both languages.
    attract = welsh.soup.select_one("[data-kiosk-cache]")
    assert attract is not None
    for code in ("en", "cy"):
        assert f"/kiosk/run/{SLUG}/bundle.json?lang={code}" in attract["data-kiosk-cache"]
        assert f"/kiosk/offline?lang={code}" in attract["data-kiosk-cache"]


def test_a_survey_without_welsh_says_so_and_is_asked_in_english(app: Flask, tablet: PageClient) -> None:
    english_only = parse(json.loads(EXAMPLE.read_text(encoding="utf-8"))).with_languages([])
    with app.app_context():
        version = services.save_definition(db(), english_only.to_data(), clock.now())
        services.publish(db(), version.survey, clock.now())
        db().commit()
    welsh = tablet.get("/kiosk?lang=cy")
    start = welsh.soup.select_one(".engage-kiosk-surveys a")
    assert start is not None and start["lang"] == "en"
    assert start["data-kiosk-runner"] == f"/kiosk/run/{SLUG}?lang=en"
    assert "Mae'r arolwg hwn ar gael yn Saesneg yn unig." in welsh.text
    # The whole runner page is then English: never Welsh around English questions.
    runner = tablet.get(f"/kiosk/run/{SLUG}?lang=cy")
    assert lang(runner) == "en-GB" and runner.h1 == "Getting the survey ready"


def test_resetting_the_kiosk_clears_the_language(tablet: PageClient, welsh_survey: SurveyDefinition) -> None:
    welsh = tablet.get("/kiosk?lang=cy")
    # Kiosk pages carry the language in their address and never set the cookie (the service
    # worker fetches them in every language in the background).
    assert language_cookie(tablet) is None
    # Without JavaScript, the resident answers the residents' pages in Welsh (the cookie).
    first = tablet.get(f"/s/{SLUG}?lang=cy")
    assert lang(first) == "cy" and language_cookie(tablet) == "cy"
    # "Start again" (its form is in the header of every kiosk page)
    again = tablet.submit(welsh, selector="form[data-kiosk-reset]")
    assert lang(again) == "en-GB" and again.soup.select_one("#ready") is not None
    assert again.h1 == "Have your say about Northgate Central Library"
    assert language_cookie(tablet) is None
    # The idle time-out (JavaScript or the meta refresh) does the same.
    tablet.get(f"/s/{SLUG}?lang=cy")
    assert lang(tablet.get("/kiosk/timeout", follow_redirects=True)) == "en-GB"
    assert language_cookie(tablet) is None
    # So does going back to the attract screen, which is always in the kiosk's default.
    tablet.get(f"/s/{SLUG}?lang=cy")
    assert lang(tablet.get("/kiosk")) == "en-GB"
    assert language_cookie(tablet) is None


def test_a_language_cookie_left_on_the_tablet_is_not_the_next_persons(
    tablet: PageClient, welsh_survey: SurveyDefinition
) -> None:
    tablet.client.set_cookie("engage_lang", "cy")
    assert lang(tablet.get("/kiosk")) == "en-GB"
    assert lang(tablet.get(f"/kiosk/run/{SLUG}")) == "en-GB"
    assert language_cookie(tablet) is None


def test_a_kiosk_can_default_to_welsh(app: Flask, tablet: PageClient, welsh_survey: SurveyDefinition) -> None:
    app.config["KIOSK_LANGUAGE"] = "cy"
    try:
        assert lang(tablet.get("/kiosk")) == "cy"
        tablet.get("/kiosk?lang=en")
        assert lang(tablet.get("/kiosk/timeout", follow_redirects=True)) == "cy"
        assert "self.KIOSK_CONFIG = " in tablet.client.get("/kiosk/sw.js").get_data(as_text=True)
        assert '"default": "cy"' in tablet.client.get("/kiosk/sw.js").get_data(as_text=True)
    finally:
        app.config.pop("KIOSK_LANGUAGE")


def test_the_runner_page_and_its_messages_in_welsh(
    tablet: PageClient, welsh_survey: SurveyDefinition
) -> None:
    page = tablet.get(f"/kiosk/run/{SLUG}?lang=cy")
    assert lang(page) == "cy"
    assert page.h1 == "Wrthi'n paratoi'r arolwg"
    assert page.page_title == welsh_survey.localised("cy").title
    runner = page.soup.select_one("#kiosk-runner")
    assert runner is not None
    assert runner["data-bundle"] == f"/kiosk/run/{SLUG}/bundle.json?lang=cy"
    assert runner["data-check"] == "/kiosk/api/check?lang=cy"
    # Switching language here would lose the answers kept in the page: no header toggle.
    assert page.soup.select_one("nav.engage-language") is None
    words = messages(page)
    assert words["lang"] == "cy"
    assert words["save_continue"] == "Cadw a pharhau" and words["back"] == "Yn ôl"
    assert words["send"] == "Anfon atebion" and words["problem"] == "Mae problem wedi codi"
    assert set(words["countdown"]) == {"zero", "one", "two", "few", "many", "other"}
    assert set(messages(tablet.get(f"/kiosk/run/{SLUG}?lang=en"))["countdown"]) == {"one", "other"}
    # The same messages for pages that do not carry them (kept by the service worker).
    served = tablet.client.get("/kiosk/messages.json?lang=cy").get_json()
    assert served == words


def test_the_bundle_and_the_server_checks_in_welsh(
    tablet: PageClient, welsh_survey: SurveyDefinition
) -> None:
    welsh = welsh_survey.localised("cy")
    bundle = tablet.client.get(f"/kiosk/run/{SLUG}/bundle.json?lang=cy").get_json()
    assert bundle["lang"] == "cy" and bundle["title"] == welsh.title
    visiting = bundle["pages"][0]
    assert visiting["title"] == welsh.page("visiting").title
    question = welsh.question("visit_frequency")
    assert question is not None and question.error
    # What the offline runner says for an empty answer: the server's own message, in Welsh.
    assert visiting["questions"][0]["empty"] == {"visit_frequency": question.error}
    assert question.text in BeautifulSoup(visiting["html"], "html.parser").get_text(" ")
    checked = api(
        tablet,
        "/kiosk/api/check?lang=cy",
        {"slug": SLUG, "version": bundle["version"], "page": "visiting", "pages": {"visiting": []}},
    ).get_json()
    assert checked["errors"] == [{"text": question.error, "href": "#visit_frequency"}]
    assert question.error in BeautifulSoup(checked["html"], "html.parser").get_text(" ")


def test_a_refused_response_is_explained_in_welsh(tablet: PageClient, welsh_survey: SurveyDefinition) -> None:
    bundle = tablet.client.get(f"/kiosk/run/{SLUG}/bundle.json?lang=cy").get_json()
    payload = {"key": "w" * 20, "slug": SLUG, "version": bundle["version"], "pages": {}, "lang": "cy"}
    refused = tablet.client.post("/kiosk/api/responses?lang=cy", json=payload, headers=HEADERS)
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["reason"] == "empty"
    # Staff read why in English; the resident in their language.
    assert body["error"] == "No answers that pass the survey's checks were sent, so there is nothing to keep"
    assert body["message"] == (
        "Ni anfonwyd unrhyw atebion sy'n bodloni gwiriadau'r arolwg, felly nid oes dim i'w gadw"
    )


def test_the_offline_page_and_other_kiosk_screens_in_welsh(tablet: PageClient) -> None:
    offline = tablet.get("/kiosk/offline?lang=cy")
    assert lang(offline) == "cy" and offline.h1 == "Nid yw'r llechen hon ar gael dros dro"
    back = offline.soup.select_one("main a")
    assert back is not None and back["href"] == "/kiosk?lang=cy"
    assert lang(tablet.get("/kiosk/offline")) == "en-GB"
    script = tablet.client.get("/kiosk/sw.js").get_data(as_text=True)
    assert re.match(r'self\.KIOSK_CONFIG = \{"languages": \["en", "cy"\], "default": "en"\};', script)


def test_a_tablet_that_is_not_set_up_says_so_in_welsh(app: Flask, example_survey: str) -> None:
    stranger = PageClient(app.test_client())
    page = stranger.get("/kiosk/enrol?lang=cy")
    assert lang(page) == "cy"
    refused = stranger.get("/kiosk", expected_status=403)
    assert refused.h1 == "Nid yw'r llechen hon wedi'i gosod"
    assert "Pawb arall: gallwch ddweud eich dweud ar-lein ar eich dyfais eich hun." in refused.text


def test_a_response_sent_from_the_welsh_runner_records_welsh(
    app: Flask, tablet: PageClient, welsh_survey: SurveyDefinition
) -> None:
    bundle = tablet.client.get(f"/kiosk/run/{SLUG}/bundle.json?lang=cy").get_json()
    base = {"slug": SLUG, "version": bundle["version"], "complete": True}
    pages = {"visiting": [["visit_frequency", "never"]], "ideas": [["one_change", "Mwy o lyfrau"]]}
    sent = {**base, "key": "c" * 20, "pages": pages, "lang": "cy"}
    welsh = api(tablet, "/kiosk/api/responses?lang=cy", sent)
    english = api(tablet, "/kiosk/api/responses", {**base, "key": "e" * 20, "pages": pages})
    assert welsh.status_code == english.status_code == 201
    assert [row.language for row in rows(app)] == ["cy", "en"]
    odd = api(tablet, "/kiosk/api/responses", {**base, "key": "o" * 20, "pages": pages, "lang": "<b>"})
    assert odd.status_code == 422 and "lang must be a language code" in odd.get_json()["error"]


def test_the_staff_pages_refusal_follows_the_kiosk_language(app: Flask, tablet: PageClient) -> None:
    english = tablet.get("/staff/", expected_status=403)
    assert lang(english) == "en-GB" and english.h1 == "Staff pages are not available on this tablet"
    app.config["KIOSK_LANGUAGE"] = "cy"
    try:
        welsh = tablet.get("/staff/", expected_status=403)
    finally:
        app.config.pop("KIOSK_LANGUAGE")
    assert lang(welsh) == "cy" and welsh.h1 == "Nid yw tudalennau staff ar gael ar y llechen hon"
    assert welsh.page_title == welsh.h1
    back = welsh.soup.select_one("main a")
    assert back is not None and back["href"] == "/kiosk?lang=cy"


def answer_without_javascript(tablet: PageClient) -> Page:
    """From the Welsh attract screen's survey link to the check page, with the usual answers."""
    attract = tablet.get("/kiosk?lang=cy")
    link = attract.soup.select_one(".engage-kiosk-surveys a")
    assert link is not None
    page = tablet.submit(tablet.get(str(link["href"])), selector="main form[action$='/start']")
    for _ in range(20):
        if page.soup.select_one("form[action$='/submit']") is not None:
            return page
        assert lang(page) == "cy", page.h1
        page_id = page.response.request.path.rsplit("/", 1)[-1]
        page = tablet.submit(page, ANSWERS.get(page_id, {}))
    raise AssertionError("never reached the check page")


def test_without_javascript_a_welsh_resident_sends_and_the_tablet_returns_to_english(
    app: Flask, tablet: PageClient, welsh_survey: SurveyDefinition
) -> None:
    check = answer_without_javascript(tablet)
    assert lang(check) == "cy"
    done = tablet.submit(check, selector="form[action$='/submit']")
    assert lang(done) == "cy"
    ready = tablet.submit(done, selector="main form[action='/kiosk/reset']")
    assert lang(ready) == "en-GB" and ready.soup.select_one("#ready") is not None
    assert language_cookie(tablet) is None
    assert [row.language for row in rows(app)] == ["cy"]


def test_without_javascript_continuing_on_a_phone_is_in_welsh(
    tablet: PageClient, welsh_survey: SurveyDefinition
) -> None:
    check = answer_without_javascript(tablet)
    handed = tablet.submit(check, selector=f"form[action='/kiosk/handoff/{SLUG}']")
    assert lang(handed) == "cy" and handed.h1 == "Parhau ar eich ffôn eich hun"
    assert "Sganiwch y cod hwn gyda chamera eich ffôn" in handed.text
    assert handed.soup.select_one("nav.engage-language") is None  # its links could not show it
    ready = tablet.submit(handed, selector="main form[action='/kiosk/reset']")
    assert lang(ready) == "en-GB"

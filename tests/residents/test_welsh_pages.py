"""The survey pages in the resident's language: a survey with Welsh is answered in Welsh,
one without says so in Welsh and is shown in English, and the language is recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from sqlalchemy import select

from engage.platform import clock, i18n
from engage.platform.database import db
from engage.platform.models import OutboundEmail
from engage.residents.views import RESUME_GUESSES, missing_notice
from surveys import services
from surveys.models import Response, Survey
from tests.support.pages import Page, PageClient
from tests.support.residents import ANSWERS, start

WELSH_START = "/s/test-survey?lang=cy"


def _lang(page: Page) -> str:
    return str(page.soup.select_one("html")["lang"])


def _page_id(page: Page) -> str:
    return page.response.request.path.rsplit("/", 1)[-1]


def _answer_to_check(client: PageClient, page: Page, answers: dict[str, dict[str, Any]] = ANSWERS) -> Page:
    while page.soup.select_one("form[action$='/submit']") is None:
        page_id = _page_id(page)
        page = client.submit(page, answers.get(page_id, {}))
        assert not page.error_summary(), (page_id, page.error_summary())
    return page


def _response(app: Flask) -> Response:
    with app.app_context():
        found = db().scalar(select(Response))
        assert found is not None
        db().expunge(found)
        return found


def test_a_survey_with_welsh_is_shown_in_welsh_when_asked(
    client: PageClient, publish_bilingual: Callable[[], Survey]
) -> None:
    publish_bilingual()
    page = client.get(WELSH_START)
    assert _lang(page) == "cy"
    assert page.h1 == "Arolwg llyfrgell prawf"
    assert "Dywedwch wrthym sut rydych yn defnyddio eich llyfrgell." in page.text
    assert "Mae'n cymryd tua 5 munud." in page.text
    assert page.soup.select_one(".govuk-button--start").get_text(strip=True) == "Dechrau nawr"
    assert "Beth sy'n digwydd i'ch atebion" in page.text
    assert page.soup.select_one("#language-missing") is None
    # The header offers the survey's languages, this one not a link.
    toggle = page.soup.select_one("nav.engage-language")
    assert toggle is not None
    links = {a.get_text(strip=True): a["href"] for a in toggle.select("a")}
    assert links == {"English": "/s/test-survey?lang=en"}
    english = client.get(links["English"])
    assert (_lang(english), english.h1) == ("en-GB", "Test library survey")


def test_the_cookie_and_the_browser_choose_welsh(
    app: Flask, client: PageClient, publish_bilingual: Callable[[], Survey]
) -> None:
    publish_bilingual()
    client.get("/?lang=cy")  # chosen on another page: remembered in the cookie
    assert client.get("/s/test-survey").h1 == "Arolwg llyfrgell prawf"
    browser = PageClient(app.test_client())
    page = browser.get("/s/test-survey", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})
    assert (_lang(page), page.h1) == ("cy", "Arolwg llyfrgell prawf")
    english = PageClient(app.test_client()).get("/s/test-survey", headers={"Accept-Language": "fr,en;q=0.5"})
    assert english.h1 == "Test library survey"


def test_a_survey_without_welsh_says_so_in_welsh_and_is_in_english(
    client: PageClient, publish_survey: Callable[..., Survey]
) -> None:
    publish_survey()
    page = client.get(WELSH_START)
    assert _lang(page) == "en-GB"
    assert page.h1 == "Test library survey"
    notice = page.soup.select_one("#language-missing")
    assert notice is not None and notice["lang"] == "cy"
    assert (
        notice.get_text(" ", strip=True) == "Nid yw'r arolwg hwn ar gael yn Gymraeg. Mae ar gael yn Saesneg."
    )
    # Not a mixed page: outside the marked notice, everything is English.
    assert page.soup.select_one(".govuk-button--start").get_text(strip=True) == "Start now"
    assert "Privacy notice" in page.text and "Hysbysiad preifatrwydd" not in page.text
    # One language: nothing to switch to.
    assert page.soup.select_one("nav.engage-language") is None
    # The notice follows the resident through the survey while they ask for Welsh.
    question = start(client)
    assert question.soup.select_one("#language-missing[lang=cy]") is not None
    assert question.soup.select_one("button[value=continue]").get_text(strip=True) == "Save and continue"


def test_every_widget_and_error_is_in_welsh(
    client: PageClient, publish_bilingual: Callable[[], Survey]
) -> None:
    publish_bilingual()
    client.get(WELSH_START)
    page = start(client)
    assert _lang(page) == "cy"
    assert page.soup.select_one(".govuk-back-link").get_text(strip=True) == "Yn ôl"
    buttons = [b.get_text(strip=True) for b in page.soup.select("main .govuk-button")]
    assert buttons == ["Cadw a pharhau", "Cadw a dod yn ôl yn nes ymlaen"]
    assert "Bob wythnos" in page.text and "Rhowch fanylion" in page.text
    # An empty required question: the message, its hidden prefix and the title are Welsh.
    error = client.submit(page, {}, expected_status=400)
    assert error.error_summary() == ["Dewiswch ateb ar gyfer 'Pa mor aml ydych chi'n ymweld'"]
    assert (
        error.soup.select_one(".govuk-error-summary__title").get_text(strip=True) == "Mae problem wedi codi"
    )
    hidden = error.soup.select_one(".govuk-error-message .govuk-visually-hidden").get_text(strip=True)
    assert hidden == "Gwall:"
    assert error.title.startswith("Gwall: ")
    # The choices page: checkboxes, "or", the library list and the agree scale.
    details = client.submit(error, {"visits": "weekly"})
    assert "Dewiswch bob un sy'n berthnasol." in details.text
    assert details.soup.select_one(".govuk-checkboxes__divider").get_text(strip=True) == "neu"
    assert "Llyfrgell Lôn y Felin" in details.text
    assert "(dewisol)" in details.text and "Cytuno'n gryf" in details.text
    wrong = client.submit(details, {"services": ["books", "none"]}, expected_status=400)
    assert wrong.error_summary()[0] == (
        "Dewiswch 'Dim un o'r rhain' ar ei ben ei hun, neu dad-diciwch ef a dewiswch yr atebion "
        "sy'n berthnasol"
    )
    views = client.submit(wrong, ANSWERS["details"])
    # The grid, the ranking and the character count.
    assert "Mae'r llyfrgell yn groesawgar" in views.text and "Anghytuno'n gryf" in views.text
    labels = [label.get_text(strip=True) for label in views.soup.select("label[for^='priorities.']")]
    assert labels == ["Dewis cyntaf", "Ail ddewis"]
    assert "Dewiswch eich 2 uchaf, gyda'r pwysicaf yn gyntaf." in views.text
    assert views.soup.select_one("#idea-info").get_text(strip=True) == "Gallwch nodi hyd at 200 nod"
    count = views.soup.select_one("[data-module=govuk-character-count]")
    assert count["data-i18n.characters-under-limit.two"] == "Mae gennych %{count} nod ar ôl"
    too_long = client.submit(
        views, {**ANSWERS["views"], "priorities.2": "hours", "idea": "x" * 201}, expected_status=400
    )
    assert too_long.error_summary() == [
        "Rydych eisoes wedi dewis 'Oriau agor hirach'. Dewiswch rywbeth gwahanol ar gyfer rhif 2",
        "Rhaid i'ch ateb fod yn 200 nod neu lai. Mae'n 201 nod ar hyn o bryd",
    ]
    about = client.submit(too_long, ANSWERS["views"])
    # Number, date (Day, Month, Year) and area, with Welsh messages.
    date_labels = [label.get_text(strip=True) for label in about.soup.select(".govuk-date-input label")]
    assert date_labels == ["Diwrnod", "Mis", "Blwyddyn"]
    assert "Er enghraifft, 27 3 2026" in about.text
    bad = client.submit(
        about,
        {"household": "30", "joined-day": "4", "joined-year": "2019", "area": "river"},
        expected_status=400,
    )
    assert bad.error_summary() == [
        "Rhaid i 'Faint o bobl sy'n byw yn eich cartref' fod yn 20 neu lai",
        "Rhaid i'r dyddiad gynnwys mis",
    ]
    late = client.submit(bad, {**ANSWERS["about"], "joined-year": "2027"}, expected_status=400)
    assert late.error_summary() == ["Rhaid i'r dyddiad fod ar 31 Rhagfyr 2026 neu cyn hynny"]
    equality = client.submit(late, ANSWERS["about"])
    assert equality.h1 == "Amdanoch chi (dewisol)"
    assert "Beth yw eich oedran?" in equality.text and "Mae'n well gennyf beidio â dweud" in equality.text
    check = client.submit(equality, ANSWERS["equality"])
    assert check.h1 == "Gwirio eich atebion cyn eu hanfon"
    rows = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
        for row in check.soup.select(".govuk-summary-list__row")
    }
    assert rows["Pa mor aml ydych chi'n ymweld?"] == "Bob wythnos"
    assert rows["Pryd wnaethoch chi ymuno â'r llyfrgell?"] == "4 Medi 2019"
    assert rows["Mae'r oriau agor yn addas i mi"] == "Cytuno"
    assert rows["I ba raddau ydych chi'n cytuno?"] == (
        "Mae'r llyfrgell yn groesawgar: Cytuno'n gryf; Mae digon o le tawel: Anghytuno"
    )
    assert rows["Beth sydd bwysicaf?"] == "1. Oriau agor hirach; 2. Mwy o ddigwyddiadau"
    change = check.soup.select_one(".govuk-summary-list__actions a")
    assert change.get_text(" ", strip=True) == "Newid Pa mor aml ydych chi'n ymweld?"
    assert (
        change.select_one(".govuk-visually-hidden").get_text(strip=True) == "Pa mor aml ydych chi'n ymweld?"
    )
    done = client.submit(check, selector="main form[action$='/submit']")
    assert done.soup.select_one(".govuk-panel__title").get_text(strip=True) == "Atebion wedi'u hanfon"
    assert "Diolch am gymryd rhan yn Arolwg llyfrgell prawf." in done.text
    # Tell me what happened: its checks in Welsh too.
    asked = client.submit(done, {"email": "nid-cyfeiriad"}, expected_status=400)
    assert asked.error_summary() == [
        "Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@enghraifft.com",
        "Ticiwch y blwch i gytuno i ni gadw eich cyfeiriad e-bost at y diben hwn",
    ]


def test_switching_language_part_way_keeps_every_answer_and_records_the_last(
    app: Flask, client: PageClient, publish_bilingual: Callable[[], Survey]
) -> None:
    publish_bilingual()
    page = start(client)
    assert _lang(page) == "en-GB"
    details = client.submit(page, ANSWERS["use"])
    client.submit(details, ANSWERS["details"])
    assert _response(app).language == "en"
    # Back to the first page, in Welsh: the answer is still chosen.
    welsh = client.get("/s/test-survey/use?lang=cy")
    assert welsh.soup.select_one("input[name=visits][value=weekly]").has_attr("checked")
    details = client.get("/s/test-survey/details")  # the cookie keeps Welsh
    assert _lang(details) == "cy"
    assert details.soup.select_one("input[name=services][value=computers]").has_attr("checked")
    assert details.soup.select_one("input[name=branch][value=river-mill]").has_attr("checked")
    # And back to English for the rest, then Welsh again to send.
    views = client.get("/s/test-survey/views?lang=en")
    assert views.h1 == "Your views"
    check = _answer_to_check(client, views)
    welsh_check = client.get("/s/test-survey/check?lang=cy")
    assert welsh_check.h1 == "Gwirio eich atebion cyn eu hanfon"
    assert len(welsh_check.soup.select(".govuk-summary-list__row")) == len(
        check.soup.select(".govuk-summary-list__row")
    )
    client.submit(welsh_check, selector="main form[action$='/submit']")
    sent = _response(app)
    assert sent.language == "cy"
    assert sent.answers["visits"] == "weekly" and sent.answers["services"] == ["books", "computers"]


def test_a_response_answered_in_english_records_english(
    app: Flask, client: PageClient, publish_bilingual: Callable[[], Survey]
) -> None:
    publish_bilingual()
    check = _answer_to_check(client, start(client))
    client.submit(check, selector="main form[action$='/submit']")
    assert _response(app).language == "en"


def test_the_resume_link_and_email_are_in_welsh(
    app: Flask, client: PageClient, publish_bilingual: Callable[[], Survey]
) -> None:
    publish_bilingual()
    client.get(WELSH_START)
    page = client.submit(start(client), {"visits": "weekly"})
    saved = client.submit(page, {"action": "save"})
    assert saved.soup.select_one(".govuk-panel__title").get_text(strip=True) == "Mae eich atebion wedi'u cadw"
    link = str(saved.soup.select_one("#resume-link")["href"])
    assert parse_qs(urlsplit(link).query) == {"lang": ["cy"]}
    assert "?lang=cy" in str(saved.soup.select_one("main p a[href*='/resume']")["href"])
    sent = client.submit(
        saved, {"email": "preswylydd@example.org"}, selector="main form:has(input[name=email])"
    )
    assert "Rydym wedi anfon eich dolen a'ch cod mewn e-bost at preswylydd@example.org." in sent.text
    code = sent.soup.select_one("#resume-code").get_text(strip=True)
    with app.app_context():
        message = db().scalar(select(OutboundEmail))
        assert message is not None
        assert message.subject == "Parhau â'ch atebion i Arolwg llyfrgell prawf"
        assert 'lang="cy"' in message.html_body
        assert "Parhau â'ch atebion" in message.html_body and "Neu ewch i" in message.html_body
        assert f"a rhowch y cod hwn: {code}" in message.text_body
        assert "Bydd eich atebion sydd wedi'u cadw yn cael eu dileu ar " in message.text_body
        emailed = next(line for line in message.text_body.splitlines() if "/resume/" in line)
    assert emailed.endswith("?lang=cy")
    assert any(
        month in message.text_body for month in ("Ionawr", "Chwefror", "Rhagfyr", "Tachwedd", "Mawrth")
    )
    # Opened in another browser, with no cookie: the link itself brings Welsh back.
    other = PageClient(app.test_client())
    target = other.get_redirect(urlsplit(emailed).path + "?" + urlsplit(emailed).query)
    resumed = other.get(target)
    assert (_lang(resumed), resumed.h1) == ("cy", "Eich llyfrgell")  # the first page still to answer
    first = other.get("/s/test-survey/use")
    assert _lang(first) == "cy"
    assert first.soup.select_one("input[name=visits][value=weekly]").has_attr("checked")


def test_the_resume_page_and_its_errors_are_in_welsh(
    client: PageClient, publish_bilingual: Callable[[], Survey]
) -> None:
    publish_bilingual()
    page = client.get("/s/test-survey/resume?lang=cy")
    assert page.h1 == "Rhowch eich cod i barhau â'ch atebion"
    wrong = client.submit(page, {"code": "ABCD-2345"}, expected_status=400)
    assert wrong.error_summary() == [
        "Nid oeddem yn gallu dod o hyd i atebion wedi'u cadw gyda'r cod hwnnw. "
        "Gwiriwch ef a rhowch gynnig arall arni"
    ]
    assert (
        wrong.soup.select_one(".govuk-error-message .govuk-visually-hidden").get_text(strip=True) == "Gwall:"
    )


def test_error_pages_are_in_welsh(client: PageClient) -> None:
    page = client.get("/s/no-such-survey?lang=cy", expected_status=404)
    assert page.h1 == "Heb ddod o hyd i'r dudalen"
    assert "Os gwnaethoch deipio'r cyfeiriad gwe, gwiriwch ei fod yn gywir." in page.text


def test_the_missing_notice_is_written_in_the_language_asked_for(app: Flask) -> None:
    with app.test_request_context("/s/x?lang=en"):
        i18n.use_language("en")
        welsh = missing_notice("cy", "en")
        english = missing_notice("en", "cy")
    assert welsh == {
        "text": "Nid yw'r arolwg hwn ar gael yn Gymraeg. Mae ar gael yn Saesneg.",
        "lang": "cy",
        "dir": "ltr",
    }
    assert english == {
        "text": "This survey is not available in English. It is available in Welsh.",
        "lang": "en",
        "dir": "ltr",
    }


def test_a_closed_survey_says_so_in_welsh(
    app: Flask, client: PageClient, publish_bilingual: Callable[[], Survey]
) -> None:
    publish_bilingual()
    with app.app_context():
        survey = services.get_survey(db(), "test-survey")
        assert survey is not None
        services.close(survey, clock.now() - timedelta(seconds=1))
        db().commit()
    closed = client.get(WELSH_START, expected_status=410)
    assert closed.h1 == "Mae Arolwg llyfrgell prawf wedi cau"
    assert "Nid yw'r arolwg hwn yn derbyn atebion mwyach." in closed.text


def test_a_timed_out_form_and_too_many_codes_are_explained_in_welsh(
    client: PageClient, publish_bilingual: Callable[[], Survey]
) -> None:
    publish_bilingual()
    client.get(WELSH_START)
    page = start(client)
    expired = client.submit(page, {"csrf_token": "expired", "visits": "weekly"}, expected_status=400)
    assert expired.h1 == "Mae amser eich ffurflen wedi dod i ben"
    assert "Rydym wedi cadw'r hyn a roesoch." in expired.text
    kept = {i["name"]: i["value"] for i in expired.soup.select("main form input[type=hidden]")}
    assert kept["visits"] == "weekly"
    assert expired.soup.select_one("main form button").get_text(strip=True) == "Parhau"
    form = client.get("/s/test-survey/resume")
    for n in range(RESUME_GUESSES.count):
        form = client.submit(form, {"code": f"ZZZZ-{n:04d}"}, expected_status=400)
    refused = client.submit(form, {"code": "ZZZZ-9999"}, expected_status=429)
    assert refused.error_summary() == [
        "Rhoddwyd cynnig ar ormod o godau nad oeddent yn cyfateb o'r fan hon. "
        "Arhoswch awr a rhowch gynnig arall arni"
    ]

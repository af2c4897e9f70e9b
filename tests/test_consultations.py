"""Find a consultation: the home page and /consultations list published surveys, open first,
then forthcoming, then closed with their results; filters by area and topic and a word search;
each consultation keeps a page after it closes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from engage.actions.models import Action, Publication
from engage.actions.public import action_status, action_timescale
from engage.platform import clock
from engage.platform.database import db
from surveys import services
from tests.conftest import FrozenClock
from tests.support.pages import PageClient

pytestmark = pytest.mark.usefixtures("frozen_clock")

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _definition(slug: str, title: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema_version": 1,
        "slug": slug,
        "title": title,
        "purpose": f"Tell us about {title.lower()}.",
        "pages": [
            {
                "id": "views",
                "title": "Your views",
                "questions": [
                    {"id": "idea", "type": "long_text", "text": "What would you change?", "required": False}
                ],
            }
        ],
    }
    data.update(extra)
    return data


def _iso(moment: datetime) -> str:
    return moment.isoformat()


NORTH = [{"code": "north", "name": "Northgate"}]
SOUTH = [{"code": "south", "name": "Southvale"}]


@pytest.fixture
def consult(app: Flask) -> Any:
    """Save (and unless ``draft``, publish) a survey; optionally close it, add sent
    responses and publish its "You said, we did" page."""

    def make(
        slug: str,
        title: str,
        *,
        draft: bool = False,
        closed: bool = False,
        responses: int = 0,
        results: bool = False,
        **extra: Any,
    ) -> None:
        with app.app_context():
            session = db()
            now = clock.now()
            version = services.save_definition(session, _definition(slug, title, **extra), now)
            survey = version.survey
            if not draft:
                services.publish(session, survey, now)
                definition = services.definition_of(version)
                for _ in range(responses):
                    started = services.start_response(session, version, now)
                    services.submit(session, started.response, definition, now)
            if closed:
                services.close(survey, now)
            if results:
                session.add(Publication(survey_id=survey.id, intro="", published_at=now, updated_at=now))
            session.commit()

    return make


def _one(tag: Any, selector: str) -> Any:
    found = tag.select_one(selector)
    assert found is not None, selector
    return found


def _titles(page: Any, section: str) -> list[str]:
    heading = page.soup.find("h2", id=section)
    if heading is None:
        return []
    listing = heading.find_next_sibling("ul")
    return [h.get_text(strip=True) for h in listing.select("li.engage-consultation > h3")] if listing else []


def test_the_home_page_lists_open_consultations_with_a_start_link(client: PageClient, consult: Any) -> None:
    consult("hours", "Opening hours", closes_at=_iso(NOW + timedelta(days=10)), duration_minutes=5)
    consult("draft-one", "A draft nobody may see", draft=True)
    consult("old", "Heritage review", closed=True, responses=2, results=True)
    page = client.get("/")
    main = _one(page.soup, "main")
    titles = [h.get_text(strip=True) for h in main.select("li.engage-consultation h3")]
    assert titles == ["Opening hours", "Heritage review"]  # open to have your say; closed with results
    text = main.get_text(" ", strip=True)
    assert "Closes 4 December 2026" in text
    assert "Takes about 5 minutes" in text
    assert "A draft nobody may see" not in text
    links = {" ".join(a.get_text().split()): a["href"] for a in main.select("a")}
    assert links["Take part in Opening hours"] == "/s/hours"
    assert links["We asked, you said, we did: Heritage review"] == "/you-said-we-did/old"
    assert links["Find a consultation"] == "/consultations"


def test_consultations_are_listed_open_then_forthcoming_then_closed(
    client: PageClient, consult: Any, frozen_clock: FrozenClock
) -> None:
    consult("later", "Closes later", closes_at=_iso(NOW + timedelta(days=30)))
    consult("soon", "Closes soon", closes_at=_iso(NOW + timedelta(days=3)))
    consult("no-date", "No closing date")
    consult("next-year", "Opens next year", opens_at=_iso(NOW + timedelta(days=40)))
    consult("first-closed", "Closed first", closed=True, responses=3)
    frozen_clock.advance(days=1)
    consult("second-closed", "Closed second", closed=True, responses=1, results=True)
    consult("still-draft", "Still a draft", draft=True)
    page = client.get("/consultations")
    assert _titles(page, "open") == ["Closes soon", "Closes later", "No closing date"]
    assert _titles(page, "forthcoming") == ["Opens next year"]
    assert _titles(page, "closed") == ["Closed second", "Closed first"]
    text = _one(page.soup, "main").get_text(" ", strip=True)
    assert "3 people took part" in text and "1 person took part" in text
    assert "Results are not published yet." in text  # the first closed one
    assert "Opens 3 January 2027" in text
    assert "Still a draft" not in text


def test_filter_by_area_topic_and_words(client: PageClient, consult: Any) -> None:
    consult("north-hours", "Northgate opening hours", localities=NORTH, topics=["Opening hours"])
    consult("south-archive", "Southvale archive", localities=SOUTH, topics=["Heritage"])
    consult("everyone", "Library strategy", audience="Everyone in Anyshire", topics=["Strategy"])

    north = client.get("/consultations?area=north")
    # A consultation for the whole council (no areas) shows under every area.
    assert _titles(north, "open") == ["Northgate opening hours", "Library strategy"]
    assert "2 consultations found in Northgate." in north.text
    assert _one(north.soup, "#area option[selected]").get_text() == "Northgate"

    heritage = client.get("/consultations?topic=heritage")
    assert _titles(heritage, "open") == ["Southvale archive"]

    # Every word must match, and a word matches the start of one ("archiv" finds "archive").
    assert _titles(client.get("/consultations?q=southvale+archiv"), "open") == ["Southvale archive"]
    assert _titles(client.get("/consultations?q=anyshire"), "open") == ["Library strategy"]
    none = client.get("/consultations?q=swimming")
    assert _titles(none, "open") == []
    assert "No open consultations match." in none.text
    assert [a.get_text() for a in none.soup.select("main a[href='/consultations']")] == [
        "Clear filters",
        "See every consultation",
    ]

    # An area or topic no consultation has (an old link) is ignored rather than an error.
    unknown = client.get("/consultations?area=nowhere&topic=zzz&page=x")
    assert len(_titles(unknown, "open")) == 3


def test_closed_consultations_are_paged(client: PageClient, consult: Any, frozen_clock: FrozenClock) -> None:
    for n in range(22):
        consult(f"closed-{n:02d}", f"Closed number {n:02d}", closed=True)
        frozen_clock.advance(hours=1)
    first = client.get("/consultations")
    assert len(_titles(first, "closed")) == 20
    assert _titles(first, "closed")[0] == "Closed number 21"
    second = client.get("/consultations?page=2")
    assert _titles(second, "closed") == ["Closed number 01", "Closed number 00"]
    assert "Page 2 of 2" in second.text


def test_a_closed_consultation_keeps_its_page(client: PageClient, consult: Any) -> None:
    consult(
        "old",
        "Heritage review",
        closed=True,
        responses=4,
        results=True,
        localities=NORTH,
        audience="Anyone who uses the archive",
    )
    page = client.get("/consultations/old")
    assert page.h1 == "Heritage review"
    text = page.text
    assert "This consultation closed on 24 November 2026. 4 people took part." in text
    assert "Anyone who uses the archive" in text
    assert "What would you change?" in text  # what was asked
    assert _one(page.soup, "a[href='/you-said-we-did/old']") is not None
    assert page.soup.select_one("a[href='/s/old']") is None  # no start link once closed


def test_an_open_consultation_page_links_to_the_survey(client: PageClient, consult: Any) -> None:
    consult("hours", "Opening hours", duration_minutes=5)
    page = client.get("/consultations/hours")
    start = _one(page.soup, "a.govuk-button--start")
    assert start["href"] == "/s/hours"
    assert "After the consultation closes, we will publish" in page.text


def test_drafts_and_unknown_consultations_are_not_found(client: PageClient, consult: Any) -> None:
    consult("draft-one", "A draft", draft=True)
    assert client.get("/consultations/draft-one", expected_status=404).status == 404
    assert client.get("/consultations/nothing-here", expected_status=404).status == 404


@pytest.mark.parametrize("url", ["/s", "/s/", "/surveys"])
def test_guessed_addresses_lead_to_the_list(client: PageClient, url: str) -> None:
    assert client.get_redirect(url, to="/consultations")


def test_the_list_is_small_enough_for_a_slow_phone(client: PageClient, consult: Any) -> None:
    import gzip

    for n in range(12):
        consult(f"survey-{n:02d}", f"Survey number {n:02d}", localities=NORTH, topics=["Opening hours"])
    html = client.get("/consultations").response.get_data()
    assert len(gzip.compress(html)) < 15_000


def test_residents_navigation_leads_to_consultations_results_and_forums(client: PageClient) -> None:
    page = client.get("/consultations")
    nav = {" ".join(a.get_text().split()): a["href"] for a in page.soup.select(".govuk-service-navigation a")}
    assert nav["Consultations"] == "/consultations"
    assert nav["You said, we did"] == "/you-said-we-did"
    assert nav["Forums"] == "/forums"
    active = page.soup.select_one(".govuk-service-navigation__item--active")
    assert active is not None and "Consultations" in active.get_text()


# --- in Welsh ---------------------------------------------------------------------------

WELSH = {
    "cy": {
        "title": "Oriau agor",
        "purpose": "Dywedwch wrthym am oriau agor.",
        "pages": {"views": {"title": "Eich barn"}},
        "questions": {"idea": {"text": "Beth fyddech chi'n ei newid?"}},
    }
}


def test_the_list_in_welsh_shows_welsh_surveys_in_welsh_and_marks_english_only_ones(
    client: PageClient, consult: Any
) -> None:
    consult("hours", "Opening hours", localities=NORTH, translations=WELSH, duration_minutes=2)
    consult("archive", "Archive review", localities=SOUTH)
    consult("old", "Heritage review", closed=True, responses=3, results=True)
    page = client.get("/consultations?lang=cy")
    assert page.soup.select_one("html")["lang"] == "cy"
    assert page.h1 == "Dod o hyd i ymgynghoriad"
    assert _titles(page, "open") == ["Oriau agor", "Archive review(Saesneg yn unig)"]
    welsh = page.soup.select_one("a[href='/consultations/hours']")
    assert welsh.get("lang") is None  # in the page's language
    english = page.soup.select_one("a[href='/consultations/archive']")
    assert english["lang"] == "en"  # read with an English voice, and labelled
    text = page.text
    assert "Dywedwch wrthym am oriau agor." in text
    assert "Yn cymryd tua 2 funud" in text  # two: soft mutation
    assert "Cymerodd 3 o bobl ran" in text
    assert "3 ymgynghoriad." in text
    # The filter, in Welsh, keeps the page in Welsh.
    north = client.get("/consultations?area=north")
    assert north.soup.select_one("label[for='area']").get_text(strip=True) == "Ardal"
    assert "Daethpwyd o hyd i 2 ymgynghoriad yn Northgate." in north.text  # one is for every area
    assert _titles(north, "open") == ["Oriau agor"]
    # In English the same list is in English, and nothing is marked.
    english_page = client.get("/consultations?lang=en")
    assert _titles(english_page, "open") == ["Opening hours", "Archive review"]


def test_a_consultation_page_in_welsh(client: PageClient, consult: Any) -> None:
    consult("hours", "Opening hours", translations=WELSH, duration_minutes=5)
    page = client.get("/consultations/hours?lang=cy")
    assert page.h1 == "Oriau agor"
    assert "Beth fyddech chi'n ei newid?" in page.text
    assert _one(page.soup, "a.govuk-button--start").get_text(strip=True) == "Cymryd rhan"
    assert "Tua 5 munud" in page.text
    assert page.soup.select_one("#language-notice") is None

    consult("archive", "Archive review", closed=True, responses=1)
    other = client.get("/consultations/archive")  # still Welsh: the cookie remembers
    assert other.soup.select_one("h1")["lang"] == "en"
    notice = _one(other.soup, "#language-notice")
    assert "Nid yw'r ymgynghoriad hwn ar gael yn Gymraeg" in notice.get_text()
    assert _one(notice, "a[hreflang=en]")["href"] == "/consultations/archive?lang=en"
    assert _one(notice, "a[hreflang=en]").get_text(strip=True) == "Darllen y dudalen hon yn Saesneg"
    assert "Daeth yr ymgynghoriad hwn i ben ar 24 Tachwedd 2026. Cymerodd 1 person ran." in other.text


def test_you_said_we_did_in_welsh(client: PageClient, consult: Any) -> None:
    consult("old", "Heritage review", closed=True, responses=3, results=True, translations=WELSH_OLD)
    index = client.get("/you-said-we-did?lang=cy")
    assert index.h1 == "Dywedoch chi, gwnaethom ni"
    assert "Dilyn y diweddariadau (ffrwd Atom)" in index.text
    assert "Cyhoeddwyd Dydd Mawrth 24 Tachwedd 2026, 9yb" in index.text
    assert _one(index.soup, "main h2 a").get_text(strip=True) == "Adolygiad treftadaeth"
    # The page itself is what officers wrote, in the survey's own language (English): it is
    # shown wholly in English, never half and half, and says so in Welsh.
    page = client.get("/you-said-we-did/old")
    assert page.soup.select_one("html")["lang"] == "en-GB"
    notice = page.soup.select_one("#language-missing")
    assert notice["lang"] == "cy"
    assert notice.get_text(strip=True).startswith("Nid yw'r dudalen hon ar gael yn Gymraeg eto.")
    assert page.h1 == "Heritage review"
    assert "What you told us" in page.text and "Beth ddywedoch chi wrthym" not in page.text
    assert page.soup.select_one("nav.engage-language") is None, "nothing to switch to"
    feed = client.client.get("/you-said-we-did/feed.atom").get_data(as_text=True)
    assert 'xml:lang="cy"' in feed
    assert "<title>Anyshire County Council: Dywedoch chi, gwnaethom ni</title>" in feed
    assert "<title>Dywedoch chi, gwnaethom ni: Adolygiad treftadaeth</title>" in feed
    # Asked in English, there is no notice.
    english = client.get("/you-said-we-did/old?lang=en")
    assert english.soup.select_one("#language-missing") is None


WELSH_OLD = {"cy": {"title": "Adolygiad treftadaeth", "purpose": "Dywedwch wrthym am dreftadaeth."}}


def test_action_words_on_you_said_we_did_follow_the_page(app: Flask) -> None:
    action = Action(status="not_taken_forward", timescale="date", due_on="2027-03-31")
    with app.test_request_context("/you-said-we-did?lang=cy"):
        assert action_status(action) == "Heb ei ddatblygu ymhellach"
        assert action_timescale(action) == "Erbyn 31 Mawrth 2027"
    with app.test_request_context("/you-said-we-did"):
        assert action_status(action) == "Not taken forward"
        assert action_timescale(action) == "By 31 March 2027"
        action.timescale = "roll_out"
        assert action_timescale(action) == "Roll-out"

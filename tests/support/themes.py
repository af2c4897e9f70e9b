"""Theme analysis helpers: the example survey with answers, an officer, running and reading the analysis."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from engage.accounts.models import Role, StaffUser
from engage.platform import clock
from engage.platform.config import PROJECT_ROOT
from engage.platform.database import db
from engage.themes.models import ThemeAnalysis
from surveys import services
from tests.conftest import sign_in
from tests.support.pages import Page, PageClient

AGES = ["25_34"] * 6 + ["35_44"] * 5 + ["65_74"] * 2

EXAMPLE = PROJECT_ROOT / "examples" / "surveys" / "library-co-design.json"


SLUG = "library-co-design"


URL = f"/staff/surveys/{SLUG}/themes/one_change"


TOPICS = {
    "hours": [
        "Open later in the evenings so I can visit after work",
        "Longer opening hours on Saturdays and Sundays",
        "Evening opening hours would help working parents",
        "Please open on Sunday afternoons and later on weekdays",
        "The opening hours are too short, open later please",
        "Open the library in the evening, it shuts too early",
    ],
    "children": [
        "More activities for children in the school holidays",
        "Storytime sessions for toddlers and young children",
        "Homework club for children after school",
        "Children's reading challenge and craft sessions",
        "Events for children and families at weekends",
        "Baby rhyme time and activities for young children",
    ],
    "computers": [
        "Faster computers and better wifi in the library",
        "Help with computers and getting online for older people",
        "The wifi keeps dropping and the computers are slow",
        "More public computers and free printing",
        "Digital skills help with computers and phones",
        "Better wifi and new computers please",
    ],
}


def add_responses(app: Flask, texts: list[str], locality: str = "northgate") -> None:
    with app.app_context():
        survey = services.get_survey(db(), SLUG)
        assert survey is not None and survey.published is not None
        definition = services.definition_of(survey.published)
        for text in texts:
            started = services.start_response(db(), survey.published, clock.now(), locality_code=locality)
            started.response.answers = {"visit_frequency": "weekly", "one_change": text}
            services.submit(db(), started.response, definition, clock.now())
        db().commit()


def corpus(rounds: int = 2) -> list[str]:
    texts = []
    for n, (hours, children, computers) in enumerate(itertools.product(range(6), repeat=3)):
        if n >= rounds * 6:
            break
        texts += [TOPICS["hours"][hours], TOPICS["children"][children], TOPICS["computers"][computers]]
    return texts


@pytest.fixture
def survey(app: Flask) -> str:
    with app.app_context():
        version = services.save_definition(db(), json.loads(EXAMPLE.read_text(encoding="utf-8")), clock.now())
        services.publish(db(), version.survey, clock.now())
        db().commit()
    return SLUG


def client_for(app: Flask, make_staff: Callable[..., StaffUser], role: Role) -> PageClient:
    client = PageClient(app.test_client())
    sign_in(client, make_staff(role).email)
    return client


@pytest.fixture
def officer(app: Flask, make_staff: Callable[..., StaffUser]) -> PageClient:
    return client_for(app, make_staff, Role.OFFICER)


def analysed(app: Flask) -> ThemeAnalysis:
    with app.app_context():
        analysis = db().scalars(select(ThemeAnalysis)).one()
        db().expunge(analysis)
        return analysis


def run(officer: PageClient) -> Page:
    page = officer.submit(officer.get(URL), selector="form#run")
    assert page.response.request.path == URL
    return page


def theme_rows(page: Page) -> dict[str, int]:
    rows = {}
    table = page.soup.select("table")[-1]
    for row in table.select("tbody tr"):
        rows[row.select_one("th a").get_text(strip=True)] = int(
            row.select("td")[0].get_text(" ", strip=True).split()[0]
        )  # type: ignore[union-attr]
    return rows


def add_with_equality_answers(app: Flask) -> None:
    texts = [TOPICS["hours"][n % 6] + f" ({n})" for n in range(len(AGES))]
    texts += [TOPICS[topic][n] for topic in ("children", "computers") for n in range(6)] * 2
    with app.app_context():
        survey = services.get_survey(db(), SLUG)
        assert survey is not None and survey.published is not None
        definition = services.definition_of(survey.published)
        for n, text in enumerate(texts):
            started = services.start_response(db(), survey.published, clock.now(), locality_code="northgate")
            answers = {"visit_frequency": "weekly", "one_change": text}
            if n < len(AGES):
                answers |= {"eq_age": AGES[n], "eq_carer": "prefer_not_to_say"}
            started.response.answers = answers
            services.submit(db(), started.response, definition, clock.now())
        db().commit()


def review_theme(officer: PageClient, theme_id: str, url: str = URL) -> None:
    """Review a theme as an officer would: confirm its name, then keep answers, least sure
    first, until the review's sample is checked."""
    page = officer.get(f"{url}/t/{theme_id}")
    officer.submit(page, selector="form:has(input[name=action][value=rename])")
    review = officer.get(f"{url}/t/{theme_id}/review")
    for _ in range(60):
        if review.soup.select_one("input[name=answer]") is None:
            break
        status = officer.get(f"{url}/t/{theme_id}").soup.select_one("#review")
        if status is not None and "Reviewed" in status.get_text():
            break
        review = officer.submit(review, {"decision": "accept"})

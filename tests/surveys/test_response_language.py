"""Each response records the language it was answered in; exports, the report and the
responses list show and filter by it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import inspect, select, text

from engage.accounts.models import Role, StaffUser
from engage.platform import clock, database
from engage.platform.database import db
from surveys import export, services
from surveys.models import Response, Survey
from tests.support.languages import SMALL, publish, send, small_survey
from tests.support.pages import PageClient


@pytest.fixture
def bilingual(app: Flask) -> str:
    """The two-language survey published with 2 English and 1 Welsh responses."""
    with app.app_context():
        survey = publish(db(), small_survey(), clock.now())
        send(db(), survey, clock.now(), language=None, answers={"visits": "weekly"})
        send(db(), survey, clock.now(), language="en", answers={"visits": "never", "idea": "More Sundays"})
        welsh = {"visits": "weekly", "idea": "Mwy o lyfrau Cymraeg"}
        send(db(), survey, clock.now(), language="cy", answers=welsh)
        db().commit()
        return survey.slug


def _survey(slug: str) -> Survey:
    found = services.get_survey(db(), slug)
    assert found is not None
    return found


def test_a_response_is_in_the_surveys_own_language_unless_another_chosen(app: Flask, bilingual: str) -> None:
    with app.app_context():
        survey = _survey(bilingual)
        assert sorted(r.language for r in db().scalars(select(Response))) == ["cy", "en", "en"]
        version = survey.published
        assert version is not None
        # A language the survey does not offer is recorded as the survey's own.
        assert services.start_response(db(), version, clock.now(), language="pl").response.language == "en"
        assert services.start_response(db(), version, clock.now()).response.language == "en"


def test_changing_language_mid_survey_and_on_sending_is_recorded(app: Flask, bilingual: str) -> None:
    with app.app_context():
        survey = _survey(bilingual)
        version = survey.published
        assert version is not None
        definition = services.definition_of(version)
        response = services.start_response(db(), version, clock.now(), language="cy").response
        answers = {"visits": "weekly"}
        services.save_page(db(), response, definition, "hours", answers, clock.now(), language="en")
        assert response.language == "en"
        services.save_page(db(), response, definition, "hours", {"visits": "weekly"}, clock.now())
        assert response.language == "en"  # not given: unchanged
        services.submit(db(), response, definition.localised("cy"), clock.now(), language="cy")
        assert response.language == "cy"
        # Once sent, a repeat submission does not change it.
        services.submit(db(), response, definition, clock.now(), language="en")
        assert response.language == "cy"


def test_a_survey_in_one_language_records_english(app: Flask) -> None:
    with app.app_context():
        survey = publish(db(), SMALL, clock.now())
        response = send(db(), survey, clock.now(), language="cy", answers={"visits": "weekly"})
        assert response.language == "en"


def test_exports_give_each_responses_language(app: Flask, bilingual: str) -> None:
    with app.app_context():
        survey = _survey(bilingual)
        header, rows, dictionary = export.readable_rows(db(), survey)
        assert header[3] == "Language"
        assert sorted(row[3] for row in rows) == ["English", "English", "Welsh"]
        assert ["Language", "language", "", ""] in dictionary
        columns, coded = export.response_rows(db(), survey)
        assert "language" in columns
        assert sorted(row["language"] for row in coded) == ["cy", "en", "en"]


def test_language_names_are_english_for_staff() -> None:
    assert [export.language_name(c) for c in ("cy", "en", "pl", "ur", "ar")] == [
        "Welsh",
        "English",
        "Polish",
        "Urdu",
        "Arabic",
    ]
    assert export.language_name("zz") == "zz"


def test_downloads_have_a_language_column(
    client: PageClient, bilingual: str, signed_in: Callable[[Role], StaffUser]
) -> None:
    signed_in(Role.OFFICER)
    got = client.client.get(f"/staff/surveys/{bilingual}/responses.csv")
    assert got.status_code == 200
    table = list(csv.DictReader(io.StringIO(got.get_data(as_text=True).lstrip("\ufeff"))))
    assert sorted(row["Language"] for row in table) == ["English", "English", "Welsh"]
    welsh = next(row for row in table if row["Language"] == "Welsh")
    assert welsh["What would you change?"] == "Mwy o lyfrau Cymraeg"
    coded = client.client.get(f"/staff/surveys/{bilingual}/responses.csv?codes=1").get_data(as_text=True)
    languages = [r["language"] for r in csv.DictReader(io.StringIO(coded.lstrip("\ufeff")))]
    assert sorted(languages) == ["cy", "en", "en"]


def test_the_report_counts_and_filters_by_language(
    client: PageClient, bilingual: str, signed_in: Callable[[Role], StaffUser]
) -> None:
    signed_in(Role.VIEWER)
    page = client.get(f"/staff/surveys/{bilingual}/report")
    table = page.soup.select_one("#by-language")
    assert table is not None
    rows = [[c.get_text(" ", strip=True) for c in tr.select("th, td")] for tr in table.select("tbody tr")]
    assert rows == [["English", "2 responses in English"], ["Welsh", "1 responses in Welsh"]]
    options = [o.get_text(strip=True) for o in page.soup.select("select#language option")]
    assert options == ["All languages", "English", "Welsh"]
    welsh = client.get(f"/staff/surveys/{bilingual}/report?language=cy")
    assert "1 submitted response match these filters" in welsh.text
    assert welsh.soup.select_one("select#language option[selected]").get_text(strip=True) == "Welsh"  # type: ignore[union-attr]
    bad = client.get(f"/staff/surveys/{bilingual}/report?language=xx", expected_status=400)
    assert "Select a language from the list" in bad.error_summary()


def test_a_one_language_report_has_no_language_split(
    app: Flask, client: PageClient, signed_in: Callable[[Role], StaffUser]
) -> None:
    with app.app_context():
        survey = publish(db(), SMALL, clock.now())
        send(db(), survey, clock.now(), language=None, answers={"visits": "weekly"})
        db().commit()
    signed_in(Role.VIEWER)
    page = client.get("/staff/surveys/two-languages/report")
    assert page.soup.select_one("#by-language") is None and page.soup.select_one("select#language") is None
    listing = client.get("/staff/surveys/two-languages/responses")
    assert "Language" not in [th.get_text(strip=True) for th in listing.soup.select("thead th")]


def test_the_responses_list_shows_and_filters_by_language(
    client: PageClient, bilingual: str, signed_in: Callable[[Role], StaffUser]
) -> None:
    signed_in(Role.VIEWER)
    page = client.get(f"/staff/surveys/{bilingual}/responses")
    headers = [th.get_text(strip=True) for th in page.soup.select("thead th")]
    assert "Language" in headers
    column = headers.index("Language")
    cells = [tr.select("th, td")[column].get_text(strip=True) for tr in page.soup.select("tbody tr")]
    assert sorted(cells) == ["English", "English", "Welsh"]
    assert page.soup.select_one("form#filters select#language") is not None
    welsh = client.get(f"/staff/surveys/{bilingual}/responses?language=cy")
    assert "1 submitted response match these filters" in welsh.text
    cells = [tr.select("th, td")[column].get_text(strip=True) for tr in welsh.soup.select("tbody tr")]
    assert cells == ["Welsh"]


def test_paper_entry_asks_the_questionnaires_language(
    app: Flask, client: PageClient, bilingual: str, signed_in: Callable[[Role], StaffUser]
) -> None:
    signed_in(Role.BRANCH_STAFF)
    form = client.get(f"/staff/surveys/{bilingual}/paper")
    labels = [label.get_text(strip=True) for label in form.soup.select("input[name=language] + label")]
    assert labels == ["English", "Welsh"]
    moved = client.submit(
        form,
        {"channel": "paper", "branch": "", "language": "cy"},
        expected_status=302,
        follow_redirects=False,
    )
    assert "lang=cy" in moved.response.headers["Location"]
    with app.app_context():
        newest = db().scalars(select(Response).order_by(Response.id.desc())).first()
        assert newest is not None and (newest.channel, newest.language) == ("paper", "cy")


def test_paper_entry_for_a_one_language_survey_does_not_ask(
    app: Flask, client: PageClient, signed_in: Callable[[Role], StaffUser]
) -> None:
    with app.app_context():
        publish(db(), SMALL, clock.now())
        db().commit()
    signed_in(Role.BRANCH_STAFF)
    form = client.get("/staff/surveys/two-languages/paper")
    assert form.soup.select("input[name=language]") == []


def test_migration_0025_adds_the_language_column_as_english(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'languages.sqlite3'}"
    database.upgrade(url, "0024")
    engine = database.make_engine(url, pooled=False)
    try:
        assert "language" not in {c["name"] for c in inspect(engine).get_columns("response")}
        database.upgrade(url, "0025")
        columns = {c["name"]: c for c in inspect(engine).get_columns("response")}
        assert "language" in columns and columns["language"]["nullable"] is False
        assert "en" in str(columns["language"]["default"])
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM response")).scalar() == 0
        database.downgrade(url, "0024")
        assert "language" not in {c["name"] for c in inspect(engine).get_columns("response")}
    finally:
        engine.dispose()


def test_the_pdf_report_names_the_language_filter_and_counts_each_language(
    client: PageClient,
    bilingual: str,
    signed_in: Callable[[Role], StaffUser],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from engage.reports import pdf

    made: list[str] = []

    def render(html: str) -> bytes:
        made.append(html)
        return b"%PDF-1.7"

    monkeypatch.setattr(pdf, "render", render)
    signed_in(Role.VIEWER)
    got = client.client.get(f"/staff/surveys/{bilingual}/report.pdf?language=cy")
    assert got.status_code == 200
    page = BeautifulSoup(made[0], "html.parser")
    assert "This report is narrowed to: Language answered in: Welsh." in page.get_text(" ", strip=True)
    rows = [
        [c.get_text(strip=True) for c in tr.select("th, td")] for tr in page.select("#by-language tbody tr")
    ]
    assert rows == [["English", "0", "0%"], ["Welsh", "1", "100%"]]


def test_a_responses_page_says_its_language(
    app: Flask, client: PageClient, bilingual: str, signed_in: Callable[[Role], StaffUser]
) -> None:
    with app.app_context():
        welsh = db().scalars(select(Response).where(Response.language == "cy")).one()
        public_id = welsh.public_id
    signed_in(Role.VIEWER)
    page = client.get(f"/staff/surveys/{bilingual}/responses/{public_id}")
    rows = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(strip=True)  # type: ignore[union-attr]
        for row in page.soup.select(".govuk-summary-list__row")
    }
    assert rows["Language answered in"] == "Welsh"

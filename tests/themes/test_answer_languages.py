"""Answers not in English on a theme's page: tagged, counted, and filtered by language
(English, Welsh, other) with a form that works without JavaScript."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from engage.platform.database import db
from engage.themes.models import ThemeAnalysis
from tests.support.pages import Page, PageClient
from tests.support.themes import URL, add_responses, analysed, corpus, run

WELSH = [
    "Hoffwn i'r llyfrgell agor yn hwyrach gyda'r nos",
    "Dydy'r oriau agor ddim yn ddigon hir i bobl sy'n gweithio",
    "Mae angen oriau agor hirach ar y penwythnos",
    "Mwy o weithgareddau i blant yn ystod y gwyliau os gwelwch yn dda",
]
POLISH = ["Biblioteka powinna być otwarta dłużej w soboty i niedziele, bardzo proszę"]


def language_counts(page: Page) -> dict[str, int]:
    """The filter's choices as "name: count"."""
    counts = {}
    for label in page.soup.select("#language-filter .govuk-radios__label"):
        name, _, count = label.get_text(strip=True).rpartition(" (")
        counts[name] = int(count.rstrip(")"))
    return counts


def theme_pages(officer: PageClient, analysis: ThemeAnalysis) -> dict[str, Page]:
    ids = [t["id"] for t in analysis.result["themes"]]
    return {theme_id: officer.get(f"{URL}/t/{theme_id}") for theme_id in ids}


def test_officers_filter_a_themes_answers_by_language(app: Flask, survey: str, officer: PageClient) -> None:
    add_responses(app, [*corpus(), *WELSH, *POLISH])
    run(officer)
    analysis = analysed(app)
    # The snapshot keeps the language of each answer not in English.
    kept = analysis.result["languages"]
    assert sorted(kept.values()) == ["cy"] * len(WELSH) + ["other"]

    pages = theme_pages(officer, analysis)
    counted = {theme_id: language_counts(page) for theme_id, page in pages.items()}
    assert sum(c.get("Welsh", 0) for c in counted.values()) == len(WELSH)
    assert sum(c.get("Other languages", 0) for c in counted.values()) == len(POLISH)
    # A theme whose answers are all in English has nothing to filter.
    for theme_id, page in pages.items():
        if not counted[theme_id]:
            assert not page.soup.select("tbody .govuk-tag") and not page.soup.select("#language-filter")

    # The question's page says how many of each theme's answers are not in English, and
    # links to the theme's filter.
    question = officer.get(URL)
    flagged = question.soup.select("a[href$='#language-filter']")
    assert sum(int(a.get_text(strip=True).split()[0]) for a in flagged) == len(WELSH) + len(POLISH)

    theme_id = max(counted, key=lambda t: counted[t].get("Welsh", 0))
    welsh_here = counted[theme_id]["Welsh"]
    assert welsh_here >= 1
    every = pages[theme_id]
    assert counted[theme_id]["Any language"] == len(every.soup.select("tbody td.engage-quote"))
    form = every.soup.select_one("form#language-filter")
    assert form is not None and form["method"] == "get"
    assert every.soup.select_one("#language-any").has_attr("checked")  # type: ignore[union-attr]

    # Choosing Welsh (as the form sends it, no script needed) lists only the Welsh answers,
    # tagged and marked lang="cy".
    welsh = officer.get(f"{URL}/t/{theme_id}?language=cy")
    rows = welsh.soup.select("tbody tr")
    assert len(rows) == welsh_here
    # The Welsh answers joined the English theme on the same thing (read through their
    # English gloss, analysis.welsh), which is named in English, as most of it is.
    assert counted[theme_id].get("English", 0) > welsh_here
    assert welsh.h1.split()[0] not in {"Oriau", "Mwy", "Gweithgareddau", "Llyfrgell", "Hoffwn", "Dydy'r"}
    for row in rows:
        cell = row.select_one("td.engage-quote")
        assert cell is not None and cell["lang"] == "cy"
        assert cell.select_one(".govuk-tag").get_text(strip=True) == "Welsh"  # type: ignore[union-attr]
    assert welsh.soup.select_one("#language-cy").has_attr("checked")  # type: ignore[union-attr]
    assert f"Showing the {welsh_here} answer" in welsh.soup.select_one("#language-shown").get_text()  # type: ignore[union-attr]
    # The counts above the list are still the whole theme's.
    assert language_counts(welsh) == counted[theme_id]

    english = officer.get(f"{URL}/t/{theme_id}?language=en")
    assert len(english.soup.select("tbody td.engage-quote")) == counted[theme_id].get("English", 0)
    assert not english.soup.select("tbody .govuk-tag")

    refused = officer.get(f"{URL}/t/{theme_id}?language=klingon", expected_status=400)
    assert refused.error_summary() == ["Select a language from the list"]
    assert len(refused.soup.select("tbody td.engage-quote")) == counted[theme_id]["Any language"]


def test_snapshots_saved_before_languages_were_kept_are_read_from_the_answers(
    app: Flask, survey: str, officer: PageClient
) -> None:
    add_responses(app, [*corpus(), *WELSH])
    run(officer)
    with app.app_context():
        analysis = db().scalars(select(ThemeAnalysis)).one()
        result = dict(analysis.result)
        del result["languages"]
        analysis.result = result
        db().commit()
    analysis = analysed(app)
    assert "languages" not in analysis.result
    counted = {t: language_counts(p) for t, p in theme_pages(officer, analysis).items()}
    assert sum(c.get("Welsh", 0) for c in counted.values()) == len(WELSH)

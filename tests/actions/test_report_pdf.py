"""The PDF report: a tagged document for committee papers that starts with a one-page
summary, then the themes, the counts, the method in plain words and a technical annex;
filters; nothing personal; who may; and the "Preparing your PDF" page in front of it."""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from pypdf import PdfReader
from pypdf.generic import BooleanObject
from sqlalchemy import func, select

from engage.accounts.models import Role, StaffUser
from engage.platform.database import db
from engage.reports import pdf
from engage.themes.queries import quote_key
from surveys import services
from surveys.models import Response, Submission
from tests.support.actions import add_action, add_priority, pdf_text, themed
from tests.support.pages import PageClient
from tests.support.themes import SLUG, analysed, client_for

__all__ = ["themed"]
URL = f"/staff/surveys/{SLUG}/report.pdf"
PREPARE = f"/staff/surveys/{SLUG}/report/pdf"


def test_the_pdf_has_charts_themes_quotes_actions_and_the_method(
    app: Flask, themed: list[dict[str, object]], officer: PageClient, make_staff: Callable[..., StaffUser]
) -> None:
    add_priority(officer)
    page = add_action(officer)
    officer.submit(
        page, {"theme": f"{analysed(app).id}:{themed[0]['id']}"}, selector="form[action$='/themes']"
    )
    # Quotes are in the report (for committee papers) only once an officer has approved them.
    quote = str(next(q for t in themed for q in t["quotes"]))  # type: ignore[attr-defined]
    editor = officer.get(f"/staff/surveys/{SLUG}/you-said-we-did")
    officer.submit(editor, selector=f"form[data-quote='{quote_key(quote)}'][data-decision=show]")
    report = officer.get(f"/staff/surveys/{SLUG}/report")
    link = report.soup.select_one("a#pdf")
    assert link is not None and link["href"] == PREPARE
    viewer = client_for(app, make_staff, Role.VIEWER)
    preparing = viewer.get(PREPARE)
    download = preparing.soup.select_one("a#pdf")
    assert download is not None and download["href"] == URL
    reply = viewer.client.get(URL)
    assert reply.status_code == 200 and reply.mimetype == "application/pdf"
    assert reply.headers["Content-Disposition"].startswith(f'attachment; filename="{SLUG}-report-')
    data = reply.get_data()
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "Shaping your library" in text and "How this report was made" in text
    assert "Answers to questions with set options" in text
    assert str(themed[0]["label"]) in text
    assert "Evening opening pilot (Proposed, Pilot)" in text
    assert "No action is linked to this theme yet." in text
    assert " ".join(quote.split()[:4]) in text
    assert "jo.bloggs" not in text and "example.com" not in text, "quotes are redacted"
    assert len(PdfReader(io.BytesIO(data)).pages) >= 3


def test_filters_narrow_the_pdf_and_bad_ones_are_reported(
    app: Flask, themed: list[dict[str, object]], officer: PageClient
) -> None:
    everyone = pdf_text(officer.client.get(URL).get_data())
    local = pdf_text(officer.client.get(f"{URL}?locality=riverside-valley").get_data())
    assert "Locality: Riverside Valley" in local and "Locality:" not in everyone
    total = analysed(app).result["answers"]
    assert f"{total} people sent in a response." in everyone
    assert f"{total} people sent in a response" not in local
    bad = officer.client.get(f"{URL}?locality=atlantis&since=yesterday")
    assert bad.status_code == 400 and bad.mimetype == "text/html"
    assert "There is a problem" in bad.get_data(as_text=True)


def test_signed_out_people_get_no_pdf_and_a_missing_library_is_a_clear_503(
    app: Flask, themed: list[dict[str, object]], officer: PageClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    anonymous = app.test_client().get(URL)
    assert anonymous.status_code == 302 and "/staff/sign-in" in anonymous.headers["Location"]

    def broken(html: str) -> bytes:
        raise pdf.PdfUnavailableError("libpango-1.0.so.0: cannot open shared object file")

    monkeypatch.setattr(pdf, "render", broken)
    reply = officer.client.get(URL)
    assert reply.status_code == 503 and reply.mimetype == "text/html"
    assert "libpango" not in reply.get_data(as_text=True)
    assert "The PDF report could not be made" in reply.get_data(as_text=True)


def test_emoji_in_quotes_print_with_an_emoji_font() -> None:
    """Residents type emoji; without a font that has them the PDF shows empty boxes.
    (``make install`` installs Debian's Noto Color Emoji.)"""
    data = pdf.render(
        "<p style=\"font-family: 'Liberation Sans', sans-serif\">Open on Sundays \N{BOOKS} please</p>"
    )
    fonts = {
        str(font["/BaseFont"])
        for page in PdfReader(io.BytesIO(data)).pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[union-attr]
    }
    assert any("Emoji" in name for name in fonts), fonts


def _catalog(data: bytes) -> tuple[PdfReader, Any]:
    reader = PdfReader(io.BytesIO(data))
    return reader, reader.trailer["/Root"]


def _structure(node: Any, found: list[Any]) -> list[Any]:
    """Every element of the PDF's structure tree, depth first (document order)."""
    node = node.get_object()
    if isinstance(node, dict):
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") or isinstance(kid, dict):
                _structure(kid, found)
    return found


def test_the_pdf_is_tagged_with_its_language_title_headings_and_bookmarks(
    app: Flask, themed: list[dict[str, object]], officer: PageClient
) -> None:
    """Committee papers are published: the PDF must work with a screen reader (PDF/UA)."""
    reader, catalog = _catalog(officer.client.get(URL).get_data())
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert catalog["/Lang"] == "en-GB"
    assert reader.metadata is not None
    assert reader.metadata.title == "Report: Shaping your library: Northgate and Riverside Valley"
    elements = _structure(catalog["/StructTreeRoot"], [])
    headings = [int(str(e["/S"])[2:]) for e in elements if str(e["/S"]) in ("/H1", "/H2", "/H3")]
    assert headings[0] == 1 and headings.count(1) == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(headings)), "no level skipped"
    figures = [e for e in elements if e["/S"] == "/Figure"]
    assert figures and all(str(f.get("/Alt", "")).startswith("Number of") for f in figures)
    cells = [e for e in elements if e["/S"] == "/TD"]
    assert cells and all(e["/A"].get("/Headers") for e in cells), "every cell has its headers"
    bookmarks = [str(item.title) for item in reader.outline if not isinstance(item, list)]
    nested = [
        str(child.title)
        for item in reader.outline
        if isinstance(item, list)
        for child in item
        if not isinstance(child, list)
    ]
    assert bookmarks == ["Shaping your library: Northgate and Riverside Valley"]
    assert nested[0] == "Summary" and nested[1].startswith("Themes: ")
    assert "Annex: technical detail of the theme analysis" in nested


def test_page_one_is_the_summary_and_the_themes_follow(
    app: Flask, themed: list[dict[str, object]], officer: PageClient
) -> None:
    add_priority(officer)
    page = add_action(officer)
    largest = max(themed, key=lambda theme: int(theme["size"]))  # type: ignore[call-overload]
    officer.submit(page, {"theme": f"{analysed(app).id}:{largest['id']}"}, selector="form[action$='/themes']")
    with app.app_context():
        survey = services.get_survey(db(), SLUG)
        assert survey is not None
        rows = (
            db()
            .execute(
                select(Response.locality_code, Response.channel, func.count())
                .join(Submission, Submission.response_id == Response.id)
                .where(Response.survey_id == survey.id)
                .group_by(Response.locality_code, Response.channel)
            )
            .all()
        )
    total = sum(n for _, _, n in rows)
    northgate = sum(n for locality, _, n in rows if locality == "northgate")
    riverside = sum(n for locality, _, n in rows if locality == "riverside-valley")
    assert northgate and riverside and total == northgate + riverside

    reader = PdfReader(io.BytesIO(officer.client.get(URL).get_data()))
    first, second = (" ".join((reader.pages[i].extract_text() or "").split()) for i in (0, 1))
    assert "Summary Who took part" in first
    assert f"{total} people sent in a response." in first
    assert f"Northgate {northgate} {round(northgate / total * 100)}%" in first
    assert f"Riverside Valley {riverside} {round(riverside / total * 100)}%" in first
    assert f"Online {total} 100%" in first and "Library kiosk 0" in first
    assert "no population figures" in first
    assert f"{largest['label']} " in first
    assert "What is being done" in first and "Evening opening pilot" in first and "Proposed" in first
    base = app.config["ENGAGE_SETTINGS"].base_url.rstrip("/")
    assert f"{base}/consultations/{SLUG}" in first, "the link is built from ENGAGE_BASE_URL"
    assert second.startswith("Themes: "), "the themes come straight after the summary"


def test_the_method_is_in_plain_words_and_the_jargon_only_in_the_annex(
    app: Flask, themed: list[dict[str, object]], officer: PageClient
) -> None:
    text = pdf_text(officer.client.get(URL).get_data())
    annex = text.index("Annex: technical detail of the theme analysis")
    plain = text.index("How this report was made")
    assert plain < annex
    assert "We grouped written answers with similar meaning into themes" in text[:annex]
    assert "officers have checked 0 of its" in text[:annex]
    for word in ("TF-IDF", "k-means", "embedding", "silhouette", "latent semantic"):
        assert word in text[annex:], word
        assert word not in text[:annex], f"{word!r} appears before the annex"


def test_tables_stay_whole_and_headings_stay_with_what_follows(
    app: Flask, themed: list[dict[str, object]], officer: PageClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str] = []
    real = pdf.render

    def keep(html: str) -> bytes:
        made.append(html)
        return real(html)

    monkeypatch.setattr(pdf, "render", keep)
    officer.client.get(URL)
    style = re.sub(r"/\*.*?\*/", "", made[0].split("<style>")[1].split("</style>")[0], flags=re.S)
    rules = {key.strip(): value for key, value in re.findall(r"([^{}]+)\{([^{}]*)\}", style)}
    assert "break-inside: avoid" in rules["table"] and "break-inside: avoid" in rules["tr"]
    assert "display: table-header-group" in rules["thead"], "a long table repeats its header row"
    assert "break-after: avoid" in rules["h1, h2, h3"]
    assert "break-inside: avoid" in rules[".keep"] and "break-inside: avoid" in rules[".engage-chart"]
    assert "break-after: page" in rules[".summary"]
    soup = BeautifulSoup(made[0], "html.parser")
    assert all(th.get("scope") in ("col", "row") for th in soup.select("th"))
    assert soup.html is not None and soup.html["lang"] == "en-GB"


def test_the_preparing_page_says_what_is_happening_and_fetches_the_pdf_by_itself(
    app: Flask, themed: list[dict[str, object]], officer: PageClient
) -> None:
    page = officer.get(f"{PREPARE}?locality=northgate")
    assert page.soup.h1 is not None and page.soup.h1.get_text(strip=True) == "Preparing your PDF"
    assert "This takes a few seconds" in page.text
    refresh = page.soup.select_one("meta[http-equiv=refresh]")
    assert refresh is not None and refresh["content"] == f"0;url={URL}?locality=northgate"
    link = page.soup.select_one("a#pdf")
    assert link is not None and link["href"] == f"{URL}?locality=northgate"
    made = officer.client.get(str(link["href"]))
    assert made.status_code == 200 and made.get_data().startswith(b"%PDF-")
    bad = officer.client.get(f"{PREPARE}?locality=atlantis")
    assert bad.status_code == 400 and "Select a locality from the list" in bad.get_data(as_text=True)


def test_a_pdf_that_cannot_be_made_says_so_plainly(
    app: Flask, themed: list[dict[str, object]], officer: PageClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(html: str) -> bytes:
        raise pdf.PdfFailedError("Traceback: layout exploded in weasyprint.layout.table")

    monkeypatch.setattr(pdf, "render", broken)
    reply = officer.client.get(f"{URL}?channel=online")
    body = reply.get_data(as_text=True)
    assert reply.status_code == 500 and reply.mimetype == "text/html"
    assert "The PDF report could not be made" in body and "the report page still shows every figure" in body
    assert "Traceback" not in body and "weasyprint" not in body
    assert f'href="{URL}?channel=online"' in body, "it offers to try again with the same filters"


def test_weasyprint_errors_become_a_failed_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint

    def explode(*args: Any, **kwargs: Any) -> bytes:
        raise AssertionError("layout exploded")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", explode)
    with pytest.raises(pdf.PdfFailedError):
        pdf.render("<p>Hello</p>")

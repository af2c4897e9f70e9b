"""The PDF report: charts, themes, quotes and the method; filters; nothing personal; who may."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from flask import Flask
from pypdf import PdfReader

from engage.accounts.models import Role, StaffUser
from engage.reports import pdf
from engage.themes.queries import quote_key
from tests.support.actions import add_action, add_priority, pdf_text, themed
from tests.support.pages import PageClient
from tests.support.themes import SLUG, analysed, client_for

__all__ = ["themed"]
URL = f"/staff/surveys/{SLUG}/report.pdf"


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
    assert link is not None and link["href"] == URL
    viewer = client_for(app, make_staff, Role.VIEWER)
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
    assert f"{total} submitted responses" in everyone
    assert f"{total} submitted responses" not in local
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

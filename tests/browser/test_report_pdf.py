"""An officer downloads the survey report as a PDF in a browser, with JavaScript on and off:
the report's link leads to "Preparing your PDF", which says what is happening, passes axe,
and fetches the PDF by itself (a download, so the page stays)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from engage.accounts.models import Role
from tests.browser.conftest import LiveServer, check_axe
from tests.support.themes import SLUG, add_responses, corpus

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report_server(live_server: LiveServer) -> LiveServer:
    live_server.publish_example()
    add_responses(live_server.app, corpus(1))
    return live_server


@pytest.mark.parametrize("scripts", [False, True], ids=["no-js", "js"])
def test_the_pdf_downloads_from_the_preparing_page(
    new_context: Callable[..., BrowserContext], report_server: LiveServer, scripts: bool, tmp_path: Path
) -> None:
    context = new_context(scripts=scripts, accept_downloads=True, viewport={"width": 1024, "height": 800})
    page = context.new_page()
    report_server.sign_in(page, Role.VIEWER, "pdf.viewer@anyshire.gov.uk")
    page.goto(report_server.url + f"/staff/surveys/{SLUG}/report?locality=northgate")
    with page.expect_download(timeout=30_000) as started:
        page.get_by_role("link", name="Download this report as a PDF").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Preparing your PDF")
        expect(page.get_by_role("status")).to_contain_text("This takes a few seconds")
    download = started.value
    assert download.suggested_filename.startswith(f"{SLUG}-report-")
    assert download.suggested_filename.endswith(".pdf")
    saved = tmp_path / "report.pdf"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    # The page stays, so the officer can go back to the report.
    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing your PDF")
    check_axe(page)
    page.get_by_role("link", name="Back to the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report")
    assert "locality=northgate" in page.url

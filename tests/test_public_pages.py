"""The public pages: branded for the council, real content, the GOV.UK page pattern."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from engage.platform.config import PROJECT_ROOT
from tests.support.pages import PageClient


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/", "Home"),
        ("/privacy", "Privacy notice"),
        ("/accessibility", "Accessibility statement"),
        ("/cookies", "Cookies"),
    ],
)
def test_public_page_renders_in_the_layout(client: PageClient, url: str, title: str) -> None:
    page = client.get(url)
    assert page.page_title == title
    assert (
        page.soup.select_one("header .engage-header__council").get_text(strip=True)
        == "Anyshire County Council"
    )
    footer_links = {a.get_text(strip=True): a["href"] for a in page.soup.select("footer a")}
    assert footer_links["Privacy notice"] == "/privacy"
    assert footer_links["Accessibility statement"] == "/accessibility"
    assert footer_links["Cookies"] == "/cookies"


def test_no_crown_and_no_gds_transport(client: PageClient) -> None:
    page = client.get("/")
    html = page.response.get_data(as_text=True)
    assert "govuk-logo" not in html
    assert "crown" not in html.lower()
    css = (PROJECT_ROOT / "engage" / "static" / "build" / "engage.css").read_text()
    assert "GDS Transport" not in css
    assert "font-family:arial" in css.replace(" ", "").lower()


def test_statutory_pages_have_substance(client: PageClient) -> None:
    privacy = client.get("/privacy").text
    for phrase in ("data controller", "How long we keep it", "Your rights", "Information Commissioner"):
        assert phrase in privacy
    accessibility = client.get("/accessibility").text
    for phrase in ("Enforcement procedure", "Compliance status", "Reporting accessibility problems"):
        assert phrase in accessibility
    cookies = client.get("/cookies")
    assert cookies.soup.select_one("table tbody th").get_text(strip=True) == "engage_session"


def test_scripts_and_styles_are_external_with_nonces(client: PageClient) -> None:
    page = client.get("/")
    csp = page.response.headers["Content-Security-Policy"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    scripts = page.soup.find_all("script")
    assert scripts, "the layout loads GOV.UK Frontend"
    for script in scripts:
        assert script.get("src"), "no inline script"
        assert script.get("nonce") == nonce
    assert not page.soup.find_all("style"), "no inline <style>"
    assert not page.soup.select("[style]"), "no style attributes"
    for link in page.soup.select("link[rel=stylesheet]"):
        assert link.get("nonce") == nonce


def test_static_assets_are_served(client: PageClient) -> None:
    for path in ("/static/build/engage.css", "/static/build/govuk-frontend.min.js", "/static/engage.js"):
        response = client.client.get(path)
        assert response.status_code == 200, path
        assert "max-age" in response.headers["Cache-Control"]


def test_assets_are_not_committed() -> None:
    gitignore = (PROJECT_ROOT / ".gitignore").read_text()
    assert "/engage/static/build/" in gitignore
    assert "node_modules/" in gitignore
    assert Path(PROJECT_ROOT / "package-lock.json").exists()


# --- in Welsh ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "title", "phrases"),
    [
        ("/", "Hafan", ("Dweud eich dweud", "Sut y defnyddir eich barn", "Angen help neu fformat arall?")),
        (
            "/privacy",
            "Hysbysiad preifatrwydd",
            (
                "rheolydd data",
                "Am ba hyd rydym yn ei chadw",
                "Eich hawliau",
                "Swyddfa'r Comisiynydd Gwybodaeth",
            ),
        ),
        (
            "/accessibility",
            "Datganiad hygyrchedd",
            ("Y weithdrefn orfodi", "Statws cydymffurfio", "chwyddo hyd at 400% heb"),
        ),
        ("/cookies", "Cwcis", ("Cwcis hanfodol", "Pan fyddwch yn cau eich porwr")),
    ],
)
def test_public_pages_in_welsh(
    client: PageClient, app: Flask, url: str, title: str, phrases: tuple[str, ...]
) -> None:
    service_name = app.jinja_env.globals["service_name"]
    page = client.get(f"{url}?lang=cy")
    assert page.soup.select_one("html")["lang"] == "cy"
    assert page.page_title == title
    if url != "/":  # the home page's heading is the service's name
        assert page.h1 == title
    for phrase in phrases:
        assert phrase in page.text, phrase
    # None of the page's own English is left behind (the service's configured name aside).
    main = page.soup.select_one("main").get_text(" ", strip=True).replace(service_name, "")
    for english in (
        "Have your say",
        "How long we keep it",
        "Enforcement procedure",
        "Essential cookie",
        " the ",
    ):
        assert english not in main


def test_the_cookies_page_lists_the_language_cookie(client: PageClient) -> None:
    for url, expires in (("/cookies", "1 year"), ("/cookies?lang=cy", "1 flwyddyn")):
        rows = client.get(url).soup.select("table tbody tr")
        cells = {row.select_one("th").get_text(strip=True): row.get_text(" ", strip=True) for row in rows}
        assert set(cells) == {"engage_session", "engage_lang"}
        assert expires in cells["engage_lang"]

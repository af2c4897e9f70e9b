"""How a page's language is chosen: link, cookie, browser, English; staff pages English."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask

from engage import london_date, london_time
from engage.platform import i18n
from tests.support.pages import PageClient


def _footer(page: object) -> list[str]:
    return [a.get_text(strip=True) for a in page.soup.select("footer a")]  # type: ignore[attr-defined]


def test_english_by_default_with_lang_and_dir(client: PageClient) -> None:
    page = client.get("/")
    html = page.soup.select_one("html")
    assert html["lang"] == "en-GB"
    assert html["dir"] == "ltr"
    assert "Privacy notice" in _footer(page)


def test_lang_link_gives_welsh_and_is_remembered(client: PageClient) -> None:
    page = client.get("/?lang=cy")
    assert page.soup.select_one("html")["lang"] == "cy"
    assert "Hysbysiad preifatrwydd" in _footer(page)
    assert page.soup.select_one("a.govuk-skip-link").get_text(strip=True) == "Neidio i'r prif gynnwys"
    cookie = page.response.headers["Set-Cookie"]
    assert cookie.startswith(f"{i18n.COOKIE}=cy") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # The next page, with no link parameter, is still Welsh: the cookie remembers.
    again = client.get("/privacy")
    assert again.soup.select_one("html")["lang"] == "cy"
    assert "Set-Cookie" not in again.response.headers
    # And English again when asked.
    back = client.get("/privacy?lang=en")
    assert back.soup.select_one("html")["lang"] == "en-GB"


def test_browser_language_picks_the_first_default(client: PageClient) -> None:
    page = client.get("/", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})
    assert page.soup.select_one("html")["lang"] == "cy"
    page = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert page.soup.select_one("html")["lang"] == "en-GB"


def test_unknown_language_is_ignored(client: PageClient) -> None:
    page = client.get("/?lang=xx")
    assert page.response.status_code == 200
    assert page.soup.select_one("html")["lang"] == "en-GB"
    assert i18n.COOKIE not in page.response.headers.get("Set-Cookie", "")


def test_toggle_links_keep_the_query_and_mark_the_current_language(client: PageClient) -> None:
    page = client.get("/consultations?topic=Libraries&lang=cy")
    toggle = page.soup.select_one("nav.engage-language")
    assert toggle["aria-label"] == "Iaith"
    current = toggle.select_one("[aria-current]")
    assert current.get_text(strip=True) == "Cymraeg" and current["lang"] == "cy"
    link = toggle.select_one("a")
    assert link.get_text(strip=True) == "English"
    assert link["hreflang"] == "en" and link["lang"] == "en"
    assert link["href"] == "/consultations?topic=Libraries&lang=en"


def test_staff_pages_stay_english_and_have_no_toggle(client: PageClient, signed_in: object) -> None:
    from engage.accounts.models import Role

    signed_in(Role.OFFICER)  # type: ignore[operator]
    client.get("/?lang=cy")
    page = client.get("/staff/")
    assert page.soup.select_one("html")["lang"] == "en-GB"
    assert page.soup.select_one("nav.engage-language") is None


def test_dates_follow_the_page_language(app: Flask) -> None:
    moment = datetime(2026, 3, 3, 18, 30, tzinfo=UTC)
    with app.test_request_context("/?lang=cy"):
        assert london_date(moment) == "3 Mawrth 2026"
        assert london_time(moment) == "Dydd Mawrth 3 Mawrth 2026, 6:30yh"
    with app.test_request_context("/"):
        assert london_date(moment) == "3 March 2026"
        assert london_time(moment) == "Tuesday 3 March 2026, 6:30pm"
    with app.test_request_context("/"):
        assert london_time(datetime(2026, 7, 1, 11, 0, tzinfo=UTC)) == "Wednesday 1 July 2026, 12pm"


def test_welsh_pages_use_the_councils_welsh_names(client: PageClient) -> None:
    page = client.get("/?lang=cy")
    assert page.soup.title.get_text().endswith(
        "– Dweud eich dweud am lyfrgelloedd a threftadaeth – Anyshire County Council"
    )
    assert page.soup.select_one(".govuk-service-navigation__service-name").get_text(strip=True) == (
        "Dweud eich dweud am lyfrgelloedd a threftadaeth"
    )


def test_the_welsh_names_are_settings(database_url: str, tmp_path: object) -> None:
    from engage import create_app
    from tests.conftest import make_settings

    settings = make_settings(
        database_url,
        council_name_cy="Cyngor Sir Anyshire",
        service_name_cy="Eich llais",
        council_website_cy="https://www.anyshire.gov.uk/cy",
    )
    app = create_app({"INSTANCE_PATH": str(tmp_path)}, settings=settings)
    from bs4 import BeautifulSoup

    welsh = BeautifulSoup(app.test_client().get("/?lang=cy").get_data(as_text=True), "html.parser")
    assert welsh.select_one(".engage-header__council").get_text(strip=True) == "Cyngor Sir Anyshire"
    assert welsh.title.get_text().endswith("– Eich llais – Cyngor Sir Anyshire")
    assert welsh.select_one("footer a[href='https://www.anyshire.gov.uk/cy']")
    english = BeautifulSoup(app.test_client().get("/").get_data(as_text=True), "html.parser")
    assert english.select_one(".engage-header__council").get_text(strip=True) == "Anyshire County Council"
    app.extensions["engage.engine"].dispose()


def test_the_kiosk_language_is_checked() -> None:
    import pytest

    from engage.platform.config import ConfigError, Settings

    assert Settings.from_environ({"ENGAGE_KIOSK_LANGUAGE": "cy"}).kiosk_language == "cy"
    with pytest.raises(ConfigError, match="ENGAGE_KIOSK_LANGUAGE must be en or cy"):
        Settings.from_environ({"ENGAGE_KIOSK_LANGUAGE": "fr"})


def test_a_catalogue_a_council_adds_is_a_language_without_code(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    for code in ("pa", "fa", "cy", "not-a-language"):
        (folder / code / "LC_MESSAGES").mkdir(parents=True)
        (folder / code / "LC_MESSAGES" / "messages.po").write_text("")
    found = i18n.discover(folder, i18n.LANGUAGES)
    assert set(found) == {"pa", "fa"}, "known ones keep their settings; nonsense is skipped"
    assert found["pa"].name == "ਪੰਜਾਬੀ" and found["pa"].english_name == "Punjabi"
    assert found["fa"].rtl and not found["pa"].rtl
    assert not found["pa"].complete, "a survey may use it; the site's toggle does not offer it"


def test_plural_samples_give_one_number_of_each_category(app: Flask) -> None:
    with app.test_request_context("/?lang=cy"):
        assert i18n.plural_samples() == {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 6, "other": 4}
    with app.test_request_context("/"):
        i18n.use_language("ar")  # as a survey written in Arabic does
        samples = i18n.plural_samples()
        assert samples["many"] == 11 and samples["other"] == 100
    with app.test_request_context("/"):
        assert i18n.plural_samples() == {"other": 0, "one": 1}

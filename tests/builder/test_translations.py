"""Officers choose a survey's languages, translate its text side by side, see what is
missing, and cannot publish until every language it offers is complete."""

from __future__ import annotations

from bs4 import Tag
from flask import Flask

from engage.accounts.models import StaffUser
from tests.builder.conftest import audit_rows, definition
from tests.support.pages import Page, PageClient


def _offer_welsh(client: PageClient, slug: str) -> Page:
    details = client.get(f"/staff/surveys/{slug}/details")
    return client.submit(details, {"languages": ["cy"]})


def _languages_item(page: Page) -> Tag:
    return next(i for i in page.soup.select(".govuk-task-list__item") if "Every language" in i.get_text())


def _text_fields(page: Page) -> list[str]:
    return [str(f["name"]) for f in page.soup.select("#translation [name^='text:']")]


def test_the_details_page_offers_the_languages_with_catalogues(
    client: PageClient, app: Flask, draft: str, officer: StaffUser
) -> None:
    details = client.get(f"/staff/surveys/{draft}/details")
    boxes = details.soup.select("input[name=languages]")
    assert [b["value"] for b in boxes] == ["cy", "pl", "ur", "ar"]
    assert "checked" not in str(boxes[0])
    overview = _offer_welsh(client, draft)
    assert definition(app, draft)["translations"] == {"cy": {}}
    row = overview.soup.select_one("#language-cy")
    assert row is not None and "Incomplete" in row.get_text() and "0 of" in row.get_text()
    [audit] = audit_rows(app, "survey.details_updated")
    assert audit.details["languages"] == {"before": ["en"], "after": ["en", "cy"]}
    again = client.get(f"/staff/surveys/{draft}/details")
    assert again.soup.select_one("input[name=languages][value=cy]").has_attr("checked")  # type: ignore[union-attr]


def test_a_forged_language_is_refused(client: PageClient, app: Flask, draft: str, officer: StaffUser) -> None:
    details = client.get(f"/staff/surveys/{draft}/details")
    refused = client.submit(details, {"languages": ["xx"]}, expected_status=400)
    assert refused.error_summary() == ["Select languages from the list"]
    assert "translations" not in definition(app, draft)


def test_the_translation_page_shows_every_text_beside_the_english_and_what_is_missing(
    client: PageClient, app: Flask, draft: str, officer: StaffUser
) -> None:
    _offer_welsh(client, draft)
    page = client.get(f"/staff/surveys/{draft}/translations/cy")
    assert page.h1 == "Welsh translation"
    names = _text_fields(page)
    assert names[:2] == ["text:title", "text:purpose"]
    assert page.soup.select_one("textarea[name='text:purpose'][lang=cy]") is not None
    assert page.soup.select_one("input[name='text:title']")["lang"] == "cy"  # type: ignore[index]
    source = page.soup.select_one("#text-1-source")
    assert source is not None and source.get_text(strip=True) == "Library opening hours"
    assert len(page.soup.select("#missing li")) == len(names)
    assert f"{len(names)} of {len(names)} texts still need Welsh" in page.text
    assert len(page.soup.select(".govuk-tag--yellow")) == len(names)

    saved = client.submit(page, {"text:title": "Oriau agor llyfrgelloedd"})
    assert f"{len(names) - 1} texts still need Welsh." in saved.text
    assert definition(app, draft)["translations"]["cy"] == {"title": "Oriau agor llyfrgelloedd"}
    assert saved.soup.select_one("input[name='text:title']")["value"] == "Oriau agor llyfrgelloedd"  # type: ignore[index]
    assert "Page 1" not in [li.get_text() for li in saved.soup.select("#missing li")]
    [audit] = audit_rows(app, "survey.translation_updated")
    assert audit.details["language"] == "cy" and audit.details["changed"] == ["title"]


def test_bad_translations_are_refused_and_kept_as_typed(
    client: PageClient, app: Flask, draft: str, officer: StaffUser
) -> None:
    _offer_welsh(client, draft)
    page = client.get(f"/staff/surveys/{draft}/translations/cy")
    refused = client.submit(
        page, {"text:title": "Oriau\u202eagor", "text:purpose": "x" * 2001}, expected_status=400
    )
    assert refused.error_summary() == [
        "The translation of title must not contain line breaks or hidden control characters",
        "The translation of why we are asking must be 2,000 characters or fewer",
    ]
    assert refused.soup.select_one("textarea[name='text:purpose']").get_text() == "x" * 2001  # type: ignore[union-attr]
    link = refused.soup.select_one(".govuk-error-summary a")
    assert link is not None and link["href"] == "#text-1"
    assert "translations" in definition(app, draft) and definition(app, draft)["translations"]["cy"] == {}


def test_only_the_surveys_languages_have_a_translation_page(
    client: PageClient, draft: str, officer: StaffUser
) -> None:
    client.get(f"/staff/surveys/{draft}/translations/cy", expected_status=404)
    client.get(f"/staff/surveys/{draft}/translations/en", expected_status=404)


def test_publishing_is_refused_until_every_language_is_complete(
    client: PageClient, app: Flask, draft: str, officer: StaffUser
) -> None:
    _offer_welsh(client, draft)
    checklist = client.get(f"/staff/surveys/{draft}/publish")
    item = next(
        i for i in checklist.soup.select(".govuk-task-list__item") if "Every language" in i.get_text()
    )
    assert "Welsh has" in item.get_text() and "To do" in item.get_text()
    assert "Welsh: Title" in item.get_text()
    link = item.select_one("a")
    assert link is not None and link["href"] == f"/staff/surveys/{draft}/translations/cy"
    assert checklist.soup.select_one("textarea[name=reason]") is None
    assert "You cannot publish yet" in checklist.text
    refused = client.post(
        f"/staff/surveys/{draft}/publish",
        data={"csrf_token": checklist.soup.select_one("input[name=csrf_token]")["value"], "reason": "Urgent"},  # type: ignore[index]
    )
    assert refused.status_code == 400
    said = "You cannot publish until every language the survey offers is complete"
    assert said in refused.get_data(as_text=True)
    assert audit_rows(app, "survey.published") == []

    page = client.get(f"/staff/surveys/{draft}/translations/cy")
    filled = {name: f"Cymraeg {n}" for n, name in enumerate(_text_fields(page))}
    done = client.submit(page, filled)
    assert "Every text has its Welsh translation." in done.text
    assert done.soup.select("#missing") == []
    overview = client.get(f"/staff/surveys/{draft}")
    assert "Complete" in overview.soup.select_one("#language-cy").get_text()  # type: ignore[union-attr]
    checklist = client.get(f"/staff/surveys/{draft}/publish")
    item = next(
        i for i in checklist.soup.select(".govuk-task-list__item") if "Every language" in i.get_text()
    )
    assert "Done" in item.get_text() and "English, Welsh" in item.get_text()
    published = client.submit(checklist, {"reason": "Testing languages"})
    assert "is published" in published.text
    assert len(audit_rows(app, "survey.published")) == 1


def test_unticking_a_language_deletes_its_translation(
    client: PageClient, app: Flask, draft: str, officer: StaffUser
) -> None:
    _offer_welsh(client, draft)
    client.submit(client.get(f"/staff/surveys/{draft}/translations/cy"), {"text:title": "Teitl"})
    details = client.get(f"/staff/surveys/{draft}/details")
    client.submit(details, {"languages": []})
    assert "translations" not in definition(app, draft)
    checklist = client.get(f"/staff/surveys/{draft}/publish")
    assert "Every language" not in checklist.text


def test_a_press_of_enter_in_one_line_text_is_a_space(
    client: PageClient, app: Flask, draft: str, officer: StaffUser
) -> None:
    _offer_welsh(client, draft)
    page = client.get(f"/staff/surveys/{draft}/translations/cy")
    client.submit(page, {"text:title": "Oriau agor\r\nllyfrgelloedd "})
    assert definition(app, draft)["translations"]["cy"] == {"title": "Oriau agor llyfrgelloedd"}


def test_changing_the_english_makes_its_translation_missing_again(
    client: PageClient, app: Flask, draft: str, officer: StaffUser
) -> None:
    """A translation of words that have since changed would say something else: it is
    taken out (and the officer told), so the checklist asks for it again."""
    _offer_welsh(client, draft)
    client.submit(
        client.get(f"/staff/surveys/{draft}/translations/cy"),
        {"text:title": "Oriau agor llyfrgelloedd", "text:purpose": "Dywedwch wrthym."},
    )
    details = client.get(f"/staff/surveys/{draft}/details")
    saved = client.submit(details, {"title": "Library opening times"})
    assert "The Welsh of 1 text was taken out because its English changed: Title." in saved.text
    assert definition(app, draft)["translations"]["cy"] == {"purpose": "Dywedwch wrthym."}
    [audit] = audit_rows(app, "survey.details_updated")[-1:]
    assert audit.details["translations_removed"] == {"cy": ["title"]}
    page = client.get(f"/staff/surveys/{draft}/translations/cy")
    assert "Title" in [li.get_text(strip=True) for li in page.soup.select("#missing li")]


def test_a_copy_with_a_new_title_asks_for_its_translated_title_again(
    client: PageClient, app: Flask, draft: str, officer: StaffUser
) -> None:
    _offer_welsh(client, draft)
    client.submit(
        client.get(f"/staff/surveys/{draft}/translations/cy"),
        {"text:title": "Oriau agor llyfrgelloedd", "text:purpose": "Dywedwch wrthym."},
    )
    form = client.get(f"/staff/surveys/{draft}/duplicate")
    client.submit(form, {"title": "Library events", "slug": "library-events"})
    assert definition(app, "library-events")["translations"]["cy"] == {"purpose": "Dywedwch wrthym."}

"""The "not available in your language" notice (i18n.missing_notice): one function for the
survey pages, a consultation's page and "You said, we did", which names a language a council
added (found by discover(), in no table) as well as the ones the tables know."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from engage.actions.public import WORDING as PAGE
from engage.platform import i18n
from engage.public.views import CONSULTATION_WORDING as CONSULTATION
from engage.residents.views import WORDING as SURVEY


@pytest.fixture
def punjabi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> i18n.Language:
    """Punjabi, as a council adds it: a catalogue and no code."""
    catalogue = tmp_path / "pa" / "LC_MESSAGES" / "messages.po"
    catalogue.parent.mkdir(parents=True)
    catalogue.write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    found = i18n.discover(tmp_path, i18n.LANGUAGES)
    assert list(found) == ["pa"]
    monkeypatch.setitem(i18n.LANGUAGES, "pa", found["pa"])
    return found["pa"]


def test_a_discovered_language_shown_gets_a_notice_naming_it_in_itself(
    app: Flask, punjabi: i18n.Language
) -> None:
    with app.test_request_context("/"):
        survey = i18n.missing_notice("en", ["pa"], SURVEY)
        page = i18n.missing_notice("en", ["pa"], PAGE)
        consultation = i18n.missing_notice("en", ["pa"], CONSULTATION)
    assert survey == {
        "text": "This survey is not available in English. It is available in ਪੰਜਾਬੀ.",
        "lang": "en",
        "dir": "ltr",
    }
    assert page is not None and page["text"] == (
        "This page is not available in this language yet. It is shown in ਪੰਜਾਬੀ, the language the "
        "council wrote it in."
    )
    assert (
        consultation is not None and consultation["text"] == "This consultation is only available in ਪੰਜਾਬੀ."
    )


def test_a_discovered_language_asked_for_gets_a_notice(app: Flask, punjabi: i18n.Language) -> None:
    # Its catalogue lacks the notice yet, so the notice is wholly in English, and says so.
    with app.test_request_context("/"):
        notice = i18n.missing_notice("pa", ["en"], SURVEY)
    assert notice == {
        "text": "This survey is not available in this language. It is available in English.",
        "lang": "en",
        "dir": "ltr",
    }


def test_a_notice_is_never_half_in_one_language(app: Flask, punjabi: i18n.Language) -> None:
    with app.test_request_context("/"):
        notice = i18n.missing_notice("cy", ["pa"], SURVEY)
    assert notice is not None
    if notice["lang"] == "cy":
        assert notice["text"].startswith("Nid yw'r arolwg hwn ar gael yn Gymraeg. ")
        assert "ਪੰਜਾਬੀ" in notice["text"]
    else:
        assert notice["text"] == "This survey is not available in Welsh. It is available in ਪੰਜਾਬੀ."


def test_the_known_languages_keep_their_sentences(app: Flask) -> None:
    with app.test_request_context("/"):
        survey = i18n.missing_notice("ur", ["en"], SURVEY)
        page = i18n.missing_notice("cy", ["en"], PAGE)
        # Not Welsh, so not the sentence that says the page is shown in Welsh.
        polish = i18n.missing_notice("en", ["pl"], PAGE)
        nothing = i18n.missing_notice("cy", ["cy", "en"], SURVEY)
    assert survey == {
        "text": "یہ سروے اردو میں دستیاب نہیں ہے۔ یہ انگریزی میں دستیاب ہے۔",
        "lang": "ur",
        "dir": "rtl",
    }
    assert page is not None and page["text"].startswith("Nid yw'r dudalen hon ar gael yn Gymraeg eto.")
    assert polish is not None and "It is shown in Polski," in polish["text"]
    assert nothing is None


def test_several_shown_languages_are_listed_in_the_notice_language(app: Flask) -> None:
    with app.test_request_context("/"):
        notice = i18n.missing_notice("en", ["cy", "pl"], SURVEY)
    assert notice is not None
    assert notice["text"] == "This survey is not available in English. It is available in Cymraeg and Polski."

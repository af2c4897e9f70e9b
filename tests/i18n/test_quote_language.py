"""A resident's words quoted on a page carry their language when it differs from the
page's, so a screen reader reads a Welsh answer quoted on an English page in Welsh
(WCAG 2.2, 3.1.2 Language of parts). Welsh answers now share themes with English ones,
so their quotes sit among English text."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Flask
from flask_babel import force_locale

from engage.platform.i18n import written_in

WELSH = "Aros ar agor yn hwyrach ar nos Iau, alla i ddim cyrraedd cyn 5 o'r gloch."
ENGLISH = "Stay open later on Thursdays, I can't get there before 5pm."
POLISH = "Biblioteka powinna być otwarta dłużej w soboty i niedziele, bardzo proszę"


def test_a_quote_is_marked_with_its_language_only_when_the_page_is_in_another(app: Flask) -> None:
    with app.test_request_context("/"):
        assert written_in(WELSH) == ' lang="cy"'
        assert written_in(ENGLISH) == ""
        assert written_in(POLISH) == ""  # not known well enough to name
        with force_locale("cy"):
            assert written_in(ENGLISH) == ' lang="en"'
            assert written_in(WELSH) == ""


def test_the_quotes_officers_review_are_marked(app: Flask) -> None:
    quotes = [SimpleNamespace(text=text, count=1, state="new", key=text[:5]) for text in (ENGLISH, WELSH)]
    theme = SimpleNamespace(id="t1", label="Opening hours")
    with app.test_request_context("/"):
        macro = app.jinja_env.get_template("themes/_quotes.html").module.quote_review  # type: ignore[attr-defined]
        html = str(macro(None, "q", theme, quotes, False, "question"))
    assert f'engage-quote govuk-!-margin-bottom-2">{ENGLISH}' in html.replace("&#39;", "'")
    assert f'engage-quote govuk-!-margin-bottom-2" lang="cy">{WELSH}' in html.replace("&#39;", "'")

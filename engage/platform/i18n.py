"""Languages: which one a page is in, how a resident chooses it, and dates in it.

The interface is translated with Flask-Babel from gettext catalogues under
``engage/translations`` (``make messages`` extracts and updates them; ``make test`` checks
that every resident-facing string has its translation in each complete language).

How a page's language is chosen, first match wins:

1. a page that must be in one language (a survey answered in the language it exists in,
   staff pages, which are English-only for now) sets it with :func:`use_language`;
2. ``?lang=cy`` on any address (the language toggle's links, a resume link), which is
   also remembered in the ``engage_lang`` cookie: a strictly necessary cookie, since it
   only carries the resident's own choice, so it needs no consent. A language whose
   catalogue covers only the survey pages (Urdu, say) is used where a survey offers it
   (:func:`choose_from`); elsewhere the site falls back to the browser's or English;
3. that cookie;
4. the browser's ``Accept-Language``;
5. English.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TypedDict
from urllib.parse import urlencode

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from flask import Flask, Response, g, has_request_context, request
from flask_babel import Babel, force_locale, get_locale, get_translations, refresh
from markupsafe import Markup

from analysis.language import language_of
from surveys import i18n as survey_messages

COOKIE = "engage_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
DEFAULT = "en"


@dataclass(frozen=True)
class Language:
    code: str
    # The language's name in itself, as the toggle shows it ("Cymraeg").
    name: str
    # Its name in English, for staff pages and docs.
    english_name: str
    rtl: bool = False
    # Complete: every resident-facing string is translated (checked by make test). A
    # partial language covers the survey pages only, so a survey may be offered in it.
    complete: bool = True


# The languages with an interface catalogue. English and Welsh are complete; the others
# translate what a resident sees while answering a survey (start page, questions, errors,
# check your answers, confirmation), so a survey may be written in them.
LANGUAGES: dict[str, Language] = {
    "en": Language("en", "English", "English"),
    "cy": Language("cy", "Cymraeg", "Welsh"),
    "pl": Language("pl", "Polski", "Polish", complete=False),
    "ur": Language("ur", "اردو", "Urdu", rtl=True, complete=False),
    "ar": Language("ar", "العربية", "Arabic", rtl=True, complete=False),
}

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def discover(folder: Path, known: dict[str, Language]) -> dict[str, Language]:
    """Languages whose catalogue a council has added (``scripts/i18n.py init pa``, then
    translated) without a line of code: named and given their direction from the Unicode
    CLDR data, and partial (a survey may be written in them)."""
    found = {}
    for catalogue in sorted(folder.glob("*/LC_MESSAGES/messages.po")):
        code = catalogue.parent.parent.name
        if code in known:
            continue
        try:
            locale = Locale.parse(code)
        except (ValueError, TypeError):
            continue
        found[code] = Language(
            code,
            locale.display_name or code,
            locale.english_name or code,
            rtl=locale.character_order == "right-to-left",
            complete=False,
        )
    return found


LANGUAGES.update(discover(TRANSLATIONS, LANGUAGES))

# The languages the whole site can be switched to (the header's toggle).
SITE_LANGUAGES: tuple[str, ...] = tuple(code for code, lang in LANGUAGES.items() if lang.complete)


def language(code: str) -> Language:
    return LANGUAGES.get(code) or LANGUAGES[DEFAULT]


def asked() -> str | None:
    """The language the resident asked for, by link or cookie (None: not asked)."""
    if not has_request_context():
        return None
    code = request.args.get("lang", "")
    if code in LANGUAGES:
        return code
    remembered = request.cookies.get(COOKIE, "")
    return remembered if remembered in LANGUAGES else None


def preferred() -> str:
    """The site language this visitor wants: chosen, else their browser's, else English."""
    if not has_request_context():
        return DEFAULT
    code = asked()
    if code in SITE_LANGUAGES:
        return str(code)
    return request.accept_languages.best_match(SITE_LANGUAGES, default=DEFAULT) or DEFAULT


def choose_from(available: Sequence[str], base: str) -> tuple[str, str | None]:
    """For something that exists in ``available`` languages (a survey), the one to show.

    Returns the language and, when the resident asked for one it is not in, that code
    (so the page can say "This survey is not available in Cymraeg"). Asked for, else the
    browser's first that is available, else ``base``.
    """
    code = asked()
    if code in available:
        return str(code), None
    best = request.accept_languages.best_match(available) if has_request_context() else None
    if code is None and best:
        return best, None
    return base, code


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT
    forced = g.get("page_language")
    if forced:
        return str(forced)
    endpoint = request.endpoint or ""
    if endpoint.startswith("staff."):
        return DEFAULT  # staff pages are English-only for now (translatable, not translated)
    return preferred()


def use_language(code: str) -> None:
    """Put the rest of this request (page, messages, dates) in ``code``."""
    g.page_language = code if code in LANGUAGES else DEFAULT
    refresh()


def current() -> str:
    """The language of the page being made."""
    if not has_request_context():
        return DEFAULT
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT


def written_in(text: str) -> Markup:
    """A ``lang`` attribute for a resident's words quoted on a page, when they are in
    English or Welsh and the page is in the other (` lang="cy"` for a Welsh answer quoted
    on an English page): screen readers then read them in their own language (WCAG 2.2,
    3.1.2). Empty otherwise, including for answers in other languages, whose language
    is not known well enough to name."""
    language = language_of(text)
    if language not in ("en", "cy") or language == current():
        return Markup("")
    return Markup(' lang="{}"').format(language)


def direction() -> str:
    return "rtl" if language(current()).rtl else "ltr"


def switch_url(code: str) -> str:
    """This page's address with ``lang`` set to ``code`` (the language toggle's links)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    args.append(("lang", code))
    return f"{request.path}?{urlencode(args)}"


def offer(codes: Sequence[str]) -> None:
    """The header's toggle on this page offers ``codes`` (a survey's languages)."""
    g.page_languages = tuple(code for code in codes if code in LANGUAGES)


def toggle() -> list[dict[str, object]]:
    """The header's language links: the site's languages (or those the page offers), the
    current one not a link. Empty when there is nothing to switch to."""
    here = current()
    codes = g.get("page_languages") or SITE_LANGUAGES
    if len(codes) < 2:
        return []
    return [
        {"code": code, "name": LANGUAGES[code].name, "href": switch_url(code), "current": code == here}
        for code in codes
    ]


def _remember(response: Response) -> Response:
    code = request.args.get("lang", "")
    if code in LANGUAGES and request.cookies.get(COOKIE) != code:
        response.set_cookie(
            COOKIE,
            code,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response


# Dates and times as people in the council's area read them, in the page's language.
def long_date(value: date | datetime | None) -> str:
    """ "3 March 2026", "3 Mawrth 2026"."""
    if value is None:
        return ""
    return format_date(value, "d MMMM y", locale=current())


def long_time(value: datetime) -> str:
    """ "Tuesday 3 March 2026, 6:30pm": ``value`` is already in local time."""
    code = current()
    day = format_datetime(value, "EEEE d MMMM y", locale=code)
    minutes = "" if value.minute == 0 else f":{value.minute:02d}"
    hour = value.hour % 12 or 12
    if code == "cy":
        suffix = "yb" if value.hour < 12 else "yh"
    elif code == "en":
        suffix = "am" if value.hour < 12 else "pm"
    else:
        return f"{day}, {format_datetime(value, 'HH:mm', locale=code)}"
    return f"{day}, {hour}{minutes}{suffix}"


def short_datetime(value: datetime, *, seconds: bool = False, padded: bool = True) -> str:
    """ "03 Mar 2026 14:05", "03 Maw 2026 14:05", for tables of times: ``value`` is already in
    local time. ``padded=False`` writes the day as "3"; ``seconds`` adds them ("14:05:09").
    English's short months are strftime's ("Sep", not en_GB's "Sept")."""
    pattern = ("dd" if padded else "d") + " MMM y HH:mm" + (":ss" if seconds else "")
    return format_datetime(value, pattern, locale=current())


@cache
def _samples(code: str) -> dict[str, int]:
    rule = Locale.parse(code).plural_form
    found: dict[str, int] = {}
    for n in range(0, 1001):
        found.setdefault(rule(n), n)
    return found


def plural_samples() -> dict[str, int]:
    """One number of each plural category of the page's language (CLDR's names: zero, one,
    two, few, many, other), for messages that JavaScript counts (the character count):
    Welsh 0, 1, 2, 3, 6, 4; Arabic 0, 1, 2, 3, 11, 100; English 1, 0."""
    return _samples(current())


def locale_name(code: str) -> str:
    """A language's name in itself, for any code Babel knows ("pa" → "ਪੰਜਾਬੀ")."""
    if code in LANGUAGES:
        return LANGUAGES[code].name
    try:
        return Locale.parse(code).display_name or code
    except (ValueError, TypeError):
        return code


# "This is not available in your language": said on a page shown in another language than
# the one the resident asked for, in the language they asked for.
@dataclass(frozen=True)
class Wording:
    """What the notice says on one kind of page (a survey's, a consultation's...). Its
    strings are marked where that page is made, so each is in its catalogue's scope.

    The notice is, first match wins: ``pairs[asked, shown]``, a whole notice; else
    ``not_in[asked]`` (or ``not_in_other``) then ``shown_in[shown]`` (or
    ``shown_in_other``). The ``_other`` strings serve any language the tables lack (one
    :func:`discover` found): they do not name the language asked for (the notice is written
    in it) and name the shown ones in themselves as ``%(language)s``.
    """

    shown_in_other: str
    not_in_other: str = ""
    not_in: Mapping[str, str] = field(default_factory=dict)
    shown_in: Mapping[str, str] = field(default_factory=dict)
    pairs: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def sentences(self, asked: str, shown: Sequence[str]) -> list[tuple[str, bool]]:
        """The notice's strings, each with whether it takes ``%(language)s``."""
        one = shown[0] if len(shown) == 1 else ""
        if (asked, one) in self.pairs:
            return [(self.pairs[asked, one], False)]
        first = self.not_in.get(asked, self.not_in_other)
        second = (self.shown_in[one], False) if one in self.shown_in else (self.shown_in_other, True)
        return [(first, False), second] if first else [second]


class Notice(TypedDict):
    text: str
    # The language it is written in, and its direction, for the element's lang and dir.
    lang: str
    dir: str


def missing_notice(asked: str, shown: Sequence[str], wording: Wording) -> Notice | None:
    """The notice that a page is not in ``asked`` but in ``shown`` (one language or more),
    written in ``asked``; in English when ``asked``'s catalogue lacks any of its strings, so
    it is never half in one language and half in another. None when there is nothing to say."""
    if not shown or asked in shown:
        return None
    sentences = wording.sentences(asked, shown)
    text = _written_in(asked, sentences, shown)
    lang = asked if text is not None else DEFAULT
    if text is None:
        text = _written_in(DEFAULT, sentences, shown) or ""
    return {"text": text, "lang": lang, "dir": "rtl" if language(lang).rtl else "ltr"}


def _written_in(code: str, sentences: list[tuple[str, bool]], shown: Sequence[str]) -> str | None:
    """The sentences in ``code``, the shown languages named in themselves; None when
    ``code``'s catalogue lacks one of them."""
    with force_locale(code):
        translations = get_translations()
        texts = [translations.gettext(msgid) for msgid, _takes in sentences]
    if code != DEFAULT and any(text == msgid for text, (msgid, _takes) in zip(texts, sentences, strict=True)):
        return None
    names = format_list([locale_name(c) for c in shown], locale=code)
    return " ".join(
        text % {"language": names} if takes else text
        for text, (_msgid, takes) in zip(texts, sentences, strict=True)
    )


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/London")
    Babel(app, locale_selector=select_locale)
    # Messages made in surveys/ (an empty required question...) in the page's language.
    survey_messages.install(
        lambda message: get_translations().gettext(message),
        lambda singular, plural, n: get_translations().ngettext(singular, plural, n),
        lambda context, message: get_translations().pgettext(context, message),
        lambda: str(get_locale() or DEFAULT),  # the locale get_translations() translates into
    )
    app.after_request(_remember)
    app.jinja_env.globals.update(
        page_language=current,
        page_direction=direction,
        language_toggle=toggle,
        language_name=locale_name,
        plural_samples=plural_samples,
    )

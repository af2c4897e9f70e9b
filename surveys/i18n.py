"""Translated messages for survey pages, without Flask.

``surveys`` builds the messages a resident reads (an empty required question, a number
out of range) but does not use Flask, so it cannot ask Flask-Babel for the page's language
itself. The web app installs its translator at start-up (:func:`install`); until then, and
in the command line tools, messages are English. The strings are extracted into the same
catalogue as the templates (``make messages``).
"""

from __future__ import annotations

from collections.abc import Callable

Translate = Callable[[str], str]
TranslatePlural = Callable[[str, str, int], str]
TranslateInContext = Callable[[str, str], str]
Language = Callable[[], str]

_translate: Translate = lambda message: message  # noqa: E731
_translate_plural: TranslatePlural = lambda singular, plural, n: singular if n == 1 else plural  # noqa: E731
_translate_in_context: TranslateInContext = lambda context, message: message  # noqa: E731


def _english() -> str:
    return "en"


_language: Language = _english
_installed = 0  # how many translators have been installed


def install(
    translate: Translate,
    translate_plural: TranslatePlural,
    translate_in_context: TranslateInContext | None = None,
    language: Language | None = None,
) -> None:
    """Use ``translate`` (gettext), ``translate_plural`` (ngettext) and
    ``translate_in_context`` (pgettext) from now on; ``language`` names the language
    they translate into at the moment of the call (English when not given)."""
    global _translate, _translate_plural, _translate_in_context, _language, _installed
    _translate = translate
    _translate_plural = translate_plural
    if translate_in_context is not None:
        _translate_in_context = translate_in_context
    _language = language if language is not None else _english
    _installed += 1


def messages_key() -> tuple[int, str]:
    """Which messages :func:`_` gives at this moment: the translator installed and the
    language it translates into. Text made only of messages can be built once and kept
    under this key (:func:`surveys.equality.equality_page`)."""
    return (_installed, _language())


def _(message: str, **variables: object) -> str:
    """``message`` in the page's language, with ``%(name)s`` filled from ``variables``."""
    text = _translate(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    """The form of ``singular``/``plural`` for ``n`` (Welsh has six), ``%(num)d`` filled."""
    text = _translate_plural(singular, plural, n)
    return text % {"num": n, **variables}


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    """Mark ``message`` for the catalogue; it is translated where it is shown."""
    return message


def pgettext(context: str, message: str) -> str:
    """``message`` in the page's language where English uses one word for what another
    language says differently: Welsh answers "Yes" with the question's own verb ("Ydy",
    "Oes", "Ydw"), so each question's "Yes" has its own ``context``."""
    return _translate_in_context(context, message)


def NP_(context: str, message: str) -> tuple[str, str]:  # noqa: N802 - gettext's convention
    """Mark ``message`` in ``context`` for the catalogue; translate it with :func:`pgettext`."""
    return (context, message)

"""The equality page is built once per language, and always in the language asked for."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from surveys import i18n
from surveys.equality import equality_page

WELSH = {"About you (optional)": "Amdanoch chi (dewisol)", "What is your age?": "Beth yw eich oedran?"}


@dataclass
class Translator:
    """A stand-in for the web app's translator, in a language the test switches."""

    language: str = "en"
    looked_up: list[str] = field(default_factory=list)

    def translate(self, message: str) -> str:
        self.looked_up.append(message)
        return WELSH.get(message, message) if self.language == "cy" else message


@pytest.fixture
def translator() -> Iterator[Translator]:
    saved = (i18n._translate, i18n._translate_plural, i18n._translate_in_context, i18n._language)
    stand_in = Translator()
    i18n.install(
        stand_in.translate, lambda s, p, n: s if n == 1 else p, lambda c, m: m, lambda: stand_in.language
    )
    yield stand_in
    i18n.install(*saved)


def test_the_page_follows_the_language_and_is_built_once_per_language(translator: Translator) -> None:
    english = equality_page()
    assert english.title == "About you (optional)" and english.questions[0].text == "What is your age?"
    built = len(translator.looked_up)
    assert built > 10
    assert equality_page() is english and len(translator.looked_up) == built, "nothing looked up again"

    translator.language = "cy"
    welsh = equality_page()
    assert welsh.title == "Amdanoch chi (dewisol)" and welsh.questions[0].text == "Beth yw eich oedran?"
    assert equality_page() is welsh

    translator.language = "en"
    assert equality_page() is english


def test_a_new_translator_builds_the_page_anew(translator: Translator) -> None:
    before = equality_page()
    i18n.install(lambda m: f"» {m}", lambda s, p, n: s, lambda c, m: f"» {m}", lambda: "en")
    after = equality_page()
    assert after is not before
    assert after.title == "» About you (optional)" and after.questions[1].options[0].label == "» Female"

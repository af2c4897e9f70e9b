from __future__ import annotations

import time

import pytest

from analysis.language import is_english, language_of

WELSH = [
    "Mae'r llyfrgell yn wych ond mae angen mwy o lyfrau Cymraeg i blant.",
    "Hoffwn weld y llyfrgell ar agor yn hwyrach ar nos Iau.",
    "Does dim digon o le parcio ger y llyfrgell.",
    "Diolch yn fawr i'r staff, maen nhw bob amser yn barod i helpu.",
    "Byddai'n dda cael mwy o gyfrifiaduron a wifi gwell.",
    "Mae angen agor y llyfrgell ar ddydd Sul hefyd.",
    "Rydw i'n defnyddio'r llyfrgell bob wythnos gyda fy mhlant.",
    "Mae'r oriau agor yn rhy fyr i bobl sy'n gweithio.",
    "Plîs peidiwch â chau'r llyfrgell, mae'n bwysig i'r gymuned.",
    "Hoffwn gael mwy o ddigwyddiadau i bobl ifanc yn y ganolfan.",
    "Mae'r adeilad yn oer yn y gaeaf ac mae angen ei drwsio.",
    "Byddai'n braf cael caffi bach yn y llyfrgell.",
    "Dw i ddim yn gallu cyrraedd y llyfrgell heb fws.",
    "Mae'r staff yn garedig iawn ac yn helpu gyda'r cyfrifiaduron.",
    "Rwy'n hoffi'r sesiynau stori i blant bach ar fore Sadwrn.",
    "Mae angen gwell mynediad i gadeiriau olwyn.",
    "Mae'r toiledau'n fudr yn aml.",
    "Angen mwy o lyfrau Cymraeg",
    "Diolch yn fawr",
    "Diolch",
    "Dim byd",
    "Gwasanaeth ardderchog, diolch!",
    "Cadwch y llyfrgell ar agor os gwelwch yn dda",
    "Mwy o lyfrau i oedolion sy'n dysgu Cymraeg plis",
]

ENGLISH = [
    "I live in Llanelli and the library is great",
    "The library in Aberystwyth needs longer opening hours",
    "Please keep Pwllheli library open, we use it every week",
    "Parking near the library in Machynlleth is impossible on market day",
    "We drive to Caerdydd for better books, which is a shame",
    "The staff at Ystradgynlais are so friendly and helpful",
    "More computers and faster wifi please",
    "Open on Sundays",
    "Great",
    "ok",
    "Not enough parking",
    "The toilets are dirty and the lift has been broken for months",
    "Story time for toddlers is wonderful, my kids love it",
    "I would like more large print books for my mother",
    "Superb customer experience throughout",
    "Absolutely fantastic knowledgeable librarians",
    "Longer hours at weekends would help working parents",
    "The Welsh books section (llyfrau Cymraeg) is very good",
    "Diolch to the staff at Llandudno, brilliant service",
    "Café is lovely",
]

OTHER = [
    # Polish
    "Biblioteka jest bardzo dobra, ale potrzebujemy więcej komputerów",
    "Chciałbym, żeby biblioteka była otwarta do późna w piątki",
    "To jest bardzo dobra biblioteka dla dzieci",
    # Spanish
    "La biblioteca es muy buena pero necesitamos más ordenadores",
    "Necesito libros en español para mis hijos",
    "El parking siempre está lleno los sábados",
    # French
    "Le parking est toujours plein le samedi",
    "Il faut plus de livres pour les enfants",
    # Romanian
    "Biblioteca este foarte bună dar avem nevoie de mai multe calculatoare",
    "Biblioteca are multe cărți pentru copii",
    # German
    "Die Bibliothek ist sehr schön und das Personal ist freundlich",
    # Other scripts
    "图书馆很好",
    "Библиотека очень хорошая, но мало книг",
    "المكتبة جيدة جدا",
    "Η βιβλιοθήκη είναι πολύ καλή",
]


@pytest.mark.parametrize("text", WELSH)
def test_welsh(text: str) -> None:
    assert language_of(text) == "cy"
    assert not is_english(text)


@pytest.mark.parametrize("text", ENGLISH)
def test_english(text: str) -> None:
    assert language_of(text) == "en"
    assert is_english(text)


@pytest.mark.parametrize("text", OTHER)
def test_other_languages_and_scripts(text: str) -> None:
    assert language_of(text) == "other"
    assert not is_english(text)


@pytest.mark.parametrize("text", ["Muy bien", "Merci", "Dziękuję", "n/a", "Llanelli", "Cardiff library"])
def test_short_answers_are_english_unless_clearly_welsh(text: str) -> None:
    assert language_of(text) == "en"


@pytest.mark.parametrize("text", ["感谢", "Спасибо", "شكرا"])
def test_short_answers_in_another_script_are_other(text: str) -> None:
    assert language_of(text) == "other"


def test_mixed_script_answer_that_is_mostly_english() -> None:
    assert language_of("The library should stock more books in Chinese (中文) for our community") == "en"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "🙂🙂🙂", "👍", "1234 5678", "\x00\x01\x1b[31m", "\ud800 broken surrogate", "-" * 10, "\n\t"],
)
def test_odd_input_never_raises(text: str) -> None:
    assert language_of(text) in {"en", "cy", "other"}


def test_emoji_and_empty_count_as_english() -> None:
    assert language_of("") == "en"
    assert language_of("👍👍") == "en"


def test_very_long_answer_is_quick() -> None:
    text = "Mae'r llyfrgell yn wych ond mae angen mwy o lyfrau. " * 2_000
    start = time.perf_counter()
    assert language_of(text) == "cy"
    assert language_of("The library is great. " * 5_000) == "en"
    assert time.perf_counter() - start < 1.0


def test_accuracy_over_all_examples() -> None:
    examples = [(t, "cy") for t in WELSH] + [(t, "en") for t in ENGLISH] + [(t, "other") for t in OTHER]
    correct = sum(language_of(text) == expected for text, expected in examples)
    assert correct == len(examples)

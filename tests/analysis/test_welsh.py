"""Answers in Welsh: Welsh stop words and negators in keywords and theme labels."""

from __future__ import annotations

import pickle

import pytest

from analysis.labels import PhraseIndex, _and_cy, _clauses, _phrases
from analysis.stopwords import WELSH_NEGATORS, WELSH_STOP_WORDS, welsh_base
from analysis.text import is_meaningless, is_welsh, tokenise

STAFF = [
    "Mae'r staff yn gyfeillgar iawn",
    "Mae'r staff yn barod iawn i helpu",
    "Mae'r staff wedi bod yn gyfeillgar gyda fi",
    "Mae'r staff yn gyfeillgar ac yn gwybod eu stwff",
    "Mae'r staff yn gymwynasgar ac yn gyfeillgar",
    "Staff yn gyfeillgar iawn, diolch",
]
WIFI = [
    "Mae'r wifi yn araf iawn yn y llyfrgell",
    "Dydy'r wifi ddim yn gweithio yn y llyfrgell",
    "Mae angen wifi cyflymach yn y llyfrgell",
    "Wifi araf, mae'n anodd gweithio",
    "Mae'r wifi yn araf ac yn torri o hyd",
    "Dydy'r cyfrifiaduron ddim yn gweithio'n dda",
]
PARCIO = [
    "Does dim digon o le parcio ger y llyfrgell",
    "Dim digon o le parcio yn y dref",
    "Mae parcio yn y dref yn hunllef ar ddiwrnod marchnad",
    "Does dim digon o le parcio i'r anabl",
    "Dim digon o le parcio, mae'r maes parcio yn fach iawn",
    "Mae'n anodd dod o hyd i le parcio ger y llyfrgell",
]
ENGLISH = [
    "Not enough parking near the library",
    "The car park is always full",
    "Parking near the library is hard",
    "Opening hours are too short",
    "Longer opening hours at weekends",
    "Open on Sundays please",
]
TEXTS = STAFF + WIFI + PARCIO + ENGLISH


def rows(k: int) -> list[int]:
    return list(range(k * 6, k * 6 + 6))


@pytest.fixture(scope="module")
def index() -> PhraseIndex:
    return PhraseIndex.build(TEXTS)


def test_the_list_has_the_common_function_words_and_their_mutated_forms() -> None:
    for word in ["y", "yr", "r", "a", "ac", "ar", "i", "yn", "mae", "wedi", "ond", "neu", "hefyd"]:
        assert word in WELSH_STOP_WORDS, word
    for word in ["fy", "ein", "eich", "eu", "ei", "o", "am", "gan", "gyda", "efo", "oes", "roedd"]:
        assert word in WELSH_STOP_WORDS, word
    for word in ["byddai", "hwn", "hon", "hyn", "yma", "yno", "fel", "llawer", "iawn", "pan", "os"]:
        assert word in WELSH_STOP_WORDS, word
    for word in ["na", "sydd", "ydy", "ydw", "bod", "fod", "allu", "fydd", "fyddai", "ddylai", "lawer"]:
        assert word in WELSH_STOP_WORDS, word
    # Negators are joined to the next word, not dropped.
    assert {"dim", "ddim", "nid", "nad", "heb"} <= WELSH_NEGATORS
    assert not WELSH_NEGATORS & WELSH_STOP_WORDS
    # Words that carry opinion or a topic stay.
    for word in ["mwy", "llai", "digon", "llyfrgell", "plant", "parcio", "oriau", "staff"]:
        assert word not in WELSH_STOP_WORDS, word


@pytest.mark.parametrize(
    ("word", "base"),
    [
        ("mae'r", "mae"),
        ("i'r", "i"),
        ("dwi'n", "dwi"),
        ("i'w", "i"),
        ("llyfrgell", "llyfrgell"),
        ("children's", "childrens"),
    ],
)
def test_clitics_are_set_aside(word: str, base: str) -> None:
    assert welsh_base(word) == base


def test_welsh_answers_are_told_from_english_ones() -> None:
    assert is_welsh("Mae'r staff yn gyfeillgar iawn")
    assert is_welsh("Dydy'r oriau agor ddim yn ddigon hir")
    assert not is_welsh("The lights are dim and the AC is broken")
    assert not is_welsh("I live in Llanelli and use the library on Fridays")


def test_welsh_keywords_lose_function_words_and_keep_negation() -> None:
    assert tokenise("Dydy'r oriau agor ddim yn ddigon hir i bobl sy'n gweithio") == [
        "oriau",
        "agor",
        "not_ddigon",
        "hir",
        "bobl",
        "gweithio",
    ]
    assert "not_digon" in tokenise("Does dim digon o le parcio yn y dref")
    tokens = tokenise("Mae'r llyfrgell yn y dref wedi bod yn wych")
    assert not {"mae", "maer", "yn", "y", "wedi", "bod"} & set(tokens)


def test_english_answers_keep_words_that_are_welsh_function_words() -> None:
    # "dim", "ac" and "pan" mean something in English; an English answer keeps them.
    assert tokenise("The lights are dim and the AC is broken") == ["light", "dim", "ac", "broken"]
    assert tokenise("Not enough parking") == ["not_enough", "park"]


@pytest.mark.parametrize(
    "text",
    [
        "Dim",
        "Dim byd",
        "dim byd o gwbl",
        "Dim sylwadau",
        "Ddim yn gwybod",
        "Amherthnasol",
        "dim i'w ychwanegu",
    ],
)
def test_welsh_non_answers_are_meaningless(text: str) -> None:
    assert is_meaningless(text)


@pytest.mark.parametrize("text", ["Dim parcio", "Dim digon o lyfrau", "Mwy o lyfrau Cymraeg"])
def test_short_welsh_answers_with_meaning(text: str) -> None:
    assert not is_meaningless(text)


def test_no_welsh_phrase_starts_or_ends_with_a_function_word() -> None:
    for text in STAFF + WIFI + PARCIO:
        for words in _clauses(text):
            for _h, _code, i, j in _phrases(words, cy=True):
                assert welsh_base(words[i]) not in WELSH_STOP_WORDS, (text, words[i : j + 1])
                assert welsh_base(words[j]) not in WELSH_STOP_WORDS | WELSH_NEGATORS, (text, words[i : j + 1])


def test_welsh_themes_get_welsh_phrases_not_fragments(index: PhraseIndex) -> None:
    labels = [index.label(rows(k)).text for k in range(3)]
    # Read with English stop words only, the first two were "Mae'r staff" and "Mae'r wifi".
    assert labels == ["Staff yn gyfeillgar", "Wifi yn araf", "Dim digon o le parcio"]
    for label in labels:
        first, last = label.lower().split()[0], label.lower().split()[-1]
        assert welsh_base(first) not in WELSH_STOP_WORDS and welsh_base(last) not in WELSH_STOP_WORDS


def test_welsh_labels_are_counted_with_welsh_stop_words(index: PhraseIndex) -> None:
    label = index.label(rows(2))
    assert index.mentions(rows(2), label.phrase) == label.mentions == 4
    # "dim digon o le parcio" matches "Does dim digon o le parcio i'r anabl" whatever
    # stands between the key words.
    assert index.mentions(rows(2), "Dim digon o le parcio") == 4


def test_english_themes_beside_welsh_ones_are_unchanged(index: PhraseIndex) -> None:
    assert index.label([18, 19, 20]).text == "Parking near the library"
    assert index.label([21, 22, 23]).text == "Opening hours"


def test_welsh_fallback_labels_are_in_welsh() -> None:
    assert _and_cy("Parcio", "trafnidiaeth") == "Parcio a thrafnidiaeth"
    assert _and_cy("Llyfrau", "papurau") == "Llyfrau a phapurau"
    assert _and_cy("Llyfrau", "Cymraeg") == "Llyfrau a Chymraeg"
    assert _and_cy("Parcio", "oriau") == "Parcio ac oriau"
    assert _and_cy("Parcio", "bysiau") == "Parcio a bysiau"
    assert _and_cy("Caffi", "wifi") == "Caffi a wifi"
    index = PhraseIndex.build(["Parcio yma", "Parcio yno", "Trafnidiaeth yma", "Trafnidiaeth yno", *ENGLISH])
    assert index.label([0, 1, 2, 3]).text in {"Parcio a thrafnidiaeth", "Trafnidiaeth a pharcio"}
    assert index.label([0, 1]).text == "Sylwadau ynghylch parcio"
    assert index.label([4, 5]).text.startswith("Comments on ")


def test_an_index_pickled_before_welsh_was_read_still_works(index: PhraseIndex) -> None:
    old = pickle.loads(pickle.dumps(index))  # noqa: S301 - our own bytes
    del old.__dict__["_welsh"]
    revived = pickle.loads(pickle.dumps(old))  # noqa: S301 - our own bytes
    assert revived.label([18, 19, 20]).text == "Parking near the library"
    revived.extend(["Mwy o le parcio"])
    assert len(revived) == len(TEXTS) + 1


def test_a_theme_of_english_and_welsh_answers_is_named_in_the_language_of_most() -> None:
    # Four residents sent the same Welsh sentence; six wrote in English, each differently.
    hours = [
        "Stay open later on Thursdays",
        "Open later in the evenings",
        "Later opening hours please",
        "Stay open until 8pm for people who work",
        "Longer hours on weekday evenings",
        "Open later so students can come",
    ]
    welsh = ["Aros ar agor yn hwyrach ar nos Iau"] * 4
    index = PhraseIndex.build([*hours, *welsh])
    label = index.label(range(10)).text.lower()
    assert label in " ".join(hours).lower(), label
    # And the other way round: a theme mostly in Welsh keeps its Welsh name.
    index = PhraseIndex.build([*hours[:2], *welsh])
    assert index.label(range(6)).text.startswith("Aros ar agor")

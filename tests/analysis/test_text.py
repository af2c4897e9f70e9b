from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.text import (
    _REPEATS,
    _URL,
    _US_UK,
    APOSTROPHES,
    EMOJI_WORDS,
    US_TO_UK,
    SurfaceForms,
    is_meaningless,
    normalise,
    tokenise,
    tokenise_clauses,
)


def test_negation_is_joined_to_the_next_word() -> None:
    assert tokenise("Not enough parking") == ["not_enough", "park"]
    assert "not_close" in tokenise("Please don't close it")
    assert "not_like" in tokenise("I do not like the new layout")


def test_stop_words_removed_but_meaningful_small_words_kept() -> None:
    tokens = tokenise("There is nothing more to say about the books")
    assert "the" not in tokens and "is" not in tokens
    assert "noth" in tokens and "more" in tokens


def test_us_spellings_become_uk() -> None:
    assert tokenise("library center") == tokenise("library centre")
    assert normalise("My favorite color") == "my favourite colour"


def test_emoji_mapped_or_dropped() -> None:
    assert "good" in tokenise("👍")
    assert tokenise("🦄🦄") == []


def test_repeated_letters_are_squashed_for_typos() -> None:
    assert tokenise("sooooo goooood") == tokenise("soo good")


def test_numbers_keep_their_repeated_digits() -> None:
    # 999 and 111 are the emergency and non-emergency numbers, not "99" and "11".
    assert normalise("I rang 999, then 111, in 2000") == "i rang 999, then 111, in 2000"


def test_mixed_languages_and_scripts_are_kept() -> None:
    assert "bibliothèque" in tokenise("La bibliothèque est fermée")
    assert tokenise("图书馆很好") == ["图书馆很好"]


def test_curly_apostrophes() -> None:
    assert tokenise("don’t close") == tokenise("don't close")


@pytest.mark.parametrize(
    "text",
    [
        *("", "   ", "n/a", "N/A", "no", "No.", "-", "--", "...", "none", "Nothing", "no comment", "NA", "?"),
        # A non-answer with a word of thanks or "please" before or after it is one still.
        *(
            "n/a thanks",
            "N/A, thank you.",
            "No comment thanks",
            "Nothing to add, many thanks",
            "Dim byd, diolch",
        ),
        *("Thanks, nothing else", "not applicable please"),
    ],
)
def test_meaningless_answers(text: str) -> None:
    assert is_meaningless(text)


@pytest.mark.parametrize(
    "text",
    [
        *("No parking", "Nothing! Superb!", "None. Quite satisfied.", "more books", "👍"),
        # Thanks alone, or with something else, is an answer (gratitude is a theme of feedback).
        *("Thanks", "Thank you", "Thanks for everything", "More books please", "no parking thanks"),
    ],
)
def test_short_answers_with_meaning(text: str) -> None:
    assert not is_meaningless(text)


def test_surface_forms_give_readable_words() -> None:
    forms = SurfaceForms()
    tokenise("libraries library library parking", forms)
    assert forms.word("librari") == "library"
    assert forms.word("librari park") == "library parking"
    assert SurfaceForms.from_dict(forms.to_dict()).word("park") == "parking"


def _normalise_slowly(text: str) -> str:
    """:func:`normalise` without its quick path for plain ASCII text: every step for every text."""
    text = unicodedata.normalize("NFKC", str(text)).translate(APOSTROPHES)
    for emoji, word in EMOJI_WORDS.items():
        text = text.replace(emoji, word)
    text = _URL.sub(" ", text.lower())
    text = "".join(" " if unicodedata.category(ch) in {"So", "Sk", "Cs", "Co", "Cn"} else ch for ch in text)
    text = _REPEATS.sub(r"\1\1", text)
    return _US_UK.sub(lambda m: US_TO_UK[m.group(1)], text)


@pytest.mark.parametrize(
    "text",
    [
        "My favorite COLOR is gray, see www.example.com or https://x.org/a?b=c",
        "The parking lot at the center is sooooo full!!!",
        "Caret ^ and `backtick` and curly ’quotes’",
        "Café crème 👍 ﬁne, favorite colour",
        "centers,theaters;program: 'license'",
        "colorés and color",
        "",
    ],
)
def test_the_quick_path_for_plain_text_normalises_as_every_step_would(text: str) -> None:
    assert normalise(text) == _normalise_slowly(text)


@given(st.text(max_size=80) | st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_normalise_agrees_with_every_step_on_any_text(text: str) -> None:
    assert normalise(text) == _normalise_slowly(text)


def test_clauses_are_tokenised_apart() -> None:
    # A keyword of two words comes from one clause: "dropping make" (across the comma)
    # and "faster more" (across "and") are not things residents wrote.
    text = "The wifi keeps dropping out, please make it faster and more reliable"
    assert tokenise_clauses(text) == [["wifi", "keep", "drop"], ["make", "faster"], ["more", "reliabl"]]
    assert [t for clause in tokenise_clauses(text) for t in clause] == tokenise(text)
    assert tokenise_clauses("Bingo/coffee bar/drawing.") == [["bingo"], ["coffe", "bar"], ["draw"]]
    assert tokenise_clauses("Not enough parking - no buses either") == [["not_enough", "park"], ["not_buse"]]
    # An answer in Welsh is read as Welsh in each of its clauses, however short.
    assert tokenise_clauses("Dim digon o lefydd parcio, mae'r llyfrgell yn wych") == [
        tokenise("Dim digon o lefydd parcio", welsh=True),
        tokenise("mae'r llyfrgell yn wych", welsh=True),
    ]
    assert tokenise_clauses("") == []

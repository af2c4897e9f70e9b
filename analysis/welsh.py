"""An English gloss of an answer written in Welsh, for the embedding model to read.

The sentence-embedding model reads English. Given Welsh it sees mostly unknown word
pieces, so answers in Welsh gathered in themes of their own whatever they said: on the
demo "Aros ar agor yn hwyrach" (9 answers) stood apart from "Stay open later on Thursdays" (16), and a
council that must treat Welsh answers no less favourably than English ones saw each
idea counted twice, the Welsh half smaller. :func:`gloss` replaces each Welsh word it
knows with an English word from ``data/welsh_glossary.txt`` ("Mae'r Wi-Fi yn torri o
hyd" → "wifi breaking all the time"), drops Welsh function words
(``data/welsh_stop_words.txt``) and keeps every other word as written, so the model
reads the answer as it would an English one about the same thing.

Only the vectors change: keywords, labels, quotes and everything an officer reads keep
the resident's own words. A Welsh word's first letter changes after many words (the
soft, nasal and aspirate mutations: "llyfrau" → "lyfrau", "cau" → "chau", "cymuned" →
"nghymuned"); a word not in the glossary as written is looked up again with each
mutation undone. :func:`for_reading` glosses only what :func:`analysis.language.language_of`
calls Welsh and only when the glossary knows at least half of its words, so English
answers that merely look Welsh ("fannie mae restates earnings") are read as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from analysis.language import language_of
from analysis.stopwords import WELSH_CLITICS, WELSH_STOP_WORDS
from analysis.text import APOSTROPHES

__all__ = ["KNOWN_SHARE", "Gloss", "for_reading", "gloss", "gloss_words", "radicals"]

# A Welsh answer is read in English only when the glossary or the Welsh stop words know
# at least this share of its words; otherwise it is read as written.
KNOWN_SHARE = 0.5

_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")


@lru_cache(maxsize=1)
def _glossary() -> dict[tuple[str, ...], str]:
    text = resources.files("analysis").joinpath("data/welsh_glossary.txt").read_text(encoding="utf-8")
    entries: dict[tuple[str, ...], str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        forms, _, english = line.partition(":")
        for form in forms.split(","):
            words = tuple(_split(form.strip().lower()))
            if words:
                entries.setdefault(words, english.strip())
    return entries


@lru_cache(maxsize=1)
def _longest_phrase() -> int:
    """The most words an entry of the glossary has."""
    return max(len(words) for words in _glossary())


def _split(text: str) -> Iterator[str]:
    """Lower-case words, with the clitics an apostrophe joins to a word as words of their
    own ("mae'r" → "mae", "'r"; "wi-fi" stays one word)."""
    for match in _WORD.finditer(text.translate(APOSTROPHES).lower()):
        head, *rest = match.group().split("'")
        if rest and all(part in WELSH_CLITICS for part in rest):
            yield head
            yield from (f"'{part}" for part in rest)
        else:
            yield match.group().replace("'", "")


# Undoing a mutation: what a word may have begun with, for how it begins now. Longest
# beginnings first: "ngh" is the nasal mutation of "c", "ng" that of "g".
_UNMUTATE = (
    ("ngh", ("c",)),
    ("mh", ("p",)),
    ("nh", ("t",)),
    ("ng", ("g",)),
    ("ch", ("c",)),
    ("ph", ("p",)),
    ("th", ("t",)),
    ("dd", ("d",)),
    ("ll", ()),
    ("ff", ()),
    ("rh", ()),
    ("g", ("c",)),
    ("b", ("p",)),
    ("d", ("t",)),
    ("f", ("b", "m")),
    ("l", ("ll",)),
    ("r", ("rh",)),
    ("m", ("b",)),
    ("n", ("d",)),
)
_VOWELS = frozenset("aeiouwyâêîôûŵŷ")


def radicals(word: str) -> list[str]:
    """The forms ``word`` may have had before a mutation, likeliest first: "lyfrau" →
    ["llyfrau"], "chau" → ["cau"], "fore" → ["bore", "more"], "ofyn" → ["gofyn"],
    "harddegau" → ["arddegau"]. The word itself is not among them."""
    out: list[str] = []
    for start, befores in _UNMUTATE:
        if word.startswith(start) and len(word) > len(start):
            out.extend(before + word[len(start) :] for before in befores)
            break
    if word[:1] in _VOWELS:
        out.append("g" + word)  # the soft mutation drops a "g"
    if word.startswith("h") and word[1:2] in _VOWELS:
        out.append(word[1:])  # an "h" before a vowel after "ei" (her), "ein", "eu"
    return out


@dataclass(frozen=True, slots=True)
class Gloss:
    """The English reading of one text, and how much of it was known."""

    text: str
    words: int
    known: int

    @property
    def share(self) -> float:
        return self.known / self.words if self.words else 0.0


def _look_up(word: str) -> str | None:
    """The English for one Welsh word ("" for a function word), or None if unknown."""
    glossary = _glossary()
    if (word,) in glossary:
        return glossary[(word,)]
    if word in WELSH_STOP_WORDS or word.startswith("'"):
        return ""
    before = radicals(word)
    found = next((glossary[(radical,)] for radical in before if (radical,) in glossary), None)
    if found is None and any(radical in WELSH_STOP_WORDS for radical in before):
        return ""
    return found


def gloss_words(words: list[str]) -> Gloss:
    """English for a list of lower-case Welsh words (clitics as words of their own)."""
    glossary = _glossary()
    longest = _longest_phrase()
    out: list[str] = []
    known = total = 0
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 1, -1):
            phrase = tuple(words[i : i + size])
            english = glossary.get(phrase)
            if english is None:
                # The phrase's first word may be mutated ("faes parcio", "gyfryngau").
                english = next(
                    (glossary[(r, *phrase[1:])] for r in radicals(phrase[0]) if (r, *phrase[1:]) in glossary),
                    None,
                )
            if english is not None:
                out.append(english)
                counted = sum(not w.startswith("'") for w in phrase)
                known += counted
                total += counted
                i += size
                break
        else:
            word = words[i]
            english = _look_up(word)
            if not word.startswith("'"):
                total += 1
                known += english is not None
            if english is None:
                out.append(word.replace("-", ""))
            elif english:
                out.append(english)
            i += 1
    return Gloss(" ".join(out), total, known)


def gloss(text: str) -> Gloss:
    """The English reading of a Welsh ``text``, sentence ends kept (see the module)."""
    pieces = re.split(r"(?<=[.!?;:])\s+|\n+", text)
    glossed = [gloss_words(list(_split(piece))) for piece in pieces if piece.strip()]
    sentences = [g.text for g in glossed if g.text]
    text_out = ". ".join(sentences)
    return Gloss(text_out, sum(g.words for g in glossed), sum(g.known for g in glossed))


def for_reading(text: str, welsh: bool | None = None) -> str:
    """``text`` as the embedding model should read it: its English gloss when it is
    Welsh and the glossary knows enough of it, else ``text`` unchanged. ``welsh`` says
    whether it is Welsh when the caller knows (a point of an answer written in Welsh);
    None asks :func:`analysis.language.language_of`."""
    if welsh is None:
        welsh = language_of(text) == "cy"
    if not welsh:
        return text
    reading = gloss(text)
    if reading.share < KNOWN_SHARE or not reading.text:
        return text
    return reading.text

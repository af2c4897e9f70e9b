"""Text handling that works offline: no NLTK corpora are downloaded.

Answers are normalised (Unicode NFKC, lower case, UK spelling, emoji as words),
tokenised with a regular expression, stemmed with Snowball, and negators are joined
to the next word so that "not enough parking" is not read as "enough parking".
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize import RegexpTokenizer

from analysis.language import language_of
from analysis.memo import once_per_text
from analysis.stopwords import (
    NEGATORS,
    STOP_WORDS,
    WELSH_MARKERS,
    WELSH_NEGATORS,
    WELSH_STOP_WORDS,
    welsh_base,
)

__all__ = [
    "APOSTROPHES",
    "NEGATORS",
    "STOP_WORDS",
    "WELSH_STOP_WORDS",
    "SurfaceForms",
    "as_text",
    "is_meaningless",
    "is_welsh",
    "normalise",
    "stem",
    "tokenise",
]

# US spellings of words that turn up in consultation answers, mapped to UK spelling so
# that "center" and "centre" count as one word.
US_TO_UK: dict[str, str] = {
    "center": "centre",
    "centers": "centres",
    "theater": "theatre",
    "theaters": "theatres",
    "color": "colour",
    "colors": "colours",
    "colorful": "colourful",
    "favorite": "favourite",
    "favorites": "favourites",
    "neighbor": "neighbour",
    "neighbors": "neighbours",
    "neighborhood": "neighbourhood",
    "behavior": "behaviour",
    "labor": "labour",
    "honor": "honour",
    "humor": "humour",
    "catalog": "catalogue",
    "catalogs": "catalogues",
    "dialog": "dialogue",
    "organize": "organise",
    "organized": "organised",
    "organization": "organisation",
    "organizations": "organisations",
    "realize": "realise",
    "realized": "realised",
    "recognize": "recognise",
    "apologize": "apologise",
    "apologized": "apologised",
    "analyze": "analyse",
    "prioritize": "prioritise",
    "emphasize": "emphasise",
    "socialize": "socialise",
    "socializing": "socialising",
    "minimize": "minimise",
    "maximize": "maximise",
    "modernize": "modernise",
    "modernized": "modernised",
    "customize": "customise",
    "canceled": "cancelled",
    "canceling": "cancelling",
    "traveled": "travelled",
    "traveling": "travelling",
    "program": "programme",
    "programs": "programmes",
    "gray": "grey",
    "mom": "mum",
    "moms": "mums",
    "parking lot": "car park",
    "license": "licence",
    "defense": "defence",
    "offense": "offence",
    "practise": "practice",
    "aluminum": "aluminium",
    "fiber": "fibre",
    "meter": "metre",
    "liter": "litre",
    "enrollment": "enrolment",
    "fulfill": "fulfil",
    "skillful": "skilful",
    "cozy": "cosy",
    "pediatric": "paediatric",
    "anesthetic": "anaesthetic",
    "pajamas": "pyjamas",
    "tire": "tyre",
    "curb": "kerb",
}

# Emoji carry opinion in short answers; map the common ones to a word, drop the rest.
EMOJI_WORDS: dict[str, str] = {
    "👍": " good ",
    "👎": " bad ",
    "😀": " happy ",
    "😃": " happy ",
    "😄": " happy ",
    "😊": " happy ",
    "🙂": " happy ",
    "😁": " happy ",
    "😍": " love ",
    "❤": " love ",
    "♥": " love ",
    "💕": " love ",
    "😢": " sad ",
    "😞": " sad ",
    "🙁": " sad ",
    "☹": " sad ",
    "😡": " angry ",
    "😠": " angry ",
    "👏": " excellent ",
    "⭐": " star ",
    "🌟": " star ",
    "📚": " books ",
    "📖": " book ",
    "🚗": " car ",
    "🅿": " parking ",
    "☕": " coffee ",
    "💻": " computer ",
    "♿": " accessible ",
}

_TOKENISER = RegexpTokenizer(r"[^\W_]+(?:'[^\W_]+)*")
_STEMMER = SnowballStemmer("english")
_URL = re.compile(r"https?://\S+|www\.\S+")
# A letter written three or more times in a row ("sooo"), never digits ("999", "2000").
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
# Curly and other apostrophes made plain, for every reader of answers (text, labels, Welsh).
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_US_UK = re.compile(r"\b(" + "|".join(sorted(map(re.escape, US_TO_UK), key=len, reverse=True)) + r")\b")

MEANINGLESS = frozenset(
    {
        "",
        "n a",
        "na",
        "n/a",
        "no",
        "nope",
        "nah",
        "none",
        "nil",
        "nothing",
        "nothing else",
        "nothing to add",
        "nothing to say",
        "nothing more",
        "nothing more to add",
        "no comment",
        "no comments",
        "no further comments",
        "no further comment",
        "not applicable",
        "not sure",
        "unsure",
        "dont know",
        "do not know",
        "no idea",
        "idk",
        "nothing really",
        "none really",
        "no thanks",
        "no thank you",
        "none thanks",
        "none thank you",
        "nothing thanks",
        "nothing thank you",
        "x",
        "xx",
        "xxx",
        "ok",
        "test",
        "same",
        "as above",
        "see above",
        # Welsh: "nothing", "nothing at all", "no comment(s)", "don't know", "no idea",
        # "not applicable" (dim yn berthnasol, d/b), "no thanks", "nothing to add"
        "dim",
        "dim byd",
        "dim byd o gwbl",
        "dim o gwbl",
        "dim sylw",
        "dim sylwadau",
        "dim sylwadau pellach",
        "dim diolch",
        "dim byd diolch",
        "nac oes",
        "naddo",
        "ddim yn gwybod",
        "dwi ddim yn gwybod",
        "dw i ddim yn gwybod",
        "dim syniad",
        "dim yn berthnasol",
        "amherthnasol",
        "d b",
        "dim iw ychwanegu",
        "dim byd iw ychwanegu",
        "dim mwy iw ddweud",
        "dim byd arall",
        "ddim yn siwr",
        "ddim yn siŵr",
        "fel uchod",
        "yr un peth",
    }
)


_SYMBOLS = frozenset({"So", "Sk", "Cs", "Co", "Cn"})
_LETTERS = re.compile(r"[a-z]+")
_US_FIRST_WORDS = frozenset(us.split()[0] for us in US_TO_UK)


@once_per_text
def normalise(text: str) -> str:
    """Lower-case, NFKC-normalised text with UK spellings and emoji turned into words."""
    text = str(text)
    if text.isascii():
        # Most answers: NFKC changes nothing, there is no emoji, and after apostrophes are
        # made plain ("`" becomes "'") "^" is the only symbol (several times faster).
        text = text.translate(APOSTROPHES).lower()
        if "http" in text or "www." in text:
            text = _URL.sub(" ", text)
        if "^" in text:
            text = text.replace("^", " ")
    else:
        text = unicodedata.normalize("NFKC", text).translate(APOSTROPHES)
        for emoji, word in EMOJI_WORDS.items():
            if emoji in text:
                text = text.replace(emoji, word)
        text = _URL.sub(" ", text.lower())
        text = "".join(" " if unicodedata.category(ch) in _SYMBOLS else ch for ch in text)
    text = _REPEATS.sub(r"\1\1", text)
    if _US_FIRST_WORDS.isdisjoint(_LETTERS.findall(text)):
        return text  # no American spelling to change (a quick look before the slow one)
    return _US_UK.sub(lambda m: US_TO_UK[m.group(1)], text)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball stem, cached because answers repeat the same words a great deal."""
    if not word.isascii():
        return word
    return str(_STEMMER.stem(word))


@once_per_text
def _raw_words(text: str) -> tuple[str, ...]:
    """Words as normalised, apostrophes kept ("mae'r", "don't"). Interned: answers
    share most of their words, so the fit's memo (analysis.memo) holds each word once."""
    return tuple(map(sys.intern, _TOKENISER.tokenize(normalise(text))))


def _words(text: str) -> list[str]:
    return [w.replace("'", "") for w in _raw_words(text)]


def is_welsh(text: str, words: Sequence[str] | None = None) -> bool:
    """Whether an answer is in Welsh, so Welsh stop words apply to it.

    A quick look for a Welsh function word that English lacks ("mae", "yn", "wedi", "ddim")
    comes first, so English answers cost almost nothing; only then is
    :func:`analysis.language.language_of` asked.
    """
    words = _raw_words(text) if words is None else words
    if WELSH_MARKERS.isdisjoint(words) and (
        "'" not in text or not any(welsh_base(w) in WELSH_MARKERS for w in words if "'" in w)
    ):
        return False
    return language_of(text) == "cy"


def tokenise(text: str, surface: SurfaceForms | None = None, welsh: bool | None = None) -> list[str]:
    """Stemmed content tokens, with negators joined to the following word ("not_enough").

    ``surface`` collects the un-stemmed forms, so that labels read as real words.
    ``welsh`` says whether the answer is in Welsh (found with :func:`is_welsh` when
    None): a Welsh answer loses its Welsh function words as well as English ones (answers
    mix the two), its negators ("ddim", "dim", "heb") are joined to the next content word
    ("ddim yn ddigon" gives "not_ddigon"), and clitics are split off ("i'r llyfrgell").
    """
    raw = _raw_words(text)
    if welsh is None:
        welsh = is_welsh(text, raw)
    if welsh:
        return _tokenise_welsh(raw, surface)
    tokens: list[str] = []
    negate = False
    for word in (w.replace("'", "") for w in raw):
        if word in NEGATORS:
            negate = True
            continue
        if word in STOP_WORDS and not negate:
            continue
        if word.isdigit() and len(word) > 4:
            continue
        token = stem(word)
        if negate:
            token = "not_" + token
            if surface is not None:
                surface.add(token, "not " + word)
            negate = False
        elif surface is not None:
            surface.add(token, word)
        tokens.append(token)
    if negate:
        tokens.append("not")
    return tokens


# Where one clause of an answer ends and the next starts, for two-word keywords: a
# punctuation mark, a slash, a dash between spaces, or a conjunction (Welsh "ac", "neu",
# "ond" too; not "a", which is also English).
_CLAUSE_BREAK = re.compile(
    r"[.,;:!?…()\[\]{}/|•\n\r]+|\s[-–—]+\s"
    r"|\b(?:and|or|but|because|although|though|whereas|also|plus|ac|neu|ond|oherwydd|achos)\b",
    re.IGNORECASE,
)


@once_per_text
def _clause_tokens(text: str) -> tuple[tuple[str, ...], ...]:
    welsh = is_welsh(text)
    found = (tuple(tokenise(part, welsh=welsh)) for part in _CLAUSE_BREAK.split(text))
    return tuple(tokens for tokens in found if tokens)


def tokenise_clauses(text: str) -> list[list[str]]:
    """:func:`tokenise` of each clause of an answer (split at punctuation, slashes, dashes
    and conjunctions such as "and" and "but"), in the answer's language; clauses with no
    tokens are left out. Two-word keywords are made within a clause, so "keeps dropping
    out, please make it faster and more reliable" gives "keep drop", never "drop make"."""
    return [list(tokens) for tokens in _clause_tokens(str(text))]


def _tokenise_welsh(raw: Sequence[str], surface: SurfaceForms | None) -> list[str]:
    tokens: list[str] = []
    negator = ""  # the negator waiting for its word, as written
    for written in raw:
        word = welsh_base(written)
        if word in WELSH_NEGATORS or word in NEGATORS:
            negator = negator or word
            continue
        if word in WELSH_STOP_WORDS or word in STOP_WORDS:
            continue  # "ddim yn ddigon": the negator waits past "yn"
        if word.isdigit() and len(word) > 4:
            continue
        token = stem(word)
        if negator:
            token = "not_" + token
            if surface is not None:
                surface.add(token, f"{negator} {word}")
            negator = ""
        elif surface is not None:
            surface.add(token, word)
        tokens.append(token)
    if negator:
        tokens.append("not")
    return tokens


# Words of politeness that do not make a non-answer an answer: "n/a thanks", "No comment,
# thank you", "Dim byd, diolch". Alone they are an answer (thanks is a theme of feedback).
_POLITE = frozenset({"thanks", "thank you", "thankyou", "many thanks", "please", "cheers", "ta", "diolch"})


def as_text(value: object) -> str:
    """An answer as text. A missing value is an empty answer: ``None``, a float NaN (what
    pandas reads from an empty cell) or pandas' ``NA``; anything else is ``str(value)``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if type(value).__name__ in {"NAType", "NaTType"}:
        return ""
    return str(value)


def is_meaningless(text: str) -> bool:
    """True for empty or non-answers such as "n/a", "no", "-" or "no comment", also with
    a word of thanks or "please" before or after them ("n/a thanks")."""
    words = _words(str(text))
    if not words:
        return True
    joined = " ".join(words)
    if joined in MEANINGLESS:
        return True
    for n in (1, 2):
        if len(words) > n and (
            (" ".join(words[-n:]) in _POLITE and " ".join(words[:-n]) in MEANINGLESS)
            or (" ".join(words[:n]) in _POLITE and " ".join(words[n:]) in MEANINGLESS)
        ):
            return True
    return False


class SurfaceForms:
    """Counts the words seen for each stem, so "librari" can be shown as "library"."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = {}

    def add(self, token: str, word: str) -> None:
        self.counts.setdefault(token, Counter())[word] += 1

    def word(self, token: str) -> str:
        """Most common surface form of a stemmed token or bigram ("not_enough park")."""
        parts = token.split(" ")
        out = []
        for part in parts:
            counter = self.counts.get(part)
            out.append(counter.most_common(1)[0][0] if counter else part.replace("_", " "))
        return " ".join(out)

    def to_dict(self) -> dict[str, str]:
        return {tok: c.most_common(1)[0][0] for tok, c in sorted(self.counts.items())}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> SurfaceForms:
        forms = cls()
        for tok, word in data.items():
            forms.add(tok, word)
        return forms

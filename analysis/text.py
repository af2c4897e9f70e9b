"""Text handling that works offline: no NLTK corpora are downloaded.

Answers are normalised (Unicode NFKC, lower case, UK spelling, emoji as words),
tokenised with a regular expression, stemmed with Snowball, and negators are joined
to the next word so that "not enough parking" is not read as "enough parking".
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize import RegexpTokenizer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

__all__ = [
    "NEGATORS",
    "STOP_WORDS",
    "SurfaceForms",
    "is_meaningless",
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

NEGATORS = frozenset(
    {
        "not",
        "no",
        "never",
        "cannot",
        "cant",
        "dont",
        "doesnt",
        "didnt",
        "isnt",
        "arent",
        "wasnt",
        "werent",
        "wont",
        "wouldnt",
        "couldnt",
        "shouldnt",
        "hasnt",
        "havent",
        "hadnt",
        "aint",
        "without",
        "lack",
        "lacking",
    }
)

# Words that matter in consultation answers even though generic stop lists drop them.
_KEEP = frozenset({"nothing", "none", "more", "less", "few", "too", "much", "very", "enough", "only"})
STOP_WORDS = frozenset((set(ENGLISH_STOP_WORDS) - _KEEP - NEGATORS) | {"s", "t", "im", "ive", "ll", "d", "m"})

_TOKENISER = RegexpTokenizer(r"[^\W_]+(?:'[^\W_]+)*")
_STEMMER = SnowballStemmer("english")
_URL = re.compile(r"https?://\S+|www\.\S+")
_REPEATS = re.compile(r"(\w)\1{2,}")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
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
    }
)


def normalise(text: str) -> str:
    """Lower-case, NFKC-normalised text with UK spellings and emoji turned into words."""
    text = unicodedata.normalize("NFKC", str(text)).translate(_APOSTROPHES)
    for emoji, word in EMOJI_WORDS.items():
        if emoji in text:
            text = text.replace(emoji, word)
    text = _URL.sub(" ", text.lower())
    text = "".join(" " if unicodedata.category(ch) in {"So", "Sk", "Cs", "Co", "Cn"} else ch for ch in text)
    text = _REPEATS.sub(r"\1\1", text)
    return _US_UK.sub(lambda m: US_TO_UK[m.group(1)], text)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball stem, cached because answers repeat the same words a great deal."""
    if not word.isascii():
        return word
    return str(_STEMMER.stem(word))


def _words(text: str) -> list[str]:
    return [w.replace("'", "") for w in _TOKENISER.tokenize(normalise(text))]


def tokenise(text: str, surface: SurfaceForms | None = None) -> list[str]:
    """Stemmed content tokens, with negators joined to the following word ("not_enough").

    ``surface`` collects the un-stemmed forms, so that labels read as real words.
    """
    tokens: list[str] = []
    negate = False
    for word in _words(text):
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


def is_meaningless(text: str) -> bool:
    """True for empty or non-answers such as "n/a", "no", "-" or "no comment"."""
    words = _words(str(text))
    if not words:
        return True
    return " ".join(words) in MEANINGLESS


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

"""Stop words and negators, English and Welsh.

English: scikit-learn's list, less the small words that carry opinion in consultation
answers ("more", "less", "too", "enough", "nothing" …) and the negators, which are
joined to the next word instead ("not enough parking").

Welsh (``analysis/data/welsh_stop_words.txt``): the articles, conjunctions,
prepositions (with their personal forms: "iddo", "ganddyn"), pronouns, demonstratives,
question words, every common form of "bod" (to be) and the other auxiliary and modal
verbs, with their mutated forms ("bod"/"fod", "gallu"/"allu", "bydd"/"fydd"). They are
used only for answers judged to be in Welsh (:func:`analysis.language.language_of`), so
English words that look like them ("pan", "dim", "ac" for air conditioning) keep their
meaning in English answers.

This module imports nothing from the rest of ``analysis``, so that both
:mod:`analysis.text` and :mod:`analysis.language` can use it.
"""

from __future__ import annotations

from importlib import resources

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

__all__ = [
    "MASKS",
    "NEGATORS",
    "STOP_WORDS",
    "WELSH_CLITICS",
    "WELSH_MARKERS",
    "WELSH_NEGATORS",
    "WELSH_STOP_WORDS",
    "welsh_base",
]

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
# How exports mask a name ("judging by xxxxx dedication"; letters repeated three times or
# more are squashed to two): never a keyword, nor part of a label ("Comments on xx").
MASKS = frozenset({"xx", "xxx"})
# A pronoun or "there" joined to a verb, as read with the apostrophe taken out ("there's",
# "they're", "you've"): function words. Not those that read as other words once the
# apostrophe is gone ("i'll" as "ill", "she'd" as "shed", "we'd" as "wed").
_CONTRACTIONS = frozenset(
    {"theres", "thats", "whats", "heres", "wheres", "whos", "hows", "hes", "shes", "theyre", "youre"}
    | {"theyve", "youve", "weve", "couldve", "wouldve", "shouldve", "mustve", "mightve"}
    | {"theyll", "youll", "itll", "thatll", "therell", "theyd", "youd", "itd", "hed"}
)
STOP_WORDS = frozenset(
    (set(ENGLISH_STOP_WORDS) - _KEEP - NEGATORS)
    | {"s", "t", "im", "ive", "ll", "d", "m"}
    | _CONTRACTIONS
    | MASKS
)


def _read_list(name: str) -> frozenset[str]:
    text = resources.files("analysis").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return frozenset(word for line in text.splitlines() if not line.startswith("#") for word in line.split())


WELSH_STOP_WORDS = _read_list("welsh_stop_words.txt")

# Welsh negators, joined to the next word as English ones are: "dim digon o le parcio"
# (not enough parking space), "ddim yn ddigon" (not enough), "heb" (without), "nid"/"nad"
# (is not / that is not), "byth" (never).
WELSH_NEGATORS = frozenset({"dim", "ddim", "heb", "nid", "nad", "byth"})

# What an apostrophe joins to a Welsh word: the article ("i'r", "mae'r"), the linking
# "yn" ("mae'n", "dwi'n"), the short possessives ("i'w", "a'i", "o'u", "o'm", "a'th",
# "i'ch") and the short "yma"/"yna" ("fan'ma", "fan'na").
WELSH_CLITICS = frozenset({"r", "n", "i", "w", "u", "m", "th", "ch", "ma", "na"})

# Welsh function words that are not English words: one of these in an answer is worth
# asking whether it is Welsh at all (a quick filter before language_of).
WELSH_MARKERS = frozenset(
    WELSH_STOP_WORDS
    - ENGLISH_STOP_WORDS
    - {"a", "i", "o", "e", "r", "n", "m", "w", "u", "th", "ch", "ni", "hi", "mi", "fe", "fo", "ti", "di"}
    - {"pan", "ac", "eu", "bod", "hon", "ar", "os", "na", "gan", "fel", "go", "do", "tan", "tu", "be", "er"}
    - {"mo", "ef", "ie", "un", "dan", "dau", "pa", "sut", "bu", "bo", "gen", "ges", "all", "dw", "sy"}
    - {"mor", "reit", "wir", "nes", "rai", "aml", "bob", "hun", "gyd", "fase", "ces", "gaf", "caiff"}
) | WELSH_NEGATORS - {"dim"}


def welsh_base(word: str) -> str:
    """A Welsh word without the clitics an apostrophe joins to it, lower case as given:
    "mae'r" → "mae", "i'r" → "i", "dwi'n" → "dwi", "llyfrgell" → "llyfrgell".

    Only the part before the first apostrophe is kept when everything after it is a
    clitic; anything else ("children's") loses its apostrophes, as in English.
    """
    if "'" not in word:
        return word
    head, *rest = word.split("'")
    if head and rest and all(part in WELSH_CLITICS for part in rest):
        return head
    return word.replace("'", "")

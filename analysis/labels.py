"""Theme labels a councillor can read: short phrases that residents actually wrote.

A theme is a group of answers. Its label is a run of 2 to 6 words taken from those
answers, such as "Parking near the library" or "Story time for toddlers", chosen because
many of the theme's answers contain it and few answers outside the theme do.

How it works
------------
:class:`PhraseIndex` reads every answer once. Each answer is normalised (see
:func:`analysis.text.normalise`) and cut into clauses at full stops, commas, semicolons,
colons, question and exclamation marks, brackets, dashes, line breaks and conjunctions
such as "but" and "because". Within a clause every run of 1 to 6 words is a *candidate
phrase* if it

* starts with a content word or a negator ("no parking", "not enough staff"; a verb
  such as "could", "would" or "do" written straight before "not" or "never" in at least
  half its places is shown with it: "Could not have done better", "Do not close the
  library", but "Not enough parking" after "there is"),
* ends with a content word (never with a stop word or a negator), and
* so holds at least one content word.

The particle of a phrasal verb ("after" in "looked after", "back" in "call back", "out"
in "keeps dropping out"; :data:`_PARTICLE_VERBS`) written straight after its verb is
read as a content word that may end a phrase but not start one, and the verb as a
content word even where it is a stop word elsewhere ("call", "fill"): "Wifi keeps
dropping out", not "Wifi keeps dropping". Anywhere else the particle is a stop word
("More books", never "More books on").

Answers in Welsh (:func:`analysis.text.is_welsh`) are read with the Welsh stop words
and negators of :mod:`analysis.stopwords` as well as the English ones, with clitics
("mae'r", "i'r", "dwi'n") set aside, so a Welsh theme is labelled by a Welsh phrase
("Dim digon o le parcio", "Oriau agor hirach") and not by "Yn y" or "Mae'r staff". A
theme whose answers are in both languages is named from the answers in the language
most of them use (all of them on a tie): the model reads Welsh through an English gloss
(:mod:`analysis.welsh`), so Welsh and English answers about one thing share a theme.

A phrase is matched by its *key*: the stems of its content words in order, with any
negator kept as "not". So "parking spaces", "Parking space" and "parking-spaces" are the
same phrase, and "opening hours on Sundays" matches "opening hours on a Sunday" but not
"Sunday opening hours" or "opening hours, Sundays". The index keeps, for every answer,
the 64-bit hashes of the keys it contains (a compact answer-by-phrase matrix in CSR
form) and, for every key, how many answers contain it. Hashes are computed from the
words with BLAKE2, so they are the same in every process, and an index can be pickled
and extended later.

Choosing a label (:meth:`PhraseIndex.label`)
--------------------------------------------
For a theme of ``m`` answers, a phrase found in ``a`` of them and in ``df`` answers in
all has

    score = coverage × precision = (a / m) × (a / (df + 1))

so it does well if it is common in the theme *and* concentrated there; the ``+ 1``
keeps a phrase seen in only two answers from looking perfectly precise. A label is
ranked by the geometric mean of its own score and the score of its strongest single
word, so that labels name what the theme is about ("Patient transport" in a theme where
"transport" is the commonest distinctive word) rather than a rare turn of phrase.

A phrase may become the label only if

* it has 2 to 6 words and does not start or end with a weak word such as "really",
  "thanks", "very", "near" or a number of one or two digits (these may sit inside it;
  "999" may end it), nor has a word twice in a row
  ("ap ap", a news agency's dateline in news items, or a stutter);
* at least ``MIN_SHARE`` (5%) of the theme's answers hold it, and never fewer than
  ``MIN_ANSWERS`` (2). Real answers are varied: in NHS patient feedback even clear
  themes rarely repeat one phrase in more than 5-10% of answers, and a 10% threshold sent
  most themes to the two-word fallback below, which reads worse;
* it is more common in the theme than overall: at least ``MIN_LIFT_SMALL`` (1.5) times
  as common for a small theme, easing to 1 for a theme of all answers. A phrase found
  everywhere ("it's a great library") therefore never wins, however frequent.

Once the best phrase is found, a longer phrase that contains it is preferred if it is
found in at least ``LONGER_SHARE`` (75%) as many answers, each word it adds is at least
``MIN_LIFT`` (2) times as common in the theme as overall, it gains no auxiliary verb and
it has at most ``EXTEND_TO`` (6) words: "Trained library staff" over "Library staff",
but "Winter evening" rather than "Winter evening would bring". Of several such phrases
the one more answers hold wins, then the longest. When the best phrase is a fragment
(below), the words that carry it on need not be typical of the theme: "Events for World
Book Day", though "book" is in answers about everything. A phrase *cut out of a
longer one* (at least ``CUT_SHARE``, 90%, of the places it is written have the same word
that could carry it on straight after it, or that could start it straight before) reads
as a fragment: the longer phrase wins if it may, and if not (it is longer than six
words, taken, or somebody's whole answer) the longest phrase inside the fragment that is
not cut, if nearly as common: "Free printing", not "Free printing for job" (of "free
printing for job seekers", which is some residents' whole answer). A phrase written
straight before a determiner ("the", "a", "our"...) in 90% of its places is cut too: it
stops short of its object ("Help for older people to use", of "... to use the internet").

A phrase that few of the theme's answers hold gives way to the theme's words when at
least ``WIDER`` (3) times as many answers hold them: to its two most distinctive words
when it shares neither ("Care and treatment", not "Mental health", for a theme of care
and treatment with an aside about mental health), and to its one dominant word even when
it holds that word ("Comments on paramedics", not "Paramedics very helpful", when nearly
every answer mentions the paramedics and three write "very helpful"), or to two words it
shares one of when residents write the two together ("Polite and helpful", written so
by at least ``MIN_ANSWERS``, not "Very polite"; but "Mental health" stays, since nobody
writes "listen and mental").

When no phrase qualifies and more than half of the theme's answers start with the same
word of a reason ("Because ...", "Cos ...", Welsh "Oherwydd ..."), it is "Answers
starting “Because …”": answers to "why?" gather by their form. Otherwise the label joins
the two most distinctive single words as residents wrote them, "Parking and buses", and
its mentions count the answers with either word; or the most distinctive word with one
of the next three that at least two answers write together with it, if that pair is held
by 75% as many answers ("Treatment and care", not "Care and nurse"). If only one word is
left, or the first is in most of the theme's answers and in ``DOMINANT`` (4) times as
many as the second, it is "Comments on parking" (a theme of answers such as "Nothing."
is "“Nothing” and similar answers"); a theme of answers mostly in Welsh gets these in
Welsh ("Parcio a thrafnidiaeth", "Sylwadau ynghylch parcio"). A theme with nothing but
weak words gets its shortest phrase; a theme without any words is "Other comments", with
no mentions. A theme of one answer is labelled by that answer's most distinctive phrase.

Ties are broken by the number of answers; then (phrases of the same answers, as when
residents repeat one sentence) by a phrase without an auxiliary verb, then by the one
written earliest in the answers (median position), so the idea wins over the clause
that follows it ("Warm and safe to sit", not "Too expensive", of "somewhere warm and
safe to sit in winter when heating is too expensive"); then by the fewest words and the
phrase as written. Never by the order of the answers: the same answers always get the
same label.

A label is shown as most of the theme's answers write it: words they capitalise in mid
sentence keep their capitals ("Sunday", "NHS"), and two words they join with a hyphen
are joined so ("Free Wi-Fi", "Drop-in sessions", "Open 9-5 on Saturdays"), though the
key reads them apart, so "wi fi" and "Wi-Fi" are one phrase. A single letter joined to a
word by a hyphen is part of that word ("e-books", "x-ray", matched with "ebooks"), not a
word of its own to be dropped.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt

from analysis.language import language_of
from analysis.memo import once_per_text
from analysis.stopwords import MASKS, WELSH_NEGATORS, WELSH_STOP_WORDS, welsh_base
from analysis.text import APOSTROPHES, NEGATORS, STOP_WORDS, is_welsh, normalise, stem

__all__ = ["LONGER_SHARE", "MIN_SHARE", "Label", "PhraseIndex"]

IntArray = npt.NDArray[np.int64]
HashArray = npt.NDArray[np.uint64]

MAX_WORDS: Final = 6
# The rules an index was built with: a pickled index built under other rules is built
# again when it is loaded (1: until 2026-12-07; 2: phrasal verbs keep their particle; 3: a
# letter joined to a word by a hyphen is part of it, "e-books").
PHRASE_RULES: Final = 3
# PhraseIndex.build indexes this many answers at a time (to bound its working memory).
BUILD_SLICE: Final = 10_000
# In the two-word fallback, a first word in most of the theme's answers and in this many
# times as many as the second stands alone ("Comments on staff").
DOMINANT: Final = 4
# Words that are answers, not subjects: a theme of them is "“Nothing” and similar answers".
# Verdicts on the service too ("its fine as it is"): "Comments on fine" is not English.
_WHOLE_ANSWER_WORDS: Final = frozenset({"nothing", "none", "nowt", "nil", "everything", "anything"}) | {
    "fine",
    "good",
    "great",
    "excellent",
    "brilliant",
    "lovely",
    "perfect",
    "fantastic",
    "amazing",
    "superb",
    "wonderful",
    "satisfactory",
    "adequate",
    "poor",
    "bad",
    "terrible",
    "awful",
    "rubbish",
    "dreadful",
}
# A phrase must be found in at least this share of a theme's answers (and in at least
# two of them) to become its label; below that the label joins two single words.
MIN_SHARE: Final = 0.05
MIN_ANSWERS: Final = 2
# A label must be found this many times as often in a small theme's answers as in all
# answers (less for a large theme, down to 1 for a theme of every answer), so that a phrase
# common everywhere ("it's a great library") never labels a theme.
MIN_LIFT_SMALL: Final = 1.5
# A longer phrase containing the best one wins if it is found in this share of as many answers.
LONGER_SHARE: Final = 0.75
# ...and if each word it adds is at least this many times as common in the theme as overall.
MIN_LIFT: Final = 2.0
# ...and if it has at most this many words (the most a label may have). Four cut phrases
# short on the demo ("Free printing for job", "Clubs and help with CVs"); six gives the
# whole phrase ("Free printing for job seekers", "Job clubs and help with CVs").
EXTEND_TO: Final = 6
# A theme no phrase names that is mostly one answer of at most VERDICT_WORDS words,
# written the same way by at least VERDICT_COPIES people ("Not a thing."), is named after
# it: "“Not a thing” and similar answers".
VERDICT_COPIES: Final = 5
VERDICT_WORDS: Final = 4
# A phrase sharing no word with a two-word label that this many times as many of the
# theme's answers hold is about something else than most of the theme, and a phrase
# holding a theme's one dominant word ("Comments on paramedics") that this many times as
# many answers hold says too little of it (see label()).
WIDER: Final = 3
# How many of the best-scoring phrases are read back from the answers to be compared.
SHORTLIST: Final = 100
# How many answers are read to find the commonest way a phrase is written.
SURFACE_SAMPLE: Final = 50
# A two-word label "X and Y" is written "Y and X" when at least MIN_ANSWERS of the first
# this many of the theme's answers write the two words that way round, and more than
# write "X and Y".
ORDER_SAMPLE: Final = 500
# A theme named by two words prefers, among its this many most distinctive words, one
# that residents write together with the first ("Treatment and care").
PAIR_WORDS: Final = 4
# A phrase that residents wrote with the same word straight before or after it at least
# this often is cut out of a longer one ("Free printing for job" of "... job seekers").
CUT_SHARE: Final = 0.9
OTHER: Final = "Other comments"

# Words that may sit inside a label but make a poor first or last word.
_WEAK_EDGE = frozenset(
    {
        "really",
        "just",
        "quite",
        "maybe",
        "ok",
        "okay",
        "yes",
        "etc",
        "like",
        "think",
        "feel",
        "felt",
        "say",
        "said",
        "know",
        "did",
        "does",
        "got",
        "lot",
        "lots",
        "bit",
        "thing",
        "things",
        "way",
        "thanks",
        "thank",
        "thankyou",
        # Filler adverbs: "Personally, ...", "Honestly, ..."
        "personally",
        "honestly",
        "basically",
        "actually",
        "absolutely",
        "definitely",
        "generally",
        "obviously",
        "probably",
        "certainly",
        "literally",
        "totally",
        "simply",
        "especially",
        "particularly",
        "currently",
        "usually",
        "hopefully",
        "unfortunately",
        "sadly",
        "frankly",
    }
)
# Auxiliary verbs: a label grown from a shorter one must not gain one, so it stays a noun
# phrase ("Winter evening", not "Winter evening would bring").
_AUXILIARIES = frozenset(
    {"is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "do", "does", "did"}
    | {"will", "would", "can", "could", "should", "shall", "may", "might", "must"}
)
# Verbs (stop words, so no phrase starts with them) that stay with a "not" or "never"
# after them: "Could not have done better", "Do not close the library", not "Not have
# done better". ("is not", "are not" are left: "There is not enough parking" is "Not
# enough parking". "did" and "does" are not stop words: "Did not get a call back" is a
# phrase of its own.)
_MODALS = frozenset({"will", "would", "can", "could", "should", "may", "might", "must", "do"})
# Stop words that may start a label as a negator does: "Nobody to ask", "Nowhere to park"
# (the same key as "no one to ask", "no parking").
_NEGATIVE_PRONOUNS = frozenset({"nobody", "noone", "nowhere"})
# Conjunctions that start a new clause: a phrase never runs across them (Welsh "ond" but,
# "oherwydd" and "achos" because). Relative pronouns too: "a community room that groups
# can book" gives "Community room", not "Community room that groups".
_CLAUSE_WORDS = frozenset(
    {"but", "because", "although", "though", "however", "whereas", "unless", "cos", "coz"}
    | {"that", "which", "who", "whom", "whose"}
    | {"ond", "oherwydd", "achos"}
)
# A phrase written straight before one of these in at least CUT_SHARE of its places ends
# before its object ("Help for older people to use", of "... to use the internet"), so it
# counts as cut out of a longer one. "teh" is the commonest way "the" is mistyped.
_DETERMINERS = frozenset({"the", "teh", "a", "an", "this", "these", "those", "my", "our", "your", "their"})
_DETERMINER = "<determiner>"  # how they are counted, as one word
# A "so" followed within this many words by a verb like "can" starts a new clause.
_PURPOSE_REACH = 4
# Words that read well at the start of a label ("More parking", "Very helpful staff")
# but leave it hanging at the end ("Parking more", "Staff very").
_WEAK_END = frozenset(
    {"more", "less", "too", "much", "only", "enough", "few", "very"}
    # and prepositions the stop list lacks ("Parking near")
    | {"near", "past", "till", "til", "regarding", "including", "plus", "versus", "vs"}
    # and "twice" ("Story time twice", of "... twice a week"; "once" is a stop word)
    | {"twice"}
)

# The same for answers in Welsh: thanks, please, perhaps, think/believe/feel, thing(s),
# want, see ("Hoffwn weld mwy o lyfrau": the label is "Mwy o lyfrau", not "Weld mwy o
# lyfrau"); and more, less, enough, too much, too, once, twice, which may start a label but not
# end it.
_WEAK_EDGE_CY = frozenset(
    {"diolch", "plis", "efallai", "falle", "meddwl", "credu", "teimlo", "peth", "pethau", "bethau"}
    | {"eisiau", "isio", "moyn", "gweld", "weld", "gwybod", "wybod", "dweud", "ddweud", "wirioneddol"}
)
_WEAK_END_CY = frozenset(
    {"mwy", "llai", "digon", "ddigon", "gormod", "rhy"}
    # once, twice: "Grŵp sgwrsio i ddysgwyr Cymraeg", not "... unwaith" of "... unwaith yr wythnos"
    | {"unwaith", "dwywaith", "ddwywaith"}
)

# Phrasal verbs: a particle written straight after one of its verbs (by stem) is part of
# the verb, so a phrase may end on it and it is one of the phrase's key words: "Looked
# after" (not "Looked"), "Call back", "Drop in sessions". Elsewhere these particles are
# stop words as before ("Books on local history", never "Books on"). English only.
_PARTICLE_VERBS: Final[dict[str, frozenset[str]]] = {
    "after": frozenset({"look"}),
    "back": frozenset(
        {"call", "ring", "rang", "rung", "phone", "get", "got", "come", "came", "write", "wrote", "email"}
        | {"text", "hear", "heard", "send", "sent", "bring", "brought", "cut", "go", "went", "give", "gave"}
    ),
    "up": frozenset(
        {"pick", "sign", "turn", "follow", "set", "fill", "open", "speed", "hang", "hung", "show", "top"}
        | {"clean", "catch", "caught", "keep", "kept", "give", "gave", "free", "mess", "wake", "woke", "end"}
        | {"book", "link", "join", "line", "warm", "lock", "light", "smarten", "brighten", "tidi", "buck"}
    ),
    "out": frozenset(
        {"find", "found", "sort", "fill", "drop", "carri", "work", "help", "reach", "point", "miss", "hand"}
        | {"run", "ran", "check", "print", "tri", "lock", "sell", "sold", "kick", "spread", "rule", "send"}
        | {"sent", "spell", "stand", "stood", "stick", "stuck", "branch", "figur", "weed", "give", "gave"}
    ),
    "down": frozenset(
        {"close", "shut", "slow", "break", "broke", "broken", "let", "calm", "turn", "cut", "note", "write"}
        | {"wrote", "written", "water", "wind", "run", "ran", "scale", "knock", "pull", "tone", "step"}
    ),
    "in": frozenset(
        {"drop", "pop", "log", "sign", "check", "fill", "join", "call", "come", "came", "walk", "hand"}
        | {"book", "move", "settl", "fit", "pitch", "bring", "brought", "let", "lock", "plug"}
    ),
    "on": frozenset(
        {"log", "carri", "hold", "held", "switch", "turn", "keep", "kept", "go", "went", "move", "follow"}
        | {"pass", "catch", "caught", "sign", "build", "built", "get", "got", "hang", "plug"}
    ),
    "off": frozenset(
        {"drop", "turn", "switch", "log", "sign", "put", "cut", "call", "set", "lay", "laid", "pay", "paid"}
        | {"finish", "cool", "fob", "pass", "show", "top", "kick", "write", "wrote", "written", "tick"}
        | {"cross", "take", "took", "taken", "level", "tail", "eas"}
    ),
    "over": frozenset(
        {"hand", "take", "took", "taken", "look", "get", "got", "think", "thought", "run", "ran", "come"}
        | {"came", "switch", "move", "turn", "fall", "fell", "pass", "sign", "talk"}
    ),
    "through": frozenset(
        {"get", "got", "go", "went", "put", "talk", "follow", "come", "came", "push", "pull", "see", "saw"}
        | {"read", "pass", "walk", "think", "thought", "sail"}
    ),
    "around": frozenset(
        {"come", "came", "show", "look", "get", "got", "mess", "turn", "move", "walk", "wait", "hang", "shop"}
    ),
    "along": frozenset({"come", "came", "go", "went", "get", "got", "bring", "brought", "tag", "pop"}),
}

# The same, as bits: each particle's bit, and the particles each verb stem takes.
_PARTICLE_BITS: Final = {particle: 1 << b for b, particle in enumerate(_PARTICLE_VERBS)}
_VERB_PARTICLES: Final = {
    verb: sum(bit for particle, bit in _PARTICLE_BITS.items() if verb in _PARTICLE_VERBS[particle])
    for verb in frozenset().union(*_PARTICLE_VERBS.values())
}

# Words that start an answer giving a reason, as written (and as shown): a theme that no
# phrase names and most of whose answers start with one is "Answers starting “Because …”".
_OPENERS_CY: Final = frozenset({"oherwydd", "achos"})
_OPENERS: Final = {"because": "because", "cos": "because", "coz": "because", "becuase": "because"} | {
    w: w for w in _OPENERS_CY
}

# Word flags.
_STOP: Final = 1  # left out of the key; may sit inside a phrase only
_START: Final = 2  # may start a phrase (content words and negators)
_END: Final = 4  # may end a phrase (content words)
_WEAK_AT_START: Final = 8
_WEAK_AT_END: Final = 16
_NEGATOR: Final = _START  # a negator may start a phrase, never end one
_PARTICLE: Final = _END  # a particle after its verb may end a phrase, never start one

_MASK: Final = (1 << 64) - 1
_PRIME: Final = 0x100000001B3
_BASIS: Final = 0xCBF29CE484222325

# Words (with "'" or "&" inside, e.g. "children's", "a&e"; a letter joined to a word by a
# hyphen is part of it: "e-books", "x-ray") and the marks that end a clause. Other
# hyphenated words are two words ("wi-fi", "drop-in"), matched as if written apart and
# shown as most residents write them (PhraseIndex._cased).
_MARKS = r"|([,;!?:()\[\]{}\n\r…|•،؛؟۔。，！？；：]|(?<!\d)\.|\.(?!\d)|\s[-–—]+\s)"
_TOKENS = re.compile(r"((?:(?<![^\W_])[^\W\d_]-)?[^\W_]+(?:['&][^\W_]+)*)" + _MARKS)
# The same for a text with no hyphen (most answers): indexing is about a quarter quicker.
_TOKENS_NO_HYPHEN = re.compile(r"([^\W_]+(?:['&][^\W_]+)*)" + _MARKS)


def _find_tokens(text: str) -> list[tuple[str, str]]:
    """(word, mark) of each token of ``text`` (see :data:`_TOKENS`)."""
    return (_TOKENS if "-" in text else _TOKENS_NO_HYPHEN).findall(text)


_SENTENCE_END = re.compile(r"[.!?\n\r]")
# What joins two words into one written word: a hyphen (also as U+2010 and U+2011) or, in
# "9–5", an en dash.
_HYPHENS = "[-\u2010\u2011\u2013]"


@dataclass(frozen=True)
class Label:
    """A theme's label as shown to officers.

    ``text`` is the label as shown, starting with a capital ("Parking near the library").
    ``phrase`` is the key phrase in lower case, which is matched against answers.
    ``mentions`` is how many of the theme's answers mention that phrase, counted as
    :meth:`PhraseIndex.mentions` counts it. For a two-word label ("Parking and buses")
    it is the answers that mention either word, and for "Comments on parking" the
    phrase is the single word.
    """

    text: str
    phrase: str
    mentions: int

    def without_modal(self) -> Label | None:
        """The label without the verb kept before its "not" ("Not have done better" for
        "Could not have done better"), or None if it has none. For when the whole label
        is somebody's whole answer, which a label must not be."""
        first, _, rest = self.phrase.partition(" ")
        if first not in _MODALS or rest.split()[:1] not in (["not"], ["never"]):
            return None
        return Label(_capitalise(self.text.partition(" ")[2]), rest, self.mentions)


def _bare(word: str) -> str:
    """A word without its apostrophes and hyphens: "dont" of "don't", "ebooks" of "e-books"."""
    return word.replace("'", "").replace("-", "")


@lru_cache(maxsize=200_000)
def _word(word: str) -> tuple[int, int]:
    """Flags and 64-bit id of a lower-case word as written (apostrophes kept)."""
    bare = _bare(word)
    if bare in NEGATORS or bare in _NEGATIVE_PRONOUNS:
        return _NEGATOR, _word_id("\x00not")
    if bare in STOP_WORDS:
        return _STOP, 0
    flags = _START | _END
    if (
        bare in _WEAK_EDGE
        or (not any(ch.isalpha() for ch in bare) and not (bare.isdigit() and len(bare) >= 3))
        or (len(bare) == 1 and bare.isascii())
    ):
        flags |= _WEAK_AT_START | _WEAK_AT_END
    elif bare in _WEAK_END:
        flags |= _WEAK_AT_END
    return flags, _word_id(stem(bare))


@lru_cache(maxsize=200_000)
def _word_cy(word: str) -> tuple[int, int]:
    """:func:`_word` for a word of an answer in Welsh: Welsh function words are stop words,
    Welsh negators ("dim", "ddim", "heb") are negators, and a clitic joined by an
    apostrophe ("mae'r", "i'r", "dwi'n") is set aside. English words keep their English
    flags, since Welsh answers often mix in English ones."""
    base = welsh_base(word)
    if base in WELSH_NEGATORS:
        return _NEGATOR, _word_id("\x00not")
    if base in WELSH_STOP_WORDS:
        return _STOP, 0
    flags, wid = _word(base)
    if flags & _END:
        if base in _WEAK_EDGE_CY:
            flags |= _WEAK_AT_START | _WEAK_AT_END
        elif base in _WEAK_END_CY:
            flags |= _WEAK_AT_END
    return flags, wid


_CY: Final = "\x01"  # marks a word of an answer in Welsh in _read_words' vocabulary


def _info(word: str, cy: bool) -> tuple[int, int]:
    return _word_cy(word) if cy else _word(word)


def _particle(verb: str, word: str) -> bool:
    """Whether ``word`` is a particle of the phrasal verb ``verb`` ("looked" "after")."""
    bit = _PARTICLE_BITS.get(word, 0)
    return bool(bit) and bool(_VERB_PARTICLES.get(stem(_bare(verb)), 0) & bit)


@lru_cache(maxsize=4096)
def _verb(word: str) -> tuple[int, int]:
    """Flags and id of a verb before its particle: a content word, even if it is a stop
    word elsewhere ("call" of "call back", "fill" of "fill in")."""
    bare = _bare(word)
    weak = _WEAK_AT_START | _WEAK_AT_END if bare in _WEAK_EDGE else 0
    return _START | _END | weak, _word_id(stem(bare))


def _infos(words: Sequence[str], cy: bool) -> list[tuple[int, int]]:
    """:func:`_info` of each word of a clause, with a particle straight after its verb
    ("looked after", "call back") read as a word that may end a phrase and is part of its
    key (:data:`_PARTICLE_VERBS`), and the verb as a content word."""
    info = [_info(w, cy) for w in words]
    if not cy:
        for i in range(1, len(words)):
            if info[i][0] & _STOP and info[i - 1][0] & (_END | _STOP) and _particle(words[i - 1], words[i]):
                info[i - 1] = _verb(words[i - 1])
                info[i] = (_PARTICLE, _word_id(words[i]))
    return info


def _key_token(word: str, cy: bool) -> str:
    """The key word a word stands for: "not" for a negator, else the stem of the bare word."""
    if _info(word, cy)[0] == _NEGATOR:
        return "not"
    return stem(_bare(welsh_base(word)) if cy else _bare(word))


def _word_id(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")


def _purpose(tokens: Sequence[tuple[str, str]], i: int) -> bool:
    """Whether the "so" at ``tokens[i]`` starts a clause of purpose or result ("open on
    Sunday mornings so working families can come"), not "so helpful": a verb such as
    "can" or "is" follows within :data:`_PURPOSE_REACH` words, before any punctuation,
    and it is not "so good that ..."."""
    if i + 2 < len(tokens) and tokens[i + 2][0] == "that":
        return False
    for word, mark in tokens[i + 1 : i + 1 + _PURPOSE_REACH]:
        if mark:
            return False
        if word in _AUXILIARIES or word.endswith(("'ll", "'d", "'s", "'re", "'ve", "'m")):
            return True
    return False


def _breaks(tokens: Sequence[tuple[str, str]]) -> Iterator[tuple[str, bool]]:
    """Each token's word and whether it ends a clause instead (a punctuation mark, a
    conjunction such as "but", a masked name such as "xxxxx", or a "so" of purpose)."""
    for i, (word, mark) in enumerate(tokens):
        yield (
            word,
            bool(mark) or word in _CLAUSE_WORDS or word in MASKS or (word == "so" and _purpose(tokens, i)),
        )


def _tokens(text: str) -> list[tuple[str, str]]:
    """(word, mark) of each token of an answer as normalised, an "&" between two words read
    as "and" ("treatment & care" is "treatment and care")."""
    return _find_tokens(normalise(str(text)).replace(" & ", " and "))


def _clauses(text: str) -> Iterator[list[str]]:
    """The words of each clause of an answer, lower case as normalised."""
    words: list[str] = []
    for word, ends in _breaks(_tokens(text)):
        if ends:
            if words:
                yield words
            words = []
        else:
            words.append(word)
    if words:
        yield words


Phrase = tuple[int, int, int, int]
ClausePhrases = tuple[tuple[tuple[str, ...], tuple[Phrase, ...]], ...]


def _clause_phrases(text: str, cy: bool) -> ClausePhrases:
    """Each clause of an answer, as its words and its candidate phrases (:func:`_phrases`;
    ``cy``: an answer in Welsh). A theme's label weighs a dozen phrases and reads the
    same answers for each of them, so within :func:`analysis.memo.reading_once` each
    answer is read once."""
    return _clause_phrases_cy(text) if cy else _clause_phrases_en(text)


@once_per_text
def _clause_phrases_en(text: str) -> ClausePhrases:
    return tuple((tuple(words), tuple(_phrases(words, False))) for words in _clauses(text))


@once_per_text
def _clause_phrases_cy(text: str) -> ClausePhrases:
    return tuple((tuple(words), tuple(_phrases(words, True))) for words in _clauses(text))


def _code(n_keys: int, weak: bool) -> int:
    """Per-phrase code: the number of key words times two, plus one if the phrase has a weak edge."""
    return n_keys * 2 + int(weak)


def _phrases(words: Sequence[str], cy: bool = False) -> Iterator[tuple[int, int, int, int]]:
    """(hash, code, first, last) of every candidate phrase in one clause (``cy``: of an
    answer in Welsh)."""
    info = _infos(words, cy)
    n = len(info)
    for i in range(n):
        flags, wid = info[i]
        if not flags & _START:
            continue
        h = ((_BASIS ^ wid) * _PRIME) & _MASK
        k = 1
        if flags & _END:
            yield h, _code(1, bool(flags & (_WEAK_AT_START | _WEAK_AT_END))), i, i
        weak_start = bool(flags & _WEAK_AT_START)
        for j in range(i + 1, min(n, i + MAX_WORDS)):
            f, w = info[j]
            if f & _STOP:
                continue
            h = ((h ^ w) * _PRIME) & _MASK
            k += 1
            if f & _END:
                yield h, _code(k, weak_start or bool(f & _WEAK_AT_END)), i, j


def _read_words(
    texts: Sequence[str],
) -> tuple[IntArray, IntArray, IntArray, list[str], npt.NDArray[np.bool_]]:
    """All answers as one long run of words: (word number, clause number) of each word, the row
    of each clause, the distinct words (lower case, as normalised; a word of an answer in
    Welsh starts with _CY) and whether each answer is in Welsh."""
    vocab: dict[str, int] = {}
    tokens: array[int] = array("q")
    clauses: array[int] = array("q")
    owners: array[int] = array("q")  # the row of each clause
    welsh = np.zeros(len(texts), dtype=bool)
    for row, text in enumerate(texts):
        owners.append(row)
        found = _tokens(text)
        cy = is_welsh(text, [word for word, _ in found])
        welsh[row] = cy
        for word, ends in _breaks(found):
            if ends:
                clauses.append(-1)  # a clause mark, dropped below
                tokens.append(-1)
                owners.append(row)
            else:
                tokens.append(vocab.setdefault(_CY + word if cy else word, len(vocab)))
                clauses.append(len(owners) - 1)
        clauses.append(-1)
        tokens.append(-1)
    tok = np.frombuffer(tokens, dtype=np.int64)
    cl = np.frombuffer(clauses, dtype=np.int64)
    words = tok >= 0
    return tok[words], cl[words], np.frombuffer(owners, dtype=np.int64).copy(), list(vocab), welsh


def _index_texts(
    texts: Sequence[str],
) -> tuple[IntArray, HashArray, npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
    """(row, hash, code) of every candidate phrase of every answer (repeats included), and
    whether each answer is in Welsh.

    The same phrases as :func:`_phrases`, found for all answers at once with numpy:
    phrases of 1 to 6 words are grown from every word that may start one, one word at a
    time, while they stay inside one clause.
    """
    tok, cl, row_of_clause, vocab, welsh = _read_words(texts)
    infos = [_word_cy(w[1:]) if w[:1] == _CY else _word(w) for w in vocab]
    flags = np.fromiter((f for f, _ in infos), dtype=np.uint8, count=len(infos))[tok]
    ids = np.fromiter((w for _, w in infos), dtype=np.uint64, count=len(infos))[tok]
    _read_particles(tok, cl, vocab, flags, ids)
    n = len(tok)
    starts = np.flatnonzero(flags & _START)
    h = np.full(len(starts), _BASIS, dtype=np.uint64)
    k = np.zeros(len(starts), dtype=np.uint8)
    weak_start = (flags[starts] & _WEAK_AT_START) > 0
    found_rows, found_hashes, found_codes = [], [], []
    prime = np.uint64(_PRIME)
    for d in range(MAX_WORDS):
        j = starts + d
        alive = j < n
        alive[alive] = cl[j[alive]] == cl[starts[alive]]
        starts, h, k, weak_start, j = starts[alive], h[alive], k[alive], weak_start[alive], j[alive]
        f = flags[j]
        grow = (f & _STOP) == 0
        h = np.where(grow, (h ^ ids[j]) * prime, h)
        k = k + grow
        end = (f & _END) > 0
        found_rows.append(row_of_clause[cl[starts[end]]])
        found_hashes.append(h[end])
        found_codes.append(k[end] * 2 + (weak_start[end] | ((f[end] & _WEAK_AT_END) > 0)))
    codes = np.concatenate(found_codes).astype(np.uint8)
    return np.concatenate(found_rows), np.concatenate(found_hashes), codes, welsh


def _read_particles(
    tok: IntArray, cl: IntArray, vocab: Sequence[str], flags: npt.NDArray[np.uint8], ids: HashArray
) -> None:
    """:func:`_infos` for all answers at once: each particle written straight after its
    verb in the same clause of an answer in English gets the flags and id of a particle
    (``flags`` and ``ids`` are changed in place)."""
    bit_of = np.zeros(len(vocab), dtype=np.int64)  # the particle each word is, as a bit
    verb_of = np.zeros(len(vocab), dtype=np.int64)  # the particles each word takes, as bits
    for v, word in enumerate(vocab):
        if word[:1] == _CY:
            continue
        if word in _PARTICLE_BITS:
            bit_of[v] = _PARTICLE_BITS[word]
        else:
            verb_of[v] = _VERB_PARTICLES.get(stem(_bare(word)), 0)
    if not bit_of.any() or not verb_of.any() or len(tok) < 2:
        return
    after = (
        np.flatnonzero(
            ((bit_of[tok[1:]] & verb_of[tok[:-1]]) != 0)
            & (cl[1:] == cl[:-1])
            & ((flags[1:] & _STOP) > 0)
            & ((flags[:-1] & (_END | _STOP)) > 0)
        )
        + 1
    )
    verbs = after - 1
    flags[after] = _PARTICLE
    shown = [_verb(vocab[t]) for t in tok[verbs].tolist()]
    flags[verbs] = np.fromiter((f for f, _ in shown), dtype=np.uint8, count=len(verbs))
    ids[verbs] = np.fromiter((w for _, w in shown), dtype=np.uint64, count=len(verbs))
    ids[after] = np.fromiter(
        (_word_id(vocab[t]) for t in tok[after].tolist()), dtype=np.uint64, count=len(after)
    )


def _starts_of_runs(values: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """True where a sorted array holds a value not seen just before it."""
    first = np.ones(len(values), dtype=bool)
    first[1:] = values[1:] != values[:-1]
    return first


def _key_of(phrase: str) -> tuple[int, int, int, bool]:
    """(hash, number of key words, number of words, whether the last key word is a negator)
    of a whole phrase, ignoring clause marks. A phrase in Welsh ("Dim digon o le parcio")
    is read with the Welsh stop words."""
    h = _BASIS
    k = n = 0
    last = 0
    cy = language_of(phrase) == "cy"
    for words in _clauses(phrase):
        for flags, wid in _infos(words, cy):
            n += 1
            if not flags & _STOP:
                h = ((h ^ wid) * _PRIME) & _MASK
                k += 1
                last = flags
    return h, k, n, last == _NEGATOR


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


_LONE_S = re.compile(r"(?<=[^\W\d_]) s(?= |$)")


def _shown(text: str) -> str:
    """A label as shown: capitalised, and a lone "s" after a word joined to it as a
    possessive, as text stripped of its apostrophes writes it ("Reye's syndrome", not
    "Reye s syndrome": benchmark sets such as biomedical titles are stored so)."""
    return _capitalise(_LONE_S.sub("'s", text))


class PhraseIndex:
    """Candidate phrases of every answer, built once per analysis; picklable (it is stored inside a
    pickled model).

    Build it with :meth:`build`, add later answers with :meth:`extend`, then ask for the
    :meth:`label` of a theme by the row numbers of its answers.

    The index holds the answers (shared with the caller's list, so pickling them beside
    the model costs little) and about 5 bytes per (answer, phrase) pair plus 13 bytes per
    distinct phrase: 10-33 MB for 100,000 answers of 15-18 words, which take 4-5 seconds
    to index on one core. Labelling a theme of 20,000 answers takes under 0.1 seconds.
    """

    def __init__(self) -> None:
        self._texts: list[str] = []
        # Answer-by-phrase matrix in CSR form: the phrases of answer r are
        # _indices[_indptr[r]:_indptr[r + 1]], as positions in _vocab.
        self._indptr: IntArray = np.zeros(1, dtype=np.int64)
        self._indices: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)
        self._vocab: HashArray = np.zeros(0, dtype=np.uint64)  # sorted phrase hashes
        self._df: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)  # answers containing each phrase
        self._codes: npt.NDArray[np.uint8] = np.zeros(0, dtype=np.uint8)  # see _code
        self._welsh: npt.NDArray[np.bool_] = np.zeros(0, dtype=bool)  # each answer: in Welsh?
        self._rules = PHRASE_RULES

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Indexes pickled before Welsh answers were told apart read every answer as English.
        state.setdefault("_welsh", np.zeros(len(state.get("_texts", [])), dtype=bool))
        self.__dict__.update(state)
        if state.get("_rules") != PHRASE_RULES:
            # Indexed under earlier rules (before phrasal verbs kept their particle): the
            # answers are indexed again, so that every phrase has the key the rules give it
            # now, whether its answer came before or after the upgrade (the same rows; about
            # 0.05 s per 1,000 answers, each time such a stored analysis is loaded).
            self.__dict__.update(PhraseIndex.build(self._texts).__dict__)

    def _cy(self, row: int) -> bool:
        return bool(self._welsh[row])

    @classmethod
    def build(cls, texts: Sequence[str]) -> PhraseIndex:
        """Index the candidate phrases of ``texts``; row ``i`` of the index is ``texts[i]``.
        They are indexed :data:`BUILD_SLICE` answers at a time: the same index as all at
        once, but the working arrays of every (answer, phrase) pair at once were the peak
        of a 100,000-answer analysis's memory (460 MB)."""
        index = cls()
        for start in range(0, len(texts), BUILD_SLICE):
            index.extend(texts[start : start + BUILD_SLICE])
        return index

    def __len__(self) -> int:
        """The number of answers indexed."""
        return len(self._texts)

    def extend(self, texts: Sequence[str]) -> None:
        """Index answers added later; their row numbers continue after the existing ones."""
        texts = [str(t) for t in texts]
        if not texts:
            return
        rows, hashes, codes, welsh = _index_texts(texts)
        # Distinct phrases of the new answers (np.unique is avoided: sorting is much quicker).
        order = np.argsort(hashes, kind="stable")
        first = _starts_of_runs(hashes[order])
        new_vocab = hashes[order][first]
        inverse = np.empty(len(hashes), dtype=np.int64)
        inverse[order] = np.cumsum(first) - 1
        # Merged with the phrases already indexed.
        if len(self._vocab):
            merged = np.sort(np.concatenate([self._vocab, new_vocab]))
            vocab = merged[_starts_of_runs(merged)]
            old_pos = np.searchsorted(vocab, self._vocab)
            new_pos = np.searchsorted(vocab, new_vocab)
        else:
            vocab, old_pos, new_pos = new_vocab, np.zeros(0, dtype=np.int64), np.arange(len(new_vocab))
        n_cols = len(vocab)
        all_codes = np.zeros(n_cols, dtype=np.uint8)
        all_codes[old_pos] = self._codes
        all_codes[new_pos] = codes[order][first]
        # One entry per (answer, phrase), in row order: the new part of the CSR matrix.
        pairs = np.sort(rows * n_cols + new_pos[inverse])
        pairs = pairs[_starts_of_runs(pairs)]
        new_rows, new_cols = np.divmod(pairs, n_cols)
        df = np.zeros(n_cols, dtype=np.int32)
        df[old_pos] = self._df
        df += np.bincount(new_cols, minlength=n_cols).astype(np.int32)
        lengths = np.bincount(new_rows, minlength=len(texts))
        old_indices = old_pos[self._indices].astype(np.int32)
        self._indices = np.concatenate([old_indices, new_cols.astype(np.int32)])
        self._indptr = np.concatenate([self._indptr, self._indptr[-1] + np.cumsum(lengths)])
        self._vocab = vocab
        self._codes = all_codes
        self._df = df
        self._welsh = np.concatenate([self._welsh, welsh])
        self._texts.extend(texts)

    # -- reading the index -------------------------------------------------------------

    def _rows(self, members: Sequence[int] | npt.NDArray[np.integer]) -> IntArray:
        rows = np.unique(np.asarray(members, dtype=np.int64).ravel())
        if len(rows) and (rows[0] < 0 or rows[-1] >= len(self._texts)):
            raise IndexError(f"answer rows must be between 0 and {len(self._texts) - 1}")
        return rows

    def _occurrences(self, rows: IntArray) -> tuple[IntArray, npt.NDArray[np.int32]]:
        """Row and phrase position of every (answer, phrase) pair among ``rows``."""
        starts = self._indptr[rows]
        counts = self._indptr[rows + 1] - starts
        total = int(counts.sum())
        offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        return np.repeat(rows, counts), self._indices[offsets + np.arange(total)]

    def _column(self, h: int) -> int:
        col = int(np.searchsorted(self._vocab, np.uint64(h)))
        return col if col < len(self._vocab) and int(self._vocab[col]) == h else -1

    def mentions(self, members: Sequence[int] | npt.NDArray[np.integer], phrase: str) -> int:
        """How many of ``members`` mention ``phrase`` (an officer may type their own label; it
        is counted the same way).

        An answer mentions a phrase if one of its clauses holds the phrase's content words,
        stemmed and in order, with nothing but stop words between them, in a run of at most
        six words (any length for a phrase of more than six words): "Parking spaces" is
        mentioned by "no parking space" and "parking-spaces", but not by "parking, spaces".
        """
        rows = self._rows(members)
        h, k, n, ends_negated = _key_of(phrase)
        if k == 0 or len(rows) == 0:
            return 0
        if n > MAX_WORDS or ends_negated:
            # Not a phrase the index keeps: read the answers.
            return sum(1 for r in rows if self._contains(int(r), h))
        col = self._column(h)
        if col < 0:
            return 0
        _, cols = self._occurrences(rows)
        return int(np.count_nonzero(cols == col))

    def _contains(self, row: int, target: int) -> bool:
        """Whether an answer holds a key of any length (for phrases longer than the index keeps)."""
        cy = self._cy(row)
        for words in _clauses(self._texts[row]):
            info = _infos(words, cy)
            for i, (flags, wid) in enumerate(info):
                if not flags & _START:
                    continue
                h = ((_BASIS ^ wid) * _PRIME) & _MASK
                if h == target:
                    return True
                for f, w in info[i + 1 :]:
                    if not f & _STOP:
                        h = ((h ^ w) * _PRIME) & _MASK
                        if h == target:
                            return True
        return False

    def _key_words(self, row: int, h: int) -> tuple[str, ...]:
        """The key words (stems, "not" for a negator) of the phrase with hash ``h`` in one answer."""
        cy = self._cy(row)
        for words, phrases in _clause_phrases(self._texts[row], cy):
            for ph, _, i, j in phrases:
                if ph == h:
                    run = words[i : j + 1]
                    info = _infos(words, cy)[i : j + 1]  # a verb's particle may come after the phrase
                    keys = [w for w, (f, _) in zip(run, info, strict=True) if not f & _STOP]
                    return tuple(_key_token(w, cy) for w in keys)
        return ()

    def _read(self, rows: IntArray, h: int) -> _Reading:
        """How the phrase with hash ``h`` is written in ``rows`` (at most
        :data:`SURFACE_SAMPLE` of them): one pass gives its surface, whether it is cut out
        of a longer phrase and where it starts in the answer."""
        forms: Counter[str] = Counter()
        modals: Counter[str] = Counter()
        before: Counter[str | None] = Counter()
        after: Counter[str | None] = Counter()
        starts: list[int] = []
        for r in rows[:SURFACE_SAMPLE]:
            cy = self._cy(int(r))
            offset = 0  # words of the answer before this clause
            for words, phrases in _clause_phrases(self._texts[int(r)], cy):
                for ph, _, i, j in phrases:
                    if ph != h:
                        continue
                    forms[" ".join(words[i : j + 1])] += 1
                    first = words[i - 1] if i else ""
                    last = words[j + 1] if j + 1 < len(words) else ""
                    if not cy and words[i] in ("not", "never") and first in _MODALS:
                        modals[first] += 1
                    before[first if first and _info(first, cy)[0] & _START else None] += 1
                    if not cy and last in _DETERMINERS:
                        after[_DETERMINER] += 1  # any of them: the phrase stops short of its object
                    else:
                        # A word that cannot end a phrase ("too", "unwaith" of "unwaith yr
                        # wythnos") does not carry it on.
                        flags = _info(last, cy)[0] if last else 0
                        if flags & _STOP and not cy and _particle(words[j], last):
                            flags = _PARTICLE  # "staff looked", before "after"
                        after[last if flags & _END and not flags & _WEAK_AT_END else None] += 1
                    starts.append(offset + i)
                offset += len(words)
        if not forms:
            return _Reading("", False, 0.0, "")
        surface = min(forms.items(), key=lambda item: (-item[1], len(item[0]), item[0]))[0]
        # Cut out of a longer phrase: in at least CUT_SHARE of the places it is written (and
        # at least MIN_ANSWERS, or the one place in a theme of one answer), the same word
        # that could carry the phrase on comes straight after it ("Free printing for job",
        # always followed by "seekers") or a determiner does ("Help for older people to
        # use", before "the internet"), or the same word that could start it comes straight
        # before ("Clubs and help with CVs", after "job").
        seen = len(starts)
        cut = seen >= min(MIN_ANSWERS, len(rows)) and any(
            word is not None and count >= CUT_SHARE * seen
            for counts in (before, after)
            for word, count in counts.most_common(1)
        )
        modal = ""
        if modals:
            word, count = min(modals.items(), key=lambda item: (-item[1], item[0]))
            modal = word if count * 2 >= seen else ""
        return _Reading(surface, cut, float(np.median(starts)), modal)

    def _surface(self, rows: IntArray, h: int) -> str:
        """The commonest way the phrase with hash ``h`` is written in ``rows`` (lower case)."""
        return self._read(rows, h).surface

    def _cased(self, surface: str, rows: IntArray) -> str:
        """``surface`` with the words residents capitalise mid-sentence ("Sunday", "NHS") kept
        so, and two words most of them join with a hyphen ("Wi-Fi", "drop-in", "9-5") joined
        so (the phrase's key reads them apart: see :data:`_TOKENS`)."""
        words = surface.split()
        wanted = set(words)
        seen: dict[str, Counter[str]] = {w: Counter() for w in wanted}
        pairs = [
            re.compile(rf"(?<![^\W_]){re.escape(a)}(\s+|{_HYPHENS}){re.escape(b)}(?![^\W_])")
            for a, b in pairwise(words)
        ]
        joins: list[Counter[str]] = [Counter() for _ in pairs]
        for r in rows[:SURFACE_SAMPLE]:
            text = self._texts[int(r)]
            raw = unicodedata.normalize("NFKC", text).translate(APOSTROPHES)
            for sentence in _SENTENCE_END.split(raw):
                for pos, (word, _mark) in enumerate(_find_tokens(sentence)):
                    if pos and word and word.lower() in wanted:
                        seen[word.lower()][word] += 1
            if pairs:
                lowered = normalise(text)
                for pattern, counts in zip(pairs, joins, strict=True):
                    for found in pattern.finditer(lowered):
                        counts[" " if found.group(1).isspace() else found.group(1)] += 1
        out: list[str] = []
        for i, word in enumerate(words):
            counts = seen[word]
            cased = [(c, w) for w, c in counts.items() if w != word]
            if cased and sum(c for c, _ in cased) * 2 > sum(counts.values()):
                word = min(cased, key=lambda cw: (-cw[0], cw[1]))[1]
            if i:
                joined = [(c, j) for j, c in joins[i - 1].items() if j != " "]
                if joined and sum(c for c, _ in joined) * 2 > sum(joins[i - 1].values()):
                    out[-1] += min(joined, key=lambda cj: (-cj[0], cj[1]))[1] + word
                    continue
            out.append(word)
        return " ".join(out)

    # -- labels ------------------------------------------------------------------------

    def label(self, members: Sequence[int] | npt.NDArray[np.integer], taken: Collection[str] = ()) -> Label:
        """Best label for the answers at row indices ``members``. ``taken`` holds phrases already
        used by other themes (lower case), which must not be chosen again, so two themes
        never get the same label."""
        rows = self._in_main_language(self._rows(members))
        used = _Taken(taken)
        if len(rows) == 0:
            return _other(used)
        theme = _Theme(self, rows)
        found = self._best_phrase(theme, used)
        if found is not None and WIDER * found.mentions <= len(rows):
            # A phrase about something else than most of the theme ("Mental health" for a
            # theme of care and treatment): sharing no word with the theme's two most
            # distinctive words, which WIDER times as many of its answers hold, it gives way
            # to them ("Care and treatment"). So does a phrase that holds the one word most
            # of the theme's answers share but few of them write it so: "Comments on
            # paramedics" (52 of 54 answers), not "Paramedics very helpful" (3 of them);
            # and one sharing a word with two words residents write together: "Polite and
            # helpful" (84 answers), not "Very polite" (9).
            two = self._two_words(theme, used)
            if (
                two is not None
                and two.mentions >= WIDER * found.mentions
                and (not _shared(found, two) or " " not in two.phrase or self._written_as_pair(theme, two))
            ):
                found = two
        if found is None:
            found = self._opener(rows, used)
        if found is None:
            found = self._two_words(theme, used)
        if found is None:
            found = self._verdict(rows, theme.welsh, used)
        if found is None:
            found = self._phrase_of_one(rows, used)
        return found if found is not None else _other(used)

    def _in_main_language(self, rows: IntArray) -> IntArray:
        """The rows in the language most of ``rows`` are written in: a theme that answers
        in Welsh and English share is named in the words of most of them, never after a
        few Welsh answers that repeat one sentence, nor the reverse. On a tie, all of
        them (a short answer's language is a guess: "Dim digon o lefydd parcio" reads as
        English)."""
        welsh = self._welsh[rows]
        n_welsh = int(np.count_nonzero(welsh))
        if n_welsh == 0 or n_welsh == len(rows) or n_welsh * 2 == len(rows):
            return rows
        return rows[welsh] if n_welsh * 2 > len(rows) else rows[~welsh]

    def main_word(self, members: Sequence[int] | npt.NDArray[np.integer]) -> int:
        """How many of ``members`` hold their theme's most distinctive single word (the
        one a two-word label would start with), 0 if none."""
        rows = self._rows(members)
        if len(rows) == 0:
            return 0
        theme = _Theme(self, rows)
        ok = (theme.n_keys == 1) & ~theme.weak & theme.distinctive
        top = theme.top(ok, 1)
        return int(theme.a[top[0]]) if top else 0

    def _best_phrase(self, theme: _Theme, used: _Taken) -> Label | None:
        """The best phrase of 2 to 6 words that enough of the theme's answers hold, or None."""
        m = len(theme.rows)
        need = 1 if m == 1 else max(MIN_ANSWERS, math.ceil(MIN_SHARE * m))
        ok = (theme.n_keys >= 2) & ~theme.weak & (theme.a >= need) & theme.distinctive
        shortlist: list[_Candidate] = []
        for i in theme.top(ok, SHORTLIST):
            h = int(theme.hashes[i])
            if h in used.keys:
                continue
            key = self._key_words(int(theme.holders(i)[0]), h)
            strength = max((theme.word_score(w) for w in key if w != "not"), default=0.0)
            shortlist.append(_Candidate(math.sqrt(theme.score[i] * strength), int(theme.a[i]), h, i, key))
        readings: dict[int, _Reading] = {}

        def read(c: _Candidate) -> _Reading:
            if c.hash not in readings:
                found = self._read(theme.holders(c.pos), c.hash)
                keep = used.free(found.surface) and not _stutters(found.surface)
                readings[c.hash] = found if keep else found._replace(surface="")
            return readings[c.hash]

        def surface(c: _Candidate) -> str:
            return read(c).surface

        # Best first: score, then more answers. Among exact equals (answers that repeat the
        # same sentence): a phrase without an auxiliary verb ("Helpful staff", not "Staff
        # were really helpful"), then the one written earliest in the answers (the idea
        # itself, "warm and safe to sit in winter", before what it adds, "when heating is
        # too expensive"), then the fewest words and the phrase as written.
        shortlist.sort(key=lambda c: (-c.score, -c.answers, len(c.key), c.hash))
        best: _Candidate | None = None
        start = 0
        while best is None and start < len(shortlist):
            top = shortlist[start]
            tied = [
                c for c in shortlist[start:] if c.score >= top.score * (1 - 1e-9) and c.answers == top.answers
            ]
            start += len(tied)
            written = [c for c in tied if surface(c)]
            if written:
                best = min(
                    written,
                    key=lambda c: (_verbs(surface(c)), read(c).start, len(surface(c).split()), surface(c)),
                )
        if best is None:
            return None

        def whole(c: _Candidate) -> bool:
            return not read(c).cut

        if m == 1:
            # One answer: every phrase is in all of it, so the label is the phrase that says
            # the most (the most key words), whole and at most EXTEND_TO words: "Talk about
            # the reading group", not "Want to talk" (of "... if you want to talk about the
            # reading group"), nor the first two words of a name.
            fuller = [
                c
                for c in shortlist
                if surface(c)
                and whole(c)
                and len(surface(c).split()) <= EXTEND_TO
                and _verbs(surface(c)) <= _verbs(surface(best))
            ]
            if fuller:
                best = min(fuller, key=lambda c: (-len(c.key), read(c).start, -c.score, surface(c)))
        else:
            # Prefer a longer phrase that contains the best, is nearly as common, and whose extra
            # words are themselves typical of the theme ("car park" over "park", but not "bike
            # parking would be good" over "bike parking"), up to EXTEND_TO words.
            longer = []
            fragment = not whole(best)
            for c in shortlist:
                extra = _extra_words(c.key, best.key) if len(c.key) > len(best.key) else None
                if (
                    extra is not None
                    and c.answers >= LONGER_SHARE * best.answers
                    and (fragment or all(_lifted(theme, w) for w in extra))
                    and surface(c)
                    and len(surface(c).split()) <= EXTEND_TO
                    and _verbs(surface(c)) <= _verbs(surface(best))
                ):
                    longer.append(c)
            if longer:
                # Not a phrase cut out of a longer one, if there is a choice (see below); then
                # the one more answers hold ("Shouldn text driving", 5, not a six-word run
                # that 4 of them repeat), then the longest.
                best = min(longer, key=lambda c: (not whole(c), -c.answers, *_longest(c, surface(c))))
            if not whole(best):
                # Still cut out of a longer phrase that is out of reach (a label is never
                # somebody's whole answer, nor longer than six words): the longest phrase
                # inside it that is not cut, if nearly as common. "Free printing", not
                # "Free printing for job" (of "... job seekers").
                inside = [
                    c
                    for c in shortlist
                    if len(c.key) < len(best.key)
                    and _extra_words(best.key, c.key) is not None
                    and c.answers >= LONGER_SHARE * best.answers
                    and surface(c)
                    and whole(c)
                ]
                if inside:
                    best = min(inside, key=lambda c: _longest(c, surface(c)))
        phrase = f"{read(best).modal} {surface(best)}".lstrip()
        if not used.free(phrase):
            phrase = surface(best)
        text = _shown(self._cased(phrase, theme.holders(best.pos)))
        return Label(text, phrase, best.answers)

    def _two_words(self, theme: _Theme, used: _Taken) -> Label | None:
        """ "X and Y" from the two most distinctive single words, as residents wrote them; its
        mentions are the answers with either word."""
        ok = (theme.n_keys == 1) & ~theme.weak & (theme.a >= min(MIN_ANSWERS, len(theme.rows)))
        if np.count_nonzero(ok & theme.distinctive) >= 2:
            ok &= theme.distinctive
        # (word as shown, stem, answers) of the ten best words, each read from the answers
        # only when it is needed (most labels are made of the first two).
        words = _Words(self, theme, theme.top(ok, 10))
        if (
            words.has(2)
            and len(words[1][2]) * DOMINANT < len(words[0][2])
            and len(words[0][2]) * 2 > len(theme.rows)
        ):
            # The first word is in most of the theme's answers and the second in few of them:
            # "Comments on staff", not "Staff and friendly".
            words.limit(1)
        if words.has(1) and not words.has(2):
            # One word is not a label on its own.
            word, _stem, holders = words[0]
            if word.lower() in _WHOLE_ANSWER_WORDS:
                # "Nothing." as the answer to "what could be better?": not a subject.
                text = (
                    f"“{_capitalise(word)}” ac atebion tebyg"
                    if theme.welsh
                    else f"“{_capitalise(word)}” and similar answers"
                )
            else:
                text = f"Sylwadau ynghylch {word}" if theme.welsh else f"Comments on {word}"
            return Label(text, word.lower(), len(holders)) if used.free(text, word) else None
        if not theme.welsh:
            together = self._written_together(theme, words, used)
            if together is not None:
                return together
        # The two most distinctive words, skipping a word that only repeats the first
        # ("staff" and "staffed"); if that pair is taken, the next pair in order.
        second = 1
        while words.has(second + 1):
            for first in range(second):
                (word1, stem1, rows1), (word2, stem2, rows2) = words[first], words[second]
                if stem1.startswith(stem2) or stem2.startswith(stem1):
                    continue
                if not theme.welsh and self._written_backwards(theme.rows, stem1, stem2):
                    word1, word2 = word2, word1  # "Treatment and care", as residents write it
                text = _capitalise(_and_cy(word1, word2) if theme.welsh else f"{word1} and {word2}")
                if used.free(text):
                    return Label(text, text.lower(), len(np.union1d(rows1, rows2)))
            second += 1
        return None

    def _written_together(self, theme: _Theme, words: _Words, used: _Taken) -> Label | None:
        """ "X and Y" from the theme's most distinctive word and another of its
        :data:`PAIR_WORDS` most distinctive that at least :data:`MIN_ANSWERS` of its answers
        write together with it (either way round, as most of them write it), the one written
        most; None if none is, or if the pair would be held by fewer than
        :data:`LONGER_SHARE` as many answers as the two most distinctive words."""
        n = 0
        while n < PAIR_WORDS and words.has(n + 1):
            n += 1
        if n < 2:
            return None
        top = words[0][1]
        written: Counter[str] = Counter()
        backwards: Counter[str] = Counter()
        for first, second in self._and_joined(theme.rows):
            if first == top and second != top:
                written[second] += 1
            elif second == top and first != top:
                written[first] += 1
                backwards[first] += 1
        best = max(range(1, n), key=lambda i: (written[words[i][1]], -i))
        other = words[best][1]
        if written[other] < MIN_ANSWERS or top.startswith(other) or other.startswith(top):
            return None
        (word1, _s1, rows1), (word2, _s2, rows2) = words[0], words[best]
        holders = np.union1d(rows1, rows2)
        if len(holders) < LONGER_SHARE * len(np.union1d(rows1, words[1][2])):
            return None  # it would speak for far fewer answers than the usual pair
        if backwards[other] * 2 > written[other]:
            word1, word2 = word2, word1
        text = _capitalise(f"{word1} and {word2}")
        return Label(text, text.lower(), len(holders)) if used.free(text) else None

    def _and_pairs(self, rows: IntArray, stem1: str, stem2: str) -> tuple[int, int]:
        """How many times ``rows`` (read up to :data:`ORDER_SAMPLE`) write the two words as
        "first and second", and as "second and first" (words compared by their stems)."""
        forwards = backwards = 0
        for pair in self._and_joined(rows):
            forwards += pair == (stem1, stem2)
            backwards += pair == (stem2, stem1)
        return forwards, backwards

    def _and_joined(self, rows: IntArray) -> Iterator[tuple[str, str]]:
        """The stems of every two words joined by "and" within a clause of ``rows`` (read
        up to :data:`ORDER_SAMPLE`), in the order written."""
        for r in rows[:ORDER_SAMPLE].tolist():
            for words in _clauses(self._texts[r]):
                for a, middle, b in zip(words, words[1:], words[2:], strict=False):
                    if middle == "and":
                        yield stem(_bare(a)), stem(_bare(b))

    def _written_backwards(self, rows: IntArray, stem1: str, stem2: str) -> bool:
        """Whether at least :data:`MIN_ANSWERS` of ``rows`` write the two words as "second
        and first", and more than write "first and second"."""
        forwards, backwards = self._and_pairs(rows, stem1, stem2)
        return backwards >= MIN_ANSWERS and backwards > forwards

    def _written_as_pair(self, theme: _Theme, label: Label) -> bool:
        """Whether an English "X and Y" label is written so (either way round) at least
        :data:`MIN_ANSWERS` times in the theme's answers: "Polite and helpful" is, "Listen
        and mental" (of "listen" and "mental health") is not."""
        words = label.phrase.split()
        if theme.welsh or len(words) != 3 or words[1] != "and":
            return False
        return sum(self._and_pairs(theme.rows, stem(_bare(words[0])), stem(_bare(words[2])))) >= MIN_ANSWERS

    def _opener(self, rows: IntArray, used: _Taken) -> Label | None:
        """ "Answers starting “Because …”" for a theme that no phrase names and most of
        whose answers start with the same word of :data:`_OPENERS`: answers to "why?"
        ("Because they were very kind") gather by their form, and two of their rarer words
        ("True and reason") would not say what they are."""
        starts: Counter[str] = Counter()
        for r in rows.tolist():
            first = next((word for word, _mark in _tokens(self._texts[r]) if word), "")
            if first in _OPENERS:
                starts[_OPENERS[first]] += 1
        if not starts:
            return None
        word, count = min(starts.items(), key=lambda item: (-item[1], item[0]))
        if count * 2 <= len(rows):
            return None
        shown = _capitalise(_OPENERS[word])
        welsh = word in _OPENERS_CY
        text = f"Atebion sy'n dechrau ag “{shown} …”" if welsh else f"Answers starting “{shown} …”"
        return Label(text, word, count) if used.free(text) else None

    def _verdict(self, rows: IntArray, welsh: bool, used: _Taken) -> Label | None:
        """ "“Not a thing” and similar answers" for a theme that no phrase names and that is
        mostly one short answer written the same way by at least VERDICT_COPIES people (a
        verdict, like "Nothing."): not one person's words, so it may name the theme."""
        forms: dict[str, Counter[str]] = {}
        for r in rows.tolist():
            text = " ".join(self._texts[r].split()).strip(" .!?,;:")
            key = " ".join(w.replace("'", "") for w in normalise(text).split())
            forms.setdefault(key, Counter())[text] += 1
        if not forms:
            return None
        key, written = max(forms.items(), key=lambda kv: (sum(kv[1].values()), kv[0]))
        copies = sum(written.values())
        if copies < VERDICT_COPIES or copies * 2 < len(rows) or not 0 < len(key.split()) <= VERDICT_WORDS:
            return None
        shown = _capitalise(min(written.items(), key=lambda item: (-item[1], item[0]))[0])
        text = f"“{shown}” ac atebion tebyg" if welsh else f"“{shown}” and similar answers"
        return Label(text, key, copies) if used.free(text, key) else None

    def _phrase_of_one(self, rows: IntArray, used: _Taken) -> Label | None:
        """Last resort when only weak words ("ok", "thanks") are left: the shortest phrase of two
        or more words in the first answers."""
        found: list[tuple[int, str, int]] = []
        for r in rows[:SURFACE_SAMPLE]:
            for words, phrases in _clause_phrases(self._texts[int(r)], self._cy(int(r))):
                for h, _c, i, j in phrases:
                    text = " ".join(words[i : j + 1])
                    if j > i and used.free(text) and h not in used.keys and not _stutters(text):
                        found.append((j - i, text, int(r)))
        if not found:
            return None
        _, text, row = min(found)
        cased = self._cased(text, np.asarray([row], dtype=np.int64))
        return Label(_shown(cased), text, self.mentions(rows, text))


class _Taken:
    """Labels and phrases other themes already use."""

    def __init__(self, taken: Collection[str]) -> None:
        self.texts = {" ".join(t.lower().split()) for t in taken}
        self.keys = {_key_of(t)[0] for t in taken}

    def free(self, *texts: str) -> bool:
        return not any(" ".join(t.lower().split()) in self.texts for t in texts)


class _Reading(NamedTuple):
    """How a phrase is written in a theme's answers (:meth:`PhraseIndex._read`)."""

    surface: str  # the commonest form, lower case ("" if none, or taken)
    cut: bool  # cut out of a longer phrase
    start: float  # the median position of its first word in the answer (in words)
    modal: str  # "could" in "could not have done better", if at least half of its places have it


class _Candidate(NamedTuple):
    score: float
    answers: int
    hash: int
    pos: int
    key: tuple[str, ...]


class _Theme:
    """The phrases found in one theme's answers, with how many answers hold each."""

    def __init__(self, index: PhraseIndex, rows: IntArray) -> None:
        self.rows = rows
        # A theme of answers mostly in Welsh gets its fallback labels in Welsh.
        self.welsh = bool(np.count_nonzero(index._welsh[rows]) * 2 > len(rows))
        occ_rows, occ_cols = index._occurrences(rows)
        order = np.argsort(occ_cols, kind="stable")
        self._rows_by_col = occ_rows[order]
        sorted_cols = occ_cols[order]
        first = _starts_of_runs(sorted_cols)
        self.cols = sorted_cols[first]
        self.starts: IntArray = np.flatnonzero(first)
        self.a: IntArray = np.diff(np.append(self.starts, len(sorted_cols)))
        self.hashes: HashArray = index._vocab[self.cols]
        codes = index._codes[self.cols]
        self.n_keys: IntArray = (codes // 2).astype(np.int64)
        self.weak: npt.NDArray[np.bool_] = (codes % 2).astype(bool)
        self.n_total = len(index)
        self.df: npt.NDArray[np.float64] = index._df[self.cols].astype(np.float64)
        df = self.df
        # coverage x precision, with one answer added outside the theme as a prior.
        self.score: npt.NDArray[np.float64] = (self.a / len(rows)) * (self.a / (df + 1.0))
        # Found more often in the theme than in all answers: at least MIN_LIFT_SMALL times as
        # often for a small theme, falling to 1 for a theme of all answers.
        base = len(rows) / self.n_total
        self.distinctive: npt.NDArray[np.bool_] = self.a * self.n_total >= (
            self.df * len(rows) * (MIN_LIFT_SMALL - (MIN_LIFT_SMALL - 1) * base)
        )

    def holders(self, i: int) -> IntArray:
        """Rows of the theme's answers holding the phrase at position ``i``."""
        start = int(self.starts[i])
        return self._rows_by_col[start : start + int(self.a[i])]

    def top(self, ok: npt.NDArray[np.bool_], n: int) -> list[int]:
        """Positions of the ``n`` best-scoring phrases allowed by ``ok``; ties go to more
        answers, then to the smaller hash (a fixed, if arbitrary, order)."""
        where = np.flatnonzero(ok)
        order = np.lexsort((self.hashes[where], -self.a[where], -self.score[where]))[:n]
        return [int(i) for i in where[order]]

    def _word(self, stemmed: str) -> int:
        """Position of a single word (by its stem) among the theme's phrases, -1 if absent."""
        h = ((_BASIS ^ _word_id(stemmed)) * _PRIME) & _MASK
        i = int(np.searchsorted(self.hashes, np.uint64(h)))  # columns, and so hashes, are sorted
        return i if i < len(self.hashes) and int(self.hashes[i]) == h else -1

    def word_score(self, stemmed: str) -> float:
        """The score of a single word (by its stem) in this theme, 0 if no answer has it."""
        i = self._word(stemmed)
        return float(self.score[i]) if i >= 0 else 0.0

    def word_lift(self, stemmed: str) -> float:
        """How much more common a word is in this theme than in all answers (1 = no more)."""
        i = self._word(stemmed)
        if i < 0:
            return 0.0
        return float((self.a[i] / len(self.rows)) / (self.df[i] / self.n_total))


class _Words:
    """A theme's best single words as residents wrote them, read from the answers in order
    and only as far as asked: ``(word as shown, stem, answers)``."""

    def __init__(self, index: PhraseIndex, theme: _Theme, positions: list[int]) -> None:
        self._index, self._theme, self._todo = index, theme, positions[::-1]
        self._read: list[tuple[str, str, IntArray]] = []

    def has(self, n: int) -> bool:
        """Whether there are at least ``n`` words (reading more if needed)."""
        while len(self._read) < n and self._todo:
            i = self._todo.pop()
            holders = self._theme.holders(i)
            surface = self._index._surface(holders, int(self._theme.hashes[i]))
            # Its commonest form may be a weak word of the same stem ("honestly", for
            # "honest" of "to be honest"): not a word to name a theme by.
            if surface and _bare(surface) not in _WEAK_EDGE:
                shown = self._index._cased(surface, holders)
                self._read.append((shown, stem(_bare(surface)), holders))
        return len(self._read) >= n

    def limit(self, n: int) -> None:
        """Keep the first ``n`` words only."""
        del self._read[n:]
        self._todo.clear()

    def __getitem__(self, i: int) -> tuple[str, str, IntArray]:
        return self._read[i]


def _other(used: _Taken) -> Label:
    """ "Other comments", numbered if another theme already has it."""
    text = OTHER
    n = 1
    while not used.free(text):
        n += 1
        text = f"{OTHER} {n}"
    return Label(text, text.lower(), 0)


def _and_cy(word1: str, word2: str) -> str:
    """ "X a Y" in Welsh: "ac" before a vowel, and the aspirate mutation "a" causes in a
    following c, p or t ("Parcio a thrafnidiaeth", "Llyfrau a phapurau newydd")."""
    if word2[:1].lower() in set("aeiouwyâêîôûŵŷ") and not word2.lower().startswith(
        ("wy", "wa", "we", "wi", "wo")
    ):
        return f"{word1} ac {word2}"
    lower = word2.lower()
    if lower[:1] in {"c", "p", "t"} and lower[1:2] != "h":
        return f"{word1} a {word2[0]}h{word2[1:]}"
    return f"{word1} a {word2}"


def _shared(phrase: Label, words: Label) -> bool:
    """Whether two labels' key phrases share a content word (compared by stem)."""

    def stems(label: Label) -> set[str]:
        out = set()
        for word in map(_bare, label.phrase.split()):
            if word not in STOP_WORDS and word not in WELSH_STOP_WORDS:
                out.add(stem(word))
        return out

    return bool(stems(phrase) & stems(words))


def _longest(c: _Candidate, surface: str) -> tuple[int, int, int, str]:
    """Sort key: the most key words, then the most answers, the fewest words, the text."""
    return (-len(c.key), -c.answers, len(surface.split()), surface)


def _lifted(theme: _Theme, key: str) -> bool:
    """Whether a key word a longer phrase adds is typical of the theme (a negator or a
    verb's particle always is: it belongs to the word before it)."""
    return key == "not" or key in _PARTICLE_VERBS or theme.word_lift(key) >= MIN_LIFT


def _stutters(surface: str) -> bool:
    """Whether a word is written twice in a row ("ap ap", a news agency's dateline, or a
    stutter): such a phrase names nothing."""
    words = surface.split()
    return any(a == b for a, b in pairwise(words))


def _verbs(surface: str) -> int:
    return sum(1 for w in surface.split() if _bare(w) in _AUXILIARIES)


def _extra_words(longer: tuple[str, ...], shorter: tuple[str, ...]) -> tuple[str, ...] | None:
    """The words ``longer`` adds around ``shorter``, or None if it does not contain it."""
    n = len(shorter)
    for i in range(len(longer) - n + 1):
        if longer[i : i + n] == shorter:
            return longer[:i] + longer[i + n :]
    return None

"""Support and opposition: each answer's stance toward what the question asks about.

An answer is **support** (agrees with, or speaks well of, the service or proposal the
question is about), **oppose** (disagrees, or complains), **mixed** (both, in different
points or either side of a "but") or **neither** (a suggestion, a fact, "n/a").

It runs offline and needs no training data: the VADER sentiment lexicon (shipped inside
the ``vaderSentiment`` wheel) scores each point of an answer, with a short list of cues
that sentiment alone misreads in consultations ("no objection", "not a bad idea", "not
in favour", "not against it", "no strong views", "I'd rather you didn't", "too long",
"can't fault", "please" as a politeness word, a leading "yes" or "no", an opening
"Nothing." that answers "what could be better?") and words of praise its lexicon lacks
("thorough", "polite"). Keeping things as they are ("leave it as it is", "please don't
close it", "keep it!") depends on the question: it opposes a question that proposes a
change ("We propose to…", "Should the van stop…?"), supports the service when the
question proposes nothing, and is left to the lexicon when the question is not known.
An answer's stance is the set of its points' stances. docs/analysis.md ("Support and opposition")
has its accuracy on a hand-labelled set; read it as a first sort for an officer to check,
never as a count of votes.

:func:`statements` drafts the two sentences a theme shows ("Most who raised this …",
"A minority …") from the stances of its answers and a short example of each; an officer
edits or accepts them before they are published.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from analysis.language import language_of
from analysis.points import split_points
from analysis.text import is_meaningless
from analysis.welsh import for_reading

__all__ = ["STANCES", "Statements", "stance_of", "stances", "statements", "theme_stance"]

SUPPORT, OPPOSE, MIXED, NEITHER = "support", "oppose", "mixed", "neither"
STANCES = (SUPPORT, OPPOSE, MIXED, NEITHER)

# |compound| below this is neutral: VADER gives mild scores to many plain suggestions.
THRESHOLD = 0.3
# Words VADER scores that, in an answer to a council, carry no stance.
NEUTRAL_WORDS = ("please", "thanks", "thank", "help", "helpful", "like", "want", "better", "improve")
# Words of praise in feedback about a service that VADER's lexicon lacks (valence on its
# scale, -4 to 4; "brill" is short for "brilliant", which it has at 2.8).
PRAISE_WORDS = {
    "thorough": 1.6,
    "prompt": 1.3,
    "polite": 1.8,
    "courteous": 1.8,
    "professional": 1.5,
    "professionalism": 1.5,
    "attentive": 1.7,
    "informative": 1.4,
    "knowledgeable": 1.5,
    "brill": 2.5,
    "listened": 1.2,
}
# Cues that decide a point on their own, whatever its sentiment (checked in this order:
# a negated cue first, so that "not in favour" is against and "not against it" for).
_NOT = r"(?:\bnot|n't|\bnever|\bno)"
_WORDS = r"(?:[\w']+\s+)"  # a word and the space after it ("think it's ")
_TURNED_CUES = (
    (
        rf"{_NOT}\s+{_WORDS}{{0,3}}(?:in\s+favou?r\b|(?:a\s+)?(?:good|great|sensible|brilliant)\s+idea\b)",
        OPPOSE,
    ),
    (
        rf"{_NOT}\s+{_WORDS}{{0,3}}(?:against|opposed|unreasonable)\b"
        rf"|n't\s+see\s+why\s+{_WORDS}{{0,3}}(?:object|complain|mind)\b",
        SUPPORT,
    ),
    # No side taken: "No strong views", "I don't mind either way" (but "staff not bothered"
    # is a complaint, so that is left to the rest).
    (
        r"\bno\s+(?:strong\s+|particular\s+|real\s+)?(?:views?|opinions?|preferences?|feelings?)\b"
        r"|\b(?:do\s*n'?t|do\s+not)\s+mind\s+(?:either|which)\b",
        NEITHER,
    ),
)
_SUPPORT_CUES = (
    rf"{_NOT}\s+(?:\w+\s+){{0,3}}(?:a\s+)?bad\s+idea\b",
    r"\bno\s+(?:objection|problem|issue|complaint|concern)s?\b",
    r"\b(?:i|we)\s+(?:fully\s+|totally\s+|strongly\s+|would\s+)?(?:agree|support|welcome)\b",
    r"\bin\s+favou?r\b",
    r"\b(?:good|great|brilliant|excellent|sensible|fantastic)\s+idea\b",
    r"\b(?:go\s+for\s+it|go\s+ahead|sounds\s+good|makes\s+sense|about\s+time|fine\s+by\s+me)\b",
    # Praise that VADER reads as negative: "I can't fault them", "couldn't have done any better".
    r"\b(?:can'?t|cannot|could\s*n'?t|could\s+not)\s+(?:\w+\s+)?fault\b",
    r"\b(?:could|can)(?:\s*n'?t|\s+not)\s+(?:have\s+)?(?:done|do|been|be)\s+(?:any\s*|much\s+)?(?:better|more)\b",
    r"\b(?:first|1st)[\s-]+class\b",
    # "Very helpful" of staff; "it would be very helpful if ..." is a suggestion.
    r"(?<!be )\b(?:very|so|really|extremely|always|most|incredibly)\s+helpful\b",
    r"(?<!be )\bhelpful\s+(?:and\s+\w+\s+)?(?:staff|crew|people|team|paramedics?|drivers?|nurses?|doctors?"
    r"|volunteers?|librarians?)\b",
)
_OPPOSE_CUES = (
    rf"{_NOT}\s+(?:\w+\s+){{0,2}}(?:agree|support)\b",
    r"\b(?:i|we)\s+(?:strongly\s+)?(?:disagree|oppose|object)\b",
    r"\b(?:disagree|against\s+(?:this|it|the)|opposed)\b",
    r"\b(?:bad|terrible|awful|stupid|silly|poor)\s+idea\b",
    r"\brather\s+you\s+(?:did\s*n[o']?t|would\s*n[o']?t|didn't)\b",
    r"\b(?:waste\s+of|short[- ]sighted|ridiculous|disgrace(?:ful)?)\b",
    # Complaints with no sentiment word in them.
    r"\btoo\s+(?:long|slow|short|expensive|far|busy|noisy|cold|hot|small|few|late|early)\b",
    r"\bnot\s+enough\b|\b(?:could|should)\s+(?:be|have\s+been)\s+better\b",
    r"\bputs?\s+(?:me|us|people|them|families|folk)\s+off\b",
    # Something that fails: "the wifi keeps dropping out", "the lift is always broken".
    r"\bkeeps?\s+(?:on\s+)?(?:dropping|breaking|crashing|cutting\s+out|going\s+off|failing|freezing)\b",
    r"\b(?:is|are|was|were)\s+(?:always\s+|often\s+|so\s+|very\s+)?(?:broken|out\s+of\s+order|patchy|unreliable)\b",
)
_TURNED = tuple((re.compile(pattern), stance) for pattern, stance in _TURNED_CUES)
_SUPPORTS = tuple(re.compile(pattern) for pattern in _SUPPORT_CUES)
_OPPOSES = tuple(re.compile(pattern) for pattern in _OPPOSE_CUES)
_YES = re.compile(r"^\s*(?:yes|yeah|yep|absolutely|definitely|of course)\b(?!\s+not\b)", re.IGNORECASE)
_NO = re.compile(
    r"^\s*(?:no|nope|definitely not|absolutely not)\b"
    r"(?!\s+(?:comment|idea|opinion|objection|complaint|problem|issue|concern|change))"
)
# "Nothing." or "No change." opening an answer to "what could be better?" means nothing
# needs changing; VADER would read it as negating what follows ("Nothing. All very good.").
_NOTHING = re.compile(
    r"^\s*(?:nothing|none|no\s+changes?)\b(?:\s+(?:to\s+(?:add|say|improve|change)|really|at\s+all|else))?"
    r"\s*[.,!:;\-–]*\s*",
    re.IGNORECASE,
)
# Discourse markers that VADER scores as praise ("honest" +2.3): "If I'm honest, nobody
# knows the closing dates" is a complaint.
_MARKERS = re.compile(
    r"\b(?:if\s+i'?m\s+(?:being\s+)?honest|to\s+be\s+honest|honestly|tbh)\b[,:]?", re.IGNORECASE
)
# Praise of something that does not exist yet is a suggestion: "talks by local historians
# would be brilliant" (but "that would be great", of a proposal, is support).
_WISH = re.compile(
    r"(?<!\bthat )(?<!\bthis )(?<!\bit )\bwould\s+be\s+(?:\w+\s+)?(?:brilliant|great|lovely|nice|perfect|"
    r"good|wonderful|amazing|fantastic|helpful|appreciated|ideal|useful|welcome)\b",
    re.IGNORECASE,
)
# Keeping things as they are ("leave it as it is", "please don't close it", "keep it!"):
# against a question that proposes a change, for the service when the question proposes
# nothing ("what one change would improve your library?"), and left alone when the
# question is not known.
_KEEP = re.compile(
    r"\bleave\s+(?:it|things)\s+(?:as\s+(?:it\s+is|they\s+are)|alone|be)\b"
    r"|\bkeep\s+(?:it|things)\s+as\s+(?:it\s+is|they\s+are)\b|^\s*keep\s+it\s*[.!]*\s*$"
    r"|\bkeep\s+(?:[\w']+\s+){0,3}?[\w']+\s+(?:open|going|coming|running)\b"
    r"|\b(?:prefer|rather)\s+(?:it|they)\s+(?:stayed|stays|stay|kept|remained)\b"
    r"|\b(?:do\s*n'?t|do\s+not)\s+(?:ever\s+)?(?:close|shut|stop|move|cut|scrap)\b"
    r"|^\s*please\s+(?:do\s*n'?t|do\s+not)\s*[.!]*\s*$",
    re.IGNORECASE,
)
# A question that proposes a change: "We propose to…", "Should the mobile library stop…?"
_PROPOSAL = re.compile(
    r"\b(?:propos\w*|plans?\s+to|planning\s+to|intends?\s+to|should\s+(?:we|the|it|they|this|our)"
    r"|do\s+you\s+(?:agree|support)|are\s+you\s+in\s+favou?r)\b",
    re.IGNORECASE,
)
# A question about keeping something ("…our plan to keep the library open?").
_KEEPING = re.compile(
    r"\b(?:keep|keeping|retain|retaining|continue|continuing|remain|remaining)\b", re.IGNORECASE
)
_BUT = re.compile(r"[,;]?\s+\b(?:but|however|although|though|except)\b\s+", re.IGNORECASE)


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    for word in NEUTRAL_WORDS:
        analyzer.lexicon.pop(word, None)
    for word, valence in PRAISE_WORDS.items():
        analyzer.lexicon.setdefault(word, valence)
    return analyzer


# A complaint cue after one of these is a reason or a condition, not a complaint about the
# service: "somewhere warm to sit in winter when heating is too expensive".
_SUBORDINATE = re.compile(r"\b(?:when|whenever|if|because)\b")


def _cue(text: str) -> str:
    """The stance a cue decides (``text`` with plain apostrophes), or ""."""
    lowered = " " + text.casefold() + " "
    for pattern, stance in _TURNED:
        if pattern.search(lowered):
            return stance
    if any(p.search(lowered) for p in _SUPPORTS):
        return SUPPORT
    for pattern in _OPPOSES:
        found = pattern.search(lowered)
        if found and not _SUBORDINATE.search(lowered, 0, found.start()):
            return OPPOSE
    return ""


def _clause(text: str, first: bool, proposal: bool | None) -> str:
    """One clause's stance: support, oppose, or neither. ``proposal`` says whether the
    question proposes a change (None: the question is not known)."""
    plain = text.replace("’", "'")
    cue = _cue(plain)
    if cue:
        return cue
    if proposal is not None and _KEEP.search(plain):
        return OPPOSE if proposal else SUPPORT
    if first and _YES.match(text):
        return SUPPORT
    if first and _NO.match(text.casefold()):
        return OPPOSE
    if first:
        text = _NOTHING.sub("", text, count=1)
    if _WISH.search(text):
        return NEITHER
    text = _MARKERS.sub("", text)
    score = float(_analyzer().polarity_scores(text)["compound"]) if text.strip() else 0.0
    if score >= THRESHOLD:
        return SUPPORT
    if score <= -THRESHOLD:
        return OPPOSE
    return NEITHER


def proposes_change(question: str | None) -> bool | None:
    """Whether a question proposes a change ("We propose to…", "Should the van stop…?"),
    or None when that cannot be told: no question, or one about keeping something ("…our
    plan to keep the library open?"), where keeping things as they are would agree."""
    if not question or not question.strip() or _KEEPING.search(question):
        return None
    return bool(_PROPOSAL.search(question))


def stance_of(text: str, question: str | None = None) -> str:
    """One answer's stance toward what ``question`` (if known) asks about."""
    return _stance(text, proposes_change(question))


def stances(
    texts: Sequence[str], question: str | None = None, languages: Sequence[str] | None = None
) -> list[str]:
    """:func:`stance_of` for many answers to one question (read once). ``languages``
    (each answer's :func:`language_of`, when the caller has them) saves reading them again."""
    proposal = proposes_change(question)
    if languages is None:
        return [_stance(t, proposal) for t in texts]
    return [_stance(t, proposal, language) for t, language in zip(texts, languages, strict=True)]


def _stance(text: str, proposal: bool | None, language: str | None = None) -> str:
    if is_meaningless(text):
        return NEITHER
    found: set[str] = set()
    points = split_points(text) or [text.strip()]
    if (language or language_of(text)) == "cy":  # read through its English gloss (analysis.welsh)
        points = [for_reading(point, welsh=True) for point in points]
    for i, point in enumerate(points):
        clauses = [c for c in _BUT.split(point) if c.strip()]
        for j, clause in enumerate(clauses):
            found.add(_clause(clause, first=i == 0 and j == 0, proposal=proposal))
    found.discard(NEITHER)
    if found == {SUPPORT, OPPOSE}:
        return MIXED
    return found.pop() if found else NEITHER


@dataclass(frozen=True)
class Statements:
    """A theme's two machine-drafted sentences about support and opposition."""

    majority: str
    minority: str


_SAY = {
    SUPPORT: "are in favour or speak well of it",
    OPPOSE: "are against it or unhappy with it",
    MIXED: "see both good and bad in it",
    NEITHER: "make a suggestion or a comment without taking a side",
}


# The same for a theme of one answer.
_SAYS = {
    SUPPORT: "is in favour or speaks well of it",
    OPPOSE: "is against it or unhappy with it",
    MIXED: "sees both good and bad in it",
    NEITHER: "makes a suggestion or a comment without taking a side",
}


def _example(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 140 else text[:137].rsplit(" ", 1)[0] + "…"


def statements(counts: Counter[str], examples: dict[str, str]) -> Statements:
    """The two sentences for a theme: its commonest stance and the next one that has any
    answers, each with a share and a short example (``examples``: stance -> one of its
    answers, already redacted, the theme's most typical first)."""
    total = sum(counts.values())
    if not total:
        return Statements("", "")
    ranked = [s for s, n in sorted(counts.items(), key=lambda kv: (-kv[1], STANCES.index(kv[0]))) if n]
    first = ranked[0]
    if total == 1:
        # "Most who raised this (1 of 1)" is not how anyone would put it.
        example = examples.get(first, "")
        said = f"The one person who raised this {_SAYS[first]}"
        majority = f"{said}: “{_example(example)}”" if example else said + "."
        return Statements(majority, "Nobody else raised it.")

    def sentence(opening: str, stance: str) -> str:
        n = counts[stance]
        example = examples.get(stance, "")
        said = f"{opening} ({n} of {total}) {_SAY[stance]}"
        return f"{said}, for example: “{_example(example)}”" if example else said + "."

    majority = sentence("Most who raised this" if counts[first] * 2 > total else "The largest group", first)
    others = [s for s in ranked[1:] if s != NEITHER] or ranked[1:]
    if not others:
        minority = "Nobody who raised this took another side."
    else:
        minority = sentence("A minority", others[0])
    return Statements(majority, minority)


def theme_stance(entries: Sequence[tuple[str, str, float]]) -> tuple[dict[str, int], Statements]:
    """A theme's split by stance and its drafted sentences, from one entry per answer that
    raises it: (its stance, its redacted text, how typical of the theme it is). Each
    side's example is its most typical answer short enough to quote in a sentence (the
    first of equals)."""
    counts = Counter(stance for stance, _, _ in entries)
    examples: dict[str, str] = {}
    for stance, text, _ in sorted(entries, key=lambda e: -e[2]):
        if stance not in examples and len(text) <= 200:
            examples[stance] = text
    return {s: counts.get(s, 0) for s in STANCES}, statements(counts, examples)

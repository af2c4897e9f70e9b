"""Split one free-text answer into the separate points it makes.

Residents often make two or more points in one answer: "The car park is always full.
Also, please open on Sundays." This module cuts an answer at sentence ends, line
breaks, semicolons, bullet marks, numbered items and a few connectors that start a new
clause ("also", "and also", "as well as that", "another thing", "plus,"), so that
each point can be given its own theme.

The work is done word by word in one pass, with at most four words of look-ahead, so
the time taken grows in step with the length of the answer. Regular expressions are
only used on single words, so there is no risk of catastrophic backtracking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.memo import once_per_text

__all__ = ["split_points", "without_opener"]

# Characters used as bullets. Any of these at the start of a line begins a list item;
# the round and square ones also begin a list item in the middle of a line.
_LINE_BULLETS = "-*+>•◦▪▫‣●○■□►▶➢➤✓✔–—·"
_INLINE_BULLETS = "•◦▪▫‣●○■□►▶➢➤"
_INLINE_BULLET_SPACING = str.maketrans({ch: f" {ch} " for ch in _INLINE_BULLETS} | {";": " ; "})

# "1." "1)" "(1)" "a)" "(a)" — a numbered or lettered list marker standing as a word.
_MARKER = re.compile(r"\(?(\d{1,2}|[a-z])([.)])$")
# "1)parking" — a marker stuck to the first word of an item.
_STUCK_MARKER = re.compile(r"\(?(\d{1,2})\)(?=\S)")

# Abbreviations after which a full stop never ends a sentence ("Dr. Smith",
# "St. Mary's", "e.g. the").
_NEVER_END = frozenset(
    {"mr", "mrs", "ms", "mx", "dr", "prof", "rev", "revd", "st", "mt", "fr", "sr", "jr", "cllr", "sgt"}
    | {"e.g", "eg", "i.e", "ie", "cf", "vs", "viz", "approx", "incl", "esp", "nr", "c.f", "w.r.t"}
)
# Abbreviations that may also end a sentence: split only when the next word starts
# with a capital letter ("… books, DVDs etc. The café …").
_MAYBE_END = frozenset(
    {"etc", "rd", "ave", "ln", "sq", "ct", "ltd", "co", "inc", "dept", "tel", "min", "mins", "hr", "hrs"}
    | {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
    | {"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "a.m", "p.m", "u.k"}
)
_CLOSERS = "\"')]}’”»"
_OPENERS = "\"'([{‘“«"
_TERMINALS = ".!?…"
_EDGE_PUNCTUATION = ",;:-–— \t"


@dataclass
class _Piece:
    words: list[str]
    is_item: bool


def _bare(word: str) -> str:
    """The word in lower case without surrounding punctuation ("Also," -> "also")."""
    return word.strip(_OPENERS + _CLOSERS + ",.:;!?").lower()


def _ends_sentence(word: str, next_word: str) -> bool:
    """True when ``word`` ends a sentence and ``next_word`` begins the next one."""
    core = word.rstrip(_CLOSERS)
    if not core or core[-1] not in _TERMINALS:
        return False
    if core[-1] in "!?":
        return True
    starts_upper = next_word.lstrip(_OPENERS)[:1].isupper()
    if core.endswith("...") or core.endswith("…"):
        # "I think... maybe" is one thought; "It was great... The staff" is two.
        return starts_upper
    stem = core.rstrip(".").lstrip(_OPENERS).lower()
    if stem in _NEVER_END:
        return False
    if stem == "no":
        # "No. 5 bus" against "No. The library is fine".
        return not next_word[:1].isdigit()
    if stem in _MAYBE_END or "." in stem:
        return starts_upper
    # A single capital letter is an initial, as in "J. Smith".
    return not (len(stem) == 1 and stem.isalpha() and core.lstrip(_OPENERS)[0].isupper())


def _clause_start(current: list[str]) -> bool:
    """True when the next word would start a clause (after a comma, colon or dash)."""
    if not current:
        return True
    last = current[-1]
    return last in {"-", "–", "—"} or last.rstrip(_CLOSERS)[-1:] in {",", ":"}


def _connector(words: list[str], i: int, current: list[str]) -> tuple[int, int]:
    """How many words of connector begin at ``words[i]``, and how many to drop.

    Returns ``(0, 0)`` when no connector starts there. The second number is smaller
    than the first only for "another thing", which is kept when it is not followed by
    "is" or punctuation ("Another thing I'd like is …").
    """
    w0 = _bare(words[i])
    if w0 not in {"also", "and", "as", "another", "plus", "additionally", "furthermore"}:
        return 0, 0
    w1 = _bare(words[i + 1]) if i + 1 < len(words) else ""
    w2 = _bare(words[i + 2]) if i + 2 < len(words) else ""
    w3 = _bare(words[i + 3]) if i + 3 < len(words) else ""
    at_start = _clause_start(current)
    if w0 == "and" and w1 == "also":
        return 2, 2
    if w0 == "and" and w1 == "another" and w2 == "thing":
        return _another_thing(words, i + 1, 3)
    if w0 == "plus" and words[i].rstrip(_CLOSERS).endswith(","):
        return 1, 1
    if not at_start:
        return 0, 0
    if w0 == "also" or (w0 in {"additionally", "furthermore"} and not current):
        return 1, 1
    if w0 == "as" and w1 == "well" and w2 == "as" and w3 in {"that", "this"}:
        return 4, 4
    if w0 == "another" and w1 == "thing":
        return _another_thing(words, i, 2)
    return 0, 0


def _another_thing(words: list[str], i: int, length: int) -> tuple[int, int]:
    """Connector length for "another thing", dropping a following "is" or "is that"."""
    thing = words[i + 1].rstrip(_CLOSERS)
    after = [_bare(w) for w in words[i + 2 : i + 4]]
    if thing.endswith((",", ":", "-")) or after[:1] == ["-"]:
        return length, length
    if after[:2] == ["is", "that"]:
        return length + 2, length + 2
    if after[:1] == ["is"]:
        return length + 1, length + 1
    return length, 0


# What a piece of text starts or ends at: the edge of a line, a bullet or numbered
# marker, a semicolon, or anything else (a sentence end or a connector).
_LINE, _LIST, _SEMICOLON, _OTHER = "line", "list", "semicolon", "other"


def _is_list_item(left: str, right: str) -> bool:
    """True for a piece that is a whole list item, kept as a point however short.

    That is a piece next to a semicolon ("More computers; better wifi"), or one
    running from a bullet or number to the next one or to the end of the line.
    """
    if _SEMICOLON in {left, right}:
        return True
    return _LIST in {left, right} and _OTHER not in {left, right}


def _is_bullet(word: str) -> bool:
    return len(word) == 1 and word in _INLINE_BULLETS


def _marker_number(word: str) -> int | None:
    """The number of a numbered-list marker such as "2)" or "(2)", else None."""
    match = _MARKER.match(word)
    if match is None:
        return None
    value = match.group(1)
    if value.isdigit():
        return int(value)
    return ord(value) - ord("a") + 1


def _inline_markers(words: list[str], first: int, start_number: int | None, dots: bool) -> set[int]:
    """Positions of numbered markers in the middle of a line ("1) parking 2) hours").

    Only a run counting up from 1 (or from the marker that opened the line) is
    accepted, so "(until 8)" is not taken for a list item. Markers written with a full
    stop ("2.") count only when the line itself began with one.
    """
    expected = (start_number or 0) + 1
    chain: list[int] = []
    for pos in range(first, len(words)):
        word = words[pos]
        if not (word[:1].isdigit() or word[:1] == "("):
            continue
        match = _MARKER.match(word)
        if match is None or not match.group(1).isdigit():
            continue
        if match.group(2) == "." and not dots:
            continue
        if _marker_number(word) == expected:
            chain.append(pos)
            expected += 1
    if start_number is None and len(chain) < 2:
        return set()
    return set(chain)


def _split_line(line: str, pieces: list[_Piece]) -> None:
    """Cut one line into pieces, appending them to ``pieces``."""
    words = line.translate(_INLINE_BULLET_SPACING).split()
    if not words:
        return
    item = False
    start_number: int | None = None
    first = words[0]
    if first.strip(_LINE_BULLETS) == "" and first != "…":
        words = words[1:]
        item = True
    elif (first[0] in _LINE_BULLETS and first[0] not in "-–—") or (first[0] == "-" and first[1:2].isalpha()):
        words[0] = first.lstrip(_LINE_BULLETS)
        item = True
    elif (number := _marker_number(first.lower())) is not None and len(words) > 1:
        if first[-1] == ")" or first[0].isdigit():
            words = words[1:]
            item = True
            start_number = number
    elif (stuck := _STUCK_MARKER.match(first)) is not None:
        start_number = int(stuck.group(1))
        words[0] = first[stuck.end() :]
        item = True
    dots = start_number is not None and first.endswith(".")
    markers = _inline_markers(words, 0, start_number, dots)

    current: list[str] = []
    left = _LIST if item else _LINE

    def flush(right: str) -> None:
        nonlocal left
        if current:
            pieces.append(_Piece(list(current), _is_list_item(left, right)))
            current.clear()
        left = right

    i = 0
    n = len(words)
    while i < n:
        word = words[i]
        if word == ";":
            flush(_SEMICOLON)
            i += 1
            continue
        if i in markers or _is_bullet(word):
            flush(_LIST)
            i += 1
            continue
        length, drop = _connector(words, i, current)
        if length:
            if current:
                flush(_OTHER)
            current.extend(words[i + drop : i + length])
            i += length
            continue
        current.append(word)
        follows = words[i + 1] if i + 1 < n else ""
        if follows and i + 1 not in markers and not _is_bullet(follows) and _ends_sentence(word, follows):
            flush(_OTHER)
        i += 1
    flush(_LINE)


def _word_count(text: str) -> int:
    return sum(1 for word in text.split() if any(ch.isalnum() for ch in word))


def _tidy(words: list[str]) -> str:
    return " ".join(words).strip(_EDGE_PUNCTUATION)


# The fewest words a point has before it is joined onto its neighbour (split_points).
_MIN_WORDS = 3


def split_points(text: str, min_words: int = _MIN_WORDS) -> list[str]:
    """Split an answer into the separate points it makes.

    Cuts at sentence ends (". ", "! ", "? "), line breaks, semicolons, bullets and
    numbered items, and at "also", "and also", "as well as that", "another thing" and
    "plus," when they start a clause. Common abbreviations ("e.g.", "Dr.", "St.") and
    decimals ("3.5 miles") do not end a sentence, and a plain "and" never splits.

    Connector words and bullet marks are removed from the points. A point of fewer than
    ``min_words`` words is joined onto the point before it (or the one after, if it is
    first), so "Thanks." does not become a point of its own. A whole list item ("-
    parking") is kept as a point however short it is, and a lead-in ending in a colon
    ("Two things:") is joined onto the first item after it.

    Returns ``[text.strip()]`` when the answer makes a single point and ``[]`` when
    it is blank.
    """
    if min_words == _MIN_WORDS:  # the points a fit remembers (analysis.memo)
        return list(_points_once(str(text)))  # a copy: the memo's own stays as it was
    return _split(str(text), min_words)


@once_per_text
def _points_once(text: str) -> tuple[str, ...]:
    return tuple(_split(text, _MIN_WORDS))


def _split(text: str, min_words: int) -> list[str]:
    if not text.strip():
        return []
    pieces: list[_Piece] = []
    for line in text.splitlines():
        _split_line(line, pieces)

    parts: list[tuple[str, bool, bool]] = []  # (text, whole list item, lead-in)
    for index, piece in enumerate(pieces):
        tidy = _tidy(piece.words)
        if not any(ch.isalnum() for ch in tidy):
            continue
        next_is_item = index + 1 < len(pieces) and pieces[index + 1].is_item
        lead_in = piece.words[-1].endswith(":") and next_is_item
        parts.append((tidy if not lead_in else " ".join(piece.words).strip(), piece.is_item, lead_in))

    points: list[str] = []
    pending = ""
    for part, is_item, lead_in in parts:
        if pending:
            part = f"{pending} {part}"
            pending = ""
        if lead_in:
            pending = part
        elif is_item or _word_count(part) >= min_words:
            points.append(part)
        elif points:
            points[-1] = f"{points[-1]} {part}"
        else:
            pending = part
    if pending:
        if points:
            points[-1] = f"{points[-1]} {pending}"
        else:
            points.append(pending)
    if len(points) <= 1:
        return [text.strip()]
    return points


# Who is speaking, or a filler, before what they say: "As a mum of two, ...", "Speaking
# as a volunteer, ...", "Honestly, ...". Bounded repeats only, anchored at the start.
_OPENER = re.compile(
    r"^\s*(?:"
    r"(?:(?:speaking|writing|answering)\s+as|as|being)\s+(?:an?|the|someone|somebody|one)\b[^,.;:!?\n]{0,40}"
    r"|honestly|personally|frankly|to\s+be\s+(?:honest|fair)|in\s+my\s+(?:opinion|view)|for\s+me"
    r")\s*,\s*",
    re.IGNORECASE,
)


def without_opener(text: str) -> str:
    """``text`` without an opening that says who is speaking or fills in before the
    point ("As a mum of two, more large print" -> "more large print"; "Speaking as a
    volunteer, ...", "Honestly, ..."). What an answer asks for is its theme, not who
    asked: on the demo's answers the same idea behind different openers fell into
    different themes. Returned unchanged when nothing but the opening has a letter."""
    rest = _OPENER.sub("", text, count=1)
    return rest if any(ch.isalpha() for ch in rest) else text

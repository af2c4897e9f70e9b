"""The one rule for text that people type: which characters a field refuses.

Every form in the service (staff, builder, forums, kiosks, the action plan, themes,
residents' answers) and the ``surveys import`` command use this module, so there is
one definition of a "hidden control character" and one of a "line break".

Two kinds of field:

* **single-line** (names, titles, subjects, labels, email addresses, short answers):
  refuse line breaks (CR, LF, VT, FF, NEL, U+2028, U+2029) and every hidden character
  below. A tab is whitespace someone pasted from a spreadsheet, not an attack, so
  :func:`normalise` turns it into a space rather than refusing it.
* **multi-line** (textareas): line breaks are allowed and normalised to ``\\n`` (a
  browser sends ``\\r\\n``); tabs are kept; every other hidden character is refused.

Hidden characters, refused in both kinds:

* C0 and C1 controls (Unicode category Cc) and DEL, including NUL, which PostgreSQL
  cannot store and email headers cannot carry;
* bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which
  make text read differently from what is stored ("Trojan Source");
* invisible characters with no place in typed text: zero-width space U+200B, word
  joiner and invisible operators U+2060-U+2064, byte-order mark U+FEFF, interlinear
  annotation U+FFF9-U+FFFB.

Kept, because real writing needs them: the right-to-left and left-to-right marks
(U+200E, U+200F, U+061C), zero-width joiner and non-joiner (U+200C, U+200D: emoji
sequences, Persian and Indic scripts) and emoji tag characters (flags).

This module must not import Flask: ``surveys`` is framework-free.
"""

from __future__ import annotations

import re
import unicodedata

from surveys.i18n import _

LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"
_HIDDEN = (
    "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"  # Cc, less tab and the line breaks above
    "\u200b\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb"
)
_SINGLE_LINE = re.compile(f"[{_HIDDEN}{LINE_BREAKS}]")
_MULTI_LINE = re.compile(f"[{_HIDDEN}\x0b\x0c\x85\u2028\u2029]")


def normalise(value: str, *, multiline: bool = False) -> str:
    """NFC; a multi-line value's line endings become ``\\n``; a single-line value's tabs, spaces."""
    value = unicodedata.normalize("NFC", value)
    if multiline:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\t", " ")


def refused(value: str, *, multiline: bool = False) -> bool:
    """Whether ``value`` (normalised or not) holds a character this kind of field refuses."""
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return (_MULTI_LINE if multiline else _SINGLE_LINE).search(value) is not None


def requirement(*, multiline: bool = False) -> str:
    """What the rule asks, as the end of a sentence (English: staff tools build on it)."""
    if multiline:
        return "must not contain hidden control characters"
    return "must not contain line breaks or hidden control characters"


def message(label: str, *, multiline: bool = False) -> str:
    """The error message, in the GOV.UK pattern: ``label`` is the field's name, like "Your name".
    In the page's language (a whole sentence per language, so the words can be ordered)."""
    if multiline:
        return _("%(label)s must not contain hidden control characters", label=label)
    return _("%(label)s must not contain line breaks or hidden control characters", label=label)


def problem(label: str, value: str, *, multiline: bool = False) -> str | None:
    """The error message for ``value``, or ``None`` when it is fine."""
    return message(label, multiline=multiline) if refused(value, multiline=multiline) else None


def collect(errors: dict[str, str], fields: dict[str, tuple[str, str]], *, multiline: bool = False) -> None:
    """For hand-written forms: ``fields`` maps a field's key to (its label, its value); each
    value that breaks the rule puts the rule's message into ``errors`` under its key."""
    for key, (label, value) in fields.items():
        found = problem(label, value, multiline=multiline)
        if found:
            errors[key] = found


def remove(value: str, *, multiline: bool = False) -> str:
    """``value`` with what the field refuses taken out: line breaks in a single-line value
    become spaces, hidden characters go. For showing back what was typed, minus the
    dangerous part, so the person can check it and send it again."""
    value = normalise(value, multiline=multiline)
    if not multiline:
        value = re.sub(f"[{LINE_BREAKS}]+", " ", value)
    return (_MULTI_LINE if multiline else _SINGLE_LINE).sub("", value)

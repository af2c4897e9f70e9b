"""Remove personal data from answers before any quote is shown or exported.

Redaction errs on the side of removing too much: a lost digit in a quote costs little,
a published phone number costs a great deal. The original text is kept only in the
fitted model, for an officer who is permitted to see it.
"""

from __future__ import annotations

import re

__all__ = ["PLACEHOLDERS", "redact"]

PLACEHOLDERS = ("[email]", "[phone]", "[postcode]", "[NI number]", "[NHS number]", "[name]")

_EMAIL = re.compile(r"[\w.+'-]+\s*(?:@|\(at\)|\[at\])\s*[\w-]+(?:\s*(?:\.|\(dot\)|\[dot\])\s*[\w-]+)+", re.I)
# National Insurance: two letters, six digits, one letter A-D, optionally spaced.
# Deliberately broad (any two letters), so HMRC's own example "QQ 12 34 56 C" is caught.
_NI = re.compile(r"\b[A-Z]{2}[\s-]?\d{2}[\s-]?\d{2}[\s-]?\d{2}(?:[\s-]?[A-D])?\b", re.I)
# NHS numbers are ten digits, usually written 3-3-4.
_NHS = re.compile(r"(?<![\d+])\d{3}[\s-]?\d{3}[\s-]?\d{4}(?![\d])")
# UK phone numbers: +44 or 0 then 9-10 more digits, with spaces, dashes, dots or brackets.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\s?44\s?\(?0?\)?|\(?0)\d(?:[\s.\-()]{0,2}\d){8,9}(?!\d)"
    r"|(?<![\w+])\+\s?\d{1,3}(?:[\s.\-()]{0,2}\d){7,12}(?!\d)"
)
# UK postcodes, with or without the space, any case; also a bare outward code + sector.
_POSTCODE = re.compile(
    r"\b(?:GIR\s?0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?)\s?\d[ABD-HJLNP-UW-Z]{2})\b",
    re.I,
)
_NAME_INTRO = re.compile(
    r"\b(my name is|my name's|my names|i am called|i'm called|im called|call me|name:|signed|regards,?|"
    r"from:|this is)\s+",
    re.I,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_NOT_NAMES_TEXT = (
    "a an the and but or i im i'm a is was it its not very really just so my our your we you they he she "
    "from in at on to for of with about because local library libraries here there this that mum dad "
    "mother father resident residents parent parents student students user member members"
)
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())


def _redact_names(text: str) -> str:
    out: list[str] = []
    pos = 0
    for match in _NAME_INTRO.finditer(text):
        if match.start() < pos:
            continue
        intro = match.group(1).lower()
        after = match.end()
        words: list[re.Match[str]] = []
        cursor = after
        while len(words) < 3:
            word = _WORD.match(text, cursor)
            if word is None:
                break
            token = word.group(0)
            if token.lower() in _NOT_NAMES:
                break
            capitalised = token[0].isupper()
            # "this is", "signed" and "regards" only introduce capitalised names;
            # "my name is" introduces a name however it is typed, but only the first word
            # is taken when the rest is lower case.
            if not capitalised and (intro in {"this is", "signed", "regards", "regards,", "from:"} or words):
                break
            words.append(word)
            cursor = word.end()
            gap = re.match(r"[ \t]+", text[cursor:])
            if gap is None:
                break
            cursor += gap.end()
        if words:
            out.append(text[pos:after])
            out.append("[name]")
            pos = words[-1].end()
    out.append(text[pos:])
    return "".join(out)


def redact(text: str) -> str:
    """Replace e-mail addresses, phone, NI and NHS numbers, postcodes and introduced names."""
    text = _EMAIL.sub("[email]", str(text))
    text = _NI.sub("[NI number]", text)
    text = _PHONE.sub("[phone]", text)
    text = _NHS.sub("[NHS number]", text)
    text = _POSTCODE.sub("[postcode]", text)
    return _redact_names(text)

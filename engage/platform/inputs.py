"""Reading untrusted values from requests and files: ids, whole numbers and JSON.

``int()`` happily reads a 20-digit number (which no database column holds), ``"+5"``,
``"1_000"``, ``" 7 "`` and Arabic-Indic digits, and raises ``ValueError`` past 4,300
digits; ``str.isdigit()`` says yes to ``"²"``, which ``int()`` then refuses. ``json.loads``
raises ``RecursionError`` on deeply nested arrays. Each function here returns ``None`` or
raises :class:`JSONError` (a ``ValueError``) instead, so a view can answer 400 with a
message, never 500. Dates typed into GOV.UK date inputs are read by
:func:`surveys.question_types.parse_date_parts`.
"""

from __future__ import annotations

import json
from typing import Any

from werkzeug.routing import IntegerConverter

# Primary keys are 32-bit on both databases: a larger number can never name a row.
MAX_ID = 2_147_483_647
# Deeper than any honest body: the kiosk's deepest is about 5 levels, a survey definition 10.
MAX_JSON_DEPTH = 64


def record_id(text: Any) -> int | None:
    """A row id from a form or query string ("12"), or None for anything else."""
    if not isinstance(text, str) or not (0 < len(text) <= 10 and text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


class RecordIdConverter(IntegerConverter):
    """``<int:...>`` in a route, up to :data:`MAX_ID`: a larger number is a 404, not a query
    that SQLite cannot bind (OverflowError) or PostgreSQL refuses (DataError)."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def whole_number(text: Any, minimum: int, maximum: int) -> int | None:
    """A whole number a person typed, between ``minimum`` and ``maximum``, or None.

    Surrounding spaces are ignored and digits of other scripts count (as in number
    questions); signs, underscores, decimals and anything out of range do not.
    """
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not text or len(text) > 12 or not text.isdecimal():
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


class JSONError(ValueError):
    """JSON that cannot be read; ``problem`` says why, after "The JSON is"."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"The JSON is {problem}")
        self.problem = problem


class JSONTooDeepError(JSONError):
    pass


def load_json(data: bytes | str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON from outside, refusing anything nested deeper than ``max_depth``.

    The C decoder stops a very deep body with ``RecursionError`` (caught here); what it
    does parse is then measured without recursion, so code that walks the value later
    never meets more than ``max_depth`` levels.
    """
    too_deep = f"nested more than {max_depth} levels deep"
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise JSONError("not UTF-8 text") from None
    try:
        value = json.loads(data)
    except RecursionError:
        raise JSONTooDeepError(too_deep) from None
    except json.JSONDecodeError as error:
        raise JSONError(f"not valid: {error.msg} at line {error.lineno}, column {error.colno}") from None
    except ValueError:  # e.g. a number with more than 4,300 digits
        raise JSONError("not valid: a number is too long") from None
    if depth(value) > max_depth:
        raise JSONTooDeepError(too_deep)
    return value


def depth(value: Any) -> int:
    """How deeply lists and dicts nest in ``value`` (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            level += 1
            deepest = max(deepest, level)
            stack.extend((child, level) for child in item if isinstance(child, (list, dict)))
    return deepest

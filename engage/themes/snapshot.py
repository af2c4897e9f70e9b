"""Reading a theme analysis's saved snapshot (``ThemeAnalysis.result``).

An answer has a main theme (``assignments``) and may raise further themes with its other
points (``further``). Wherever answers are counted or listed under a theme, an answer
counts under each theme it raises, so a theme's count is "answers that raise it" and
shares across themes can add up to more than 100%.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from typing import Any

__all__ = ["answers_in", "counts", "themes_of"]


def themes_of(result: Mapping[str, Any], answer_id: str) -> list[str]:
    """The themes one answer raises, main theme first; [] if it was not analysed."""
    main = (result.get("assignments") or {}).get(answer_id)
    if main is None:
        return []
    return [main, *(result.get("further") or {}).get(answer_id, [])]


def answers_in(result: Mapping[str, Any], theme_id: str) -> set[str]:
    """The answers that raise ``theme_id``, as their main theme or a further one."""
    further: Mapping[str, list[str]] = result.get("further") or {}
    return {
        answer
        for answer, main in (result.get("assignments") or {}).items()
        if main == theme_id or theme_id in further.get(answer, ())
    }


def counts(result: Mapping[str, Any], allowed: Collection[str] | None = None) -> Counter[str]:
    """How many answers raise each theme (and how many are "unassigned"), optionally only
    among the ``allowed`` answer ids."""
    further: Mapping[str, list[str]] = result.get("further") or {}
    out: Counter[str] = Counter()
    for answer, main in (result.get("assignments") or {}).items():
        if allowed is not None and answer not in allowed:
            continue
        out[main] += 1
        out.update(further.get(answer, []))
    return out

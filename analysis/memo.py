"""Reading each answer once while a theme model is fitted.

Fitting reads every answer several times over: its stance, its points, its TF-IDF words
(twice: fitting the vectorizer and describing the themes), its surface forms, whether it
is a non-answer. Within :func:`reading_once` the pure text functions marked
:func:`once_per_text` work each distinct text out once and hand back what they found the
first time; outside it they work as before. The memo lives only as long as the block
(one fit), in a context variable, so two fits in two threads never share one and nothing
is kept between fits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

__all__ = ["once_per_text", "reading_once"]

T = TypeVar("T")

_MEMOS: ContextVar[dict[Callable[..., Any], dict[str, Any]] | None] = ContextVar(
    "analysis_reading_once", default=None
)


@contextmanager
def reading_once() -> Iterator[None]:
    """Within the block, each :func:`once_per_text` function reads each text once.
    Blocks nest: an inner block shares the outer one's memo."""
    if _MEMOS.get() is not None:
        yield
        return
    token = _MEMOS.set({})
    try:
        yield
    finally:
        _MEMOS.reset(token)


def once_per_text(func: Callable[[str], T]) -> Callable[[str], T]:
    """Remember ``func(text)`` per distinct text inside :func:`reading_once`. ``func``
    must be pure, and what it returns must not be changed by its callers (return a
    tuple, or copy it in a wrapper)."""

    @wraps(func)
    def wrapper(text: str) -> T:
        memos = _MEMOS.get()
        if memos is None:
            return func(text)
        memo = memos.setdefault(func, {})
        try:
            return memo[text]  # type: ignore[no-any-return]
        except KeyError:
            found = memo[text] = func(text)
            return found

    return wrapper

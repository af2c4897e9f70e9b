"""Events one feature sends and others react to, so features need not import each other.

A feature that changes something other features care about sends a signal here (blinker,
the library Flask's own signals use); the features that care connect a receiver when
their package is imported. The sender does not know who listens. Signals are sent by the
code that owns the transaction, after the change is in the session (``theme_merged``,
``theme_split``: the receivers' writes join the same transaction) or after it is
committed (``action_status_changed``, ``plan_published``: the receivers queue background
jobs, which must see the committed rows).

Every signal's sender is the changed object and its keyword arguments are listed below;
``docs/architecture.md`` has the table of who sends and who receives.
"""

from __future__ import annotations

from blinker import Namespace

__all__ = ["action_status_changed", "plan_published", "theme_merged", "theme_split"]

_events = Namespace()

#: Themes were merged. Sender: the ``ThemeAnalysis``; ``session``, ``merged`` (the theme
#: ids merged away), ``into`` (the theme that remains).
theme_merged = _events.signal("theme-merged")

#: A theme was split. Sender: the ``ThemeAnalysis``; ``session``, ``theme_id``, ``label``
#: (the theme's name before the split), ``parts`` (the new theme ids), ``by`` (the officer,
#: for the receivers' audit rows). A receiver returns how many of its own records now
#: follow the parts (shown to the officer).
theme_split = _events.signal("theme-split")

#: An action's status changed (committed). Sender: the ``StatusChange``; no arguments.
action_status_changed = _events.signal("action-status-changed")

#: A survey's "You said, we did" page was published (committed). Sender: the ``Survey``.
plan_published = _events.signal("plan-published")

"""The officers' codebook: versioned, replayable edits to the machine's themes.

Every edit (rename, describe, merge, split, move an answer, pin a seed theme, make a theme from
chosen answers, mark a theme not relevant, add new answers) is a small frozen operation
with a version number, an author and a timestamp supplied by the caller. Replaying the
operations on the same fitted model always gives the same themes, so any earlier version
can be reproduced exactly, and new answers are placed against fixed theme centres so
earlier answers never move.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import MISSING, asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, ClassVar

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.preprocessing import normalize

from analysis.cluster import FloatArray, IntArray, distinct_rows
from analysis.duplicates import duplicate_groups, duplicate_key
from analysis.labels import PhraseIndex
from analysis.language import language_of
from analysis.learn import relearn
from analysis.memo import reading_once
from analysis.model import (
    UNASSIGNED,
    Described,
    Theme,
    ThemeModel,
    describe,
    other_themes,
    redacted,
    theme_stances,
)
from analysis.stance import stances
from analysis.text import as_text, is_meaningless

__all__ = [
    "OPERATIONS",
    "AddAnswers",
    "Codebook",
    "CodebookError",
    "DescribeTheme",
    "MarkNotRelevant",
    "MergeThemes",
    "MoveAnswer",
    "NewTheme",
    "Operation",
    "PinSeedTheme",
    "Relearn",
    "RenameTheme",
    "SetStatements",
    "SplitTheme",
    "ThemeState",
    "UndoRelearn",
    "apply",
]


class CodebookError(ValueError):
    """An operation that cannot be applied (unknown theme, bad version, ...)."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Operation:
    version: int
    author: str
    at: str
    kind: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, tuple):
                data[key] = list(value)
        return {"kind": self.kind, **data}


@dataclass(frozen=True)
class RenameTheme(Operation):
    theme_id: str = ""
    label: str = ""
    kind: ClassVar[str] = "rename"


@dataclass(frozen=True)
class DescribeTheme(Operation):
    """An officer's description of what a theme is about ("" removes it)."""

    theme_id: str = ""
    description: str = ""
    kind: ClassVar[str] = "describe"


@dataclass(frozen=True)
class MergeThemes(Operation):
    """Fold ``theme_ids`` into ``into``; ``into`` keeps its id and label."""

    theme_ids: tuple[str, ...] = ()
    into: str = ""
    kind: ClassVar[str] = "merge"


@dataclass(frozen=True)
class SplitTheme(Operation):
    """Split one theme into ``len(new_theme_ids)`` themes by k-means on its answers."""

    theme_id: str = ""
    new_theme_ids: tuple[str, ...] = ()
    random_state: int = 0
    kind: ClassVar[str] = "split"


@dataclass(frozen=True)
class MoveAnswer(Operation):
    """Put one answer in a theme (or "unassigned"); later edits leave it there.

    An officer reviewing answers records each decision as one of these: ``review`` is
    "accepted" (kept in ``from_theme``, which is ``theme_id``), "moved" or "not_relevant";
    empty for a plain move (codebooks written before reviews have neither field)."""

    answer_id: str = ""
    theme_id: str = ""
    review: str = ""
    from_theme: str = ""
    kind: ClassVar[str] = "move_answer"


@dataclass(frozen=True)
class PinSeedTheme(Operation):
    """Add a theme from a seed description (e.g. one of the strategy's themes). Answers
    closer to the seed than to their current theme join it, unless an officer placed them."""

    theme_id: str = ""
    label: str = ""
    seed_text: str = ""
    kind: ClassVar[str] = "pin_seed_theme"


@dataclass(frozen=True)
class NewTheme(Operation):
    """A theme an officer makes from answers they chose (a split by hand). The answers move
    to it and stay there; its centre is their mean, so new answers nearest it join it."""

    theme_id: str = ""
    label: str = ""
    answer_ids: tuple[str, ...] = ()
    kind: ClassVar[str] = "new_theme"


@dataclass(frozen=True)
class MarkNotRelevant(Operation):
    """Retire a theme: its answers, and new answers nearest it, become unassigned."""

    theme_id: str = ""
    kind: ClassVar[str] = "mark_not_relevant"


@dataclass(frozen=True)
class AddAnswers(Operation):
    """New responses assigned to the existing themes without moving any earlier answer."""

    answer_ids: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    kind: ClassVar[str] = "add_answers"


@dataclass(frozen=True)
class SetStatements(Operation):
    """An officer's wording (or acceptance, unchanged) of a theme's two sentences about
    support and opposition; they are then no longer machine-drafted."""

    theme_id: str = ""
    majority: str = ""
    minority: str = ""
    kind: ClassVar[str] = "statements"


@dataclass(frozen=True)
class Relearn(Operation):
    """Re-place every answer no officer has placed, learning from those they have
    (accepted, moved, chosen for a new theme) and from the themes' centres (a pinned
    seed theme's and a split's parts' included): see :mod:`analysis.learn`."""

    kind: ClassVar[str] = "relearn"


@dataclass(frozen=True)
class UndoRelearn(Operation):
    """Put back the answers a :class:`Relearn` (version ``undoes``) moved, unless an
    officer has placed them since, and the themes' centres from before it."""

    undoes: int = 0
    kind: ClassVar[str] = "undo_relearn"


OPERATIONS: dict[str, type[Operation]] = {
    cls.kind: cls
    for cls in (
        RenameTheme,
        DescribeTheme,
        MergeThemes,
        SplitTheme,
        MoveAnswer,
        PinSeedTheme,
        NewTheme,
        MarkNotRelevant,
        AddAnswers,
        SetStatements,
        Relearn,
        UndoRelearn,
    )
}


def _of_type(value: object, expected: str) -> bool:
    """Whether a value read from JSON suits a field annotated ``expected`` ("str" or "int")."""
    if expected == "str":
        return isinstance(value, str)
    if expected == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    return False


def operation_from_dict(data: dict[str, Any]) -> Operation:
    data = dict(data)
    kind = data.pop("kind", None)
    cls = OPERATIONS.get(str(kind))
    if cls is None:
        raise CodebookError(f"unknown codebook operation {kind!r}")
    known = {f.name: f for f in fields(cls)}
    for key, value in data.items():
        if key not in known:
            continue
        expected = str(known[key].type)
        if expected.startswith("tuple") and isinstance(value, list | tuple):
            if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in value):
                raise CodebookError(f"bad {kind} operation: {key} must be a list of ids or texts")
            data[key] = tuple(str(v) for v in value)
        elif not _of_type(value, expected):
            shown = {"str": "text", "int": "a whole number"}.get(expected, "a list")
            raise CodebookError(f"bad {kind} operation: {key} must be {shown}")
    unknown = sorted(set(data) - set(known))
    missing = [
        name
        for name, f in known.items()
        if name not in data and f.default is MISSING and f.default_factory is MISSING
    ]
    if unknown or missing:
        problems = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"unknown {', '.join(unknown)}"] if unknown else []
        )
        raise CodebookError(f"bad {kind} operation: {'; '.join(problems)}")
    try:
        return cls(**data)
    except (TypeError, ValueError) as exc:
        raise CodebookError(f"bad {kind} operation: {exc}") from None


@dataclass
class Codebook:
    """An ordered list of operations numbered 1, 2, 3, ..."""

    operations: list[Operation] = field(default_factory=list)

    @property
    def version(self) -> int:
        return self.operations[-1].version if self.operations else 0

    def record(self, op: Operation) -> Operation:
        if op.version != self.version + 1:
            raise CodebookError(f"expected version {self.version + 1}, got {op.version}")
        self.operations.append(op)
        return op

    def _add(self, cls: type[Operation], author: str, at: str | None, **fields: Any) -> Operation:
        return self.record(cls(version=self.version + 1, author=author, at=at or _now(), **fields))

    def rename(self, theme_id: str, label: str, *, author: str, at: str | None = None) -> Operation:
        return self._add(RenameTheme, author, at, theme_id=theme_id, label=label)

    def describe(self, theme_id: str, description: str, *, author: str, at: str | None = None) -> Operation:
        return self._add(DescribeTheme, author, at, theme_id=theme_id, description=description)

    def merge(self, theme_ids: Sequence[str], into: str, *, author: str, at: str | None = None) -> Operation:
        return self._add(MergeThemes, author, at, theme_ids=tuple(theme_ids), into=into)

    def split(
        self,
        theme_id: str,
        n: int = 2,
        *,
        author: str,
        at: str | None = None,
        new_theme_ids: Sequence[str] | None = None,
        random_state: int = 0,
    ) -> Operation:
        ids = tuple(new_theme_ids) if new_theme_ids else tuple(f"{theme_id}.{i + 1}" for i in range(n))
        return self._add(
            SplitTheme, author, at, theme_id=theme_id, new_theme_ids=ids, random_state=random_state
        )

    def move_answer(
        self,
        answer_id: str,
        theme_id: str,
        *,
        author: str,
        at: str | None = None,
        review: str = "",
        from_theme: str = "",
    ) -> Operation:
        return self._add(
            MoveAnswer,
            author,
            at,
            answer_id=answer_id,
            theme_id=theme_id,
            review=review,
            from_theme=from_theme,
        )

    def pin_seed_theme(
        self, theme_id: str, label: str, seed_text: str, *, author: str, at: str | None = None
    ) -> Operation:
        return self._add(PinSeedTheme, author, at, theme_id=theme_id, label=label, seed_text=seed_text)

    def new_theme(
        self, theme_id: str, label: str, answer_ids: Sequence[str], *, author: str, at: str | None = None
    ) -> Operation:
        return self._add(NewTheme, author, at, theme_id=theme_id, label=label, answer_ids=tuple(answer_ids))

    def mark_not_relevant(self, theme_id: str, *, author: str, at: str | None = None) -> Operation:
        return self._add(MarkNotRelevant, author, at, theme_id=theme_id)

    def add_answers(
        self, answer_ids: Sequence[str], texts: Sequence[str], *, author: str, at: str | None = None
    ) -> Operation:
        return self._add(AddAnswers, author, at, answer_ids=tuple(answer_ids), texts=tuple(texts))

    def set_statements(
        self, theme_id: str, majority: str, minority: str, *, author: str, at: str | None = None
    ) -> Operation:
        return self._add(SetStatements, author, at, theme_id=theme_id, majority=majority, minority=minority)

    def relearn(self, *, author: str, at: str | None = None) -> Operation:
        return self._add(Relearn, author, at)

    def undo_relearn(self, undoes: int, *, author: str, at: str | None = None) -> Operation:
        return self._add(UndoRelearn, author, at, undoes=undoes)

    def to_list(self) -> list[dict[str, Any]]:
        return [op.to_dict() for op in self.operations]

    def to_json(self) -> str:
        return json.dumps({"operations": self.to_list()}, ensure_ascii=False, indent=1)

    @classmethod
    def from_list(cls, items: Sequence[dict[str, Any]]) -> Codebook:
        book = cls()
        for n, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise CodebookError(f"not a codebook: operation {n} is not an object with a 'kind'")
            book.record(operation_from_dict(item))
        return book

    @classmethod
    def from_json(cls, text: str) -> Codebook:
        """A codebook from its JSON: a list of operations, or an object whose "operations"
        is that list (as :meth:`to_json` writes it)."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CodebookError(f"not a codebook: not JSON ({exc})") from None
        items = data.get("operations") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise CodebookError(
                'not a codebook: expected a list of operations or an object with an "operations" list'
            )
        return cls.from_list(items)


@dataclass
class _ThemeEntry:
    id: str
    centre: FloatArray
    label: str | None = None  # an officer's label; None means use the keywords
    relevant: bool = True
    pinned: bool = False
    description: str = ""
    statements: tuple[str, str] | None = None  # an officer's; None: machine-drafted


class ThemeState:
    """The themes and assignments after replaying a codebook on a fitted model."""

    def __init__(self, model: ThemeModel, prepared: dict[str, Any] | None = None) -> None:
        """``prepared`` is what :meth:`prepared` returned for an earlier replay of the same
        codebook: it spares re-embedding added answers and re-counting words, the slow
        part of a replay (about 30 s for 100,000 added answers)."""
        self.model = model
        self.answer_ids: list[str] = list(model.ids_)
        self.texts: list[str] = list(model.texts_)
        self.vectors: FloatArray = np.asarray(model.embedding_, dtype=np.float32).copy()
        points: Any = getattr(model, "point_vectors_", None)
        owners: Any = getattr(model, "point_owner_", None)
        if points is None or owners is None:
            # A model saved before answers were split into points: split them now.
            _, points, owners = model.embed_answers(self.texts)
        self.point_vectors: FloatArray = np.asarray(points, dtype=np.float32)
        self.point_owner: IntArray = np.asarray(owners, dtype=np.int64)
        self.languages: list[str] = list(model.languages_ or [language_of(t) for t in self.texts])
        self.phrases: PhraseIndex | None = None  # made on first use, then extended
        self.groups: IntArray | None = model.groups_
        self._clean: list[str] | None = None  # the texts redacted, made on first use
        self._described_for: tuple[tuple[int, int], list[_ThemeEntry], Described] | None = None
        self._group_keys: dict[str, int] | None = None  # text key -> group, made when answers are added
        self.assignment: list[str] = [
            model.theme_ids_[lab] if lab >= 0 else UNASSIGNED for lab in model.labels_
        ]
        self.themes: dict[str, _ThemeEntry] = {
            tid: _ThemeEntry(tid, model.cluster_centers_[i].copy()) for i, tid in enumerate(model.theme_ids_)
        }
        self.placed: set[str] = set()  # answers an officer moved by hand
        self.kept: set[str] = set()  # ... of which the officer first left where the engine had them
        # What each Relearn moved: version -> {answer id: (from theme, to theme)}, and the
        # centres it replaced (for UndoRelearn); versions undone since.
        self.relearned: dict[int, dict[str, tuple[str, str]]] = {}
        self._centres_before: dict[int, dict[str, FloatArray]] = {}
        self.undone: set[int] = set()
        self.version = 0
        self._index = {a: i for i, a in enumerate(self.answer_ids)}
        # Each answer's word counts, for theme keywords: made once, kept while the state
        # lives (texts never change, only which theme they are in).
        self._words: Any = None
        # What each add_answers operation embedded: version -> (first id, answer vectors,
        # point vectors, each point's answer as a row among the added answers).
        self.embedded: dict[int, tuple[Any, ...]] = dict((prepared or {}).get("embedded", {}))
        # Each answer's stance (analysis.stance), made on first use and extended.
        fitted: list[str] | None = getattr(model, "stances_", None)
        self._stances: list[str] | None = (prepared or {}).get("stances") or (
            list(fitted) if fitted is not None else None
        )
        self._stored_words: Any = (prepared or {}).get("words")

    # -- helpers ----------------------------------------------------------------------

    def _theme(self, theme_id: str) -> _ThemeEntry:
        entry = self.themes.get(theme_id)
        if entry is None:
            raise CodebookError(f"no theme {theme_id!r}")
        return entry

    def _new_theme_id(self, theme_id: str) -> None:
        if not theme_id or theme_id == UNASSIGNED or theme_id in self.themes:
            raise CodebookError(f"theme id {theme_id!r} is empty or already used")

    def _members(self, theme_id: str) -> np.ndarray[Any, np.dtype[np.int64]]:
        return np.array([i for i, t in enumerate(self.assignment) if t == theme_id], dtype=np.int64)

    def _nearest(self, vectors: FloatArray) -> tuple[list[str], FloatArray]:
        """Nearest theme by fixed centre; a retired theme's nearest answers stay unassigned."""
        ids = list(self.themes)
        if not ids:
            return [UNASSIGNED] * len(vectors), np.zeros(len(vectors), dtype=np.float32)
        centres = np.vstack([self.themes[t].centre for t in ids])
        sims = vectors @ centres.T
        best = sims.argmax(axis=1)
        out, scores = [], np.zeros(len(vectors), dtype=np.float32)
        for row, col in enumerate(best):
            theme = self.themes[ids[col]]
            if not vectors[row].any() or not theme.relevant:
                out.append(UNASSIGNED)
            else:
                out.append(theme.id)
                scores[row] = max(0.0, float(sims[row, col]))
        return out, scores

    # -- operations -------------------------------------------------------------------

    def apply(self, op: Operation) -> None:
        if op.version != self.version + 1:
            raise CodebookError(f"operation version {op.version} does not follow {self.version}")
        if isinstance(op, RenameTheme):
            self._theme(op.theme_id).label = op.label.strip() or None
        elif isinstance(op, DescribeTheme):
            self._theme(op.theme_id).description = op.description.strip()
        elif isinstance(op, MergeThemes):
            self._merge(op)
        elif isinstance(op, SplitTheme):
            self._split(op)
        elif isinstance(op, MoveAnswer):
            if op.answer_id not in self._index:
                raise CodebookError(f"no answer {op.answer_id!r}")
            if op.theme_id != UNASSIGNED:
                self._theme(op.theme_id)
            row = self._index[op.answer_id]
            if op.answer_id not in self.placed and self.assignment[row] == op.theme_id:
                # The officer's first decision kept it where the engine had it (for learning).
                self.kept.add(op.answer_id)
            self.assignment[row] = op.theme_id
            self.placed.add(op.answer_id)
        elif isinstance(op, PinSeedTheme):
            self._pin(op)
        elif isinstance(op, NewTheme):
            self._new(op)
        elif isinstance(op, MarkNotRelevant):
            theme = self._theme(op.theme_id)
            theme.relevant = False
            self.assignment = [UNASSIGNED if t == theme.id else t for t in self.assignment]
        elif isinstance(op, AddAnswers):
            self.add_answers(op.answer_ids, op.texts, version=op.version)
        elif isinstance(op, SetStatements):
            self._theme(op.theme_id).statements = (op.majority.strip(), op.minority.strip())
        elif isinstance(op, Relearn):
            self._relearn(op)
        elif isinstance(op, UndoRelearn):
            self._undo_relearn(op)
        else:  # pragma: no cover - every kind is handled above
            raise CodebookError(f"cannot apply {op.kind}")
        self.version = op.version

    def _merge(self, op: MergeThemes) -> None:
        into = self._theme(op.into)
        others = [self._theme(t) for t in op.theme_ids if t != op.into]
        if not others:
            raise CodebookError("a merge needs at least one other theme")
        weights = [max(len(self._members(t.id)), 1) for t in [into, *others]]
        centre = sum(w * t.centre for w, t in zip(weights, [into, *others], strict=True))
        into.centre = normalize(np.asarray(centre, dtype=np.float32).reshape(1, -1))[0]
        gone = {t.id for t in others}
        self.assignment = [op.into if t in gone else t for t in self.assignment]
        for t in gone:
            del self.themes[t]

    def _split(self, op: SplitTheme) -> None:
        source = self._theme(op.theme_id)
        if len(op.new_theme_ids) < 2:
            raise CodebookError("a split needs at least two new theme ids")
        for t in op.new_theme_ids:
            self._new_theme_id(t)
        members = self._members(source.id)
        vectors = self.vectors[members]
        if distinct_rows(vectors, 5) < len(op.new_theme_ids):
            raise CodebookError(f"theme {op.theme_id!r} has too few different answers to split")
        km = KMeans(n_clusters=len(op.new_theme_ids), n_init=10, random_state=op.random_state).fit(vectors)
        centres = normalize(np.asarray(km.cluster_centers_, dtype=np.float32))
        entries = list(self.themes.values())
        pos = entries.index(source)
        new = [
            _ThemeEntry(tid, centres[i], None, source.relevant, False)
            for i, tid in enumerate(op.new_theme_ids)
        ]
        self.themes = {t.id: t for t in entries[:pos] + new + entries[pos + 1 :]}
        for row, lab in zip(members, km.labels_, strict=True):
            self.assignment[row] = op.new_theme_ids[lab]

    def _pin(self, op: PinSeedTheme) -> None:
        self._new_theme_id(op.theme_id)
        centre = self.model.embed([op.seed_text or op.label])[0]
        if not centre.any():
            raise CodebookError("the seed text has no words the model knows")
        self.themes[op.theme_id] = _ThemeEntry(op.theme_id, centre, op.label.strip() or None, True, True)
        seed_sims = self.vectors @ centre
        for row, current in enumerate(self.assignment):
            if self.answer_ids[row] in self.placed or current == UNASSIGNED:
                continue
            own = float(self.vectors[row] @ self.themes[current].centre) if current in self.themes else -1.0
            if seed_sims[row] > own:
                self.assignment[row] = op.theme_id

    def _new(self, op: NewTheme) -> None:
        self._new_theme_id(op.theme_id)
        if not op.answer_ids:
            raise CodebookError("a new theme needs at least one answer")
        missing = [a for a in op.answer_ids if a not in self._index]
        if missing:
            raise CodebookError(f"no answer {missing[0]!r}")
        rows = [self._index[a] for a in op.answer_ids]
        centre = self.vectors[rows].sum(axis=0)
        if not centre.any():
            raise CodebookError("the chosen answers have no words the model knows")
        entry = _ThemeEntry(
            op.theme_id, normalize(centre.reshape(1, -1))[0], op.label.strip() or None, True, False
        )
        # Listed after the theme the first chosen answer came from, like a split's parts.
        entries = list(self.themes.values())
        source = self.themes.get(self.assignment[rows[0]])
        pos = entries.index(source) + 1 if source is not None else len(entries)
        self.themes = {t.id: t for t in [*entries[:pos], entry, *entries[pos:]]}
        for row, answer in zip(rows, op.answer_ids, strict=True):
            self.assignment[row] = op.theme_id
            self.placed.add(answer)

    def learnt_from(self) -> dict[int, str]:
        """The answers a relearn learns from: row -> theme, for every answer an officer
        placed in a theme that is still in use."""
        return {
            self._index[a]: self.assignment[self._index[a]]
            for a in self.placed
            if self.assignment[self._index[a]] in self.themes
            and self.themes[self.assignment[self._index[a]]].relevant
        }

    def _relearn(self, op: Relearn) -> None:
        ids = [t.id for t in self.themes.values() if t.relevant]
        column = {t: j for j, t in enumerate(ids)}
        rows = np.array([r for r, t in enumerate(self.assignment) if t in column], dtype=np.int64)
        position = {int(r): i for i, r in enumerate(rows)}
        learnt_from = self.learnt_from()
        labelled = {position[r]: column[t] for r, t in learnt_from.items()}
        if not labelled:
            raise CodebookError("accept or move some answers first: there is nothing to learn from yet")
        centres: FloatArray = np.vstack([self.themes[t].centre for t in ids]).astype(np.float32)
        agreement = sum(self.answer_ids[r] in self.kept for r in learnt_from) / len(learnt_from)
        try:
            current = np.array([column[self.assignment[r]] for r in rows.tolist()], dtype=np.int64)
            counts = self._word_counts()
            words = counts[rows] if counts is not None else None
            learnt = relearn(self.vectors[rows], centres, current, labelled, agreement, words=words)
        except ValueError as error:
            raise CodebookError(str(error)) from None
        moved: dict[str, tuple[str, str]] = {}
        for i, row in enumerate(rows.tolist()):
            before, after = self.assignment[row], ids[int(learnt.labels[i])]
            if before != after:
                moved[self.answer_ids[row]] = (before, after)
                self.assignment[row] = after
        self.relearned[op.version] = moved
        self._centres_before[op.version] = {t: self.themes[t].centre for t in ids}
        for j, t in enumerate(ids):
            self.themes[t].centre = learnt.centres[j]

    def _undo_relearn(self, op: UndoRelearn) -> None:
        moved = self.relearned.get(op.undoes)
        if moved is None:
            raise CodebookError(f"version {op.undoes} is not a relearn")
        if op.undoes in self.undone:
            raise CodebookError(f"version {op.undoes} has already been undone")
        for answer_id, (before, _after) in self.undoable(op.undoes).items():
            self.assignment[self._index[answer_id]] = before
        for theme_id, centre in self._centres_before[op.undoes].items():
            if theme_id in self.themes:
                self.themes[theme_id].centre = centre
        self.undone.add(op.undoes)

    def undoable(self, version: int) -> dict[str, tuple[str, str]]:
        """What undoing relearn ``version`` would put back: answer id -> (the theme it goes
        back to, the theme it is in), for each answer it moved that no officer has placed
        since, that is still where it put it, and whose theme before is still in use."""
        return {
            answer_id: (before, after)
            for answer_id, (before, after) in self.relearned.get(version, {}).items()
            if answer_id not in self.placed
            and self.assignment[self._index[answer_id]] == after
            and before in self.themes
            and self.themes[before].relevant
        }

    def subgroups(self, theme_id: str, parts: int = 2, random_state: int = 0) -> list[list[str]]:
        """How the engine would split a theme: its answers (main theme) in ``parts`` groups
        by k-means on their vectors, largest first. Nothing changes; an officer can make a
        theme of a group (:class:`NewTheme`). [] when the theme has too few different answers."""
        members = self._members(self._theme(theme_id).id)
        vectors = self.vectors[members]
        if len(members) < 2 * parts or distinct_rows(vectors, 5) < parts:
            return []
        labels = KMeans(n_clusters=parts, n_init=10, random_state=random_state).fit_predict(vectors)
        groups = [
            [self.answer_ids[r] for r, lab in zip(members, labels, strict=True) if lab == g]
            for g in range(parts)
        ]
        return sorted(groups, key=lambda g: (-len(g), g[0]))

    @reading_once()  # each new answer is read several times over (analysis.memo)
    def add_answers(
        self, answer_ids: Sequence[str], texts: Sequence[str], *, version: int | None = None
    ) -> list[str]:
        """Place new answers against the fixed theme centres; known ids keep their theme,
        and an id given twice is added once, with its first text."""
        if len(answer_ids) != len(texts):
            raise ValueError(f"{len(answer_ids)} answer ids but {len(texts)} texts: give one id per text")
        new_rows: list[tuple[str, str]] = []
        given: set[str] = set()
        for a, t in zip(answer_ids, texts, strict=True):
            answer_id = str(a)
            if answer_id not in self._index and answer_id not in given:
                given.add(answer_id)
                new_rows.append((answer_id, as_text(t)))
        if new_rows:
            known = self.embedded.get(version) if version is not None else None
            if (
                known is not None
                and len(known) == 4
                and known[0] == new_rows[0][0]
                and len(known[1]) == len(new_rows)
            ):
                _, vectors, points, owners = known
            else:
                vectors, points, owners = self.model.embed_answers([t for _, t in new_rows])
                if version is not None:
                    self.embedded[version] = (new_rows[0][0], vectors, points, owners)
            rows_before = len(self.answer_ids)
            themes, _ = self._nearest(vectors)
            for (answer_id, text), theme in zip(new_rows, themes, strict=True):
                self._index[answer_id] = len(self.answer_ids)
                self.answer_ids.append(answer_id)
                self.texts.append(text)
                self.languages.append(language_of(text))
                self.assignment.append(theme if not is_meaningless(text) else UNASSIGNED)
            # One copy for all of them: stacking row by row made adding n answers O(n²).
            self.vectors = np.vstack([self.vectors, vectors])
            self.point_vectors = np.vstack([self.point_vectors, np.asarray(points, dtype=np.float32)])
            self.point_owner = np.concatenate(
                [self.point_owner, np.asarray(owners, dtype=np.int64) + rows_before]
            )
            clean = redacted([t for _, t in new_rows])
            if self._stances is not None and len(self._stances) == rows_before:
                self._stances.extend(stances([t for _, t in new_rows], self._question()))
            if self._clean is not None:
                self._clean.extend(clean)
            if self.phrases is not None:
                self.phrases.extend(clean)
            self._extend_groups(rows_before)
            if self._words is not None and self._words.shape[0] == rows_before:
                vec = self.model.word_vectorizer_
                added = vec.transform(clean)
                self._words = sparse.vstack([self._words, added]).tocsr()
            else:
                self._words = None
        return [self.assignment[self._index[str(a)]] for a in answer_ids]

    def _extend_groups(self, rows_before: int) -> None:
        """Group added answers with the identical answers already here (by their text
        reduced to letters and digits); near-identical matching by vector is left to the
        next full analysis, as comparing with every answer would be slow at 100,000."""
        if self.groups is None:
            return
        if self._group_keys is None:
            self._group_keys = {}
            for row in range(rows_before):
                if self.groups[row] == row and not is_meaningless(self.texts[row]):
                    self._group_keys.setdefault(duplicate_key(self.texts[row]), row)
        added = np.arange(rows_before, len(self.texts), dtype=np.int64)
        for row in added.tolist():
            if is_meaningless(self.texts[row]):
                continue
            key = duplicate_key(self.texts[row])
            added[row - rows_before] = self._group_keys.setdefault(key, row)
        self.groups = np.concatenate([self.groups, added])

    # -- output -----------------------------------------------------------------------

    def prepared(self) -> dict[str, Any]:
        """The slow-to-make parts of this replay, to pass to the next :class:`ThemeState` of
        the same model and codebook (see ``__init__``)."""
        return {"embedded": dict(self.embedded), "words": self._words, "stances": self.stances()}

    def stances(self) -> list[str]:
        """Each answer's stance toward the question (support, oppose, mixed, neither)."""
        if self._stances is None or len(self._stances) != len(self.texts):
            self._stances = stances(self.texts, self._question())
        return self._stances

    def _question(self) -> str | None:
        return getattr(self.model, "question", None)  # an older saved model may have none

    def scores(self) -> FloatArray:
        """How central each answer is to its main theme (cosine to the theme's centre, 0
        to 1): quotes are the most central answers."""
        out = np.zeros(len(self.answer_ids), dtype=np.float32)
        for row, theme_id in enumerate(self.assignment):
            if theme_id in self.themes:
                out[row] = max(0.0, float(self.vectors[row] @ self.themes[theme_id].centre))
        return out

    def sureness(self) -> FloatArray:
        """How sure the engine is of each answer's main theme, for the review queue: how
        much nearer (cosine) the answer is to its theme's centre than to the nearest other
        relevant theme's. Below 0 when another theme's centre is nearer (the boundary the
        engine's self-training drew, or an officer's move); 0 for an answer in no relevant
        theme. Reviewing the least sure first finds the misplaced answers sooner than
        reviewing the least central (docs/analysis.md, "Learning from corrections")."""
        out = np.zeros(len(self.answer_ids), dtype=np.float32)
        active = [t for t in self.themes.values() if t.relevant]
        column = {t.id: j for j, t in enumerate(active)}
        rows = np.array([r for r, t in enumerate(self.assignment) if t in column], dtype=np.int64)
        if not len(rows):
            return out
        own = np.array([column[self.assignment[r]] for r in rows], dtype=np.int64)
        sims = self.vectors[rows] @ np.vstack([t.centre for t in active]).T
        everyone = np.arange(len(rows))
        mine = sims[everyone, own].copy()
        if len(active) > 1:
            sims[everyone, own] = -np.inf
            mine -= sims.max(axis=1)
        out[rows] = mine
        return out

    def _described(self) -> tuple[list[_ThemeEntry], Described]:
        """The current relevant themes, and what describing them needs. Made once per
        state of the replay: every operation moves ``version`` and adding answers the
        count, so a result, its themes and further themes share one computation."""
        key = (self.version, len(self.answer_ids))
        if self._described_for is not None and self._described_for[0] == key:
            return self._described_for[1], self._described_for[2]
        active = [t for t in self.themes.values() if t.relevant]
        index = {t.id: i for i, t in enumerate(active)}
        primary = np.array([index.get(t, -1) for t in self.assignment], dtype=np.int64)
        scores = self.scores()
        vec = self.model.word_vectorizer_
        words = self._word_counts() if active else None
        if self.phrases is None:
            self.phrases = PhraseIndex.build(self._redacted())
        if self.groups is None:
            self.groups = duplicate_groups(self.texts, self.vectors, within=primary)
        dims = self.vectors.shape[1]
        centres = np.vstack([t.centre for t in active]) if active else np.zeros((0, dims), dtype=np.float32)
        raised_by: dict[tuple[int, int], list[int]] = {}
        others = other_themes(
            self.point_vectors, self.point_owner, primary, centres, scores, raised_by=raised_by
        )
        about = Described(
            texts=self.texts,
            primary=primary,
            scores=scores,
            others=others,
            groups=self.groups,
            languages=self.languages,
            words=words,
            vocabulary=vec.get_feature_names_out().tolist() if words is not None else [],
            phrases=self.phrases,
            surface=self.model.surface_,
            point_owner=self.point_owner,
            raised_by=raised_by,
        )
        self._described_for = (key, active, about)
        return active, about

    def _word_counts(self) -> Any:
        """Every answer's TF-IDF word counts (the engine's word vectorizer on the redacted
        texts), made once and extended; None when the model has no vectorizer."""
        vec = self.model.word_vectorizer_
        if vec is None:
            return None
        if self._words is None:
            stored = self._stored_words
            fits = stored is not None and stored.shape[0] == len(self.texts)
            self._words = stored if fits else vec.transform(self._redacted())
        return self._words

    def _redacted(self) -> list[str]:
        """Every answer redacted (for phrases and keywords), made once and extended."""
        if self._clean is None:
            self._clean = redacted(self.texts)
        return self._clean

    @reading_once()  # naming each theme reads its answers once per phrase weighed (analysis.memo)
    def themes_list(self, redact_quotes: bool = True) -> list[Theme]:
        """Current relevant themes with sizes, keywords, labels, quotes and duplicates."""
        active, about = self._described()
        themes = describe(
            about,
            [t.id for t in active],
            self.model.n_quotes,
            officer_labels=[t.label for t in active],
            redacted=redact_quotes,
        )
        split = theme_stances(about, len(themes), self.stances(), self._redacted(), self._question())
        # A machine-named theme that no answer has as its main theme any more (officers
        # or re-placing moved them all) keeps the name it was fitted with: officers know
        # it by that name, and an empty theme has no answers to name it from.
        fitted = {t.id: t.label for t in getattr(self.model, "themes_", None) or []}
        for index, theme in enumerate(themes):
            entry = self.themes[theme.id]
            if not theme.primary and entry.label is None and fitted.get(theme.id):
                theme.label = fitted[theme.id]
            theme.description = entry.description
            theme.stance, drafted = split[index]
            if entry.statements is not None:
                theme.statements, theme.statements_by_officer = list(entry.statements), True
            else:
                theme.statements = [drafted.majority, drafted.minority]
        return themes

    def further_themes(self) -> dict[str, list[str]]:
        """Answer id -> the themes its points raise besides its main theme (best first)."""
        active, about = self._described()
        return {
            self.answer_ids[row]: [active[t].id for t, _ in found]
            for row, found in sorted(about.others.items())
        }

    def result(self, redact_quotes: bool = True, answer_ids: Sequence[str] | None = None) -> dict[str, Any]:
        """JSON-ready themes and assignments. Only pass ``redact_quotes=False`` for an
        officer who is permitted to see personal data. ``theme_id`` is an answer's main
        theme; ``themes`` lists it first, then any further themes its points raise."""
        scores = self.scores()
        active, about = self._described()
        rows = (
            range(len(self.answer_ids)) if answer_ids is None else [self._index[str(a)] for a in answer_ids]
        )

        def themes_of(r: int) -> list[dict[str, Any]]:
            if self.assignment[r] not in self.themes:
                return []
            out = [{"id": self.assignment[r], "score": round(float(scores[r]), 4)}]
            out += [{"id": active[t].id, "score": round(float(s), 4)} for t, s in about.others.get(r, [])]
            return out

        return {
            "version": self.version,
            "themes": [t.to_dict() for t in self.themes_list(redact_quotes)],
            "assignments": [
                {
                    "id": self.answer_ids[r],
                    "theme_id": self.assignment[r],
                    "score": round(float(scores[r]), 4),
                    "themes": themes_of(r),
                    "language": self.languages[r],
                }
                for r in rows
            ],
        }


def apply(model: ThemeModel, codebook: Codebook, upto_version: int | None = None) -> ThemeState:
    """Replay the codebook on a fitted model, up to and including ``upto_version``."""
    state = ThemeState(model)
    for op in codebook.operations:
        if upto_version is not None and op.version > upto_version:
            break
        state.apply(op)
    return state

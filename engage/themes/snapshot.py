"""A theme analysis's saved snapshot (``ThemeAnalysis.result``), typed.

The snapshot is stored as JSON; :class:`Snapshot` and :class:`SnapshotTheme` are the one
place its keys are read, so every page, export, report and job sees the same fields with
the same defaults (snapshots saved by older versions lack some of them).

An answer has a main theme (``assignments``) and may raise further themes with its other
points (``further``). Wherever answers are counted or listed under a theme, an answer
counts under each theme it raises, so a theme's count is "answers that raise it" and
shares across themes can add up to more than 100%.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["EqualityTable", "Relearnt", "Snapshot", "SnapshotTheme"]


# "(8 of 9)" in a sentence about support and opposition.
_OUT_OF = re.compile(r"\((\d+) of (\d+)\)")


@dataclass(frozen=True)
class EqualityTable:
    """How the people in a theme answered one equality question (small groups suppressed)."""

    question: str
    answered: int
    suppressed: Any
    #: (answer, how many); the count is ``None`` where it is suppressed.
    rows: list[tuple[str, int | None]]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EqualityTable:
        return cls(
            question=str(data.get("question", "")),
            answered=int(data.get("answered", 0)),
            suppressed=data.get("suppressed"),
            rows=[
                (str(label), None if count is None else int(count)) for label, count in data.get("rows", [])
            ],
        )


@dataclass(frozen=True)
class SnapshotTheme:
    """One theme as officers see it: its label and key phrase, size, quotes and splits."""

    id: str
    label: str
    size: int
    keywords: list[str] = field(default_factory=list)
    #: Answers whose main theme this is (``size`` also counts answers raising it by a further point).
    primary: int = 0
    key_phrase: str = ""
    #: How many of the theme's answers mention the key phrase.
    mentions: int = 0
    quotes: list[str] = field(default_factory=list)
    #: For each quote, how many people sent the same or almost the same text.
    quote_counts: list[int] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    not_english: int = 0
    #: What the theme is about, in an officer's words ("" until one writes it).
    description: str = ""
    by_locality: dict[str, int] = field(default_factory=dict)
    by_branch: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    #: ``None`` when the snapshot was saved before equality splits were kept.
    by_equality: list[EqualityTable] | None = None
    #: Its answers by stance (support, oppose, mixed, neither); {} in older snapshots.
    stance: dict[str, int] = field(default_factory=dict)
    #: "Most who raised this …" and "A minority …": machine-drafted unless
    #: ``statements_by_officer``.
    statements: list[str] = field(default_factory=list)
    statements_by_officer: bool = False

    @property
    def statements_out_of_date(self) -> bool:
        """Whether an officer's sentences give numbers ("(8 of 9)") that no longer add up to
        the answers that raise the theme now (new answers came in, or answers moved)."""
        if not self.statements_by_officer or not self.stance:
            return False
        total = sum(self.stance.values())
        return any(int(whole) != total for _, whole in _OUT_OF.findall(" ".join(self.statements)))

    @property
    def phrase_shown(self) -> str:
        """The key phrase as the label writes it ("open on Sunday mornings" for "Open on
        Sunday mornings"), where the label is the phrase; else as matched (lower case)."""
        if self.label.lower() == self.key_phrase:
            return self.label[:1].lower() + self.label[1:]
        return self.key_phrase

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SnapshotTheme:
        equality = data.get("by_equality")
        return cls(
            id=str(data["id"]),
            label=str(data.get("label", "")),
            size=int(data.get("size", 0)),
            keywords=[str(k) for k in data.get("keywords", [])],
            primary=int(data.get("primary", 0)),
            key_phrase=str(data.get("key_phrase", "")),
            mentions=int(data.get("mentions", 0)),
            quotes=[str(q) for q in data.get("quotes", [])],
            quote_counts=[int(c) for c in data.get("quote_counts", [])],
            duplicates=[dict(d) for d in data.get("duplicates", [])],
            not_english=int(data.get("not_english", 0)),
            description=str(data.get("description", "")),
            by_locality={str(k): int(v) for k, v in data.get("by_locality", {}).items()},
            by_branch={str(k): int(v) for k, v in data.get("by_branch", {}).items()},
            by_channel={str(k): int(v) for k, v in data.get("by_channel", {}).items()},
            by_equality=None if equality is None else [EqualityTable.from_dict(t) for t in equality],
            stance={str(k): int(v) for k, v in data.get("stance", {}).items()},
            statements=[str(x) for x in data.get("statements", [])],
            statements_by_officer=bool(data.get("statements_by_officer", False)),
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.by_equality is None:
            del data["by_equality"]
        else:
            data["by_equality"] = [{**asdict(t), "rows": [list(r) for r in t.rows]} for t in self.by_equality]
        return data


@dataclass(frozen=True)
class Relearnt:
    """The latest time the engine re-placed answers from officers' corrections: the
    codebook version that did it, each answer it moved (id -> [from theme, to theme]),
    and whether it has been undone since."""

    version: int
    moved: dict[str, list[str]] = field(default_factory=dict)
    undone: bool = False

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Relearnt:
        return cls(
            version=int(data["version"]),
            moved={str(a): [str(t) for t in pair] for a, pair in data.get("moved", {}).items()},
            undone=bool(data.get("undone", False)),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "moved": self.moved, "undone": self.undone}

    def into(self) -> Counter[str]:
        """How many answers it moved into each theme."""
        return Counter(to for _from, to in self.moved.values())


@dataclass(frozen=True)
class Snapshot:
    """What a theme analysis found: its themes (largest first) and which answer raises which."""

    themes: list[SnapshotTheme] = field(default_factory=list)
    #: Answer id -> its main theme id.
    assignments: dict[str, str] = field(default_factory=dict)
    #: Answer id -> the further themes its other points raise.
    further: dict[str, list[str]] = field(default_factory=dict)
    #: Answer id -> how sure the engine is of its main theme, for the review queue (least
    #: sure first): ``ThemeState.sureness``, the cosine to the theme's centre less that to
    #: the next theme's (-1 to 1). Saved before 2026-12-06: the cosine to the centre alone,
    #: until the analysis is next saved. Snapshots saved before reviews have none: every
    #: answer counts as 0.
    scores: dict[str, float] = field(default_factory=dict)
    representation: str = ""
    answers: int = 0
    unassigned: int = 0
    version: int = 0
    relearnt: Relearnt | None = None
    #: Answer id -> the language of an answer not in English: "cy" (Welsh) or "other"
    #: (analysis.language); English answers are left out. None in snapshots saved before
    #: languages were kept (the theme page then reads the answers).
    languages: dict[str, str] | None = None

    @classmethod
    def from_result(cls, result: Mapping[str, Any] | None) -> Snapshot:
        """The snapshot saved in ``ThemeAnalysis.result`` ({} before the first run)."""
        result = result or {}
        return cls(
            themes=[SnapshotTheme.from_dict(t) for t in result.get("themes", [])],
            # Read, never changed: the (possibly large) maps are used as stored, not copied.
            assignments=result.get("assignments") or {},
            further=result.get("further") or {},
            scores=result.get("scores") or {},
            representation=str(result.get("representation", "")),
            answers=int(result.get("answers", 0)),
            unassigned=int(result.get("unassigned", 0)),
            version=int(result.get("version", 0)),
            relearnt=Relearnt.from_dict(result["relearnt"]) if result.get("relearnt") else None,
            languages=result["languages"] if isinstance(result.get("languages"), dict) else None,
        )

    def to_result(self) -> dict[str, Any]:
        return {
            "themes": [t.to_dict() for t in self.themes],
            "assignments": dict(self.assignments),
            "further": {k: list(v) for k, v in self.further.items()},
            "scores": dict(self.scores),
            "representation": self.representation,
            "answers": self.answers,
            "unassigned": self.unassigned,
            "version": self.version,
            **({"relearnt": self.relearnt.to_dict()} if self.relearnt else {}),
            **({"languages": dict(self.languages)} if self.languages is not None else {}),
        }

    def theme(self, theme_id: str) -> SnapshotTheme | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    def labels(self) -> dict[str, str]:
        return {t.id: t.label for t in self.themes}

    def themes_of(self, answer_id: str) -> list[str]:
        """The themes one answer raises, main theme first; [] if it was not analysed."""
        main = self.assignments.get(answer_id)
        if main is None:
            return []
        return [main, *self.further.get(answer_id, [])]

    def answers_in(self, theme_id: str) -> set[str]:
        """The answers that raise ``theme_id``, as their main theme or a further one."""
        return {
            answer
            for answer, main in self.assignments.items()
            if main == theme_id or theme_id in self.further.get(answer, ())
        }

    def counts(self, allowed: Collection[str] | None = None) -> Counter[str]:
        """How many answers raise each theme (and how many are "unassigned"), optionally
        only among the ``allowed`` answer ids."""
        out: Counter[str] = Counter()
        for answer, main in self.assignments.items():
            if allowed is not None and answer not in allowed:
                continue
            out[main] += 1
            out.update(self.further.get(answer, []))
        return out

"""Measure redaction against the labelled catalogue: ``python -m analysis.redact_eval``.

The catalogue (``analysis/data/redaction_cases.txt``) holds consultation answers with
their personal data marked ``[[kind:text]]``. For each kind it reports:

* **recall**: the share of marked items removed *completely* (a name redacted but for its
  first word still counts as a leak);
* **character recall**: the share of the marked characters removed;
* **precision**: the share of removed characters that were personal data (by the kind
  :func:`analysis.redact.find` gave them; removing a name as an address still protects
  it, so recall does not care which kind removed it);

and, over the answers with nothing marked, how many come through unchanged. Characters
are counted without white space. ``--misses`` lists every case that leaks or over-redacts.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from analysis.redact import KINDS, Span, find, redact

__all__ = ["Case", "Report", "evaluate", "load_cases", "main", "parse_case"]

_MARK = re.compile(r"\[\[(\w+):(.+?)\]\]")


@dataclass(frozen=True)
class Case:
    text: str
    spans: tuple[Span, ...]
    line: int = 0
    part: str = ""


def parse_case(marked: str, line: int = 0, part: str = "") -> Case:
    """``"I am [[name:Sarah]]"`` → the plain text and the span of each mark."""
    marked = marked.replace("\\n", "\n")
    text: list[str] = []
    spans: list[Span] = []
    pos = length = 0
    for match in _MARK.finditer(marked):
        kind, value = match.group(1), match.group(2)
        if kind not in KINDS:
            raise ValueError(f"line {line}: unknown kind {kind!r} (one of {', '.join(KINDS)})")
        before = marked[pos : match.start()]
        text.append(before)
        length += len(before)
        spans.append(Span(length, length + len(value), kind))
        text.append(value)
        length += len(value)
        pos = match.end()
    text.append(marked[pos:])
    plain = "".join(text)
    if "[[" in plain or "]]" in plain:
        raise ValueError(f"line {line}: a mark is not closed")
    return Case(plain, tuple(spans), line, part)


def default_catalogue() -> str:
    return resources.files("analysis").joinpath("data/redaction_cases.txt").read_text(encoding="utf-8")


def load_cases(source: str | None = None) -> list[Case]:
    """Every case of the catalogue text (the packaged one by default)."""
    cases = []
    part = ""
    for number, raw in enumerate((default_catalogue() if source is None else source).splitlines(), 1):
        line = raw.strip()
        if line.startswith("#@ part:"):
            part = line.removeprefix("#@ part:").strip()
        if not line or line.startswith("#"):
            continue
        cases.append(parse_case(line, number, part))
    return cases


def _chars(text: str, spans: Sequence[Span]) -> set[int]:
    return {i for span in spans for i in range(span.start, span.end) if not text[i].isspace()}


@dataclass
class Tally:
    items: int = 0
    removed: int = 0  # items removed completely
    chars: int = 0
    chars_removed: int = 0
    found_chars: int = 0  # characters this kind removed ...
    found_right: int = 0  # ... that were personal data

    @property
    def recall(self) -> float:
        return self.removed / self.items if self.items else 1.0

    @property
    def char_recall(self) -> float:
        return self.chars_removed / self.chars if self.chars else 1.0

    @property
    def precision(self) -> float:
        return self.found_right / self.found_chars if self.found_chars else 1.0


@dataclass
class Report:
    by_kind: dict[str, Tally] = field(default_factory=lambda: {kind: Tally() for kind in KINDS})
    overall: Tally = field(default_factory=Tally)
    clean_cases: int = 0
    clean_unchanged: int = 0
    leaks: list[tuple[Case, str]] = field(default_factory=list)
    over: list[tuple[Case, str]] = field(default_factory=list)

    @property
    def clean_rate(self) -> float:
        return self.clean_unchanged / self.clean_cases if self.clean_cases else 1.0

    def markdown(self) -> str:
        lines = [
            "| kind | items | recall (items removed completely) | character recall | precision |",
            "|---|---:|---:|---:|---:|",
        ]
        for kind, tally in [*self.by_kind.items(), ("**all**", self.overall)]:
            if tally.items or tally.found_chars:
                lines.append(
                    f"| {kind} | {tally.items} | {tally.recall:.3f} | {tally.char_recall:.3f} | "
                    f"{tally.precision:.3f} |"
                )
        lines.append("")
        lines.append(
            f"Answers with no personal data left unchanged: {self.clean_unchanged} of {self.clean_cases} "
            f"({self.clean_rate:.3f})."
        )
        return "\n".join(lines)


def evaluate(cases: Sequence[Case]) -> Report:
    report = Report()
    for case in cases:
        found = find(case.text)
        removed = _chars(case.text, found)
        personal = _chars(case.text, case.spans)
        leaked = False
        for span in case.spans:
            chars = _chars(case.text, [span])
            for tally in (report.by_kind[span.kind], report.overall):
                tally.items += 1
                tally.chars += len(chars)
                tally.chars_removed += len(chars & removed)
                tally.removed += chars <= removed
            leaked = leaked or not chars <= removed
        for span in found:
            chars = _chars(case.text, [span])
            for tally in (report.by_kind[span.kind], report.overall):
                tally.found_chars += len(chars)
                tally.found_right += len(chars & personal)
        if not case.spans:
            report.clean_cases += 1
            report.clean_unchanged += not found
        output = redact(case.text)
        if leaked:
            report.leaks.append((case, output))
        if removed - personal:
            report.over.append((case, output))
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.redact_eval", description=__doc__)
    parser.add_argument("--cases", type=Path, help="a catalogue file (default: the packaged one)")
    parser.add_argument("--misses", action="store_true", help="list the cases that leak or over-redact")
    args = parser.parse_args(argv)
    try:
        source = args.cases.read_text(encoding="utf-8") if args.cases else None
        cases = load_cases(source)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    report = evaluate(cases)
    print(f"{len(cases)} answers, {report.overall.items} items of personal data\n")
    print(report.markdown())
    parts = list(dict.fromkeys(case.part for case in cases))
    if len(parts) > 1:
        print("\n| part of the catalogue | answers | items | recall | character recall | precision |", end="")
        print(" unchanged |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for part in parts:
            chosen = [case for case in cases if case.part == part]
            tally = (one := evaluate(chosen)).overall
            print(
                f"| {part or '(no part)'} | {len(chosen)} | {tally.items} | {tally.recall:.3f} | "
                f"{tally.char_recall:.3f} | {tally.precision:.3f} | "
                f"{one.clean_unchanged} of {one.clean_cases} |"
            )
    if args.misses:
        for title, rows in (("Leaks", report.leaks), ("Removed too much", report.over)):
            print(f"\n{title}:")
            for case, output in rows:
                print(f"  line {case.line}: {output!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

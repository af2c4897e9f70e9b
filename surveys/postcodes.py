"""The council's postcode-to-area table: read from a CSV an officer uploads, replaced whole.

Each row names a postcode or part of one (a whole postcode "NG1 5AB", a sector "NG1 5",
a district "NG1" or an area "NG") and the area it belongs to, by the area's name or
code. A postcode question then sets a response's area (``services.locality_from_answers``).
"""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from surveys.i18n import _
from surveys.models import PostcodeArea
from surveys.question_types import normal_postcode
from surveys.refusal import RefusedError

MAX_ROWS = 500_000
MAX_PROBLEMS = 10
_SECTOR = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9])$")
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_AREA = re.compile(r"^[A-Z]{1,2}$")


class TableError(RefusedError):
    """The file cannot be used; ``problems`` says where, a line each (the first few)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0], {"file": problems[0]})
        self.problems = problems


def normal_prefix(text: str) -> str | None:
    """A postcode or part of one written the standard way, or ``None``."""
    squashed = " ".join(text.split()).upper()
    whole = normal_postcode(squashed)
    if whole is not None:
        return whole
    sector = _SECTOR.match(squashed)
    if sector is not None:
        return f"{sector.group(1)} {sector.group(2)}"
    if _DISTRICT.match(squashed) or _AREA.match(squashed):
        return squashed
    return None


def read_table(data: bytes) -> list[tuple[str, str]]:
    """The rows of an uploaded CSV (columns "postcode" and "area"), or :class:`TableError`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableError([_("The file must be a CSV saved as UTF-8 text")]) from error
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip().casefold() for cell in next(reader, [])]
    if "postcode" not in header or "area" not in header:
        # Translators: "postcode" and "area" are the columns' names in the file: keep them in English.
        raise TableError([_("The first line must name the columns: postcode, area")])
    where, named = header.index("postcode"), header.index("area")
    rows: dict[str, str] = {}
    problems: list[str] = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (max(where, named) + 1 - len(row))
        prefix, area = normal_prefix(cells[where]), " ".join(cells[named].split())
        if prefix is None:
            problems.append(
                _(
                    "Line %(number)s: '%(text)s' is not a postcode or part of one",
                    number=number,
                    text=cells[where].strip()[:20],
                )
            )
        elif not area:
            problems.append(
                _("Line %(number)s: give the area for %(postcode)s", number=number, postcode=prefix)
            )
        elif len(area) > 100:
            problems.append(
                _("Line %(number)s: the area's name must be 100 characters or fewer", number=number)
            )
        elif rows.get(prefix, area) != area:
            problems.append(
                _(
                    "Line %(number)s: %(postcode)s is given two areas ('%(first)s' and '%(second)s')",
                    number=number,
                    postcode=prefix,
                    first=rows[prefix],
                    second=area,
                )
            )
        else:
            rows[prefix] = area
        if len(problems) >= MAX_PROBLEMS:
            break
        if len(rows) > MAX_ROWS:
            raise TableError(
                [
                    _(
                        "The file has more than %(max)s postcodes. Use sectors or districts",
                        max=format(MAX_ROWS, ","),
                    )
                ]
            )
    if problems:
        raise TableError(problems)
    if not rows:
        raise TableError([_("The file has no postcodes in it")])
    return sorted(rows.items())


def replace_table(session: Session, rows: list[tuple[str, str]]) -> None:
    session.execute(delete(PostcodeArea))
    session.add_all(PostcodeArea(prefix=prefix, area=area) for prefix, area in rows)
    session.flush()


def summary(session: Session) -> tuple[int, list[tuple[str, int]]]:
    """How many postcodes the table has, and how many each area has."""
    counted = session.execute(
        select(PostcodeArea.area, func.count()).group_by(PostcodeArea.area).order_by(PostcodeArea.area)
    )
    areas = [(area, int(number)) for area, number in counted]
    return sum(n for _area, n in areas), areas


def all_rows(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(select(PostcodeArea.prefix, PostcodeArea.area).order_by(PostcodeArea.prefix))
    return [(prefix, area) for prefix, area in rows]

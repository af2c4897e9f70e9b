"""Reading an uploaded CSV or XLSX table in bounded memory and time, whatever the file claims.

An XLSX file is a zip of XML parts, and both layers can lie. Before openpyxl reads
anything, :func:`read_xlsx` checks the zip's directory (how many parts, how big each
says it is unpacked, how far each says it unpacks from its packed size) and then streams
every XML part once through expat with no tree built: a DOCTYPE (entity expansion), too
many elements in a part, a row with more cells than Excel allows or a row number past
Excel's last row is refused there. Only then does openpyxl open the workbook, read-only;
the sheet's declared ``<dimension>`` is checked and then ignored (openpyxl would pad every
row to it, and would silently drop rows past it), and rows are read one at a time with a
column bound, stopping as soon as a limit is passed. A zip part that unpacks to more than
its directory says is cut short by ``zipfile`` at the declared size and fails its CRC, so
the declared sizes bound what is ever unpacked.

CSV files are read row by row too; the csv module's own field limit (131,072 characters)
becomes a plain message instead of an exception.

Every refusal is a :class:`TableError` with a message for the person who uploaded the file.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from surveys.refusal import RefusedError

log = logging.getLogger(__name__)

MAX_ROWS = 1_000  # rows of actions after the header (a real plan has a few hundred)
MAX_COLUMNS = 50  # the export has 10
MAX_CELL_CHARACTERS = 10_000  # the longest field an action takes is 4,000 characters
CELL_LIMIT_HINT = 4_000

MAX_UNPACKED_BYTES = 10 * 1024 * 1024  # the whole workbook unpacked; a 1,000-action export is ~2 MB
MAX_PARTS = 200  # files inside the zip; Excel writes about a dozen
RATIO_CHECKED_FROM = 1024 * 1024  # parts at least this big (unpacked) must not be bombs:
MAX_RATIO = 200  # unpacked / packed; Excel's XML packs 5 to 50 times
MAX_ELEMENTS_PER_PART = 200_000  # XML elements in one part (a 1,000-action sheet has ~30,000)
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384  # Excel's own limits
MAX_DECLARED_ROWS, MAX_DECLARED_COLUMNS = 10 * MAX_ROWS, 1_000  # a dimension beyond these is absurd


def _count(number: int) -> str:
    """A number as the messages write it: "1,000"."""
    return f"{number:,}"


# In the page's language when raised (lazy: the language is chosen per request).
NOT_A_WORKBOOK = _l("The file is not an XLSX workbook Excel can open")
TOO_MANY_ROWS = _l(
    "The file has more than %(limit)s actions. An action plan import can have up to %(limit)s actions",
    limit=_count(MAX_ROWS),
)
TOO_MANY_COLUMNS = _l(
    "The file has more than %(limit)s columns. An action plan import can have up to %(limit)s columns",
    limit=_count(MAX_COLUMNS),
)

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _DIMENSION = _MAIN + "row", _MAIN + "c", _MAIN + "dimension"
_VALUES = {_MAIN + "v", _MAIN + "is", _MAIN + "f"}


class TableError(RefusedError):
    """A file that cannot be imported, with a message for the person who uploaded it."""


def _megabytes(size: int) -> str:
    return f"{max(1, round(size / 1_000_000)):,} MB"


def _cell_too_long(row_number: int) -> TableError:
    return TableError(
        _(
            "Row %(row)s has a cell with more than %(limit)s characters. "
            "Cells in an action plan can have up to %(most)s characters",
            row=row_number,
            limit=_count(MAX_CELL_CHARACTERS),
            most=_count(CELL_LIMIT_HINT),
        )
    )


def bounded_rows(rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    """The header and then the non-blank rows, refusing the file as soon as it passes a limit."""
    actions = 0
    for number, row in enumerate(rows, start=1):
        if len(row) > EXCEL_COLUMNS or (len(row) > MAX_COLUMNS and any(map(_filled, row[MAX_COLUMNS:]))):
            raise TableError(str(TOO_MANY_COLUMNS))
        row = row[:MAX_COLUMNS]
        if any(isinstance(v, str) and len(v) > MAX_CELL_CHARACTERS for v in row):
            raise _cell_too_long(number)
        if number > 1:
            if not any(_filled(v) for v in row):
                continue
            actions += 1
            if actions > MAX_ROWS:
                raise TableError(str(TOO_MANY_ROWS))
        yield row


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


# --- CSV ---------------------------------------------------------------------------------


def read_csv(data: bytes) -> Generator[list[Any], None, None]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(_("Save the CSV file as UTF-8 and upload it again")) from None
    reader = csv.reader(io.StringIO(text))
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            # The only error a non-strict reader raises: a field past csv.field_size_limit().
            raise _cell_too_long(number + 1) from None
        number += 1
        yield row


# --- XLSX --------------------------------------------------------------------------------


def read_xlsx(data: bytes) -> Generator[list[Any], None, None]:
    """The active sheet's rows as lists of values, after the checks described above."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise TableError(str(NOT_A_WORKBOOK)) from None
    with archive:
        _check_sizes(archive)
        # Every part, whatever its name: the workbook's relationships can point anywhere.
        scans = [_scan_part(archive, info) for info in archive.infolist()]
    for rows, columns in (scan.declared for scan in scans if scan.declared):
        if rows > MAX_DECLARED_ROWS or columns > MAX_DECLARED_COLUMNS:
            raise TableError(
                _(
                    "The sheet is marked as %(rows)s rows by %(columns)s columns, too big for an action "
                    "plan. An import can have up to %(most_rows)s actions and %(most_columns)s columns: "
                    "copy the plan into a new workbook and upload that",
                    rows=_count(rows),
                    columns=_count(columns),
                    most_rows=_count(MAX_ROWS),
                    most_columns=_count(MAX_COLUMNS),
                )
            )
    last_row = max((scan.last_row for scan in scans), default=0)
    if last_row > MAX_DECLARED_ROWS:
        raise TableError(
            _(
                "The workbook has values in row %(row)s, too far down for an action plan. An import can "
                "have up to %(most)s actions: copy the plan into a new workbook and upload that",
                row=_count(last_row),
                most=_count(MAX_ROWS),
            )
        )
    yield from _read_sheet(data, last_row)


def _check_sizes(archive: zipfile.ZipFile) -> None:
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise TableError(str(NOT_A_WORKBOOK))
    unpacked = sum(info.file_size for info in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        raise TableError(
            _(
                "The workbook is too big to import: it unpacks to %(size)s. An action plan import can be "
                "up to %(most)s MB unpacked: save the plan on its own in a new workbook and upload that",
                size=_megabytes(unpacked),
                most=MAX_UNPACKED_BYTES // 1024 // 1024,
            )
        )
    for info in parts:
        if info.file_size >= RATIO_CHECKED_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise TableError(
                # Translators: %(part)s is a part's name inside the workbook, like xl/sharedStrings.xml.
                _(
                    "The workbook cannot be imported: %(part)s unpacks to %(size)s from %(packed)s bytes, "
                    "which no spreadsheet saves. Save the plan in a new workbook and upload that",
                    part=info.filename,
                    size=_megabytes(info.file_size),
                    packed=_count(info.compress_size),
                )
            )


class _RefusedError(Exception):
    pass


@dataclass
class _Scan:
    last_row: int = 0  # the last row number holding a value
    declared: tuple[int, int] | None = None  # rows and columns a <dimension> claims


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> _Scan:
    """Stream one part through expat, building nothing; refuse what openpyxl should not be given.

    A part that is not XML, or stops being XML part way, is no danger: openpyxl fails on it at
    the same place, and everything before that place has been checked here.
    """
    parser = expat.ParserCreate(namespace_separator="}")
    scan = _Scan()
    elements = cells = row_number = 0

    def refuse(*_args: Any) -> None:
        raise _RefusedError

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal elements, cells, row_number
        elements += 1
        if elements > MAX_ELEMENTS_PER_PART:
            raise _RefusedError
        tag = "{" + name
        if tag == _ROW:
            reference = attributes.get("r")
            if reference is None:
                row_number += 1
            elif reference.isascii() and reference.isdigit() and len(reference) <= 7:
                row_number = int(reference)
            else:
                raise _RefusedError
            if not 1 <= row_number <= EXCEL_ROWS:
                raise _RefusedError
            cells = 0
        elif tag == _CELL:
            cells += 1
            if cells > EXCEL_COLUMNS:
                raise _RefusedError
        elif tag in _VALUES:
            scan.last_row = max(scan.last_row, row_number)
        elif tag == _DIMENSION:
            scan.declared = _dimension(attributes.get("ref", ""))

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(64 * 1024):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError:
        pass
    except _RefusedError:
        raise TableError(str(NOT_A_WORKBOOK)) from None
    except Exception as error:  # noqa: BLE001 - zipfile, zlib: a damaged file is never a 500
        log.info("Refused an XLSX import: %s: %r", info.filename, error)
        raise TableError(str(NOT_A_WORKBOOK)) from None
    return scan


def _dimension(reference: str) -> tuple[int, int]:
    from openpyxl.utils.cell import range_boundaries

    try:
        _left, _top, columns, rows = range_boundaries(reference)
    except (ValueError, TypeError):
        raise _RefusedError from None
    return int(rows or 0), int(columns or 0)


def _read_sheet(data: bytes, last_row: int) -> Generator[list[Any], None, None]:
    from openpyxl import load_workbook

    workbook = None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.active
        if sheet is None or not hasattr(sheet, "iter_rows"):
            raise TableError(_("The workbook has no sheets"))
        if last_row == 0:
            return
        # The dimension only guides openpyxl, wrongly when it lies: read to the last value seen.
        sheet.reset_dimensions()
        for row in sheet.iter_rows(min_row=1, max_row=last_row, max_col=MAX_COLUMNS + 1, values_only=True):
            yield ["" if value is None else value for value in row]
    except TableError:
        raise
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        log.info("Refused an XLSX import: %r", error)
        raise TableError(str(NOT_A_WORKBOOK)) from None
    finally:
        if workbook is not None:
            workbook.close()

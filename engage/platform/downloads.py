"""CSV and XLSX downloads for officers, with every cell made safe for spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from flask import Response, abort

from surveys.export import neutralise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fmt: str,
    filename: str,
    sheet: str,
    more: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]] = (),
) -> Response:
    """``rows`` as ``filename.csv`` (UTF-8 with a BOM, for Excel) or ``filename.xlsx``.

    A cell starting with a formula trigger (=, +, -, @, tab, carriage return) gets a
    leading apostrophe, so a spreadsheet shows it as text instead of running it.
    """
    safe = [[neutralise(value) for value in row] for row in rows]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(safe)
        body, mimetype = out.getvalue().encode("utf-8-sig"), "text/csv"
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        page = book.active
        assert page is not None
        page.title = sheet[:31]
        page.append(list(header))
        for row in safe:
            page.append(row)
        # Further sheets (a data dictionary); a CSV has room for one table only.
        for title, more_header, more_rows in more:
            extra = book.create_sheet(title[:31])
            extra.append(list(more_header))
            for values in more_rows:
                extra.append([neutralise(value) for value in values])
        buffer = io.BytesIO()
        book.save(buffer)
        body, mimetype = buffer.getvalue(), XLSX
    else:
        abort(404)
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'}
    )

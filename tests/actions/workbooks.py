"""Hand-built XLSX files, honest and hostile, for the import tests and the bad-input catalogue.

Each is written part by part with ``zipfile``, so a test controls every byte Excel or
openpyxl would otherwise choose: the declared ``<dimension>``, row numbers, a DOCTYPE, a
shared-strings part of hundreds of megabytes written in chunks (it compresses to a few
hundred kilobytes and is never held in memory whole).
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Sequence

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
HEADER = ("priority", "action", "timescale")

PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_TYPE}.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{_DOC}">'
        '<sheets><sheet name="Plan" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_xml(
    rows: Sequence[tuple[int, Sequence[str]]], dimension: str | None = None, prologue: str = ""
) -> str:
    """A worksheet: the header (from the shared strings) then ``rows`` as (row number, values)."""
    header = "".join(f'<c r="{_column(i + 1)}1" t="s"><v>{i}</v></c>' for i in range(len(HEADER)))
    body = "".join(
        f'<row r="{number}">'
        + "".join(
            f'<c r="{_column(i + 1)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
            for i, value in enumerate(values)
        )
        + "</row>"
        for number, values in rows
    )
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prologue}<worksheet xmlns="{MAIN}">{declared}'
        f'<sheetData><row r="1">{header}</row>{body}</sheetData></worksheet>'
    )


def workbook(
    rows: Sequence[tuple[int, Sequence[str]]] = ((2, ("Opening hours", "Sunday opening", "Pilot")),),
    *,
    dimension: str | None = "A1:C2",
    strings_padding: int = 0,
    prologue: str = "",
) -> bytes:
    """An XLSX workbook with one sheet; ``strings_padding`` bytes of 'A' make a shared-strings bomb."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml(rows, dimension, prologue))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=strings_padding > 0) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode())
            part.write("".join(f"<si><t>{name}</t></si>" for name in HEADER).encode())
            if strings_padding:
                part.write(b"<si><t>")
                chunk = b"A" * 1_000_000
                for _ in range(strings_padding // len(chunk)):
                    part.write(chunk)
                part.write(b"</t></si>")
            part.write(b"</sst>")
    return out.getvalue()


def dimension_bomb() -> bytes:
    """The issue's 2 KB workbook: it declares A1:XFD1000000 and has a cell in row 1,000,000."""
    return workbook(
        [(2, ("Opening hours", "Sunday opening", "Pilot")), (1_000_000, ("x",))], dimension="A1:XFD1000000"
    )


def shared_strings_bomb(size: int = 246_000_000) -> bytes:
    """The issue's workbook whose sharedStrings.xml unpacks to ~246 MB (a few hundred KB packed)."""
    return workbook(strings_padding=size)


def understate_size(data: bytes, member: str, declared: int) -> bytes:
    """The same zip, its central directory claiming ``member`` unpacks to only ``declared`` bytes."""
    buffer = bytearray(data)
    name = member.encode()
    at = buffer.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", buffer, at + 28)[0]
        if bytes(buffer[at + 46 : at + 46 + name_length]) == name:
            struct.pack_into("<I", buffer, at + 24, declared)
            return bytes(buffer)
        at = buffer.find(b"PK\x01\x02", at + 4)
    raise KeyError(member)

"""Excel workbooks (LinkedIn ships page analytics as ``.xls``; users save sheets as ``.xlsx``): every sheet a profile
recognises is loaded and reported on its own, as ``book.xlsx[Sheet name]``.

Each sheet is written, one at a time, to a temporary UTF-8 CSV in the warehouse's folder and goes through the same
sniffing and staging as any CSV export, so every profile rule applies unchanged. Readers: openpyxl (``.xlsx``) and
xlrd (``.xls``), imported only when a workbook is met. Cells become text the date and number rules read: dates as
``YYYY-MM-DD[ HH:MM:SS]``, whole numbers without ``.0``; a number too large to be exact in a float (an id a
spreadsheet stored as a number) keeps its scientific form, so the mangled-id check takes the id from the permalink
(:mod:`.idrepair`) or refuses the file, instead of loading a wrong id.
"""

from __future__ import annotations

import csv
import hashlib
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agilesocial.errors import DataError

if TYPE_CHECKING:
    from agilesocial.warehouse.ingest import FileResult
    from agilesocial.warehouse.shapes import Shape

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXACT = 2**53

#: loads one sheet: ``load(Path("book.xlsx[Sheet]"), source=the sheet's CSV, sha=its sha256)`` -> its result
LoadSheet = Callable[..., "FileResult"]


#: how :func:`cell_text` writes a date cell: read in every sheet, also under a mapping's own ``datetime_format``
SHEET_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


def sheet_shapes(shapes: tuple[Shape, ...]) -> tuple[Shape, ...]:
    """The shapes to read a sheet with: a shape limited to its own date formats (a mapping's) also reads date
    cells, which a sheet holds as dates, not in the text format the mapping names."""
    return tuple(
        replace(
            s, datetime_formats=(*s.datetime_formats, *(f for f in SHEET_DATE_FORMATS if f not in s.datetime_formats))
        )
        if s.datetime_formats
        else s
        for s in shapes
    )


def workbook_kind(path: Path) -> str | None:
    """``xlsx`` or ``xls`` from the file's first bytes (not its name): a workbook saved under ``.csv`` is still read as
    a workbook; None for a text file named ``.xls``."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror or exc}", path=path) from None
    if head.startswith(_ZIP):
        return "xlsx" if path.suffix.lower() in WORKBOOK_SUFFIXES or _holds_workbook(path) else None
    if head.startswith(_OLE2):
        return "xls"
    return None


def _holds_workbook(path: Path) -> bool:
    """Whether the zip archive ``path`` is an Excel workbook (any other zip is refused by the CSV reader)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def cell_text(value: Any, decimal: str = ".") -> str:
    """One cell as the text a CSV export would hold; ``decimal``: the separator a mapping reads fractions with (a
    number cell 1.234 is written ``1,234`` when it is ``,``, so that the mapping reads 1.234, not 1234)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _EXACT:
            return str(int(value))
        text = repr(value)  # 0.025, or 7.26e+18 for an id a spreadsheet turned into a float
        return text.replace(".", decimal) if "e" not in text else text
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if value.time() == time(0) else value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    return str(value)


def _xlsx_sheets(path: Path) -> Iterator[tuple[str, Iterable[list[Any]]]]:
    import openpyxl

    # a file object: openpyxl refuses a workbook by its name alone (one saved as .csv is still a workbook)
    with open(path, "rb") as fh:
        book = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        try:
            for sheet in book.worksheets:
                if hasattr(sheet, "reset_dimensions"):
                    sheet.reset_dimensions()  # some writers record a wrong size; read every row there is
                yield sheet.title, (list(row) for row in sheet.iter_rows(values_only=True))
        finally:
            book.close()


def _xls_sheets(path: Path) -> Iterator[tuple[str, Iterable[list[Any]]]]:
    import xlrd

    # LinkedIn's .xls files trip xlrd's corruption check ("seen[2] == 4") although their data is intact
    book = xlrd.open_workbook(str(path), on_demand=True, ignore_workbook_corruption=True)
    try:
        for name in book.sheet_names():
            sheet = book.sheet_by_name(name)

            def rows(sheet: Any = sheet) -> Iterator[list[Any]]:
                for i in range(sheet.nrows):
                    out: list[Any] = []
                    for cell in sheet.row(i):
                        if cell.ctype == xlrd.XL_CELL_DATE:
                            out.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                        elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                            out.append(bool(cell.value))
                        elif cell.ctype in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                            out.append(None)
                        else:
                            out.append(cell.value)
                    yield out

            yield name, rows()
            book.unload_sheet(name)
    finally:
        book.release_resources()


def _write_csv(rows: Iterable[list[Any]], folder: Path, decimal: str = ".") -> tuple[Path, int]:
    """The rows as a temporary CSV; returns it and how many non-empty rows it has.

    A sheet is a grid: trailing empty cells are no cells, and a row of the table that ends in empty cells is
    written as wide as the header (its missing cells empty), not as a short row, which would be refused as a
    truncated one. The header is the first of the first rows a profile recognises, else the first with two or
    more values (rows above it, a title or description line, keep their own width)."""
    fd, name = tempfile.mkstemp(prefix=".agile-social-sheet-", suffix=".csv", dir=folder)
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            head: list[list[str]] = []
            width: int | None = None
            for row in rows:
                cells = [cell_text(v, decimal) for v in row]
                while cells and not cells[-1].strip():
                    cells.pop()
                count += bool(cells)
                if width is not None:
                    writer.writerow(_padded(cells, width))
                    continue
                head.append(cells)
                if len(head) == _HEAD_ROWS:
                    width = _header_width(head)
                    writer.writerows(head)
            if width is None:
                _header_width(head)
                writer.writerows(head)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name), count


#: the header stands within the first lines (sniff.MAX_PREAMBLE_LINES)
_HEAD_ROWS = 12


def _header_width(head: list[list[str]]) -> int:
    """The header's width among the first rows (the rows below it in ``head`` are padded to it); 0 if none."""
    from agilesocial.warehouse.profiles import best_shape

    at = next((i for i, cells in enumerate(head) if best_shape(cells) is not None), None)
    if at is None:
        at = next((i for i, cells in enumerate(head) if sum(bool(c.strip()) for c in cells) >= 2), None)
    if at is None:
        return 0
    width = len(head[at])
    head[at + 1 :] = [_padded(cells, width) for cells in head[at + 1 :]]
    return width


def _padded(cells: list[str], width: int) -> list[str]:
    """A row of the table as wide as the header (an empty row stays a blank line)."""
    return cells + [""] * (width - len(cells)) if cells else cells


def ingest_workbook(
    path: Path, sha: str, folder: Path, load_sheet: LoadSheet, shapes: tuple[Shape, ...] = ()
) -> list[FileResult]:
    """Load every sheet of the workbook that a profile recognises; one result per loaded sheet. ``shapes``: the
    shapes the sheets are read with (a mapping's decimal comma decides how number cells are written).

    Sheets that hold no known export (LinkedIn's demographics sheets, notes) are listed in a note; if none is an
    export, the one result is an error naming the sheets.
    """
    from agilesocial.warehouse.ingest import FileResult

    decimal = "," if shapes and all(s.decimal == "," for s in shapes) else "."
    kind = workbook_kind(path)
    sheets = _xlsx_sheets(path) if kind == "xlsx" else _xls_sheets(path)
    results: list[FileResult] = []
    skipped: list[tuple[str, FileResult | None]] = []
    try:
        for name, rows in sheets:
            csv_path, count = _write_csv(rows, folder, decimal)
            try:
                if not count:
                    skipped.append((name, None))
                    continue
                sheet_sha = hashlib.sha256(f"{sha}\0{name}".encode()).hexdigest()
                result = load_sheet(Path(f"{path}[{name}]"), source=csv_path, sha=sheet_sha)
            finally:
                csv_path.unlink(missing_ok=True)
            if result.error and result.profile == "-":
                skipped.append((name, result))
            else:
                results.append(result)
    except DataError:
        raise
    except Exception as exc:  # the reader's own errors: a damaged or password-protected workbook
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        error = DataError(
            f"cannot read the workbook: {reason}",
            path=path,
            hint="download the export again; a damaged or password-protected workbook cannot be read",
        )
        return [FileResult(str(path), "-", sha, error=str(error))]
    if not results:
        if len(skipped) == 1 and skipped[0][1] is not None:
            return [skipped[0][1]]
        names = ", ".join(name for name, _ in skipped) or "none"
        error = DataError(
            f"no sheet of this workbook holds a known export (sheets: {names})",
            path=path,
            hint="pass --profile NAME, or save the sheet as CSV and load it with --mapping FILE",
        )
        return [FileResult(str(path), "-", sha, error=str(error))]
    if skipped:
        names = ", ".join(name for name, _ in skipped)
        results[0].notes.append(f"sheets not loaded (no known export in them): {names}")
    return results

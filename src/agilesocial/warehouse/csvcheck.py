"""Strict CSV structure: DuckDB's ``read_csv`` in strict mode, and one-line errors for rows it cannot take.

Every export is read with ``strict_mode=true``: a row with too few or too many values (a truncated download, a
broken row), a quote that is never closed or is followed by text (``"x"y``), and line endings that change inside
the file are refused, never padded or guessed. With ``--skip-bad-rows`` such rows are set aside instead
(``ignore_errors`` + ``store_rejects``) and written to the rejects file with their line number and raw text.

Two things DuckDB either cannot locate or reads differently from the CSV standard (and Python's ``csv`` module, the
oracle of the tests) are checked here in Python, on the error path or on a fast byte scan:

- "the CSV parser state machine reached an invalid state" carries no line number: :func:`diagnose` reads the file
  with the ``csv`` module to name the line (mixed line endings, a stray carriage return or quote);
- DuckDB drops spaces around a quoted value (``1, "ab" ,2`` reads ``ab``; the standard keeps `` "ab"``):
  :func:`spaced_quote` finds such a cell (a ``bytes.find`` scan; the ``csv`` module only confirms a hit) and the
  file is refused.
"""

from __future__ import annotations

import csv
import hashlib
import mmap
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agilesocial.errors import DataError

if TYPE_CHECKING:
    import duckdb

    from agilesocial.warehouse.sniff import Layout

REJECTS = "_agile_social_csv_rejects"
SCANS = "_agile_social_csv_scans"
_FIX_ROW = "download the export again (or repair the row), or pass --skip-bad-rows to set such rows aside"
_KINDS = {
    "MISSING COLUMNS": "has {found} of {expected} values: a truncated download or a broken row",
    "TOO MANY COLUMNS": "has {found} values, but the header has {expected} columns",
    "INVALID UNICODE": "holds bytes that are not valid UTF-8",
    "UNQUOTED VALUE": "has a quote that is never closed (a cut-off file) or text after a closing quote (a stray quote)",
    "INVALID ENCODING": "holds bytes that are not valid text in this encoding",
    "LINE SIZE OVER MAXIMUM": "is longer than 10 MB",
    "INVALID STATE": "cannot be read as CSV",
}


def csv_source(layout: Layout, *, lenient: bool = False, sample: bool = False) -> str:
    """``read_csv`` of every column as VARCHAR, named c0, c1... by position (parameters $csv_path, $csv_delim).

    Strict: one malformed row fails the read. ``lenient`` (for ``--skip-bad-rows``): malformed rows are left out and
    recorded in the temp table :data:`REJECTS`. ``sample``: malformed rows are left out, unrecorded (format
    sampling, and the raw cells of the rejects file, which must number rows as the lenient read did)."""
    cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(layout.header)))
    options = (
        f"header=false, skip={int(layout.skip)}, auto_detect=false, columns={{{cols}}}, delim=$csv_delim,"
        " quote='\"', escape='\"', strict_mode=true, max_line_size=10000000"
    )
    if sample:
        options += ", ignore_errors=true"
    elif lenient:
        options += f", ignore_errors=true, store_rejects=true, rejects_table='{REJECTS}', rejects_scan='{SCANS}'"
    return f"read_csv($csv_path, {options})"


def clear_rejects(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS {REJECTS}")
    con.execute(f"DROP TABLE IF EXISTS {SCANS}")


def count_rejects(con: duckdb.DuckDBPyConnection) -> int:
    try:
        row = con.execute(f"SELECT count(DISTINCT line) FROM {REJECTS}").fetchone()
    except Exception:  # duckdb.CatalogException: nothing was rejected (the table is made on the first reject)
        return 0
    return int(row[0]) if row else 0


def first_reject(con: duckdb.DuckDBPyConnection, layout: Layout) -> DataError | None:
    """The first row the lenient read set aside, as the error a strict read reports."""
    try:
        row = con.execute(
            f"SELECT line, column_idx, error_type, error_message FROM {REJECTS} ORDER BY line, column_idx LIMIT 1"
        ).fetchone()
    except Exception:  # no rejects table: nothing was set aside
        return None
    if row is None:
        return None
    line, column_idx, kind, message = row
    line = physical_lines(layout, [int(line)]).get(int(line), int(line))
    return row_error(layout, line, int(column_idx or 0), str(kind), str(message or ""))


def physical_lines(layout: Layout, numbers: list[int]) -> dict[int, int]:
    """The file line each of DuckDB's rejected ``line`` numbers starts on. DuckDB counts records (a line break
    inside quoted text starts no new one), so after a multi-line post text its number was short of the line an
    editor shows. A workbook sheet's record number is its row number: kept."""
    if layout.read_path.name.startswith(".agile-social-sheet-"):
        return {}
    wanted, found = set(numbers), {}
    with open(layout.read_path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        lines = _Lines(fh)
        start = 1
        try:
            for record, _ in enumerate(csv.reader(lines, delimiter=layout.delimiter), start=1):
                if record in wanted:
                    found[record] = start
                    if len(found) == len(wanted):
                        break
                start = lines.number + 1
        except csv.Error:  # a quote never closed: the records after it keep DuckDB's numbers
            pass
    return found


def row_error(layout: Layout, line: int, column_idx: int, kind: str, message: str) -> DataError:
    m = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
    expected, found = (m.group(1), m.group(2)) if m else (str(len(layout.header)), "?")
    what = _KINDS.get(kind, message or "cannot be read").format(expected=expected, found=found)
    column = ""
    if kind == "UNQUOTED VALUE" and 0 < column_idx <= len(layout.header):
        column = f", column {layout.header[column_idx - 1]!r}"
    elif kind == "MISSING COLUMNS" and found.isdigit() and int(found) < len(layout.header):
        column = f", column {layout.header[int(found)]!r} and after missing"
    return DataError(f"line {line}{column}: the row {what}", path=layout.path, line=line, hint=_FIX_ROW)


def structure_error(con: duckdb.DuckDBPyConnection, layout: Layout, text: str, params: dict[str, Any]) -> DataError:
    """The one-line error for a strict read that failed with DuckDB message ``text``."""
    if "invalid state" in text:
        return diagnose(layout) or _unreadable(layout)
    clear_rejects(con)
    probe = "_agile_social_csv_probe"
    try:  # read again, leniently and every column (no pushdown), to learn the line, column and kind of the bad row
        con.execute(f"CREATE OR REPLACE TEMP TABLE {probe} AS SELECT * FROM {csv_source(layout, lenient=True)}", params)
        row = con.execute(f"SELECT csv_line FROM {REJECTS} ORDER BY line LIMIT 1").fetchone()
        found = first_reject(con, layout)
        if row and str(row[0] or "")[:1] in ("\r", "\n"):
            # the row starts with a line break: the line endings may have changed (in a CRLF file it is only the LF)
            found = diagnose(layout) or found
    except Exception:  # duckdb.Error
        found = None
    finally:
        con.execute(f"DROP TABLE IF EXISTS {probe}")
        clear_rejects(con)
    if found is not None:
        return found
    m = re.search(r"Line: (\d+)", text)
    first = text.split("\n")[0].replace("Invalid Input Error: ", "")
    return DataError(f"malformed CSV: {first}", path=layout.path, line=int(m.group(1)) if m else None, hint=_FIX_ROW)


class _Lines:
    """The physical lines of a text file with their endings, counted (for :func:`diagnose`)."""

    def __init__(self, fh: Any) -> None:
        self.fh = fh
        self.number = 0
        self.ending = ""
        #: the line the record being read starts on (set by the reader's loop)
        self.start = 1

    def __iter__(self) -> Iterator[str]:
        for line in self.fh:
            self.number += 1
            self.ending = "\r\n" if line.endswith("\r\n") else line[-1:] if line[-1:] in "\r\n" else ""
            yield line


_ENDINGS = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}


def diagnose(layout: Layout) -> DataError | None:
    """Read the file with the ``csv`` module to name the line DuckDB could not (it only said "invalid state", or
    its rejected row starts with a line break): mixed line endings, a stray quote, a row of the wrong width."""
    return _scan(layout, stop=None)


def mixed_head(layout: Layout) -> DataError | None:
    """Line endings that change within the lines DuckDB skips (a caption, the header, a description row) or at the
    first row. DuckDB's ``skip`` then drops rows without an error: a CRLF caption above LF rows lost the first row,
    and with more rows every row."""
    return _scan(layout, stop=layout.skip + 1)


def _scan(layout: Layout, stop: int | None) -> DataError | None:
    """The first fault the ``csv`` module sees in the first ``stop`` records (all when None): a change of line
    ending, a malformed quote, and (whole-file scans only) a data row of the wrong width."""
    fix = "save the file again with one kind of line ending (or repair the quotes on that line), then ingest it"
    width = len(layout.header)
    with open(layout.read_path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        lines = _Lines(fh)
        reader = csv.reader(lines, delimiter=layout.delimiter, strict=True)
        first = ""
        try:
            for index, cells in enumerate(reader):
                start, lines.start = lines.start, lines.number + 1
                if lines.ending and not first:
                    first = lines.ending
                elif lines.ending and lines.ending != first:
                    return DataError(
                        f"line {lines.number}: the row ends with {_ENDINGS[lines.ending]} but the file's first line"
                        f" with {_ENDINGS[first]}: mixed line endings",
                        path=layout.path,
                        line=lines.number,
                        hint=fix,
                    )
                if stop is None and index >= layout.skip and cells and len(cells) != width:
                    kind = "MISSING COLUMNS" if len(cells) < width else "TOO MANY COLUMNS"
                    found = f"Expected Number of Columns: {width} Found: {len(cells)}"
                    return row_error(layout, start, 0, kind, found)
                if stop is not None and index + 1 >= stop:
                    break
        except csv.Error as exc:
            return DataError(
                f"line {lines.number}: malformed CSV ({exc})", path=layout.path, line=lines.number, hint=fix
            )
    return None


def _unreadable(layout: Layout) -> DataError:
    fix = "save the file again with one kind of line ending (or repair the quotes on that line), then ingest it"
    return DataError("the file cannot be read as CSV (DuckDB: invalid parser state)", path=layout.path, hint=fix)


def spaced_quote(
    layout: Layout, on_part: Callable[[float], object] | None = None, suspects: frozenset[str] | None = None
) -> DataError | None:
    """A cell whose quotes have spaces outside them (`` "ab"`` or ``"ab" ``), which DuckDB would read as ``ab``.
    ``on_part`` hears the fraction of the scan done (progress). ``suspects``: what :func:`fingerprint` found in the
    file DuckDB reads (then it is not scanned again)."""
    if suspects is not None and layout.delimiter in FINGERPRINT_DELIMITERS:
        return _locate_spaced_quote(layout) if layout.delimiter in suspects else None
    delim = layout.delimiter.encode()
    with open(layout.read_path, "rb") as fh:
        try:
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file
            return None
        with mm:
            if not (_candidate(mm, delim, on_part)):
                return None
    return _locate_spaced_quote(layout)


_WINDOW = 1 << 26


def _candidate(mm: mmap.mmap, delim: bytes, on_part: Callable[[float], object] | None = None) -> bool:
    """Whether a space stands between a delimiter (or line start) and a quote, or a quote and a delimiter (or line
    end), where the quote is not one of a doubled pair inside quoted text. Cheap: ``find`` runs at memory speed (in
    windows of 64 MB, so progress can be told and memory stays bounded; a needle starting in a window is found in
    that window)."""
    size = len(mm)
    edges = (delim, b"\n", b"\r")
    for k, (needle, before) in enumerate(((b' "', True), (b'" ', False))):
        for start in range(0, size, _WINDOW):
            if _window_hit(mm, needle, before, start, min(start + _WINDOW + len(needle) - 1, size), edges):
                return True
            _release(mm, start, min(_WINDOW, size - start))
            if on_part is not None:
                on_part((k * size + min(start + _WINDOW, size)) / (2 * size))
    return False


#: the delimiters :func:`fingerprint` scans for (those the sniffer chooses between)
FINGERPRINT_DELIMITERS = (",", ";", "\t")
_CHUNK = 1 << 23
#: bytes of context kept on each side of a chunk: a needle's surroundings (spaces before, quotes after) lie within
_CONTEXT = 1 << 10


def fingerprint(path: Path, on_part: Callable[[float], object] | None = None) -> tuple[str, frozenset[str]]:
    """One read of the file for two answers: its sha256 (the idempotency key), and the delimiters of
    :data:`FINGERPRINT_DELIMITERS` for which it holds a spaced-quote candidate (:func:`_candidate`; the delimiter is
    not known yet), so :func:`spaced_quote` needs no pass of its own. A needle whose spaces or quotes run past the
    kept context counts as a candidate (the ``csv`` module then decides). ``on_part`` hears the fraction read."""
    digest = hashlib.sha256()
    size, done = max(path.stat().st_size, 1), 0
    suspects: set[str] = set()
    buf = bytearray(2 * _CONTEXT + 2 * _CHUNK)  # read into, never copied: kept context, then the next chunk
    kept, base, covered = 0, 0, 0  # buf[0] is file offset base; needles starting before covered were searched
    with open(path, "rb") as fh:
        while True:
            if len(buf) < kept + _CHUNK:
                buf.extend(bytes(kept + _CHUNK - len(buf)))
            with memoryview(buf) as view:
                n = fh.readinto(view[kept : kept + _CHUNK])
                digest.update(view[kept : kept + n])
            filled, done = kept + n, done + n
            end = filled - _CONTEXT if n else filled  # context after the last needle searched, but at the end
            if end > covered - base and len(suspects) < len(FINGERPRINT_DELIMITERS):
                with memoryview(buf)[:filled] as data:
                    suspects |= _buffer_hits(data, covered - base, end)
            covered = max(covered, base + end)
            if not n:
                break
            cut = max(covered - base - _CONTEXT, 0)  # keep context before the next needle
            buf[: filled - cut] = buf[cut:filled]
            kept, base = filled - cut, base + cut
            if on_part is not None:
                on_part(done / size)
    return digest.hexdigest(), frozenset(suspects)


def _buffer_hits(buf: memoryview, start: int, end: int) -> set[str]:
    """The delimiters of :data:`FINGERPRINT_DELIMITERS` for which a needle starting in ``buf[start:end]`` is a
    candidate. The needles (a space next to a quote) are located with array comparisons (``bytes.find`` crawls
    through text full of spaces at ~1 ns a byte, three times slower); each is then tested against every delimiter."""
    import numpy as np

    if end - start < 1 or len(buf) < 2:
        return set()
    window = np.frombuffer(buf, np.uint8, count=min(end + 1, len(buf)) - start, offset=start)
    space, quote = window == 32, window == 34
    found: set[str] = set()
    for before, hits in ((True, space[:-1] & quote[1:]), (False, quote[:-1] & space[1:])):
        for at in np.flatnonzero(hits):
            found |= {
                d
                for d in FINGERPRINT_DELIMITERS
                if d not in found and _is_candidate(buf, start + int(at), before, (d.encode(), b"\n", b"\r"))
            }
            if len(found) == len(FINGERPRINT_DELIMITERS):
                return found
    return found


def _release(mm: mmap.mmap, start: int, length: int) -> None:
    """Drop a scanned window's pages from this process (they stay in the page cache): a mapped file's pages count
    in the process's memory, so without this, scanning a 1.7 GB export would hold 1.7 GB of RSS."""
    advise = getattr(mm, "madvise", None)
    flag = getattr(mmap, "MADV_DONTNEED", None)
    if advise is not None and flag is not None and start % mmap.PAGESIZE == 0:
        advise(flag, start, length)


def _window_hit(
    mm: mmap.mmap | bytes, needle: bytes, before: bool, start: int, end: int, edges: tuple[bytes, ...]
) -> bool:
    """A candidate among the occurrences of ``needle`` that start in ``mm[start:end]``."""
    at = mm.find(needle, start, end)
    while at != -1:
        if _is_candidate(mm, at, before, edges):
            return True
        at = mm.find(needle, at + 1, end)
    return False


def _is_candidate(mm: mmap.mmap | bytes | memoryview, at: int, before: bool, edges: tuple[bytes, ...]) -> bool:
    """Whether the needle at ``at`` (`` "`` when ``before``, else ``" ``) is a spaced quote between ``edges``."""
    size = len(mm)
    if before:
        i = at
        while i > 0 and mm[i - 1 : i] == b" ":
            i -= 1
        j = at + 1
        while j < size and mm[j : j + 1] == b'"':
            j += 1
        quotes, nxt = j - (at + 1), mm[j : j + 1]
        return (i == 0 or mm[i - 1 : i] in edges) and (quotes % 2 == 1 or nxt in (*edges, b""))
    i = at
    while i > 0 and mm[i - 1 : i] == b'"':
        i -= 1
    j = at + 1
    while j < size and mm[j : j + 1] == b" ":
        j += 1
    return (at + 1 - i) % 2 == 1 and mm[j : j + 1] in (*edges, b"")


def _locate_spaced_quote(layout: Layout) -> DataError | None:
    fix = "remove the spaces outside the quotes (or save the file again from the platform), then ingest it"
    spaced = re.compile(r'^ +"')
    with open(layout.read_path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        lines = _Lines(fh)
        reader = csv.reader(lines, delimiter=layout.delimiter, strict=True)
        try:
            for cells in reader:
                for i, cell in enumerate(cells):
                    if spaced.match(cell):
                        name = layout.header[i] if i < len(layout.header) else f"column {i + 1}"
                        return DataError(
                            f"line {lines.number}, column {name!r}: spaces before a quoted value ({cell[:30]!r})",
                            path=layout.path,
                            line=lines.number,
                            hint=fix,
                        )
        except csv.Error as exc:
            return DataError(
                f"line {lines.number}: malformed CSV ({exc})", path=layout.path, line=lines.number, hint=fix
            )
    return None


def explain_cell(value: str, *, count: bool, decimal: str = ".", signed: bool = False) -> str:
    """Why a cell could not be read (for the one-line error; the value itself is quoted). ``signed``: the count may
    be negative (a net change such as YouTube's ``Subscribers``)."""
    text = value.strip()
    if not text:
        return "empty, but every row needs a value here"
    if not signed and re.fullmatch(r"-\s*[0-9][0-9.,:\s\u00a0\u202f']*", text):
        if count:
            return f"a negative count (counts cannot be below 0): {value!r}"
        return f"a negative value (durations and watch time cannot be below 0): {value!r}"
    if count:
        if "%" in text:
            return f"a percentage where a count belongs: {value!r}"
        if re.fullmatch(r"[+-]?[0-9.,]+[eE][+-]?[0-9]+", text):
            return f"scientific notation that is not a whole number, or too large: {value!r}"
        if re.fullmatch(r"[+-]?[0-9]+", text):
            return f"beyond the 64-bit integer range: {value!r}"
        if re.fullmatch(rf"[+-]?[0-9]+{re.escape(decimal)}[0-9]*[1-9][0-9]*", text):
            return f"not a whole number (counts are integers): {value!r}"
    return f"cannot read value {value!r}"

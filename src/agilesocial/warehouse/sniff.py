"""Looking at the top of an export: encoding, preamble lines, delimiter, header row(s) and which shape it is.

Only the first few lines are read in Python; the rows themselves are parsed by DuckDB. Files that are not UTF-8
(UTF-16 with or without BOM, cp1252) are transcoded to a temporary UTF-8 file first, in chunks.
"""

from __future__ import annotations

import codecs
import csv
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from agilesocial.errors import DataError
from agilesocial.warehouse.profiles import SHAPES, Shape, best_shape, missing_signature

HEAD_BYTES = 256 * 1024
#: A header (plus its description row) longer than HEAD_BYTES is read in growing samples up to this size: legacy
#: Facebook Insights page exports have 600-1,300 columns, and their description row alone can exceed 256 KB.
MAX_HEAD_BYTES = 64 * 1024 * 1024
MAX_PREAMBLE_LINES = 12
_DELIMITERS = (",", ";", "\t")


#: First bytes of compressed files met in place of a CSV (YouTube Studio downloads a zip; a browser or a colleague
#: may compress an export): their bytes decoded as text would only say "not cp1252".
_ARCHIVES = {
    b"\x1f\x8b": ("a gzip-compressed file", "decompress it first, e.g. gunzip FILE, and load the CSV it holds"),
    b"PK\x03\x04": ("a zip archive", "unzip it and load the exports it holds: agile-social ingest FOLDER"),
    b"BZh": ("a bzip2-compressed file", "decompress it first, e.g. bunzip2 FILE, and load the CSV it holds"),
    b"\xfd7zXZ\x00": ("an xz-compressed file", "decompress it first, e.g. unxz FILE, and load the CSV it holds"),
    b"7z\xbc\xaf\x27\x1c": ("a 7-Zip archive", "extract it and load the exports it holds"),
}


@dataclass
class Layout:
    """How to read one export file."""

    path: Path
    read_path: Path
    encoding: str
    delimiter: str = ","
    skip: int = 0
    header: list[str] = field(default_factory=list)
    header_line: int = 1
    shape: Shape | None = None
    preamble: list[str] = field(default_factory=list)
    empty: bool = False
    temp: bool = False
    #: the sampled head of a file taken as UTF-8 was pure ASCII: a bad byte further down means cp1252, not damage
    ascii_head: bool = False

    def cleanup(self) -> None:
        if self.temp:
            self.read_path.unlink(missing_ok=True)


def detect_encoding(head: bytes) -> str:
    """``utf-8``, ``utf-8-sig``, ``utf-16-le``/``utf-16-be`` (BOM or NUL pattern) or ``cp1252``."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    sample = head[:4000]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return "utf-16-le"
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4:
        return "utf-16-be"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a multi-byte character cut at the end of the sample
            return "cp1252"
    return "utf-8"


def transcode(path: Path, encoding: str) -> Path:
    """Copy ``path`` to a temporary UTF-8 file, decoding ``encoding`` chunk by chunk."""
    fd, name = tempfile.mkstemp(prefix="agile-social-", suffix=".csv")
    try:
        with (
            open(path, encoding=encoding, errors="strict", newline="") as src,
            os.fdopen(fd, "w", encoding="utf-8", newline="") as dst,
        ):
            while chunk := src.read(1 << 20):
                dst.write(chunk)
    except UnicodeDecodeError as exc:
        Path(name).unlink(missing_ok=True)
        raise DataError(
            f"cannot decode the file as {encoding}: {exc.reason}",
            path=path,
            hint="download the export again; a file cut short or saved in another encoding cannot be read",
        ) from None
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter, quotechar='"'))
    except (csv.Error, StopIteration):
        return []


def _best_split(line: str, forced: str | None) -> tuple[str, list[str]]:
    if forced:
        return forced, _split(line, forced)
    best = max(_DELIMITERS, key=lambda d: len(_split(line, d)))
    return best, _split(line, best)


def _looks_like_description_row(cells: list[str]) -> bool:
    first = next((c for c in cells if c.strip()), "")
    return not cells or not cells[0].strip()[:1].isdigit() or len(first) > 40


def sniff(
    path: Path, shapes: tuple[Shape, ...] = SHAPES, *, delimiter: str | None = None, header_rows: int | None = None
) -> Layout:
    """Read the top of ``path`` and decide how to parse it; raises :class:`DataError` if it fits no shape."""
    head = _read_bytes(path, HEAD_BYTES)
    for magic, (kind, hint) in _ARCHIVES.items():
        if head.startswith(magic):
            raise DataError(f"this is {kind}, not a CSV export", path=path, hint=hint)
    encoding = detect_encoding(head)
    if encoding in ("utf-8", "utf-8-sig"):
        layout = Layout(path, path, encoding, ascii_head=head.isascii())
    else:
        layout = Layout(path, transcode(path, encoding), encoding, temp=True)
    size = HEAD_BYTES
    while True:
        lines, truncated = _head_lines(layout, size)
        if not any(line.strip() for line in lines):
            layout.empty = not truncated
            if layout.empty:
                return layout
        elif _find_header(layout, lines, shapes, delimiter, header_rows, truncated):
            return layout
        if not truncated or size >= MAX_HEAD_BYTES or len(lines) > MAX_PREAMBLE_LINES:
            break
        size = min(size * 8, MAX_HEAD_BYTES)  # the header (or its description row) runs past the sample
        layout.preamble.clear()
    forced = delimiter
    candidates = [(i, *_best_split(line, forced)) for i, line in enumerate(lines[:MAX_PREAMBLE_LINES])]
    layout.cleanup()
    header = max(candidates, key=lambda c: len(c[2]), default=(0, ",", []))[2]
    if len(shapes) < len(SHAPES):
        other = _other_shape(lines, forced, shapes)
        wanted = shapes[0]
        lacking = "; ".join(missing_signature(wanted, header)) or "its header"
        looks = f"; it looks like {other.kind_label}" if other else ""
        hint = f"use --profile {other.profile}" if other else "check the file, or use --mapping"
        raise DataError(
            f"does not look like a {wanted.profile} export (missing column {lacking}){looks}", path=path, hint=hint
        )
    raise _no_header(path, lines, forced)


def _no_header(path: Path, lines: list[str], forced: str | None) -> DataError:
    """Why no header was found: an unknown export (its first line shown), or a damaged file (where it breaks).

    A caption line is never shown as "the header": the first line is quoted only when it looks like one.
    """
    n = min(len(lines), MAX_PREAMBLE_LINES)
    first = next(((i, line) for i, line in enumerate(lines[:n]) if line.strip()), None)
    if first is not None and _looks_like_header(first[1], forced):
        cells = _best_split(first[1], forced)[1]
        shown = ", ".join(cells[:8]) + (", …" if len(cells) > 8 else "")
        return DataError(
            f"no known header in the first {n} lines: cannot tell which export this is (line {first[0] + 1}: {shown})",
            path=path,
            hint="pass --profile NAME, or --mapping FILE for the generic profile",
        )
    broken = _open_quote_line(lines[:n])
    if broken is not None:
        return DataError(
            f"no known header in the first {n} lines; the file looks damaged"
            f" (a quoted field runs across lines at line {broken})",
            path=path,
            hint="download the export again; a file cut short or edited by hand loses its header",
        )
    return DataError(
        f"no known header in the first {n} lines: cannot tell which export this is",
        path=path,
        hint="pass --profile NAME, or --mapping FILE for the generic profile",
    )


def _looks_like_header(line: str, forced: str | None) -> bool:
    """Column names: several short, distinct, non-numeric cells and no quote left open."""
    if line.count('"') % 2:
        return False
    cells = [c.strip() for c in _best_split(line, forced)[1]]
    names = [c for c in cells if c]
    return (
        len(names) >= 2
        and len(set(names)) == len(names)
        and all(len(c) <= 60 and '"' not in c for c in names)
        and not any(c.replace(".", "").replace(",", "").replace("-", "").isdigit() for c in names)
    )


def _open_quote_line(lines: list[str]) -> int | None:
    """The first line (1-based) at whose end a quoted field is still open, i.e. runs on into the next line."""
    inside = False
    for number, line in enumerate(lines, start=1):
        inside ^= line.count('"') % 2 == 1
        if inside:
            return number
    return None


def _read_bytes(path: Path, size: int) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(size)
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror or exc}", path=path) from None


def _head_lines(layout: Layout, size: int) -> tuple[list[str], bool]:
    """The first lines of the (UTF-8) file within ``size`` bytes, and whether the sample stopped short of the end."""
    if layout.temp:
        with open(layout.read_path, encoding="utf-8") as fh:
            text = fh.read(size)
        truncated = len(text) == size
    else:
        head = _read_bytes(layout.read_path, size)
        text, truncated = head.decode("utf-8", errors="replace"), len(head) == size
    lines = text.lstrip("\ufeff").splitlines()
    if truncated and len(lines) > 1:
        lines = lines[:-1]  # the last line of a truncated sample may be cut short
    return lines, truncated


def _find_header(
    layout: Layout,
    lines: list[str],
    shapes: tuple[Shape, ...],
    delimiter: str | None,
    header_rows: int | None,
    truncated: bool,
) -> bool:
    """Find the header line among the first lines and fill in ``layout``; False if not found (or not complete)."""
    forced = delimiter
    for index, line in enumerate(lines[:MAX_PREAMBLE_LINES]):
        stripped = line.strip().strip('"')
        if stripped.lower().startswith("sep=") and len(stripped) in (4, 5):
            forced = forced or (stripped[4:] or ",")
            layout.preamble.append(line)
            continue
        delim, cells = _best_split(line, forced)
        shape = best_shape(cells, shapes)
        if shape is None:
            if line.strip():
                layout.preamble.append(line)
            continue
        rows = header_rows if header_rows is not None else shape.header_rows
        if rows > 1 and header_rows is None and index + 1 >= len(lines) and truncated:
            return False  # the description row (if any) is not in the sample yet
        if index + 1 >= len(lines) and truncated:
            return False  # the header line itself may be cut short
        layout.delimiter, layout.header, layout.header_line, layout.shape = delim, cells, index + 1, shape
        skip = index + 1
        described = header_rows is not None or (
            index + 1 < len(lines) and _looks_like_description_row(_split(lines[index + 1], delim))
        )
        if rows > 1 and described:
            skip += rows - 1
        layout.skip = skip
        return True
    return False


def _other_shape(lines: list[str], forced: str | None, exclude: tuple[Shape, ...]) -> Shape | None:
    others = tuple(s for s in SHAPES if s not in exclude)
    for line in lines[:MAX_PREAMBLE_LINES]:
        shape = best_shape(_best_split(line, forced)[1], others)
        if shape is not None:
            return shape
    return None

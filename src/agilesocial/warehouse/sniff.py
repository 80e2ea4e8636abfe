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
MAX_PREAMBLE_LINES = 12
_DELIMITERS = (",", ";", "\t")


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
        raise DataError(f"cannot decode the file as {encoding}: {exc.reason}", path=path) from None
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
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror or exc}", path=path) from None
    encoding = detect_encoding(head)
    if encoding in ("utf-8", "utf-8-sig"):
        text = head.decode("utf-8", errors="replace")
        layout = Layout(path, path, encoding)
    else:
        read_path = transcode(path, encoding)
        layout = Layout(path, read_path, encoding, temp=True)
        with open(read_path, encoding="utf-8") as fh:
            text = fh.read(HEAD_BYTES)
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if len(head) == HEAD_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line of a truncated sample may be cut short
    if not any(line.strip() for line in lines):
        layout.empty = True
        return layout
    forced = delimiter
    candidates: list[tuple[int, str, list[str]]] = []
    for index, line in enumerate(lines[:MAX_PREAMBLE_LINES]):
        stripped = line.strip().strip('"')
        if stripped.lower().startswith("sep=") and len(stripped) in (4, 5):
            forced = forced or (stripped[4:] or ",")
            layout.preamble.append(line)
            continue
        delim, cells = _best_split(line, forced)
        candidates.append((index, delim, cells))
        shape = best_shape(cells, shapes)
        if shape is not None:
            layout.delimiter, layout.header, layout.header_line, layout.shape = delim, cells, index + 1, shape
            rows = header_rows if header_rows is not None else shape.header_rows
            skip = index + 1
            described = header_rows is not None or (
                index + 1 < len(lines) and _looks_like_description_row(_split(lines[index + 1], delim))
            )
            if rows > 1 and described:
                skip += rows - 1
            layout.skip = skip
            return layout
        if line.strip():
            layout.preamble.append(line)
    layout.cleanup()
    header = max(candidates, key=lambda c: len(c[2]), default=(0, ",", []))[2]
    shown = ", ".join(header[:8]) + (", …" if len(header) > 8 else "")
    if len(shapes) < len(SHAPES):
        other = _other_shape(lines, forced, shapes)
        wanted = shapes[0]
        lacking = "; ".join(missing_signature(wanted, header)) or "its header"
        looks = f"; it looks like {other.kind_label}" if other else ""
        hint = f"use --profile {other.profile}" if other else "check the file, or use --mapping"
        raise DataError(
            f"does not look like a {wanted.profile} export (missing column {lacking}){looks}", path=path, hint=hint
        )
    raise DataError(
        f"cannot tell which export this is (header: {shown})",
        path=path,
        hint="pass --profile NAME, or --mapping FILE for the generic profile",
    )


def _other_shape(lines: list[str], forced: str | None, exclude: tuple[Shape, ...]) -> Shape | None:
    others = tuple(s for s in SHAPES if s not in exclude)
    for line in lines[:MAX_PREAMBLE_LINES]:
        shape = best_shape(_best_split(line, forced)[1], others)
        if shape is not None:
            return shape
    return None

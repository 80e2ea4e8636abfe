"""The fuzz suite's oracle: what an export holds, read with Python's ``csv`` module and docs/ingest.md's conversions.

Written independently of the ingest code (nothing under ``agilesocial.warehouse`` is imported): each profile's
columns come from docs/ingest.md and shared/export-formats.md, the conversions from the "Strict reading" section of
docs/ingest.md. :func:`expect` reads the bytes of a file and says what a correct ingest must do with it:

- ``MUST_REFUSE``: the file cannot be read without guessing (undecodable, a ragged or malformed row, a count that is
  not a whole number in range, a negative count, a date no format reads, a mangled or missing id);
- ``MUST_ACCEPT``: the file is well formed and every value converts: exactly ``rows`` must be stored;
- ``EITHER``: documented refusals a standard reader would still read (mixed line endings, a file cut short).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

MUST_ACCEPT, MUST_REFUSE, EITHER = "accept", "refuse", "either"
NULL_WORDS = {"", "-", "--", "undefined", "n/a", "nan", "null", "none"}
SUMMARY_WORDS = {"total", "totals", "grand total", "summary"}
MANGLED_ID = re.compile(r"[0-9](\.[0-9]+)?[eE][+][0-9]+|[0-9]+\.0+")
INT64 = (-(2**63), 2**63 - 1)
COUNT_FIELDS = (
    "impressions",
    "reach",
    "views",
    "engagements",
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
    "link_clicks",
    "profile_clicks",
    "video_views",
    "follows",
    "subscribers",
)
#: account_daily's value columns (docs/ingest.md, The warehouse)
DAILY_FIELDS = (
    "followers",
    "new_followers",
    "page_views",
    "profile_views",
    "impressions",
    "reach",
    "engagements",
    "likes",
    "comments",
    "shares",
    "video_views",
    "posts_published",
)


@dataclass(frozen=True)
class Spec:
    """One profile's per-post export, as the docs describe it."""

    profile: str
    fixture: str
    file_name: str
    platform: str
    counts: dict[str, tuple[str, ...]]
    published: str
    date_formats: tuple[str, ...]
    text: tuple[str, ...]
    id_column: str
    #: a regex taking the id out of ``id_column`` (a link), or None when the column is the id
    id_from_link: str | None = None
    engagements_sum: tuple[str, ...] = ()
    signed: frozenset[str] = frozenset()
    protected: frozenset[str] = frozenset()
    preamble: int = 0
    delimiter: str = ","
    decimal: str = "."
    #: the zone naive times are read in when the profile fixes one (X: UTC; the mapping's zone)
    zone: str | None = None
    quote_all: bool = False
    #: TikTok: an empty ``Post time`` takes the video id's time (``id >> 32``)
    time_from_id: bool = False
    #: the permalink column a spreadsheet-mangled id is taken back from (docs: "Ids a spreadsheet mangled")
    permalink: str | None = None
    #: watch time: its columns, the factor to seconds, and whether ``h:mm:ss`` is read (a duration)
    watch: tuple[str, ...] = ()
    watch_scale: float = 1.0
    watch_duration: bool = False
    args: tuple[str, ...] = ()
    #: ``posts`` or ``account_daily`` (then ``id_column`` is the date column, ``counts`` map account-level fields)
    target: str = "posts"
    #: 2: a row of metric descriptions under the header (legacy Facebook Insights exports)
    header_rows: int = 1
    #: the fixture's encoding, or the base file's text when there is no fixture file
    source_encoding: str = "utf-8-sig"
    inline: str | None = None
    #: the account an account-level file's rows are stored under (from its name or ``--account``)
    account: str | None = None
    #: the export also arrives as a sheet of an ``.xlsx`` workbook (LinkedIn ships workbooks; users save them)
    sheets: bool = True

    @property
    def fields(self) -> tuple[str, ...]:
        return DAILY_FIELDS if self.target == "account_daily" else (*COUNT_FIELDS, "watch_time_seconds")


def norm(name: str) -> str:
    """Header names compare case-, space- and parenthesis-insensitively (docs/ingest.md, Profiles)."""
    text = re.sub(r"[()\[\]]", " ", name.replace("\ufeff", "").replace('"', "").lower())
    return " ".join(text.split())


@dataclass(frozen=True)
class Reject:
    """A row ``--skip-bad-rows`` must set aside: a bad value (its data ``row``: 1 = the first well-formed row after
    the header, blank lines not counted) or a malformed row (the file ``line`` its record starts on)."""

    row: int | None
    line: int | None
    #: header names (as written) any of which may be named as the rejected column ("engagements" for the sum)
    columns: tuple[str, ...]
    #: the rejected cells' raw texts, by column
    values: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass
class Expectation:
    verdict: str
    reason: str = ""
    #: key (post id, or an account-level row's ISO date) -> {"published_at", "text", every value field}
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: the oracle found a bad cell or row (the message must then name a row or line)
    located: bool = False
    #: rows whose id a spreadsheet mangled: ingest derives their ids from the permalinks (or refuses the file), so
    #: only their values are known: each must be stored under an id the oracle does not know otherwise
    unkeyed: list[dict[str, Any]] = field(default_factory=list)
    #: --skip-bad-rows: the rows set aside, in file order; without it, ``rejects[0]`` is the fault a strict ingest
    #: must name first (when the file is refused for a row)
    rejects: list[Reject] = field(default_factory=list)
    #: rows_read (data rows, summary rows and blank lines not counted) and rows_loaded of the ingest report
    read: int = 0
    loaded: int = 0
    #: only a prefix of the file could be read (a quote left open): rows after it are unknown
    partial: bool = False
    #: records end with different line endings (text holding a bare CR or LF): a documented refusal applies
    mixed: bool = False


class Refuse(Exception):
    """The whole file must be refused."""

    def __init__(self, reason: str, located: bool = True) -> None:
        super().__init__(reason)
        self.located = located


class Bad(Exception):
    """One cell (or the row's engagements sum) cannot be read: the row is refused, or set aside."""

    def __init__(self, reason: str, cells: dict[str, str] | None = None) -> None:
        super().__init__(reason)
        #: the row's bad cells: header name (as written) -> text
        self.cells = cells or {}


def blank(cell: str) -> bool:
    return cell.strip(" ").lower() in NULL_WORDS


def count(cell: str, decimal: str, signed: bool) -> int | None:
    """A count: digits with an all-zero fraction, groups of three with a thousands separator, or whole scientific
    notation; the NULL words are missing; anything else, beyond 64 bits, or negative (unless signed) is refused."""
    t = cell.strip(" ")
    if t.lower() in NULL_WORDS:
        return None
    dec = re.escape(decimal)
    seps = re.escape("," if decimal == "." else ".") + " \u00a0\u202f'"
    plain = re.fullmatch(rf"([+-]?)([0-9]+)(?:{dec}0*)?", t)
    grouped = re.fullmatch(rf"([+-]?)([0-9]{{1,3}}(?:[{seps}][0-9]{{3}})+)(?:{dec}0*)?", t)
    if plain or grouped:
        m = plain or grouped
        assert m is not None
        value = int(m.group(1) + re.sub("[^0-9]", "", m.group(2)))
    elif re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?[eE][+]?[0-9]{1,2}", t):
        try:
            d = Decimal(t)
        except InvalidOperation as exc:  # pragma: no cover - the pattern is valid Decimal syntax
            raise Bad(f"count {cell!r}") from exc
        if d != d.to_integral_value():
            raise Bad(f"count {cell!r} is not whole")
        value = int(d)
    else:
        raise Bad(f"count {cell!r}")
    if not INT64[0] <= value <= INT64[1]:
        raise Bad(f"count {cell!r} beyond 64 bits")
    if value < 0 and not signed:
        raise Bad(f"negative count {cell!r}")
    return value


def decimal(cell: str, decimal: str, scale: float = 1.0, *, duration: bool = False) -> float | None:
    """Hours or seconds: digits with a fraction, groups of three, or scientific notation with a short exponent;
    a duration also ``h:mm:ss`` or ``m:ss``; the NULL words are missing; ``%``, infinity, anything else refused."""
    t = cell.strip(" ")
    if t.lower() in NULL_WORDS:
        return None
    if duration and re.fullmatch(r"[0-9]+:[0-9]{1,2}(:[0-9]{1,2})?(\.[0-9]+)?", t):
        parts = [float(p) for p in t.split(":")]
        return parts[0] * 3600 + parts[1] * 60 + parts[2] if len(parts) == 3 else parts[0] * 60 + parts[1]
    dec = re.escape(decimal)
    seps = "[" + re.escape("," if decimal == "." else ".") + " \u00a0\u202f']"
    if re.fullmatch(rf"[+-]?([0-9]+({dec}[0-9]*)?|{dec}[0-9]+)", t):
        value = float(t.replace(",", "."))
    elif re.fullmatch(rf"[+-]?[0-9]{{1,3}}({seps}[0-9]{{3}})+({dec}[0-9]*)?", t):
        value = float(re.sub(seps, "", t).replace(",", "."))
    elif re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]{1,2}", t):
        value = float(t)
    else:
        raise Bad(f"decimal {cell!r}")
    if value < 0:
        raise Bad(f"negative duration {cell!r}")
    return value if scale == 1.0 else value * scale


_OFFSET = re.compile(r"([+-])([0-9]{2}):?([0-9]{2})$")


def timestamp(cell: str, spec: Spec, tz: str) -> datetime | None:
    t = cell.strip(" ")
    if blank(t):
        return None
    for fmt in spec.date_formats:
        try:
            parsed = datetime.strptime(t, fmt)
        except ValueError:
            continue
        if parsed.year < 1900:
            raise Bad(f"date {cell!r} before 1900")
        if "%z" in fmt:
            m = _OFFSET.search(t)
            assert m is not None
            minutes = int(m.group(2)) * 60 + int(m.group(3))
            if int(m.group(3)) >= 60 or not -12 * 60 <= (minutes if m.group(1) == "+" else -minutes) <= 14 * 60:
                raise Bad(f"impossible UTC offset {cell!r}")
            return parsed
        return parsed.replace(tzinfo=ZoneInfo(spec.zone or tz))
    raise Bad(f"date {cell!r}")


def day(cell: str, spec: Spec) -> date:
    """An account-level row's date: required (a blank one is a bad cell), read with the spec's formats."""
    t = cell.strip(" ")
    for fmt in spec.date_formats:
        try:
            parsed = datetime.strptime(t, fmt)
        except ValueError:
            continue
        if parsed.year < 1900:
            raise Bad(f"date {cell!r} before 1900")
        return parsed.date()
    raise Bad(f"date {cell!r}")


#: a record: the file line it starts on, and its cells
Record = tuple[int, list[str]]


class _Lines:
    """The physical lines of a text, counted as the ``csv`` module takes them."""

    def __init__(self, text: str) -> None:
        self.text, self.number, self.ending = text, 0, ""

    def __iter__(self) -> Iterator[str]:
        for line in io.StringIO(self.text, newline=""):
            self.number += 1
            self.ending = line[len(line.rstrip("\r\n")) :]
            yield line


def records(
    raw: bytes, encoding: str, delimiter: str, endings: set[str] | None = None, *, cut: bool = False
) -> list[Record]:
    """Every record of the file as the ``csv`` module reads it, with the line it starts on (strict: a stray quote
    is an error; :class:`Refuse` then carries the records before it as ``partial``). ``endings`` collects the line
    endings that end records (more than one kind: mixed line endings, a documented refusal). ``cut``: the file was
    cut short, maybe inside a character (read as a replacement character)."""
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        if not cut or exc.reason != "unexpected end of data":
            raise Refuse(f"not {encoding}: {exc.reason}", located=False) from None
        text = raw.decode(encoding, errors="replace")  # a file cut inside a character (it may load either way)
    lines = _Lines(text.removeprefix("\ufeff"))
    out: list[Record] = []
    start = 1
    try:
        for rec in csv.reader(lines, delimiter=delimiter, strict=True):
            out.append((start, rec))
            start = lines.number + 1
            if endings is not None and lines.ending:
                endings.add(lines.ending)
    except csv.Error as exc:
        refuse = Refuse(f"line {start}: csv: {exc}")
        refuse.partial = out  # type: ignore[attr-defined]
        raise refuse from None
    return out


def cell_text(value: object) -> str:
    """A workbook cell as text (docs/ingest.md, Excel workbooks): dates ``YYYY-MM-DD[ HH:MM:SS]``, whole numbers
    without ``.0`` (while a float holds them exactly), other numbers as Python writes them, empty cells empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d" if value.time() == time(0) else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def sheet_records(path: Path) -> list[Record]:
    """The first sheet of a workbook, read with openpyxl, as records (row number, cells; trailing empty cells are
    no cells: a sheet is a grid, and a row shorter than the header has empty cells, not missing ones)."""
    import openpyxl

    book = openpyxl.load_workbook(path, data_only=True)
    try:
        out: list[Record] = []
        for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            cells = [cell_text(v) for v in row]
            while cells and cells[-1] == "":
                cells.pop()
            out.append((number, cells))
        return out
    finally:
        book.close()

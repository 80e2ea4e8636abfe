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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
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


def norm(name: str) -> str:
    """Header names compare case-, space- and parenthesis-insensitively (docs/ingest.md, Profiles)."""
    text = re.sub(r"[()\[\]]", " ", name.replace("\ufeff", "").replace('"', "").lower())
    return " ".join(text.split())


@dataclass
class Expectation:
    verdict: str
    reason: str = ""
    #: post id -> {"published_at", "text", every count field}
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: the oracle found a bad cell or row (the message must then name a row or line)
    located: bool = False
    #: rows whose id a spreadsheet mangled: ingest derives their ids from the permalinks (or refuses the file), so
    #: only their values are known: each must be stored under an id the oracle does not know otherwise
    unkeyed: list[dict[str, Any]] = field(default_factory=list)


class Refuse(Exception):
    def __init__(self, reason: str, located: bool = True) -> None:
        super().__init__(reason)
        self.located = located


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
            raise Refuse(f"count {cell!r}") from exc
        if d != d.to_integral_value():
            raise Refuse(f"count {cell!r} is not whole")
        value = int(d)
    else:
        raise Refuse(f"count {cell!r}")
    if not INT64[0] <= value <= INT64[1]:
        raise Refuse(f"count {cell!r} beyond 64 bits")
    if value < 0 and not signed:
        raise Refuse(f"negative count {cell!r}")
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
        raise Refuse(f"decimal {cell!r}")
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
            raise Refuse(f"date {cell!r} before 1900")
        if "%z" in fmt:
            m = _OFFSET.search(t)
            assert m is not None
            minutes = int(m.group(2)) * 60 + int(m.group(3))
            if int(m.group(3)) >= 60 or not -12 * 60 <= (minutes if m.group(1) == "+" else -minutes) <= 14 * 60:
                raise Refuse(f"impossible UTC offset {cell!r}")
            return parsed
        return parsed.replace(tzinfo=ZoneInfo(spec.zone or tz))
    raise Refuse(f"date {cell!r}")


def records(raw: bytes, encoding: str, delimiter: str) -> list[list[str]]:
    """Every record of the file as the ``csv`` module reads it (strict: a stray quote is an error)."""
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise Refuse(f"not {encoding}: {exc.reason}", located=False) from None
    text = text.removeprefix("\ufeff")
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise Refuse(f"csv: {exc}") from None


def expect(spec: Spec, raw: bytes, encoding: str, tz: str, *, may_refuse: bool) -> Expectation:
    """What ingesting ``raw`` (written in ``encoding``) must do; ``may_refuse``: a documented refusal applies."""
    unkeyed: list[dict[str, Any]] = []
    try:
        rows = _convert(spec, records(raw, encoding, spec.delimiter), tz, unkeyed)
    except Refuse as exc:
        return Expectation(MUST_REFUSE, str(exc), located=exc.located)
    return Expectation(EITHER if may_refuse or unkeyed else MUST_ACCEPT, rows=rows, unkeyed=unkeyed)


def _convert(spec: Spec, recs: list[list[str]], tz: str, unkeyed: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    if len(recs) <= spec.preamble:
        raise Refuse("no header", located=False)
    header = recs[spec.preamble]
    where: dict[str, int] = {}
    for i, name in enumerate(header):
        where.setdefault(norm(name), i)
    missing = [c for c in spec.protected if c not in where]
    if missing:
        raise Refuse(f"header lacks {missing}", located=False)

    def first(names: tuple[str, ...]) -> int | None:
        return next((where[n] for n in names if n in where), None)

    count_at = {f: first(names) for f, names in spec.counts.items()}
    watch_at = first(spec.watch)
    text_at = first(spec.text)
    out: dict[str, dict[str, Any]] = {}
    for number, rec in enumerate(recs[spec.preamble + 1 :], start=1):
        if not rec:  # a blank line
            continue
        if len(rec) != len(header):
            raise Refuse(f"row {number} has {len(rec)} of {len(header)} values")
        key = rec[where[spec.id_column]]
        if blank(key) or key.strip(" ").lower() in SUMMARY_WORDS:
            continue  # a summary row (Total, blank id), wherever the id column stands
        post_id = _post_id(spec, key, linked=spec.permalink in where)
        values: dict[str, Any] = {f: None for f in (*COUNT_FIELDS, "watch_time_seconds")}
        for fld, pos in count_at.items():
            if pos is not None:
                values[fld] = count(rec[pos], spec.decimal, fld in spec.signed)
        if spec.engagements_sum and count_at.get("engagements") is None:
            parts = [values[f] for f in spec.engagements_sum]
            total = None if all(p is None for p in parts) else sum(p or 0 for p in parts)
            if total is not None and total > INT64[1]:
                raise Refuse(f"row {number}: engagements {total} beyond 64 bits")
            values["engagements"] = total
        if watch_at is not None:
            values["watch_time_seconds"] = decimal(
                rec[watch_at], spec.decimal, spec.watch_scale, duration=spec.watch_duration
            )
        published = timestamp(rec[where[spec.published]], spec, tz) if spec.published in where else None
        if published is None and spec.time_from_id:
            at = datetime.fromtimestamp(int(post_id) >> 32, UTC) if post_id and post_id.isdigit() else None
            ok = at is not None and datetime(2016, 9, 1, tzinfo=UTC) <= at <= datetime(2100, 1, 1, tzinfo=UTC)
            published = at if ok else None
        values["published_at"] = published
        values["text"] = None if text_at is None or rec[text_at] == "" else rec[text_at]
        if post_id is None:
            unkeyed.append(values)
        else:
            out[post_id] = values  # the last row of a repeated id wins
    return out


def _post_id(spec: Spec, key: str, *, linked: bool) -> str | None:
    """The row's post id; None when a spreadsheet mangled it and a permalink column may give it back."""
    if spec.id_from_link is None:
        post_id = key.strip(" ")
        if MANGLED_ID.fullmatch(post_id):
            if linked:
                return None
            raise Refuse(f"mangled id {key!r} and no permalink column")
        return post_id
    m = re.search(spec.id_from_link, key)
    if not m:
        raise Refuse(f"no id in link {key!r}")
    return m.group(1)

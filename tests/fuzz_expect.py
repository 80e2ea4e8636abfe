"""The fuzz suite's oracle, applied: what ingesting one file must do (load exactly these rows, set these aside
with ``--skip-bad-rows``, or refuse the file), from the records :mod:`fuzz_oracle` reads and its conversions."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from fuzz_oracle import (
    EITHER,
    INT64,
    MANGLED_ID,
    MUST_ACCEPT,
    MUST_REFUSE,
    SUMMARY_WORDS,
    Bad,
    Expectation,
    Record,
    Refuse,
    Reject,
    Spec,
    blank,
    count,
    day,
    decimal,
    norm,
    records,
    sheet_records,
    timestamp,
)


def expect(
    spec: Spec,
    raw: bytes | Path,
    encoding: str,
    tz: str,
    *,
    may_refuse: bool,
    skip: bool = False,
) -> Expectation:
    """What ingesting ``raw`` (bytes written in ``encoding``, or the path of an ``.xlsx`` workbook) must do;
    ``may_refuse``: a documented refusal applies; ``skip``: with ``--skip-bad-rows``."""
    exp = Expectation(MUST_ACCEPT)
    grid = isinstance(raw, Path)
    endings: set[str] = set()
    if grid:  # date cells read as YYYY-MM-DD[ HH:MM:SS]
        spec = replace(spec, date_formats=(*spec.date_formats, "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"))
    try:
        try:
            read = partial(records, endings=endings, cut=may_refuse)  # a file cut short may end inside a character
            recs = sheet_records(raw) if isinstance(raw, Path) else read(raw, encoding, spec.delimiter)
        except Refuse as exc:
            if not (skip and hasattr(exc, "partial")):
                raise
            recs, exp.partial = exc.partial, True
        _convert(spec, recs, tz, exp, grid=grid)
    except Refuse as exc:
        return Expectation(MUST_REFUSE, str(exc), located=exc.located, rejects=exp.rejects)
    if exp.rejects and not skip:  # a strict read fails at the first malformed row, else the first bad value
        first = sorted(exp.rejects, key=lambda r: (r.row is not None, r.line or 0))
        mixed = len(endings) > 1
        return Expectation(MUST_REFUSE, "a bad row", located=True, rejects=first, unkeyed=exp.unkeyed, mixed=mixed)
    exp.mixed = len(endings) > 1
    if may_refuse or exp.unkeyed or exp.partial or exp.mixed:
        exp.verdict = EITHER
    return exp


def _convert(spec: Spec, recs: list[Record], tz: str, exp: Expectation, *, grid: bool) -> None:
    """Fill ``exp`` from the records: the rows that load, and the rows that are set aside (or refuse the file)."""
    heading = spec.preamble + spec.header_rows
    if len(recs) < heading or (grid and not any(cells for _, cells in recs)):
        raise Refuse("no header", located=False)
    header = recs[spec.preamble][1]
    where: dict[str, int] = {}
    for i, name in enumerate(header):
        where.setdefault(norm(name), i)
    missing = [c for c in spec.protected if c not in where]
    if missing:
        raise Refuse(f"header lacks {missing}", located=False)

    def first(names: tuple[str, ...]) -> int | None:
        return next((where[n] for n in names if n in where), None)

    read_at = {f: first(names) for f, names in spec.counts.items()}
    used = {i for i in read_at.values() if i is not None} | {where[spec.id_column]}
    number = 0
    for line, rec in recs[heading:]:
        if grid and rec and len(rec) < len(header):
            rec = rec + [""] * (len(header) - len(rec))  # a sheet's missing cells are empty
        if not rec:  # a blank line
            continue
        if len(rec) != len(header):
            exp.rejects.append(Reject(None, line, (header[len(rec)],) if len(rec) < len(header) else ()))
            exp.read += 1
            continue
        number += 1
        key = rec[where[spec.id_column]]
        if key.strip(" ").lower() in SUMMARY_WORDS:
            continue  # a summary row (Total), wherever the key column stands
        if spec.target == "account_daily" and all(rec[i] == "" for i in used):
            continue  # nothing in it (a row of empty cells)
        if spec.target == "posts" and blank(key):
            continue  # a post without an id: a summary row
        exp.read += 1
        try:
            keyed, values = _row(spec, header, rec, where, read_at, tz)
        except Bad as exc:
            exp.rejects.append(Reject(number, None, tuple(exc.cells), exc.cells))
            continue
        exp.loaded += 1
        if keyed is None:
            exp.unkeyed.append(values)
        else:
            exp.rows[keyed] = values  # the last row of a repeated key wins


def _row(
    spec: Spec,
    header: list[str],
    rec: list[str],
    where: dict[str, int],
    read_at: dict[str, int | None],
    tz: str,
) -> tuple[str | None, dict[str, Any]]:
    """One data row's key and values; :class:`Bad` (args: reason, bad columns, their texts) when a cell is bad."""
    bad: dict[str, str] = {}
    values: dict[str, Any] = dict.fromkeys(spec.fields)
    key_at = where[spec.id_column]

    def read(pos: int, conv: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return conv(rec[pos], *args, **kwargs)
        except Bad:
            bad[header[pos]] = rec[pos]
            return None

    keyed: str | None = None
    if spec.target == "account_daily":
        when = read(key_at, day, spec)
        keyed = when.isoformat() if when else None
    else:
        keyed = read(key_at, _post_id, spec, linked=spec.permalink in where)
    for fld, pos in read_at.items():
        if pos is not None:
            values[fld] = read(pos, count, spec.decimal, fld in spec.signed)
    if spec.engagements_sum and read_at.get("engagements") is None:
        parts = [values[f] for f in spec.engagements_sum]
        total = None if all(p is None for p in parts) else sum(p or 0 for p in parts)
        if total is not None and total > INT64[1]:
            bad["engagements"] = ""
        values["engagements"] = total
    if spec.target == "posts":
        watch_at = next((where[n] for n in spec.watch if n in where), None)
        if watch_at is not None:
            values["watch_time_seconds"] = read(
                watch_at, decimal, spec.decimal, spec.watch_scale, duration=spec.watch_duration
            )
        published = read(where[spec.published], timestamp, spec, tz) if spec.published in where else None
        if published is None and spec.time_from_id and not bad:
            at = datetime.fromtimestamp(int(keyed) >> 32, UTC) if keyed and keyed.isdigit() else None
            ok = at is not None and datetime(2016, 9, 1, tzinfo=UTC) <= at <= datetime(2100, 1, 1, tzinfo=UTC)
            published = at if ok else None
        values["published_at"] = published
        text_at = next((where[n] for n in spec.text if n in where), None)
        values["text"] = None if text_at is None or rec[text_at] == "" else rec[text_at]
    if bad:
        raise Bad("bad cells", bad)
    if keyed is None and spec.target == "posts":
        return None, values  # a mangled id, taken from the permalink
    return keyed, values


def _post_id(key: str, spec: Spec, *, linked: bool) -> str | None:
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
        raise Bad(f"no id in link {key!r}")
    return m.group(1)

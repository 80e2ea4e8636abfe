"""Reading one export: the converting SELECT over DuckDB ``read_csv``, and one checking pass over it.

The file is parsed and converted ONCE, into the temp table ``STAGE`` (measured: one pass into memory, then inserts
from it, beats reading the CSV once per target table). The checks then run on that table: row counts, the first bad
row, Excel-mangled ids, year-less dates, repeated keys and overlap with the warehouse.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from agilesocial.errors import DataError, is_input_error
from agilesocial.warehouse import sqlexpr as sx
from agilesocial.warehouse.attributes import derive_from
from agilesocial.warehouse.csvcheck import (
    clear_rejects,
    count_rejects,
    csv_source,
    mixed_head,
    structure_error,
)
from agilesocial.warehouse.datesample import seen_formats
from agilesocial.warehouse.idrepair import repair_mangled_ids
from agilesocial.warehouse.profiles import ROW_DATE, Col, Shape, metric_from_title, resolve_columns
from agilesocial.warehouse.quotescan import spaced_quote
from agilesocial.warehouse.sniff import Layout, transcode
from agilesocial.warehouse.stagefields import Check, account_fields, post_fields
from agilesocial.warehouse.yearless import plan_years

if TYPE_CHECKING:
    import duckdb

STAGE = "_agile_social_stage"


_SUMMARY_WORDS = ("total", "totals", "grand total", "summary")
#: Count fields that are net changes and may be negative (YouTube's net ``Subscribers``, LinkedIn's day of new
#: followers, -1 on a day more left than came). Every other count is refused when negative, with the cell named.
SIGNED_COUNTS = frozenset({"subscribers", "new_followers"})


@dataclass
class Stage:
    """One file's converting query, what the check pass found, and whether it is materialised."""

    shape: Shape
    layout: Layout
    fields: list[str]
    inner: str = ""
    select: str = ""
    #: the raw text of a row's first bad cell: only a numbered stage (read again when there are bad rows) carries it
    bad_value: str = "NULL::VARCHAR"
    where: str = "true"
    #: --skip-bad-rows: malformed rows are set aside (csvcheck.REJECTS) instead of failing the read
    lenient: bool = False
    #: rows the CSV reader set aside as malformed (lenient reads only)
    malformed: int = 0
    rows_read: int = 0
    bad_rows: int = 0
    first_bad: tuple[int, str, str] = (0, "", "")
    #: header names of the columns read as counts (their bad cells get a precise reason)
    count_columns: set[str] = field(default_factory=set)
    #: header names of the count columns that may be negative (:data:`SIGNED_COUNTS`)
    signed_columns: set[str] = field(default_factory=set)
    #: why a "column" that is not one cell is bad (the engagements sum): column -> reason
    reasons: dict[str, str] = field(default_factory=dict)
    decimal: str = "."
    ignored: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    account: str | None = None
    #: keys (as SQL lists) that no two good rows of the file share, so no de-duplication is needed
    unique_keys: set[str] = field(default_factory=set)
    overlap: int = 0
    materialized: bool = False
    numbered: bool = False
    #: the conversion reads ``_row`` (year-less day-by-day dates crossing New Year)
    needs_rows: bool = False
    #: how dates were placed (video ids, years inferred), ids taken from permalinks: for the ingest report
    notes: list[str] = field(default_factory=list)
    #: the permalink comes from a column of the file (not built from the post id)
    permalink_column: bool = False
    #: posts: the parameter holding the platform; the stage then carries each post's derived attributes too
    #: (:mod:`.attributes`), computed once for the posts and current rows a fresh file writes
    platform_param: str = ""

    def source(self, numbered: bool = True) -> str:
        """The converted rows as a subquery (``_row`` = data row number, 1-based, when ``numbered``)."""
        csv = csv_source(self.layout, lenient=self.lenient)
        raw = f"(SELECT row_number() OVER () AS _row, * FROM {csv})" if numbered else csv
        row = "_row, " if numbered else ""
        inner = f"(SELECT {row}{self.inner} FROM {raw} WHERE {self.where})"
        bad_value = f", {self.bad_value} AS _bad_value" if numbered else ""
        converted = f"(SELECT {row}{self.select}{bad_value} FROM {inner})"
        if not self.platform_param:
            return converted
        missing = {"text": "VARCHAR", "post_type": "VARCHAR", "hashtags": "VARCHAR[]", "duration_s": "DOUBLE"}
        nulls = "".join(f", NULL::{t} AS {c}" for c, t in missing.items() if c not in self.fields)
        viewed = "NULL::BOOLEAN"
        if "video_views" in self.fields:  # X: whether the post had media views (its one metric row's)
            viewed = f"CASE WHEN {self.platform_param} = 'x' AND video_views IS NOT NULL THEN video_views > 0 END"
        attributes = f"(SELECT *, {self.platform_param} AS platform, {viewed} AS viewed{nulls} FROM {converted})"
        cols = [*map(sx.quote_ident, self.fields), "_bad_field", *(["_row", "_bad_value"] if numbered else [])]
        return f"({derive_from(attributes, ', '.join(cols), distinct_tags=True)})"

    def csv_params(self) -> dict[str, Any]:
        return {**self.params, "csv_path": str(self.layout.read_path), "csv_delim": self.layout.delimiter}

    def materialize(self, con: duckdb.DuckDBPyConnection, *, numbered: bool = True) -> None:
        sql = f"CREATE OR REPLACE TEMP TABLE {STAGE} AS SELECT * FROM {self.source(numbered)}"
        if self.lenient:
            clear_rejects(con)
        con.execute(sql, self.csv_params())
        if self.lenient:
            self.malformed = count_rejects(con)
        self.materialized = True
        self.numbered = numbered

    def drop(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute(f"DROP TABLE IF EXISTS {STAGE}")
        self.materialized = False


def _decimal(shape: Shape) -> str:
    """The decimal separator: the mapping's; else the other one than its ``thousands``; else ',' with ';' files."""
    if shape.decimal:
        return shape.decimal
    if shape.thousands in (".", ","):
        return "," if shape.thousands == "." else "."
    return "," if shape.delimiter == ";" else "."


def _convert(
    fld: str, col: Col, v: str, shape: Shape, params: sx.Params, tz: str, year: sx.Year, seen: frozenset[str]
) -> str:
    decimal = _decimal(shape)
    if col.conv == "id":
        return f"nullif({sx.trim_id(v)}, '')"
    if col.conv == "text":
        return f"nullif({v}, '')"
    if col.conv == "labels":
        return sx.labels(v, shape.labels_sep, params)
    if col.conv == "datetime":
        return sx.timestamp(v, params, tz, shape.datetime_formats, year, seen)
    if col.conv == "date":
        return sx.date(v, params, shape.datetime_formats, year, seen)
    if col.conv == "duration":  # a negative duration is NULL, so the check pass names the cell
        return _not_negative(sx.duration(v, decimal, col.scale))
    if fld == "watch_time_seconds":
        return _not_negative(sx.decimal_value(v, decimal, col.scale))
    if col.conv == "number":
        return sx.decimal_value(v, decimal, col.scale)
    value = sx.count(v, decimal, col.scale)
    if fld in SIGNED_COUNTS:
        return value
    return f"nullif(greatest({value}, -1), -1)"  # a negative count is NULL, so the check pass names the cell


def _not_negative(value: str) -> str:
    """``value`` or NULL when below 0 (durations and watch time cannot be negative)."""
    return f"CASE WHEN ({value}) < 0 THEN NULL ELSE ({value}) END"


def build_stage(
    con: duckdb.DuckDBPyConnection,
    layout: Layout,
    *,
    fixed_account: str | None,
    year: int | None,
    tz: str,
    snapshot: date,
    skip_bad_rows: bool = False,
    on_progress: Callable[[str, float], object] | None = None,
    scanned: frozenset[str] | None = None,
) -> Stage:
    """Read and convert the file into the temp table ``STAGE``; count rows and bad rows. ``skip_bad_rows``: set
    malformed rows aside instead of refusing the file. ``on_progress(milestone, fraction)`` hears the structure scan
    (``"scan"``, ``"scanned"``), ``"parsed"`` when the format sample is done and the converting read starts, and
    ``"staged"`` when the converted rows are in ``STAGE``. ``scanned``: the spaced-quote suspects
    :func:`~.quotescan.fingerprint` found reading the file (None: scan it here)."""
    scan = None if on_progress is None else partial(on_progress, "scan")
    fault = spaced_quote(layout, scan, scanned) or mixed_head(layout)
    if on_progress is not None:
        on_progress("scanned", 1.0)
    if fault is not None:
        raise fault
    shape = layout.shape
    assert shape is not None
    if shape.delimiter is None and layout.delimiter == ";":
        shape = Shape(**{**shape.__dict__, "delimiter": ";"})
    used, ignored = resolve_columns(shape, layout.header)
    if shape.value_from_title and "__value__" in used:
        title = " ".join(line.strip().strip('",') for line in layout.preamble if "sep=" not in line.lower())
        metric = metric_from_title(title)
        if metric is None:
            raise DataError(
                f"{shape.kind_label}: cannot tell which metric the title {title!r} holds",
                path=layout.path,
                hint="load it with --mapping, naming the column for one account-level field",
            )
        used[metric] = used.pop("__value__")
    if shape.target == "account_daily" and not fixed_account:
        raise DataError(
            f"{shape.kind_label} export: account-level data that names no account",
            path=layout.path,
            hint="pass --account NAME to load it into account_daily",
        )
    dated = {
        pos: sx.candidate_formats(shape.datetime_formats, zoned=col.conv == "datetime")
        for pos, col in used.values()
        if col.conv in ("datetime", "date")
    }
    csv_params = {"csv_path": str(layout.read_path), "csv_delim": layout.delimiter}
    seen = seen_formats(con, csv_source(layout, sample=True), csv_params, dated, year)
    params = sx.Params()
    plan = plan_years(
        con, shape, layout.header, used, seen, year, tz, (csv_source(layout, sample=True), csv_params), params
    )
    snapshot = plan.snapshot or snapshot
    exprs: dict[str, str] = {}
    checks: list[Check] = []
    for fld, (pos, col) in used.items():
        v = f"c{pos}"
        exprs[fld] = plan.wrap(
            fld, _convert(fld, col, v, shape, params, tz, plan.year_arg(year), seen.get(pos, frozenset()))
        )
        if col.conv in ("datetime", "date", "count", "number", "duration"):
            cond = f"({{E}} IS NULL AND {v} IS NOT NULL AND NOT {sx.blank(v)}"
            cond += f" AND lower(trim({v})) <> 'lifetime')" if col.conv == "date" else ")"
            checks.append(Check(exprs[fld], cond, layout.header[pos], v))
    if shape.target == "posts":
        fields = post_fields(shape, used, exprs, checks, layout, params, fixed_account, snapshot)
    else:
        fields = account_fields(shape, used, exprs, checks, layout, params, fixed_account)
    fields = [f for f in fields if f in exprs]
    aliases = {exprs[f]: sx.quote_ident(f) for f in fields}
    conds = [c.cond.replace("{E}", aliases.get(c.expr, f"({c.expr})")) for c in checks]
    bad_field = (
        "CASE " + " ".join(f"WHEN {c} THEN {params.add(k.header)}" for c, k in zip(conds, checks, strict=True)) + " END"
    )
    bad_value = "CASE " + " ".join(f"WHEN {c} THEN {k.raw}" for c, k in zip(conds, checks, strict=True)) + " END"
    if not checks:
        bad_field = bad_value = "NULL::VARCHAR"
    raws = sorted({c.raw for c in checks})
    inner = ", ".join([*(f"{exprs[f]} AS {sx.quote_ident(f)}" for f in fields), *raws])
    used_refs = ", ".join(sorted({f"c{pos}" for pos, _ in used.values()})) or "NULL"
    words = ", ".join(f"'{w}'" for w in _SUMMARY_WORDS)
    key = f"c{_key_position(shape, used)}"
    not_summary = f"({key} IS NULL OR lower({sx.trim_id(key)}) NOT IN ({words}))"
    if shape.target == "posts":  # a row without a post id is a summary row (account-level rows need their date)
        not_summary = f"(NOT {sx.blank(key)} AND lower({sx.trim_id(key)}) NOT IN ({words}))"
    # a key starting with a digit (an id, a date) is neither blank nor a summary word: no trimming, no lower-casing
    not_summary = f"(ascii({key}) BETWEEN 48 AND 57 OR {not_summary})"
    stage = Stage(shape, layout, fields, ignored=ignored, params=params.values, notes=plan.notes)
    stage.needs_rows = plan.numbered
    stage.platform_param = params.add(shape.platform) if shape.target == "posts" else ""
    stage.permalink_column = "permalink" in used
    stage.account = fixed_account
    stage.lenient = skip_bad_rows
    stage.count_columns = {layout.header[pos] for pos, col in used.values() if col.conv == "count"}
    stage.signed_columns = {layout.header[pos] for f, (pos, col) in used.items() if f in SIGNED_COUNTS}
    stage.reasons = {k.header: k.reason for k in checks if k.reason}
    stage.decimal = _decimal(shape)
    stage.inner = inner
    stage.select = f"{', '.join(sx.quote_ident(f) for f in fields)}, {bad_field} AS _bad_field"
    stage.bad_value = bad_value
    stage.where = f"{not_summary} AND coalesce({used_refs}) IS NOT NULL"
    if on_progress is not None:
        on_progress("parsed", 0.0)
    _check(con, stage, year, on_progress)
    return stage


def _key_position(shape: Shape, used: dict[str, tuple[int, Col]]) -> int:
    """Where the row's key stands (post id, else permalink, else date): summary rows (``Total``, blank) are
    recognised by it, wherever the column is."""
    for fld in ("post_id", "permalink", "date", ROW_DATE):
        if fld in used:
            return used[fld][0]
    return 0


def _check(
    con: duckdb.DuckDBPyConnection,
    stage: Stage,
    year: int | None,
    on_progress: Callable[[str, float], object] | None = None,
) -> None:
    """Materialise the converted file (one pass over the CSV), then check it: counts, bad rows, mangled ids,
    year-less dates, unique keys and overlap with the warehouse. Row numbers cost a window over the whole file, so
    the file is read a second time, numbered, only when something needs them (bad rows, mangled ids, repeated keys).
    """
    extra: dict[str, Any] = {"platform": stage.shape.platform}
    if "post_id" in stage.fields:
        extra["mangled"] = sx.MANGLED_ID_RE
        # a mangled id (1.4E+18, 1400000000.0) holds a '.' or a '+': only those are matched
        key = "post_id"
        mangled = "(contains(post_id, '.') OR contains(post_id, '+')) AND regexp_full_match(post_id, $mangled)"
        overlap = "post_id IN (SELECT post_id FROM posts WHERE platform = $platform)"
        daily = f"count(DISTINCT (post_id, kind, {ROW_DATE})) FILTER (WHERE _bad_field IS NULL)"
    else:
        extra["account"] = stage.account
        key, mangled = "date", "false"
        overlap = "date IN (SELECT date FROM account_daily WHERE platform = $platform AND account = $account)"
        daily = "-1"
    quick = (
        f"SELECT count(*), count(_bad_field), count(DISTINCT {key}) FILTER (WHERE _bad_field IS NULL),"
        f" count(*) FILTER (WHERE {mangled} AND _bad_field IS NULL),"  # a row set aside needs no id
        f" count(*) FILTER (WHERE {overlap}), {daily} FROM {STAGE}"
    )
    _materialize(con, stage, numbered=stage.needs_rows)
    if on_progress is not None:
        on_progress("staged", 0.0)
    row = con.execute(quick, extra).fetchone()
    assert row is not None
    if row[3]:  # mangled ids: taken from the permalinks when they are unique, else the file is refused
        if not stage.numbered:
            _materialize(con, stage, numbered=True)
        stage.notes.append(repair_mangled_ids(con, stage, STAGE, sx.MANGLED_ID_RE))
        row = con.execute(quick, extra).fetchone()
        assert row is not None
    total, bad_rows, distinct, n_mangled, n_overlap, distinct_daily = (int(v) for v in row)
    stage.rows_read, stage.bad_rows, stage.overlap = total, bad_rows, n_overlap
    if distinct == total - bad_rows:  # a unique post_id (or date) makes every key of the file unique
        stage.unique_keys = {"post_id", f"post_id, kind, {ROW_DATE}", "date"}
    elif distinct_daily == total - bad_rows:  # daily rows per post (YouTube chart data): no row numbers needed
        stage.unique_keys = {f"post_id, kind, {ROW_DATE}"}
    if not (bad_rows or n_mangled or not stage.unique_keys):
        return
    if not stage.numbered:
        _materialize(con, stage, numbered=True)
    path = stage.layout.path
    if n_mangled:  # an id still mangled after the repair (a permalink segment that looks like one)
        m_row, m_id = con.execute(
            f"SELECT _row, {key} FROM {STAGE} WHERE {mangled} AND _bad_field IS NULL ORDER BY _row LIMIT 1",
            {"mangled": sx.MANGLED_ID_RE},
        ).fetchone() or (0, "")
        raise DataError(
            f"row {m_row}: post id {m_id!r} was mangled by a spreadsheet (ids must stay text);"
            " mangled ids cannot identify posts, so the file is refused",
            path=path,
            hint="download the export again and load it without opening and re-saving it in Excel",
        )
    if not bad_rows:
        return
    if year is None:
        yearless = con.execute(
            f"SELECT _row, _bad_field, _bad_value FROM {STAGE} WHERE regexp_full_match(trim(_bad_value), $re)"
            " ORDER BY _row LIMIT 1",
            {"re": sx.YEARLESS_RE},
        ).fetchone()
        if yearless:
            raise DataError(
                f"row {yearless[0]}, column {yearless[1]!r}: date {yearless[2]!r} has no year",
                path=path,
                hint="pass --year YYYY: the year of the file's most recent day; earlier rows run back across New Year",
            )
    first = con.execute(
        f"SELECT _row, _bad_field, _bad_value FROM {STAGE} WHERE _bad_field IS NOT NULL ORDER BY _row LIMIT 1"
    ).fetchone()
    assert first is not None
    stage.first_bad = (int(first[0]), str(first[1]), "" if first[2] is None else str(first[2]))


def _materialize(con: duckdb.DuckDBPyConnection, stage: Stage, *, numbered: bool) -> None:
    layout = stage.layout
    while True:
        try:
            stage.materialize(con, numbered=numbered)
            return
        except Exception as exc:
            if not is_input_error(exc):  # a bug in our SQL or Python is no malformed CSV
                raise
            text = str(exc)
        if "Invalid unicode" in text and layout.encoding == "utf-8" and layout.ascii_head:
            # an ASCII head passed for UTF-8, but a later byte is not: a cp1252 file whose first accented
            # character comes after the sample. Transcode it and read again.
            layout.read_path, layout.encoding, layout.temp = transcode(layout.path, "cp1252"), "cp1252", True
        elif "Invalid unicode" in text:
            m = re.search(r"Line: (\d+)", text)
            raise DataError(
                f"the file is not valid {'UTF-8' if layout.encoding.startswith('utf-8') else layout.encoding}"
                " text (a byte sequence on this line cannot be decoded)",
                path=layout.path,
                line=int(m.group(1)) if m else None,
                hint="save the export again as UTF-8 (or UTF-16 / Windows-1252, which are detected) and ingest it",
            )
        else:
            raise structure_error(
                con, layout, text, {"csv_path": str(layout.read_path), "csv_delim": layout.delimiter}
            ) from None

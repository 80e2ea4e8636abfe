"""The SQL of one file's load: stage (read + convert + find bad rows), upsert, write rejects."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agilesocial.errors import DataError
from agilesocial.plan.metrics import METRIC_FIELDS
from agilesocial.warehouse import sqlexpr as sx
from agilesocial.warehouse.profiles import ROW_DATE, Col, Shape, metric_from_title, resolve_columns
from agilesocial.warehouse.schema import ACCOUNT_DAILY_FIELDS
from agilesocial.warehouse.sniff import Layout

if TYPE_CHECKING:
    import duckdb

STAGE = "_agile_social_stage"
_SUMMARY_WORDS = ("total", "totals", "grand total", "summary")


@dataclass
class Stage:
    """A converted file in a temp table, ready to upsert."""

    shape: Shape
    fields: list[str]
    rows_read: int = 0
    bad_rows: int = 0
    first_bad: tuple[int, str, str] = (0, "", "")
    ignored: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    #: keys (as SQL lists) that no two good rows of the file share, so no de-duplication is needed
    unique_keys: set[str] = field(default_factory=set)

    def drop(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute(f"DROP TABLE IF EXISTS {STAGE}")


def _csv_source(layout: Layout, params: sx.Params, padding: bool) -> str:
    cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(layout.header)))
    options = (
        f"header=false, skip={int(layout.skip)}, auto_detect=false, columns={{{cols}}},"
        f" delim={params.add(layout.delimiter)},"
        " quote='\"', escape='\"', strict_mode=false, max_line_size=10000000"
    )
    if padding:
        options += ", null_padding=true, parallel=false"
    return f"read_csv({params.add(str(layout.read_path))}, {options})"


def _convert(fld: str, col: Col, v: str, shape: Shape, params: sx.Params, tz: str, year: int | None) -> str:
    decimal = shape.decimal or ("," if shape.delimiter == ";" else ".")
    if col.conv == "id":
        return f"nullif(trim({v}), '')"
    if col.conv == "text":
        return f"nullif({v}, '')"
    if col.conv == "labels":
        return sx.labels(v, shape.labels_sep, params)
    if col.conv == "datetime":
        return sx.timestamp(v, params, tz, shape.datetime_formats, year)
    if col.conv == "date":
        return sx.date(v, params, shape.datetime_formats, year)
    if col.conv == "duration":
        return sx.duration(v, decimal, col.scale)
    if col.conv == "number" or fld == "watch_time_seconds":
        return sx.decimal_value(v, decimal, col.scale)
    return sx.count(v, decimal, col.scale)


def build_stage(
    con: duckdb.DuckDBPyConnection,
    layout: Layout,
    *,
    fixed_account: str | None,
    year: int | None,
    tz: str,
    snapshot: date,
) -> Stage:
    """Read and convert the file into the temp table ``STAGE``; count rows and bad rows."""
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
            f"looks like a {shape.kind_label} export: account-level data that names no account",
            path=layout.path,
            hint="pass --account NAME to load it into account_daily",
        )
    params = sx.Params()
    exprs: dict[str, str] = {}
    checks: list[tuple[str, str, str]] = []  # (bad condition, header name, raw ref)
    for fld, (pos, col) in used.items():
        v = f"c{pos}"
        exprs[fld] = _convert(fld, col, v, shape, params, tz, year)
        if col.conv in ("datetime", "date", "count", "number", "duration"):
            cond = f"(({exprs[fld]}) IS NULL AND NOT {sx.blank(v)}"
            cond += f" AND lower(trim({v})) <> 'lifetime')" if col.conv == "date" else ")"
            checks.append((cond, layout.header[pos], v))
    if shape.target == "posts":
        fields = _post_fields(shape, used, exprs, checks, layout, params, fixed_account, snapshot)
    else:
        fields = _account_fields(shape, used, exprs, checks, layout, params, fixed_account)
    first_cell = "c0"
    used_refs = sorted({f"c{pos}" for pos, _ in used.values()})
    not_summary = f"NOT (lower(trim(coalesce({first_cell}, ''))) IN ({', '.join(repr(w) for w in _SUMMARY_WORDS)}))"
    not_empty = "NOT (" + " AND ".join(f"{sx.blank(r)}" for r in used_refs) + ")" if used_refs else "true"
    bad_field = "CASE " + " ".join(f"WHEN {c} THEN {params.add(name)}" for c, name, _ in checks) + " END"
    bad_value = "CASE " + " ".join(f"WHEN {c} THEN {raw}" for c, _, raw in checks) + " END"
    if not checks:
        bad_field = bad_value = "NULL::VARCHAR"
    select = ", ".join(f"{expr} AS {sx.quote_ident(name)}" for name, expr in exprs.items() if name in fields)
    stage = Stage(shape, [f for f in fields if f in exprs], ignored=ignored, params=params.values)
    for padding in (False, True):
        source = _csv_source(layout, params, padding)
        sql = (
            f"CREATE OR REPLACE TEMP TABLE {STAGE} AS SELECT _row, {select}, {bad_field} AS _bad_field,"
            f" {bad_value} AS _bad_value FROM (SELECT row_number() OVER () AS _row, * FROM {source})"
            f" WHERE {not_summary} AND {not_empty}"
        )
        try:
            con.execute(sql, params.values)
            break
        except Exception as exc:  # duckdb.Error: the CSV itself is malformed
            text = str(exc)
            if not padding and "Expected Number of Columns" in text:
                continue
            raise _csv_error(layout, text) from None
    _inspect(con, stage, layout, year)
    return stage


def _csv_error(layout: Layout, text: str) -> DataError:
    m = re.search(r"Line: (\d+)", text)
    line = int(m.group(1)) if m else None
    first = text.split("\n")[0].replace("Invalid Input Error: ", "")
    if "Original Line" in text or "Expected Number" in text:
        detail = next((ln for ln in text.split("\n") if "Expected Number" in ln), first)
        first = f"malformed CSV row: {detail.strip()}"
    return DataError(first, path=layout.path, line=line, hint="is this a complete, unmodified export?")


def _inspect(con: duckdb.DuckDBPyConnection, stage: Stage, layout: Layout, year: int | None) -> None:
    row = con.execute(f"SELECT count(*), count(_bad_field) FROM {STAGE}").fetchone()
    assert row is not None
    stage.rows_read, stage.bad_rows = int(row[0]), int(row[1])
    if "post_id" in stage.fields:
        mangled = con.execute(
            f"SELECT _row, post_id FROM {STAGE} WHERE regexp_full_match(post_id, $re) ORDER BY _row LIMIT 1",
            {"re": sx.MANGLED_ID_RE},
        ).fetchone()
        if mangled:
            raise DataError(
                f"row {mangled[0]}: post id {mangled[1]!r} was mangled by a spreadsheet (ids must stay text);"
                " mangled ids cannot identify posts, so the file is refused",
                path=layout.path,
                hint="download the export again and load it without opening and re-saving it in Excel",
            )
    keys = ["post_id", f"post_id, kind, {ROW_DATE}"] if "post_id" in stage.fields else ["date"]
    for key in keys:  # a unique post_id makes (post_id, kind, date) unique too
        row = con.execute(f"SELECT count(*) = count(DISTINCT ({key})) FROM {STAGE} WHERE _bad_field IS NULL").fetchone()
        if row and row[0]:
            stage.unique_keys.update(keys[keys.index(key) :])
            break
    if stage.bad_rows:
        if year is None:
            yearless = con.execute(
                f"SELECT _row, _bad_field, _bad_value FROM {STAGE} WHERE regexp_full_match(trim(_bad_value), $re)"
                " ORDER BY _row LIMIT 1",
                {"re": sx.YEARLESS_RE},
            ).fetchone()
            if yearless:
                raise DataError(
                    f"row {yearless[0]}, column {yearless[1]!r}: date {yearless[2]!r} has no year",
                    path=layout.path,
                    hint="pass --year YYYY, the year these dates are in",
                )
        first = con.execute(
            f"SELECT _row, _bad_field, _bad_value FROM {STAGE} WHERE _bad_field IS NOT NULL ORDER BY _row LIMIT 1"
        ).fetchone()
        assert first is not None
        stage.first_bad = (int(first[0]), str(first[1]), str(first[2]))


def _post_fields(
    shape: Shape,
    used: dict[str, tuple[int, Col]],
    exprs: dict[str, str],
    checks: list[tuple[str, str, str]],
    layout: Layout,
    params: sx.Params,
    fixed_account: str | None,
    snapshot: date,
) -> list[str]:
    if "post_id" not in exprs:
        if shape.post_id_from_permalink and "permalink" in exprs:
            pos = used["permalink"][0]
            exprs["post_id"] = f"nullif(regexp_extract(c{pos}, {params.add(shape.post_id_from_permalink)}, 1), '')"
        else:
            raise DataError(
                f"{shape.kind_label}: no column holds the post id",
                path=layout.path,
                hint="map post_id in a --mapping file",
            )
    id_pos = used["permalink"][0] if "post_id" not in used else used["post_id"][0]
    checks.insert(0, ("(post_id_expr IS NULL)", layout.header[id_pos], f"c{id_pos}"))
    checks[0] = (f"(({exprs['post_id']}) IS NULL)", checks[0][1], checks[0][2])
    if "permalink" not in exprs and shape.permalink_template:
        exprs["permalink"] = f"{params.add(shape.permalink_template)} || ({exprs['post_id']})"
    if "post_type" not in exprs and shape.post_type:
        exprs["post_type"] = params.add(shape.post_type)
    if fixed_account:
        exprs["account"] = params.add(fixed_account)
    exprs.setdefault("account", "NULL::VARCHAR")
    if "text" in exprs:
        exprs["hashtags"] = sx.hashtags(exprs["text"])
    if "engagements" not in exprs:
        parts = [exprs[f] for f in shape.engagements_sum if f in exprs]
        if parts:
            total = " + ".join(f"coalesce({p}, 0)" for p in parts)
            exprs["engagements"] = (
                f"CASE WHEN {' AND '.join(f'({p}) IS NULL' for p in parts)} THEN NULL ELSE {total} END"
            )
    snap = params.add(snapshot)
    if ROW_DATE in exprs:
        day = exprs[ROW_DATE]
        exprs["kind"] = f"CASE WHEN ({day}) IS NULL THEN 'lifetime' ELSE 'daily' END"
        exprs[ROW_DATE] = f"coalesce({day}, {snap}::DATE)"
    else:
        exprs["kind"] = "'lifetime'"
        exprs[ROW_DATE] = f"{snap}::DATE"
    post = ("account", "post_id", "published_at", "post_type", "text", "permalink", "labels", "hashtags")
    return [*post, "kind", ROW_DATE, *METRIC_FIELDS]


def _account_fields(
    shape: Shape,
    used: dict[str, tuple[int, Col]],
    exprs: dict[str, str],
    checks: list[tuple[str, str, str]],
    layout: Layout,
    params: sx.Params,
    fixed_account: str | None,
) -> list[str]:
    if "date" not in exprs:
        raise DataError(f"{shape.kind_label}: no date column", path=layout.path)
    pos = used["date"][0]
    checks.insert(0, (f"(({exprs['date']}) IS NULL)", layout.header[pos], f"c{pos}"))
    exprs["account"] = params.add(fixed_account)
    return ["account", "date", *ACCOUNT_DAILY_FIELDS]


def _good_rows(stage: Stage, key: str, order: str) -> str:
    """The staged rows to load: without bad rows, and the last row of each key when a file repeats a key."""
    where = " WHERE _bad_field IS NULL" if stage.bad_rows else ""
    if key in stage.unique_keys:
        return f"(SELECT * FROM {STAGE}{where})"
    return f"(SELECT * FROM {STAGE}{where} QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY {order}) = 1)"


def _upsert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    key: tuple[str, ...],
    cols: list[str],
    source: str,
    merge: dict[str, str],
    p: dict[str, Any],
    keep: tuple[str, ...] = (),
) -> None:
    """Insert ``source`` rows into ``table``; rows whose key already exists are replaced, merged per ``merge``.

    ``merge`` maps a column to how the new value combines with the old one (``n`` = new row, ``o`` = old row).
    With no overlap (the common case: new posts) this is one plain INSERT. ``keep`` columns (not in this file) keep
    their old values when a row is replaced.
    """
    on = " AND ".join(f"o.{k} = n.{k}" for k in key)
    overlap = con.execute(
        f"SELECT count(*) FROM {table} o SEMI JOIN {source} n ON o.platform = $platform AND {on}",
        {"platform": p["platform"]},
    ).fetchone()
    all_cols = ", ".join(("platform", *cols, "ingest_id"))
    if not overlap or not overlap[0]:
        con.execute(f"INSERT INTO {table} ({all_cols}) SELECT $platform, {', '.join(cols)}, $iid FROM {source}", p)
        return
    merged = ", ".join([*(f"{merge.get(c, f'n.{c}')} AS {c}" for c in cols), *(f"o.{c} AS {c}" for c in keep)])
    cols = [*cols, *keep]
    all_cols = ", ".join(("platform", *cols, "ingest_id"))
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGE}_merge AS SELECT $platform AS platform, {merged}, $iid AS ingest_id"
        f" FROM {source} n LEFT JOIN {table} o ON o.platform = $platform AND {on}",
        p,
    )
    con.execute(
        f"DELETE FROM {table} o WHERE o.platform = $platform AND EXISTS (SELECT 1 FROM {STAGE}_merge n WHERE {on})",
        {"platform": p["platform"]},
    )
    con.execute(f"INSERT INTO {table} ({all_cols}) SELECT {all_cols} FROM {STAGE}_merge")
    con.execute(f"DROP TABLE {STAGE}_merge")


def load_staged(con: duckdb.DuckDBPyConnection, stage: Stage, ingest_id: int) -> None:
    """Upsert the good staged rows (inside the caller's transaction). The last row of a key in a file wins."""
    p = {"platform": stage.shape.platform, "iid": ingest_id}
    if stage.shape.target == "account_daily":
        present = [f for f in ACCOUNT_DAILY_FIELDS if f in stage.fields]
        merge = {f: f"coalesce(n.{f}, o.{f})" for f in present}  # one-metric files (Instagram daily) add up
        source = _good_rows(stage, "date", "_row DESC")
        _upsert(con, "account_daily", ("account", "date"), ["account", "date", *present], source, merge, p)
        return
    post_cols = ["account", "published_at", "post_type", "text", "permalink", "labels", "hashtags"]
    sel = ", ".join(c if c in stage.fields else f"NULL AS {c}" for c in post_cols)
    posts = _good_rows(stage, "post_id", f"{ROW_DATE} DESC, _row DESC")
    source = f"(SELECT post_id, {sel} FROM {posts})"
    merge = {c: f"coalesce(n.{c}, o.{c})" for c in post_cols}  # a newer export wins where it has a value
    _upsert(con, "posts", ("post_id",), ["post_id", *post_cols], source, merge, p)
    metrics = [f for f in METRIC_FIELDS if f in stage.fields]
    if not metrics:
        return
    source = _good_rows(stage, f"post_id, kind, {ROW_DATE}", "_row DESC")
    source = f"(SELECT post_id, kind, {ROW_DATE} AS metric_date, {', '.join(metrics)} FROM {source})"
    keep = tuple(f for f in METRIC_FIELDS if f not in metrics)
    cols = ["post_id", "kind", "metric_date", *metrics]
    _upsert(con, "post_metrics", ("post_id", "kind", "metric_date"), cols, source, {}, p, keep)


def write_rejects(con: duckdb.DuckDBPyConnection, layout: Layout, stage: Stage, folder: Path, sha: str) -> Path:
    """Write the rejected rows (row number, column, value, then the raw cells) to a CSV, formulas neutralised."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", layout.path.stem)[:80]
    out = folder / f"{stem}.{sha[:8]}.rejects.csv"
    params = sx.Params()
    source = _csv_source(layout, params, padding=True)
    names: dict[str, int] = {}
    cells = []
    for i, name in enumerate(layout.header):
        label = name.strip() or f"column {i + 1}"
        names[label] = names.get(label, 0) + 1
        if names[label] > 1:
            label = f"{label} ({names[label]})"
        cells.append(f"{sx.neutralise(f'r.c{i}')} AS {sx.quote_ident(label)}")
    sql = (
        f'COPY (SELECT s._row AS "row", {sx.neutralise("s._bad_field")} AS "rejected_column",'
        f' {sx.neutralise("s._bad_value")} AS "rejected_value", {", ".join(cells)}'
        f" FROM {STAGE} s JOIN (SELECT row_number() OVER () AS _row, * FROM {source}) r USING (_row)"
        f" WHERE s._bad_field IS NOT NULL ORDER BY s._row) TO {sx.quote_literal(str(out))} (HEADER, DELIMITER ',')"
    )
    con.execute(sql, params.values)
    return out

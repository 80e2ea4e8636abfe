"""The analysis SQL is written once, in DuckDB's dialect; this module translates it to Spark SQL with sqlglot.

Values reach DuckDB as ``?`` parameters. Spark SQL has no positional parameters for the list values the selectors
use, so :func:`inline_params` writes each value as a typed DuckDB literal (strings quoted and escaped, timestamps in
UTC); sqlglot then translates the whole statement. :func:`spark_sql` applies the few rewrites where sqlglot's Spark
output is wrong or missing for our SQL (checked by tests/test_spark_engine.py on a real Spark):

- ``timezone(zone, ts)`` (a TIMESTAMPTZ as local wall-clock time) is ``from_utc_timestamp(ts, zone)`` (the Spark
  session runs in UTC);
- ``isodow(ts)`` (Monday = 1) is ``weekday(ts) + 1``;
- ``list_has_any(a, b)`` is ``arrays_overlap(a, b)``;
- qualified names of the lake's tables (``"memory".main.post_latest``) lose their catalog and schema.

An ordered aggregate (``list(x ORDER BY y)``) has no Spark equivalent and is refused rather than silently unordered.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

#: The tables (and views) holding posts and metrics: a query reading any of them runs on the posts engine.
POST_TABLES = frozenset(
    {"posts", "post_current", "post_latest", "post_metrics", "account_daily", "analysis_posts", "analysis_scope"}
)


class UntranslatableSql(ValueError):
    """A DuckDB statement this module cannot translate faithfully to Spark SQL."""


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def literal(value: Any) -> str:
    """``value`` as a DuckDB literal of the type DuckDB would bind the parameter with."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value) if math.isfinite(value) else ("NaN" if math.isnan(value) else str(value))
        return f"CAST({_quote(text)} AS DOUBLE)"
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return f"CAST({_quote(value.isoformat(sep=' '))} AS TIMESTAMP)"
        utc = value.astimezone(dt.UTC).replace(tzinfo=None)
        return f"CAST({_quote(utc.isoformat(sep=' ') + '+00:00')} AS TIMESTAMPTZ)"
    if isinstance(value, dt.date):
        return f"CAST({_quote(value.isoformat())} AS DATE)"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    raise UntranslatableSql(f"cannot write a {type(value).__name__} parameter as an SQL literal")


def inline_params(sql: str, params: Sequence[Any] = ()) -> str:
    """``sql`` with each ``?`` placeholder (outside strings and comments) replaced by its value's literal."""
    from sqlglot.dialects.duckdb import DuckDB
    from sqlglot.tokens import TokenType

    out: list[str] = []
    pos = 0
    values = list(params)
    used = 0
    for token in DuckDB().tokenize(sql):
        # '?::TYPE' is one token (QDCOLON): the '?' is its first character
        is_mark = (token.token_type == TokenType.PLACEHOLDER and token.text == "?") or (
            token.token_type == TokenType.QDCOLON
        )
        if not is_mark:
            continue
        if used >= len(values):
            raise UntranslatableSql(f"the statement has more '?' placeholders than the {len(values)} values given")
        out.append(sql[pos : token.start])
        out.append(literal(values[used]))
        used += 1
        pos = token.start + 1
    if used != len(values):
        raise UntranslatableSql(f"{len(values)} values given for {used} '?' placeholders")
    out.append(sql[pos:])
    return "".join(out)


def parse(sql: str) -> Any:
    """The DuckDB statement as a sqlglot expression (parameters already inlined)."""
    import sqlglot
    from sqlglot.errors import ParseError

    try:
        return sqlglot.parse_one(sql, read="duckdb")
    except ParseError as exc:
        raise UntranslatableSql(f"cannot parse the statement: {exc}") from None


def tables_read(tree: Any) -> set[str]:
    """Names (lower case, unqualified) of the tables and views a parsed statement names."""
    from sqlglot import exp

    return {t.name.lower() for t in tree.find_all(exp.Table)}


def reads_posts(tree: Any) -> bool:
    """Whether the statement reads one of :data:`POST_TABLES`."""
    return bool(tables_read(tree) & POST_TABLES)


def _rewrite(node: Any) -> Any:
    """One node in Spark's terms (a replaced node's children are rewritten here: ``transform`` skips them)."""
    from sqlglot import exp

    def fix(child: Any) -> Any:
        return child.transform(_rewrite)

    if isinstance(node, exp.Anonymous) and node.name.lower() == "timezone" and len(node.expressions) == 2:
        zone, ts = node.expressions
        return exp.Anonymous(this="from_utc_timestamp", expressions=[fix(ts), fix(zone)])
    if isinstance(node, exp.AtTimeZone):  # DuckDB: TIMESTAMPTZ AT TIME ZONE z -> local wall-clock time
        return exp.Anonymous(this="from_utc_timestamp", expressions=[fix(node.this), fix(node.args["zone"])])
    if isinstance(node, exp.DayOfWeekIso):
        weekday = exp.Anonymous(this="weekday", expressions=[fix(node.this)])
        return exp.Paren(this=exp.Add(this=weekday, expression=exp.Literal.number(1)))
    if isinstance(node, exp.ArrayOverlaps):
        return exp.Anonymous(this="arrays_overlap", expressions=[fix(node.this), fix(node.expression)])
    if isinstance(node, exp.ArrayAgg | exp.GroupConcat) and isinstance(node.this, exp.Order):
        raise UntranslatableSql("an ordered aggregate (list(x ORDER BY y)) has no Spark equivalent")
    qualified = node.args.get("db") or node.args.get("catalog") if isinstance(node, exp.Table) else None
    if qualified and node.name.lower() in POST_TABLES:
        return exp.Table(this=exp.to_identifier(node.name), alias=node.args.get("alias"))
    return node


def spark_type(duckdb_type: str) -> str:
    """A DuckDB column type (``VARCHAR[]``, ``TIMESTAMP WITH TIME ZONE``...) as a Spark SQL type."""
    from sqlglot import exp

    return str(exp.DataType.build(duckdb_type, dialect="duckdb").sql(dialect="spark"))


def to_spark(tree: Any) -> str:
    """A parsed DuckDB statement (or expression) as Spark SQL."""
    return str(tree.copy().transform(_rewrite).sql(dialect="spark"))


def spark_sql(sql: str, params: Sequence[Any] = ()) -> str:
    """The DuckDB statement ``sql`` with its ``?`` parameters as Spark SQL."""
    return to_spark(parse(inline_params(sql, params)))

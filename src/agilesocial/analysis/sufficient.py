"""Sufficient statistics in SQL: one query returns every experiment x variant x metric's n, sums, sums of squares
and cross-products. Python only does arithmetic on them. Per-post values and daily series are fetched only for the
methods that need them (Mann-Whitney, GLMs, interrupted time series).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agilesocial.analysis.selection import VariantSql
from agilesocial.plan.metrics import Metric

if TYPE_CHECKING:
    import duckdb

    from agilesocial.stats import SampleStats


@dataclass(frozen=True)
class Sums:
    """One variant x metric: posts with the metric present, sums over them, and the largest single values."""

    n: int
    sum_y: float
    sum_y2: float
    sum_x: float | None = None
    sum_x2: float | None = None
    sum_xy: float | None = None
    sum_y3: float | None = None
    max_y: float | None = None
    max_x: float | None = None
    zero_x: int = 0  # posts whose denominator is 0

    def sample_stats(self) -> SampleStats:
        from agilesocial.stats import SampleStats

        return SampleStats(
            self.n,
            self.sum_y,
            self.sum_y2,
            self.sum_x,
            self.sum_x2,
            self.sum_xy,
            sum_y3=self.sum_y3 if self.n else None,
            max_y=self.max_y,
            max_x=self.max_x,
        )


@dataclass(frozen=True)
class ExperimentSums:
    """What the one query of an experiment returned."""

    variant_names: tuple[str, ...]
    posts: tuple[int, ...]  # posts assigned to each variant
    overlap: int  # posts matched by two or more variants
    sums: dict[str, tuple[Sums, ...]]  # metric name -> per variant


def metric_fields(metrics: list[Metric]) -> tuple[str, ...]:
    """The distinct canonical fields the metrics read, in order of first use."""
    out: list[str] = []
    for m in metrics:
        for f in m.fields:
            if f not in out:
                out.append(f)
    return tuple(out)


def _aggregates(metric: Metric) -> dict[str, str]:
    """Sums.field -> SQL aggregate over the posts where the metric's fields are present.

    Posts lacking a field become NULL through CASE (ignored by the aggregates): cheaper than FILTER clauses.
    """
    ok = f"{metric.numerator} IS NOT NULL"
    if metric.denominator is not None:
        ok += f" AND {metric.denominator} IS NOT NULL"
    y = f"(CASE WHEN {ok} THEN {metric.numerator}::DOUBLE END)"
    aggs = {
        "n": f"count({y})",
        "sum_y": f"sum({y})",
        "sum_y2": f"sum({y} * {y})",
        "sum_y3": f"sum({y} * {y} * {y})",
        "max_y": f"max({y})",
    }
    if metric.denominator is not None:
        x = f"(CASE WHEN {ok} THEN {metric.denominator}::DOUBLE END)"
        aggs.update(
            {
                "sum_x": f"sum({x})",
                "sum_x2": f"sum({x} * {x})",
                "sum_xy": f"sum({x} * {y})",
                "max_x": f"max({x})",
                "zero_x": f"count(CASE WHEN {x} = 0 THEN 1 END)",
            }
        )
    return aggs


def sums_sql(selection: VariantSql, metrics: list[Metric]) -> str:
    """The one GROUP BY over the experiment's posts: every variant x metric in a single scan."""
    cols = ["v", "count(*) AS posts", "count(CASE WHEN nm > 1 THEN 1 END) AS overlap"]
    aggs = [a for m in metrics for a in _aggregates(m).values()]
    cols.extend(f"{a} AS a{i}" for i, a in enumerate(aggs))  # named, so every engine accepts the column list
    return f"SELECT {', '.join(cols)} FROM ({selection.sql}) WHERE v IS NOT NULL GROUP BY v"


def _sums(names: list[str], values: tuple[Any, ...]) -> Sums:
    got = dict(zip(names, values, strict=True))
    n = int(got.pop("n") or 0)
    zero_x = int(got.pop("zero_x", 0) or 0)
    floats = {k: (None if v is None else float(v)) for k, v in got.items()}
    for key in ("sum_y", "sum_y2", "sum_x", "sum_x2", "sum_xy"):
        if key in floats and floats[key] is None:
            floats[key] = 0.0  # sum over no rows
    return Sums(n, zero_x=zero_x, **floats)  # type: ignore[arg-type]


def all_sums_sql(parts: list[tuple[VariantSql, list[Metric]]]) -> tuple[str, list[Any]]:
    """One query for every experiment: each experiment's GROUP BY (:func:`sums_sql`) tagged with its index ``e``,
    joined with UNION ALL (rows padded with NULLs to the widest experiment's columns). The analysis reads each post
    in scope once for all experiments, and a distributed engine returns only these few numbers."""
    widths = [3 + sum(len(_aggregates(m)) for m in metrics) for _, metrics in parts]
    widest = max(widths, default=3)
    selects, params = [], []
    for k, ((sel, metrics), width) in enumerate(zip(parts, widths, strict=True)):
        pad = "".join(", NULL" for _ in range(widest - width))
        selects.append(f"SELECT {k} AS e, *{pad} FROM ({sums_sql(sel, metrics)})")
        params.extend(sel.params)
    return " UNION ALL ".join(selects), params


def _unpack(selection: VariantSql, metrics: list[Metric], rows: list[tuple[Any, ...]]) -> ExperimentSums:
    """One experiment's GROUP BY rows (``v``, posts, overlap, then each metric's aggregates) per variant and metric
    (variants without posts get n = 0)."""
    k = len(selection.variant_names)
    by_v = {row[0]: row for row in rows}
    overlap = sum(int(row[2] or 0) for row in rows)
    posts = tuple(int(by_v[i][1]) if i in by_v else 0 for i in range(k))
    sums: dict[str, tuple[Sums, ...]] = {}
    offset = 3
    for m in metrics:
        names = list(_aggregates(m))
        width = len(names)
        empty = tuple(0 if name in ("n", "zero_x") else None for name in names)
        sums[m.name] = tuple(_sums(names, by_v[i][offset : offset + width] if i in by_v else empty) for i in range(k))
        offset += width
    return ExperimentSums(selection.variant_names, posts, overlap, sums)


def fetch_sums(con: duckdb.DuckDBPyConnection, selection: VariantSql, metrics: list[Metric]) -> ExperimentSums:
    """Run the experiment's query and unpack it per variant and metric (variants without posts get n = 0)."""
    return _unpack(selection, metrics, con.execute(sums_sql(selection, metrics), selection.params).fetchall())


def fetch_all_sums(
    con: duckdb.DuckDBPyConnection, parts: list[tuple[VariantSql, list[Metric]]]
) -> list[ExperimentSums]:
    """Every experiment's sufficient statistics from one query (:func:`all_sums_sql`), in the order of ``parts``."""
    if not parts:
        return []
    sql, params = all_sums_sql(parts)
    rows: dict[int, list[tuple[Any, ...]]] = {k: [] for k in range(len(parts))}
    for row in con.execute(sql, params).fetchall():
        rows[int(row[0])].append(row[1:])
    return [_unpack(sel, metrics, rows[k]) for k, (sel, metrics) in enumerate(parts)]


def fetch_overlap(con: duckdb.DuckDBPyConnection, selection: VariantSql, limit: int = 5) -> list[tuple[str, list[str]]]:
    """A few posts matched by more than one variant, with the names of the variants they match."""
    k = len(selection.variant_names)
    flags = ", ".join(f"m{i}" for i in range(k))
    sql = f"SELECT post_id, {flags} FROM ({selection.sql}) WHERE nm > 1 ORDER BY post_id LIMIT {int(limit)}"
    out = []
    for row in con.execute(sql, selection.params).fetchall():
        out.append((str(row[0]), [selection.variant_names[i] for i in range(k) if row[1 + i]]))
    return out


def fetch_values(
    con: duckdb.DuckDBPyConnection, selection: VariantSql, metric: Metric
) -> list[tuple[list[float], list[float]]]:
    """Per-post (numerator, denominator) values of each variant, in post_id order; denominators are 1.0 for count
    metrics. Plain ordered rows (no ordered list aggregate), so the same SQL runs on every engine."""
    return fetch_all_values(con, selection, [metric])[metric.name]


def fetch_all_values(
    con: duckdb.DuckDBPyConnection, selection: VariantSql, metrics: list[Metric]
) -> dict[str, list[tuple[list[float], list[float]]]]:
    """:func:`fetch_values` of every metric from one query (an experiment's guardrails split the same posts): each
    metric keeps the posts that have its fields, in the same order."""
    fields = []
    for m in metrics:
        ok = f"{m.numerator} IS NOT NULL" + (f" AND {m.denominator} IS NOT NULL" if m.denominator else "")
        fields += [f"{m.numerator}::DOUBLE", f"{m.denominator or '1'}::DOUBLE", f"({ok})"]
    sql = f"SELECT v, {', '.join(fields)} FROM ({selection.sql}) WHERE v IS NOT NULL ORDER BY v, post_id, published_at"
    out: dict[str, list[tuple[list[float], list[float]]]] = {
        m.name: [([], []) for _ in selection.variant_names] for m in metrics
    }
    arms = [out[m.name] for m in metrics]
    for row in con.execute(sql, selection.params).fetchall():
        v = row[0]
        for k, arm in enumerate(arms):
            if row[3 + 3 * k]:
                arm[v][0].append(float(row[1 + 3 * k]))
                arm[v][1].append(float(row[2 + 3 * k]))
    return out

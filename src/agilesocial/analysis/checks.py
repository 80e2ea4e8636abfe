"""Checks on an experiment's posts before any test runs: overlapping variants, an empty scope, a variant without
posts, and posts without the metric's fields -- each a one-line error or reason that names the fix."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agilesocial.analysis.selection import describe_scope
from agilesocial.analysis.sufficient import ExperimentSums, fetch_overlap
from agilesocial.errors import DataError
from agilesocial.plan.experiment import Experiment
from agilesocial.plan.loader import Document
from agilesocial.plan.metrics import Metric, exports_lack, missing_fields

if TYPE_CHECKING:
    import duckdb


def _where(doc: Document[Experiment], *loc: str | int) -> dict[str, Any]:
    line, col = doc.locate(*loc)
    return {"path": doc.path, "line": line, "column": col}


def check_posts(doc: Document[Experiment], sums: ExperimentSums, con: duckdb.DuckDBPyConnection, sel: Any) -> None:
    """Raise a DataError naming the fix when variants overlap, no post is in scope, or a variant matched none."""
    exp = doc.model
    scope = describe_scope(exp)
    if sums.overlap:
        posts = fetch_overlap(con, sel)
        shown = "; ".join(f"{pid} ({' and '.join(names)})" for pid, names in posts)
        more = f" and {sums.overlap - len(posts)} more" if sums.overlap > len(posts) else ""
        raise DataError(
            f"experiment {exp.id!r}: {sums.overlap} posts match more than one variant: {shown}{more}",
            **_where(doc, "variants"),
            hint="make the variant selectors exclusive (e.g. add labels or post_type)",
        )
    if sum(sums.posts) == 0:
        raise DataError(
            f"experiment {exp.id!r} has no posts in the warehouse: no {scope} ({_holdings(con)})",
            **_where(doc, "window" if exp.window else "id"),
            hint=f"ingest the exports of {scope}",
        )
    empty = [name for name, n in zip(sums.variant_names, sums.posts, strict=True) if n == 0]
    if empty:
        idx = sums.variant_names.index(empty[0])
        raise DataError(
            f"experiment {exp.id!r}: variant {empty[0]!r} matched none of the {sum(sums.posts)} {scope} found",
            **_where(doc, "variants", idx, "selector"),
            hint=f"ingest the exports holding its posts ({scope}) or fix its selector",
        )


def _holdings(con: duckdb.DuckDBPyConnection) -> str:
    """'the warehouse holds facebook posts 2026-10-27 to 2026-11-20' -- what there is instead, to spot a typo."""
    rows = con.execute(
        "SELECT platform, count(*), min(published_at)::DATE, max(published_at)::DATE FROM post_latest "
        "GROUP BY platform ORDER BY platform"
    ).fetchall()
    if not rows:
        return "the warehouse is empty"
    parts = [f"{n} {platform} posts {first} to {last}" for platform, n, first, last in rows]
    return "the warehouse holds " + "; ".join(parts)


def missing_note(metric: Metric, name: str, posts: int, platform: str | None = None) -> str:
    """Why a variant whose posts all lack the metric's fields has no result."""
    lacking = missing_fields(metric, platform) if platform else ()
    if lacking:  # the platform's exports never carry it: no amount of posting helps
        return f"{exports_lack(platform or '', lacking)}, so {metric.name} cannot be measured on its posts"
    fields = " and ".join(metric.fields)
    both = "both " if len(metric.fields) > 1 else ""
    return (
        f"none of the {posts} {name} posts has {both}{fields} recorded, so {metric.name} cannot be computed; "
        "ingest an export that includes it"
    )

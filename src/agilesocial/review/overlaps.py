"""Experiments that overlap, and which experiment each top post was in — from the warehouse selection itself.

:func:`select_experiment_posts` evaluates every experiment's selectors once (the same clauses the analysis compiles:
:func:`~agilesocial.analysis.selection.scope_clause` and :func:`~agilesocial.analysis.selection.variant_clauses`) into
one temporary table of (experiment, arm, platform, account, post, local day). From it:

- :func:`find_overlaps`: two experiments overlap when they select the same posts, or when one is a before/after
  change on the same platform and account whose change date falls inside the other's window (the other's posts
  after that day were published under the change too). Each overlap is recorded from both sides.
- :func:`post_marks`: for a list of posts, the experiments and arms that selected them ("not in a test" otherwise).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from agilesocial.analysis.selection import Clause, keyed, scope_clause, variant_clauses
from agilesocial.plan.experiment import Experiment
from agilesocial.retro.model import ArmCount, Overlap

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    import duckdb

TABLE = "retro_experiment_posts"
BEFORE, AFTER = "before the change", "after the change"


def _one(exp: Experiment, zone: ZoneInfo) -> Clause:
    """The SELECT of one experiment's posts with their arm (split: the first variant a post matches, as the analysis
    assigns it; before/after without variants: before or after the change)."""
    scope = scope_clause(exp, zone)
    day = "CAST(timezone(?, published_at) AS DATE)"
    if exp.variants:
        matches = variant_clauses([v.selector for v in exp.variants], zone)
        arm = "CASE " + " ".join(f"WHEN {m.sql} THEN ?" for m in matches) + " END"
        arm_params = [p for m, v in zip(matches, exp.variants, strict=True) for p in (*m.params, v.name)]
    elif exp.intervention_date is not None:
        arm = f"CASE WHEN {day} >= ? THEN '{AFTER}' ELSE '{BEFORE}' END"
        arm_params = [zone.key, exp.intervention_date]
    else:
        arm, arm_params = "'all'", []
    sql = (
        f"SELECT ? AS experiment, {arm} AS arm, platform, account, post_id, {day} AS day "
        f"FROM {keyed('post_latest')} WHERE {scope.sql}"
    )
    return Clause(sql, [exp.id, *arm_params, zone.key, *scope.params])


def select_experiment_posts(con: duckdb.DuckDBPyConnection, experiments: Sequence[Experiment], zone: ZoneInfo) -> int:
    """Create the temporary table of every experiment's selected posts; returns how many rows it holds."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {TABLE} "
        "(experiment VARCHAR, arm VARCHAR, platform VARCHAR, account VARCHAR, post_id VARCHAR, day DATE)"
    )
    for exp in experiments:
        one = _one(exp, zone)
        con.execute(f"INSERT INTO {TABLE} SELECT * FROM ({one.sql}) WHERE arm IS NOT NULL", one.params)
    row = con.execute(f"SELECT count(*) FROM {TABLE}").fetchone()
    return int(row[0]) if row else 0


def _same_place(a: Experiment, b: Experiment) -> bool:
    """Could the two touch the same posts: the same platform and account, or one of them not limited to one."""
    if a.platform is not None and b.platform is not None and a.platform != b.platform:
        return False
    return not (a.account and b.account and a.account.strip().lower() != b.account.strip().lower())


def _inside(day: dt.date, exp: Experiment) -> bool:
    w = exp.window
    return w is None or ((w.start is None or w.start <= day) and (w.end is None or day <= w.end))


def _change_words(exp: Experiment) -> str | None:
    return exp.hypothesis.we_believe if exp.hypothesis is not None else None


def find_overlaps(con: duckdb.DuckDBPyConnection, experiments: Sequence[Experiment]) -> list[Overlap]:
    """Every overlap between two of ``experiments`` (after :func:`select_experiment_posts`), from both sides."""
    posts = dict(con.execute(f"SELECT experiment, count(*) FROM {TABLE} GROUP BY experiment").fetchall())
    shared = {
        (a, b): int(n)
        for a, b, n in con.execute(
            f"""SELECT a.experiment, b.experiment, count(*) FROM {TABLE} a JOIN {TABLE} b
                ON a.platform = b.platform AND a.account IS NOT DISTINCT FROM b.account AND a.post_id = b.post_id
                AND a.experiment <> b.experiment
                GROUP BY ALL"""
        ).fetchall()
    }
    out = []
    for exp in experiments:
        for other in experiments:
            if other.id == exp.id or not _same_place(exp, other):
                continue
            change = other.intervention_date if other.design == "before_after" else None
            change = change if change is not None and _inside(change, exp) else None
            own = exp.intervention_date if exp.design == "before_after" else None
            own = own if own is not None and _inside(own, other) else None
            n_shared = shared.get((exp.id, other.id), 0)
            if not (n_shared or change or own):
                continue
            out.append(
                Overlap(
                    experiment=exp.id,
                    other=other.id,
                    platform=str(exp.platform or other.platform) if (exp.platform or other.platform) else None,
                    account=exp.account or other.account,
                    posts=int(posts.get(exp.id, 0)),
                    shared=n_shared,
                    change=change,
                    change_what=_change_words(other) if change else None,
                    arms=_arms_after(con, exp, change) if change else (),
                    during_own_change=own,
                )
            )
    return out


def _arms_after(con: duckdb.DuckDBPyConnection, exp: Experiment, day: dt.date) -> tuple[ArmCount, ...]:
    """``exp``'s posts per arm (in the order of its variants) and how many were published on or after ``day``."""
    rows = con.execute(
        f"SELECT arm, count(*) FILTER (WHERE day >= ?), count(*) FROM {TABLE} WHERE experiment = ? GROUP BY arm",
        [day, exp.id],
    ).fetchall()
    order = [v.name for v in exp.variants] or [BEFORE, AFTER]
    rows.sort(key=lambda r: (order.index(r[0]) if r[0] in order else len(order), str(r[0])))
    return tuple(ArmCount(str(arm), int(after), int(n)) for arm, after, n in rows)


def post_marks(
    con: duckdb.DuckDBPyConnection, posts: Sequence[tuple[str, str | None, str]]
) -> dict[tuple[str, str | None, str], tuple[str, ...]]:
    """``(platform, account, post_id)`` -> ``("fb-reels-vs-photos: reels", ...)`` for the posts an experiment
    selected (after :func:`select_experiment_posts`); posts in no experiment are left out."""
    if not posts:
        return {}
    rows = con.execute(
        f"""SELECT platform, account, post_id, experiment, arm FROM {TABLE}
            WHERE post_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY experiment""",
        [sorted({p for _, _, p in posts})],
    ).fetchall()
    wanted = set(posts)
    marks: dict[tuple[str, str | None, str], list[str]] = {}
    for platform, account, post_id, experiment, arm in rows:
        key = (platform, account, post_id)
        if key in wanted:
            marks.setdefault(key, []).append(f"{experiment}: {arm}")
    return {k: tuple(v) for k, v in marks.items()}

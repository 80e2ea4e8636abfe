"""Competitors' posts never enter the team's own analyses.

Competitor accounts (``accounts:`` with ``role: competitor`` in ``agile-social.yaml``) are ingested into the same
warehouse as the team's own posts, so they can be compared in the retro's "Against the best" section. Every team
analysis (experiments, KPIs, key results, top posts, power) reads the ``post_latest`` view;
:func:`keep_competitors_out` shadows it on one connection with a temporary view of the same name that leaves the
competitor accounts out. :func:`all_posts` names the warehouse's own view, for the comparison with competitors.

:func:`scope_table_sql` materialises the posts one analysis reads (every experiment's platform, account and window;
only the columns its selectors and metrics need) once, so each engine reads the posts in scope once per analysis.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from agilesocial.analysis.selection import HASHTAG_SQL, LABEL_SQL, POST_COLUMNS, Clause, VariantSql, scope_clause
from agilesocial.plan.metrics import METRIC_FIELDS

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    import duckdb

    from agilesocial.plan.experiment import Experiment
    from agilesocial.plan.project import ProjectConfig

COMPETITORS_TABLE = "competitor_accounts"


def all_posts(con: duckdb.DuckDBPyConnection) -> str:
    """The warehouse's own ``post_latest`` view (competitors included), fully qualified."""
    row = con.execute("SELECT current_database()").fetchone()
    catalog = str(row[0]) if row else "main"
    return '"' + catalog.replace('"', '""') + '".main.post_latest'


def keep_competitors_out(con: duckdb.DuckDBPyConnection, config: ProjectConfig) -> int:
    """Shadow ``post_latest`` on ``con`` with the team's own posts only; returns how many competitor accounts."""
    accounts = config.competitor_accounts()
    if not accounts:
        return 0
    source = all_posts(con)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {COMPETITORS_TABLE} (platform VARCHAR, account VARCHAR)")
    con.executemany(f"INSERT INTO {COMPETITORS_TABLE} VALUES (?, ?)", [list(a) for a in accounts])
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW post_latest AS SELECT p.* FROM {source} p WHERE NOT EXISTS "
        f"(SELECT 1 FROM {COMPETITORS_TABLE} c WHERE c.platform = p.platform AND c.account = lower(p.account))"
    )
    return len(accounts)


#: The posts every experiment of one analysis reads, materialised once (a cached temporary view on Spark).
SCOPE_TABLE = "analysis_scope"


def scope_table_sql(
    experiments: Sequence[Experiment], zone: ZoneInfo, selections: Sequence[VariantSql], *, materialise: bool = True
) -> tuple[str, list[Any]]:
    """``CREATE TEMP TABLE analysis_scope``: the posts of ``post_latest`` in any experiment's scope (platform,
    account, window), with only the columns the experiments' ``selections`` (over ``analysis_scope``, keyed) read.
    The selections still apply their own scope: the table holds the union of the experiments' posts.

    Without ``materialise``, a TEMP VIEW of those columns over every post instead (for DuckDB, whose filtered scans
    of ``post_current`` per experiment cost less than writing a copy of the union; the plan is then the same as
    reading ``post_latest`` directly).
    """
    used = " ".join(s.sql for s in selections)
    columns = [c for c in dict.fromkeys((*POST_COLUMNS, *METRIC_FIELDS)) if re.search(rf"\b{c}\b", used)]
    if re.search(r"\btag_keys\b", used):
        columns.append(f"{HASHTAG_SQL} AS tag_keys")
    if re.search(r"\blabel_keys\b", used):
        columns.append(f"{LABEL_SQL} AS label_keys")
    sql = f"CREATE OR REPLACE TEMP {'TABLE' if materialise else 'VIEW'} {SCOPE_TABLE} AS SELECT {', '.join(columns)}"
    sql += " FROM post_latest"
    clauses = list({(c.sql, tuple(c.params)): c for c in (scope_clause(e, zone) for e in experiments)}.values())
    if not materialise or any(c.sql == "TRUE" for c in clauses):
        return sql, []
    where = Clause.any_of(clauses)
    return f"{sql} WHERE {where.sql}", where.params


def drop_scope_sql(*, materialise: bool = True) -> str:
    """The statement that drops what :func:`scope_table_sql` made."""
    return f"DROP {'TABLE' if materialise else 'VIEW'} IF EXISTS {SCOPE_TABLE}"

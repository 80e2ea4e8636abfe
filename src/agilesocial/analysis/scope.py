"""Competitors' posts never enter the team's own analyses.

Competitor accounts (``accounts:`` with ``role: competitor`` in ``agile-social.yaml``) are ingested into the same
warehouse as the team's own posts, so they can be compared in the retro's "Against the best" section. Every team
analysis (experiments, KPIs, key results, top posts, power) reads the ``post_latest`` view;
:func:`keep_competitors_out` shadows it on one connection with a temporary view of the same name that leaves the
competitor accounts out. :func:`all_posts` names the warehouse's own view, for the comparison with competitors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

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

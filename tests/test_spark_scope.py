"""The posts in scope that the Spark engine caches once per analysis (``analysis_scope``), checked on DuckDB: the
union of the experiments' scopes, only the columns they read, and every experiment's sufficient statistics the same
as when each experiment reads ``post_latest`` itself."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("scope") / "northwind"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("AGILE_SOCIAL_DB", raising=False)
        res = CliRunner().invoke(app, ["demo", "--dir", str(folder)], env={"NO_COLOR": "1"})
        assert res.exit_code == 0, res.output
        yield folder


def test_the_scope_table_holds_the_union_with_only_the_columns_read(demo: Path) -> None:
    from agilesocial.analysis.analyse import Settings, selection_of
    from agilesocial.analysis.engine import _metrics
    from agilesocial.analysis.scope import SCOPE_TABLE, drop_scope_sql, scope_table_sql
    from agilesocial.analysis.selection import project_zone, scope_clause
    from agilesocial.analysis.sufficient import fetch_all_sums
    from agilesocial.config import load_project
    from agilesocial.plan.workspace import load_workspace
    from agilesocial.warehouse.connection import warehouse

    project = load_project(demo)
    ws = load_workspace(project)
    zone = project_zone(project.config.timezone)
    catalog = project.config.metric_catalog()
    planned = [(d, _metrics(d, catalog)) for d in ws.experiments if d.model.design == "split"]
    assert len(planned) >= 3
    plain = Settings(zone, project.config.timezone, "holm", False, dt.date(2026, 12, 1), 0.05, 0.8, 10)
    scoped = dataclasses.replace(plain, source=SCOPE_TABLE, keyed=True)
    direct = [selection_of(d.model, m, plain) for d, m in planned]
    via = [selection_of(d.model, m, scoped) for d, m in planned]
    with warehouse(project.warehouse_path(), read_only=True) as con:
        con.execute(*scope_table_sql([d.model for d, _ in planned], zone, via))
        cols = [str(r[0]) for r in con.execute(f"DESCRIBE {SCOPE_TABLE}").fetchall()]
        assert "text" not in cols and "hashtags" not in cols and "reach" not in cols, cols  # not read by these
        assert {"platform", "post_id", "published_at", "impressions"} <= set(cols), cols
        # the union of the experiments' scopes, each post once
        union = " OR ".join(f"({scope_clause(d.model, zone).sql})" for d, _ in planned)
        params = [p for d, _ in planned for p in scope_clause(d.model, zone).params]
        want = con.execute(f"SELECT count(*) FROM post_latest WHERE {union}", params).fetchone()
        got = con.execute(f"SELECT count(*), count(DISTINCT (platform, post_id)) FROM {SCOPE_TABLE}").fetchone()
        assert want is not None and got is not None and got[0] == got[1] == want[0] > 0
        same = fetch_all_sums(con, [(s, m) for s, (_, m) in zip(via, planned, strict=True)])
        before = fetch_all_sums(con, [(s, m) for s, (_, m) in zip(direct, planned, strict=True)])
        con.execute(drop_scope_sql())
        assert con.execute(f"SELECT count(*) FROM duckdb_tables() WHERE table_name = '{SCOPE_TABLE}'").fetchone() == (
            0,
        )
    assert sum(sum(e.posts) for e in before) > 0
    for a, b in zip(same, before, strict=True):
        assert (a.variant_names, a.posts, a.overlap) == (b.variant_names, b.posts, b.overlap)
        for name in a.sums:
            for x, y in zip(a.sums[name], b.sums[name], strict=True):
                assert x.n == y.n and x.zero_x == y.zero_x
                for u, v in ((x.sum_y, y.sum_y), (x.sum_y2, y.sum_y2), (x.sum_x, y.sum_x), (x.sum_xy, y.sum_xy)):
                    assert (u is None and v is None) or (
                        u is not None and v is not None and math.isclose(u, v, rel_tol=1e-12)
                    ), (name, u, v)

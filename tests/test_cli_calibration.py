"""The calibration bands through the real CLI: ``agile-social analyze --format json`` on a warehouse of generated posts.

Many small split experiments (5 to 20 posts per arm, heavy-tailed reach with viral posts, over-dispersed engagement),
each on its own labels, analysed in one run with the default method. Half are A/A (both arms from one process): the
share called significant must be about alpha. The other half carry a true +30 % lift: the share of relative CIs
holding it must be about 95 %. Tolerances are 3 binomial standard errors (the tight numbers are in
benchmarks/calibration.py); each experiment's randomisation test is seeded from its id, as in any analyze run.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from agilesocial.stats.simulate import social_posts
from test_analysis_support import make_project

EXPERIMENTS = 100  # per half
SIZES = (5, 8, 12, 20)
LIFT = 1.3


def _experiment(eid: str) -> dict[str, Any]:
    return {
        "id": eid,
        "design": "split",
        "unit": "post",
        "platform": "facebook",
        "account": "Northwind Coffee",
        "window": {"start": "2026-10-01", "end": "2026-10-31"},
        "variants": [
            {"name": "a", "selector": {"labels": [f"{eid}-a"]}},
            {"name": "b", "selector": {"labels": [f"{eid}-b"]}},
        ],
        "metric": "engagement_rate",
        "status": "completed",
    }


def _warehouse(path: Path, rows: list[tuple[str, str, float, float]]) -> None:
    from agilesocial.warehouse.connection import warehouse
    from agilesocial.warehouse.current import rebuild_current

    start = dt.datetime(2026, 10, 2, 9, tzinfo=dt.UTC)
    with warehouse(path) as con:
        con.executemany(
            "INSERT INTO posts (platform, account, post_id, published_at, post_type, text, labels, hashtags) "
            "VALUES ('facebook', 'Northwind Coffee', ?, ?, 'Photos', '', ?, [])",
            [[pid, start + dt.timedelta(hours=i % 600), [label]] for i, (pid, label, _, _) in enumerate(rows)],
        )
        con.executemany(
            "INSERT INTO post_metrics (platform, post_id, kind, metric_date, impressions, engagements) "
            "VALUES ('facebook', ?, 'lifetime', DATE '2026-11-25', ?, ?)",
            [[pid, int(x), int(y)] for pid, _, y, x in rows],
        )
        rebuild_current(con)  # rows written by hand, not by ingest


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("cal")
    rng = np.random.default_rng(20261201)
    experiments, rows = [], []
    for half, lift in (("aa", 1.0), ("lift", LIFT)):
        for i in range(EXPERIMENTS):
            eid = f"{half}{i:03d}"
            n = SIZES[i % len(SIZES)]
            experiments.append(_experiment(eid))
            for arm, arm_lift in (("a", 1.0), ("b", lift)):
                y, x = social_posts(rng, n, lift=arm_lift)
                rows += [(f"{eid}{arm}{j}", f"{eid}-{arm}", y[j], x[j]) for j in range(n)]
    make_project(root, experiments)
    _warehouse(root / "wh.duckdb", rows)
    import os

    old = Path.cwd()
    os.chdir(root)
    try:
        res = CliRunner().invoke(app, ["analyze", "--format", "json", "--db", str(root / "wh.duckdb")])
    finally:
        os.chdir(old)
    assert res.exit_code == 0, res.output
    out: dict[str, Any] = json.loads(res.stdout)
    return out


def _primary(report: dict[str, Any], half: str) -> list[dict[str, Any]]:
    got = [e["results"][0] for e in report["experiments"] if e["id"].startswith(half)]
    assert len(got) == EXPERIMENTS
    return got


def _tolerance(p: float) -> float:
    return 3 * math.sqrt(p * (1 - p) / EXPERIMENTS)


def test_aa_false_positive_rate_through_analyze(report: dict[str, Any]) -> None:
    results = _primary(report, "aa")
    assert {r["method"] for r in results} == {"permutation"}
    assert all("randomisation test" in r["method_why"] for r in results)
    rate = sum(bool(r["significant"]) for r in results) / EXPERIMENTS
    print(f"\nA/A through analyze: {rate:.3f} significant at alpha 0.05")
    assert abs(rate - 0.05) <= _tolerance(0.05)
    decisions = [e["decision"]["action"] for e in report["experiments"] if e["id"].startswith("aa")]
    assert "keep_running" not in decisions  # completed experiments are never told to keep running


def test_relative_ci_coverage_through_analyze(report: dict[str, Any]) -> None:
    results = _primary(report, "lift")
    covered = 0
    for r in results:
        lo, hi = r["rel_ci"]
        assert lo is not None and lo >= -1.0  # never below -100 %
        covered += lo <= LIFT - 1 and (hi is None or hi >= LIFT - 1)  # null = unbounded above
    rate = covered / EXPERIMENTS
    print(f"\nCI coverage of a +30 % lift through analyze: {rate:.3f}")
    assert abs(rate - 0.95) <= _tolerance(0.95)

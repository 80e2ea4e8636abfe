"""Variant selection SQL and the sufficient-statistics query, on warehouses built with plain inserts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from agilesocial.analysis.beforeafter_data import Window, treated_daily
from agilesocial.analysis.selection import project_zone, variant_sql
from agilesocial.analysis.sufficient import fetch_overlap, fetch_sums, fetch_values, metric_fields
from agilesocial.errors import ConfigError
from agilesocial.plan.experiment import Experiment
from agilesocial.plan.metrics import BUILTIN_METRICS
from agilesocial.warehouse.connection import warehouse
from test_analysis_support import make_warehouse, post, split_posts

POSTS = [
    post(
        "p1", "2026-10-27T09:00:00+00:00", post_type="Reels", labels=["Test-A"], text="New #Brew guide", impressions=10
    ),
    post("p2", "2026-10-28T09:00:00+00:00", post_type="reels", hashtags=["#NWtip"], text="x", impressions=20),
    post("p3", "2026-10-29T09:00:00+00:00", post_type="Photos", labels=["test-b"], text="Cold BREW", impressions=30),
    post("p4", "2026-10-30T09:00:00+00:00", post_type="Photos", hashtags=["nwtip", "other"], impressions=40),
    post("p5", "2026-10-31T09:00:00+00:00", post_type="Links", platform="instagram", impressions=50),
    post("p6", "2026-11-01T09:00:00+00:00", post_type="Links", account="Other Page", impressions=60),
    # 2026-10-25 23:30 UTC is 2026-10-26 00:30 in Amsterdam (CET after the DST change that night)
    post("p7", "2026-10-25T23:30:00+00:00", post_type="Text", impressions=70),
]


def _ids(db: Path, exp: dict[str, Any], tz: str = "UTC") -> list[list[str]]:
    e = Experiment.model_validate(
        {"id": "e", "platform": "facebook", "account": "northwind coffee", "variants": [], **exp}
    )
    sel = variant_sql(e, project_zone(tz), "post_latest", ("impressions",))
    with warehouse(db, read_only=True) as con:
        rows = con.execute(f"SELECT v, list(post_id ORDER BY post_id) FROM ({sel.sql}) GROUP BY v", sel.params)
        got = {v: ids for v, ids in rows.fetchall()}
    return [got.get(i, []) for i in range(len(sel.variant_names))]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_warehouse(tmp_path_factory.mktemp("sel") / "w.duckdb", POSTS)


def _one(selector: dict[str, Any]) -> dict[str, Any]:
    return {"variants": [{"name": "a", "selector": selector}]}


def test_labels_are_case_insensitive(db: Path) -> None:
    assert _ids(db, _one({"labels": ["test-a", "TEST-B"]})) == [["p1", "p3"]]


def test_hashtags_with_or_without_hash_stored_or_in_text(db: Path) -> None:
    assert _ids(db, _one({"hashtags": ["nwtip"]})) == [["p2", "p4"]]
    assert _ids(db, _one({"hashtags": ["#NwTip"]})) == [["p2", "p4"]]
    assert _ids(db, _one({"hashtags": ["brew"]})) == [["p1"]]  # no stored hashtags: read from the text


def test_post_ids_post_type_text(db: Path) -> None:
    assert _ids(db, _one({"post_ids": ["p3", "p5", "nope"]})) == [["p3"]]  # p5 is instagram: out of scope
    assert _ids(db, _one({"post_type": ["REELS"]})) == [["p1", "p2"]]
    assert _ids(db, _one({"text_contains": "brew"})) == [["p1", "p3"]]


def test_conditions_are_anded(db: Path) -> None:
    assert _ids(db, _one({"post_type": ["Photos"], "hashtags": ["nwtip"]})) == [["p4"]]


def test_published_range_and_window(db: Path) -> None:
    assert _ids(db, _one({"published": {"start": "2026-10-28", "end": "2026-10-29"}})) == [["p2", "p3"]]
    window = {"window": {"start": "2026-10-30", "end": "2026-12-01"}}
    assert _ids(db, {**_one({}), **window}) == [["p4"]]


def test_timezone_edge(db: Path) -> None:
    day = _one({"published": {"start": "2026-10-26", "end": "2026-10-26"}})
    assert _ids(db, day, "UTC") == [[]]
    assert _ids(db, day, "Europe/Amsterdam") == [["p7"]]
    before = _one({"published": {"end": "2026-10-25"}})
    assert _ids(db, before, "UTC") == [["p7"]]
    assert _ids(db, before, "Europe/Amsterdam") == [[]]


def test_first_matching_variant_wins_and_overlap_is_reported(db: Path) -> None:
    exp = {
        "variants": [
            {"name": "reels", "selector": {"post_type": ["Reels"]}},
            {"name": "tips", "selector": {"hashtags": ["nwtip"]}},
        ]
    }
    assert _ids(db, exp) == [["p1", "p2"], ["p4"]]
    e = Experiment.model_validate({"id": "e", "platform": "facebook", **exp})
    sel = variant_sql(e, project_zone("UTC"), "post_latest", ("impressions",))
    with warehouse(db, read_only=True) as con:
        assert fetch_sums(con, sel, [BUILTIN_METRICS["impressions"]]).overlap == 1
        assert fetch_overlap(con, sel) == [("p2", ["reels", "tips"])]


def test_unknown_time_zone_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        project_zone("Mars/Olympus")


def test_sql_sums_equal_numpy_sums(tmp_path: Path) -> None:
    posts = split_posts(23, 17, control_rate=0.031, variant_rate=0.044)
    posts.append(post("nulls", "2026-10-28T10:00:00+00:00", post_type="Reels", impressions=None, engagements=5))
    db = make_warehouse(tmp_path / "w.duckdb", posts)
    metrics = [BUILTIN_METRICS[m] for m in ("engagement_rate", "comments", "link_ctr")]
    e = Experiment.model_validate(
        {
            "id": "e",
            "platform": "facebook",
            "variants": [
                {"name": "photos", "selector": {"post_type": ["Photos"]}},
                {"name": "reels", "selector": {"post_type": ["Reels"]}},
            ],
        }
    )
    sel = variant_sql(e, project_zone("UTC"), "post_latest", metric_fields(metrics))
    with warehouse(db, read_only=True) as con:
        got = fetch_sums(con, sel, metrics)
        values = fetch_values(con, sel, BUILTIN_METRICS["engagement_rate"])
    assert got.posts == (23, 18) and got.overlap == 0
    for arm, prefix in enumerate(("c", "v")):
        rows = [p["metrics"] for p in posts if p["post_id"].startswith(prefix) and p["post_id"] != "nulls"]
        y = np.array([r["engagements"] for r in rows], dtype=float)
        x = np.array([r["impressions"] for r in rows], dtype=float)
        s = got.sums["engagement_rate"][arm]
        assert s.n == len(rows)  # the post without impressions is left out of the ratio
        assert s.sum_y == pytest.approx(y.sum()) and s.sum_y2 == pytest.approx((y * y).sum())
        assert s.sum_x == pytest.approx(x.sum()) and s.sum_x2 == pytest.approx((x * x).sum())
        assert s.sum_xy == pytest.approx((x * y).sum()) and s.max_y == y.max()
        c = np.array([r["comments"] for r in rows], dtype=float)
        cs = got.sums["comments"][arm]
        assert (cs.n, cs.sum_y, cs.sum_y2, cs.sum_x) == (len(rows), c.sum(), (c * c).sum(), None)
        assert sorted(values[arm][0]) == sorted(y.tolist())
    assert got.sums["engagement_rate"][1].n == 17


def test_daily_series_is_ratio_of_daily_sums(tmp_path: Path) -> None:
    posts = [
        post("a", "2026-10-27T08:00:00+00:00", impressions=100, engagements=10),
        post("b", "2026-10-27T20:00:00+00:00", impressions=300, engagements=10),
        post("c", "2026-10-28T08:00:00+00:00", impressions=0, engagements=0),
        post("d", "2026-10-29T23:30:00+00:00", impressions=50, engagements=5),
    ]
    db = make_warehouse(tmp_path / "w.duckdb", posts)
    e = Experiment.model_validate({"id": "e", "design": "before_after", "platform": "facebook"})
    metric = BUILTIN_METRICS["engagement_rate"]
    zone = project_zone("Europe/Amsterdam")
    sel = variant_sql(e, zone, "post_latest", metric.fields)
    win = Window(dt.date(2026, 10, 20), dt.date(2026, 10, 28), dt.date(2026, 10, 31))
    with warehouse(db, read_only=True) as con:
        series = treated_daily(con, sel, metric, "Europe/Amsterdam", win, zone)
    # local days; the zero-impression day has a post but no rate (denominator 0: left out of the fit)
    assert [d.isoformat() for d in series.days] == ["2026-10-27", "2026-10-28", "2026-10-30"]
    assert series.num == (20, 0, 5) and series.den == (400, 0, 50) and series.posts == (2, 1, 1)
    narrow = Window(dt.date(2026, 10, 20), dt.date(2026, 10, 28), dt.date(2026, 10, 29))
    with warehouse(db, read_only=True) as con:  # the window's last day is inclusive, in local time
        assert treated_daily(con, sel, metric, "Europe/Amsterdam", narrow, zone).days[-1] == dt.date(2026, 10, 28)

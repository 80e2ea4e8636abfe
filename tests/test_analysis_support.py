"""Helpers shared by the analysis tests: tiny warehouses built with plain SQL inserts, and project folders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from agilesocial.config import Project, load_project
from agilesocial.plan.metrics import METRIC_FIELDS

UTC = dt.UTC


def post(
    post_id: str,
    published: str,
    *,
    platform: str = "facebook",
    account: str = "Northwind Coffee",
    post_type: str | None = "Photos",
    text: str | None = "",
    labels: list[str] | None = None,
    hashtags: list[str] | None = None,
    **metrics: Any,
) -> dict[str, Any]:
    """A post row plus its lifetime metrics; ``published`` is ISO with offset, e.g. '2026-10-27T09:00:00+00:00'."""
    return {
        "platform": platform,
        "account": account,
        "post_id": post_id,
        "published_at": dt.datetime.fromisoformat(published),
        "post_type": post_type,
        "text": text,
        "labels": labels,
        "hashtags": hashtags,
        "metrics": metrics,
    }


def make_warehouse(path: Path, posts: list[dict[str, Any]], *, snapshot: str = "2026-11-25") -> Path:
    """Create a warehouse at ``path`` holding ``posts`` (one lifetime snapshot each)."""
    from agilesocial.warehouse.connection import warehouse
    from agilesocial.warehouse.current import rebuild_current

    with warehouse(path) as con:
        for p in posts:
            con.execute(
                "INSERT INTO posts (platform, account, post_id, published_at, post_type, text, labels, hashtags) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    p["platform"],
                    p["account"],
                    p["post_id"],
                    p["published_at"],
                    p["post_type"],
                    p["text"],
                    p["labels"],
                    p["hashtags"],
                ],
            )
            fields = [f for f in METRIC_FIELDS if f in p["metrics"]]
            cols = ", ".join(["platform", "post_id", "kind", "metric_date", *fields])
            marks = ", ".join(["?"] * (4 + len(fields)))
            con.execute(
                f"INSERT INTO post_metrics ({cols}) VALUES ({marks})",
                [p["platform"], p["post_id"], "lifetime", dt.date.fromisoformat(snapshot)]
                + [p["metrics"][f] for f in fields],
            )
        rebuild_current(con)  # rows written by hand, not by ingest
    return path


def make_project(root: Path, experiments: list[dict[str, Any]], *, timezone: str = "UTC", **config: Any) -> Project:
    """A project folder with an agile-social.yaml and one YAML file per experiment; returns the loaded Project."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "experiments").mkdir(exist_ok=True)
    cfg = {"version": 1, "timezone": timezone, "warehouse": "wh.duckdb", **config}
    (root / "agile-social.yaml").write_text(yaml.safe_dump(cfg))
    for exp in experiments:
        (root / "experiments" / f"{exp['id']}.yaml").write_text(yaml.safe_dump(exp, sort_keys=False))
    return load_project(root)


def split_posts(
    n_control: int,
    n_variant: int,
    *,
    control_rate: float,
    variant_rate: float,
    impressions: int = 1000,
    start: str = "2026-10-27",
    control_type: str = "Photos",
    variant_type: str = "Reels",
    comment_share: float = 0.1,
    jitter: float = 0.2,
    platform: str = "facebook",
    account: str = "Northwind Coffee",
) -> list[dict[str, Any]]:
    """Deterministic posts for a two-arm split on post_type with the given engagement rates.

    Impressions and rates vary around the given values by a fixed pattern so variances are non-zero.
    """
    out = []
    day0 = dt.date.fromisoformat(start)
    for arm, n, rate, ptype in (
        ("c", n_control, control_rate, control_type),
        ("v", n_variant, variant_rate, variant_type),
    ):
        for i in range(n):
            wiggle = 1 + jitter * (((i * 7) % 5) - 2) / 2
            imps = int(impressions * (1 + 0.3 * (((i * 3) % 4) - 1.5) / 1.5))
            eng = round(imps * rate * wiggle)
            day = day0 + dt.timedelta(days=i % 25)
            out.append(
                post(
                    f"{arm}{i:03d}",
                    f"{day.isoformat()}T10:00:00+00:00",
                    post_type=ptype,
                    platform=platform,
                    account=account,
                    impressions=imps,
                    reach=int(imps * 0.8),
                    engagements=eng,
                    comments=round(eng * comment_share),
                    clicks=round(eng * 0.3),
                    link_clicks=round(eng * 0.2),
                )
            )
    return out


def experiment(exp_id: str = "exp", **overrides: Any) -> dict[str, Any]:
    """A split experiment dict (photos vs reels on Facebook) with overrides."""
    base: dict[str, Any] = {
        "id": exp_id,
        "design": "split",
        "unit": "post",
        "platform": "facebook",
        "account": "Northwind Coffee",
        "window": {"start": "2026-10-26", "end": "2026-11-22"},
        "variants": [
            {"name": "photos", "selector": {"post_type": ["Photos"]}},
            {"name": "reels", "selector": {"post_type": ["Reels"]}},
        ],
        "metric": "engagement_rate",
        "mde": 0.15,
        "status": "completed",
    }
    base.update(overrides)
    return base


def test_make_warehouse_round_trip(tmp_path: Path) -> None:
    from agilesocial.warehouse.connection import warehouse

    db = make_warehouse(tmp_path / "w.duckdb", split_posts(3, 2, control_rate=0.02, variant_rate=0.03))
    with warehouse(db, read_only=True) as con:
        rows = con.execute("SELECT post_type, count(*) FROM post_latest GROUP BY ALL ORDER BY 1").fetchall()
    assert rows == [("Photos", 3), ("Reels", 2)]

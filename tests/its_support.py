"""Synthetic X (tweet activity) exports for the before/after tests: real file names, real column layout."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import yaml

from agilesocial.demo.samples import X_HEADER, X_PROMOTED


def x_export(
    folder: Path,
    handle: str,
    first: dt.date,
    last: dt.date,
    rows: Iterable[tuple[dt.datetime, int, int]],
    *,
    start_id: int = 1_400_000_000_000_000_000,
) -> Path:
    """Write ``tweet_activity_metrics_<handle>_<first>_<last>_en.csv`` with one tweet per (time UTC, impressions,
    engagements) row."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"tweet_activity_metrics_{handle}_{first:%Y%m%d}_{last:%Y%m%d}_en.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(X_HEADER + X_PROMOTED)
        for i, (when, imps, eng) in enumerate(rows):
            tid = str(start_id + i * 7919)
            likes = eng // 2
            vals = [imps, eng, round(eng / imps, 4) if imps else 0, eng // 8, eng // 8, likes, 0, 0, 0]
            vals += [0] * (len(X_HEADER) - 4 - len(vals))
            w.writerow(
                [
                    tid,
                    f"https://twitter.com/{handle}/status/{tid}",
                    f"post {i} #brew",
                    when.strftime("%Y-%m-%d %H:%M +0000"),
                    *[f"{float(v)}" if k != 2 else f"{v}" for k, v in enumerate(vals)],
                    *["-"] * len(X_PROMOTED),
                ]
            )
    return path


def daily_rows(
    first: dt.date,
    last: dt.date,
    rate: Callable[[dt.date], float],
    *,
    seed: int = 1,
    hour: int = 13,
    skip: Callable[[dt.date], bool] = lambda d: False,
    log_impressions: float = 7.0,
    shape: float = 30.0,
) -> list[tuple[dt.datetime, int, int]]:
    """One tweet a day with lognormal impressions (median e^log_impressions) and a Poisson number of engagements at
    ``rate(day)`` times gamma noise (mean 1, sd 1/sqrt(shape))."""
    rng = np.random.default_rng(seed)
    out = []
    day = first
    while day <= last:
        imps = int(max(200, rng.lognormal(log_impressions, 0.35)))
        eng = int(rng.poisson(imps * rate(day) * rng.gamma(shape, 1 / shape)))
        if not skip(day):
            out.append((dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=dt.UTC), imps, eng))
        day += dt.timedelta(days=1)
    return out


def its_project(root: Path, **experiment: object) -> Path:
    """A project with one before/after experiment on X account 'nw' (override any field)."""
    (root / "experiments").mkdir(parents=True, exist_ok=True)
    (root / "agile-social.yaml").write_text(yaml.safe_dump({"version": 1, "timezone": "UTC", "warehouse": "wh.duckdb"}))
    exp = {
        "id": "x-timing",
        "design": "before_after",
        "platform": "x",
        "account": "nw",
        "metric": "engagement_rate",
        "mde": 0.1,
        "status": "completed",
        **experiment,
    }
    (root / "experiments" / "x-timing.yaml").write_text(yaml.safe_dump(exp, sort_keys=False))
    return root

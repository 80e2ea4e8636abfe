"""Seeded generator of the demo's competitor file (``demo/data/competitors``): a clearly fictional coffee roaster's
Instagram posts, hand-collected in a generic CSV, ingested with ``harbor_street.mapping.yaml``.

Run ``python -m agilesocial.demo.sample_competitor [OUT_DIR]`` to regenerate; the output is committed. About 25 posts
in the demo sprint (2026-10-26..2026-11-22) at ~6.2 % engagements per view, overdispersed like real posts. The
numbers are invented: they describe no real account.
"""

from __future__ import annotations

import sys
from datetime import datetime, time, timedelta
from pathlib import Path

import numpy as np

from agilesocial.demo.sample_io import SPRINT_END, SPRINT_START, days, write_csv

SEED = 20261026
OUT = Path(__file__).parent / "data" / "competitors"
FILE = "harbor_street_instagram.csv"
HEADER = ["Post", "Posted", "Caption", "Views", "Likes", "Comments", "Engagements"]


def rows(seed: int = SEED) -> list[list[object]]:
    rng = np.random.default_rng(seed)
    out: list[list[object]] = []
    for i, day in enumerate(d for d in days(SPRINT_START, SPRINT_END) if rng.random() < 0.9):
        posted = datetime.combine(day, time(8, 0)) + timedelta(minutes=int(rng.integers(0, 11 * 60)))
        views = int(rng.lognormal(7.2, 0.5))
        rate = rng.gamma(6.0, 0.062 / 6.0)  # mean 6.2 %, overdispersed
        engagements = int(rng.binomial(views, min(rate, 0.5)))
        comments = int(rng.binomial(engagements, 0.08))
        out.append(
            [
                f"HS{i + 1:04d}",
                posted.strftime("%Y-%m-%d %H:%M"),
                f"Harbor Street (fictional) morning brew {i + 1}",
                views,
                engagements - comments,
                comments,
                engagements,
            ]
        )
    return out


def main(out: Path = OUT) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / FILE
    write_csv(path, HEADER, rows())
    return path


if __name__ == "__main__":  # pragma: no cover - regeneration entry point
    print(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))

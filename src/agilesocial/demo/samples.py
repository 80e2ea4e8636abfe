"""Seeded generator of the demo's sample exports (``demo/data/exports``), one file per platform shape.

Run ``python -m agilesocial.demo.samples [OUT_DIR]`` to regenerate; the outputs are committed. The data fit the demo
project (sprint 2026-s01, 2026-10-26..2026-11-22) and its experiments:

- Facebook (Meta Business Suite): ~24 Photos and ~24 Reels in the sprint; reels earn ~4.7 % engagements per impression
  vs ~3.4 % for photos (overdispersed), comment rate equal (guardrail unharmed).
- Instagram: ~22 ``#nwdaily`` and ~22 ``#asknorthwind`` posts, equal comment rate (a null result), ~40 follows a week.
- X: 1-2 tweets a day 2026-10-05..2026-11-22; 6 ``#nwtip`` and 6 ``#nwthread`` (link CTR +20 %, too few to detect);
  engagement rate steps up 15 % from 2026-11-09; plus the daily companion file.
- One small file each for LinkedIn, TikTok, YouTube and the legacy Facebook Insights post export.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from agilesocial.demo.sample_io import SPRINT_END, SPRINT_START, TZ
from agilesocial.demo.sample_io import cols as _cols
from agilesocial.demo.sample_io import days as _days
from agilesocial.demo.sample_io import write_csv as _write
from agilesocial.demo.sample_others import others

SEED = 20261122
OUT = Path(__file__).parent / "data" / "exports"


def _split_engagements(rng: Any, total: int, comment_share: float) -> tuple[int, int, int]:
    comments = int(rng.binomial(total, min(comment_share, 1.0)))
    shares = int(rng.binomial(total - comments, 0.12))
    return total - comments - shares, comments, shares


def facebook(rng: Any, out: Path) -> None:
    header = _cols(
        "Post ID|Page ID|Page name|Title|Description|Duration (sec)|Publish time|Caption type|Permalink|"
        "Is crosspost|Is share|Post type|Languages|Custom labels|Funded content status|Data comment|"
        "Date|Views|Reach|Reactions, Comments and Shares|Reactions|Comments|Shares|Total clicks|"
        "Link clicks|Other clicks|Seconds viewed|Average Seconds viewed|3-Second Video Views|"
        "1-Minute Video Views"
    )
    plan: list[tuple[date, str]] = []
    for day in _days(date(2026, 9, 28), SPRINT_START - timedelta(days=1)):
        if day.weekday() in (0, 2, 4):
            plan.append((day, str(rng.choice(["Photos", "Reels", "Links", "Text"], p=[0.45, 0.35, 0.1, 0.1]))))
    sprint_days = _days(SPRINT_START, SPRINT_END)
    kinds = ["Photos"] * 24 + ["Reels"] * 24 + ["Links"] * 3 + ["Text"] * 2
    rng.shuffle(kinds)
    for i, kind in enumerate(kinds):
        plan.append((sprint_days[i * len(sprint_days) // len(kinds)], kind))
    rows = []
    for n, (day, kind) in enumerate(sorted(plan)):
        post_id = f"1221580{n + 1:011d}"
        hour = int(rng.choice([8, 9, 12, 17, 19]))
        when = datetime(day.year, day.month, day.day, hour, int(rng.integers(0, 60)))
        views = int(min(6000, max(800, rng.lognormal(7.7, 0.45))))
        mean_rate = {"Photos": 0.034, "Reels": 0.047}.get(kind, 0.03)
        rate = rng.gamma(14.0, mean_rate / 14.0)
        total = int(rng.poisson(views * rate))
        reactions, comments, shares = _split_engagements(rng, total, 0.004 / mean_rate)
        clicks = int(rng.poisson(views * 0.012))
        link = int(rng.binomial(clicks, 0.7)) if kind == "Links" else 0
        video = kind == "Reels"
        seconds: Any = int(views * rng.uniform(4, 9)) if video else ""
        labels = {"Photos": "brew-guide", "Reels": "brew-guide, reels-test"}.get(kind, "") if n % 3 else ""
        text = f"{kind[:-1] if kind.endswith('s') else kind} #{n + 1}: how we roast, grind and brew. #northwind"
        rows.append(
            [
                post_id,
                "104512345678901",
                "Northwind Coffee",
                "",
                text,
                20 if video else "",
                when.strftime("%m/%d/%Y %H:%M"),
                "",
                f"https://www.facebook.com/104512345678901/posts/{post_id}",
                "No",
                "No",
                kind,
                "en",
                labels,
                "",
                "",
                "Lifetime",
                views,
                int(views * rng.uniform(0.7, 0.9)),
                total,
                reactions,
                comments,
                shares,
                clicks,
                link,
                clicks - link,
                seconds,
                round(seconds / views, 1) if video else "",
                int(views * 0.6) if video else "",
                int(views * 0.05) if video else "",
            ]
        )
    _write(out / "facebook_posts_Sep-28-2026_Nov-22-2026.csv", header, rows, encoding="utf-8-sig")


def instagram(rng: Any, out: Path) -> None:
    header = _cols(
        "Post ID|Account ID|Account username|Account name|Description|Duration (sec)|Publish time|"
        "Permalink|Post type|Data comment|Date|Views|Reach|Likes|Shares|Follows|Comments|Saves"
    )
    plan: list[tuple[date, str]] = [
        (d, "") for d in _days(date(2026, 9, 28), SPRINT_START - timedelta(days=1)) if d.weekday() in (1, 3, 5)
    ]
    tags = ["nwdaily"] * 22 + ["asknorthwind"] * 22
    rng.shuffle(tags)
    sprint_days = _days(SPRINT_START, SPRINT_END)
    plan += [(sprint_days[i * len(sprint_days) // len(tags)], t) for i, t in enumerate(tags)]
    rows = []
    for n, (day, tag) in enumerate(sorted(plan)):
        when = datetime(day.year, day.month, day.day, int(rng.choice([7, 11, 18])), int(rng.integers(0, 60)))
        views = int(max(400, rng.lognormal(7.3, 0.5)))
        comments = int(rng.poisson(views * rng.gamma(10.0, 0.006 / 10.0)))
        likes = int(rng.poisson(views * 0.045))
        question = " What's your go-to brew ratio?" if tag == "asknorthwind" else ""
        text = f"Morning pour-over, day {n + 1}.{question} #{tag}" if tag else f"Roastery notes {n + 1} #northwind"
        kind = str(rng.choice(["IG image", "IG carousel", "IG reel"]))
        rows.append(
            [
                f"1790{n + 1:013d}",
                "17841400000000001",
                "northwindcoffee",
                "Northwind Coffee",
                text,
                15 if kind == "IG reel" else "",
                when.strftime("%m/%d/%Y %H:%M"),
                f"https://www.instagram.com/p/NW{n + 1:05d}/",
                kind,
                "",
                "Lifetime",
                views,
                int(views * 0.75),
                likes,
                int(rng.poisson(views * 0.004)),
                int(rng.poisson(3.5)),
                comments,
                int(rng.poisson(views * 0.01)),
            ]
        )
    _write(out / "instagram_posts_Sep-28-2026_Nov-22-2026.csv", header, rows, encoding="utf-8-sig")


X_HEADER = _cols(
    "Tweet id|Tweet permalink|Tweet text|time|impressions|engagements|engagement rate|retweets|"
    "replies|likes|user profile clicks|url clicks|hashtag clicks|detail expands|permalink clicks|"
    "app opens|app installs|follows|email tweet|dial phone|media views|media engagements"
)
X_PROMOTED = ["promoted " + h for h in X_HEADER[4:]]


def x(rng: Any, out: Path) -> None:
    days = _days(date(2026, 10, 5), SPRINT_END)
    sprint_days = [d for d in days if d >= SPRINT_START]
    tips = dict.fromkeys(sprint_days[1::4][:6], "nwtip") | dict.fromkeys(sprint_days[3::4][:6], "nwthread")
    rows, daily = [], []
    n = 0
    for day in days:
        count = 1 + int(rng.random() < 0.5)
        totals: list[Any] = [0] * 18
        for k in range(count):
            n += 1
            local_hour = 8 if day >= date(2026, 11, 9) else 13
            when = datetime(day.year, day.month, day.day, local_hour + 3 * k, int(rng.integers(0, 60)), tzinfo=TZ)
            tag = tips.get(day) if k == 0 else None
            impressions = int(max(150, rng.lognormal(6.8, 0.4)))
            rate = 0.02 * (1.15 if day >= date(2026, 11, 9) else 1.0)
            engagements = int(rng.poisson(impressions * rng.gamma(20.0, rate / 20.0)))
            ctr = 0.006 * (1.2 if tag == "nwthread" else 1.0)
            url = int(rng.poisson(impressions * ctr))
            likes = int(rng.binomial(engagements, 0.5))
            replies = int(rng.binomial(engagements - likes, 0.2))
            retweets = int(rng.binomial(engagements - likes - replies, 0.3))
            profile = int(rng.binomial(engagements - likes - replies - retweets, 0.3))
            text = (
                f"Brewing tip {n}: bloom for 30s, then pour in circles. #{tag}" if tag else f"Roast day {n} #northwind"
            )
            vals = [
                impressions,
                engagements,
                round(engagements / impressions, 4),
                retweets,
                replies,
                likes,
                profile,
                url,
                0,
                max(0, engagements - likes - replies - retweets - profile),
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
            ]
            tid = str(1855000000000000000 + n * 7919)
            stamp = when.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M +0000")
            rows.append(
                [
                    tid,
                    f"https://twitter.com/northwindcoffee/status/{tid}",
                    text,
                    stamp,
                    *[f"{v}" if i == 2 else f"{float(v)}" for i, v in enumerate(vals)],
                    *["-"] * len(X_PROMOTED),
                ]
            )
            totals = [a + b for a, b in zip(totals, vals, strict=True)]
        totals[2] = round(totals[1] / totals[0], 4) if totals[0] else 0
        daily.append([day.isoformat(), count, *totals, *[0] * len(X_PROMOTED)])
    _write(
        out / "tweet_activity_metrics_northwindcoffee_20261005_20261122_en.csv",
        X_HEADER + X_PROMOTED,
        rows,
        quote_all=True,
    )
    _write(
        out / "daily_tweet_activity_metrics_northwindcoffee_20261005_20261122_en.csv",
        ["Date", "Tweets published", *X_HEADER[4:], *X_PROMOTED],
        daily,
        quote_all=True,
    )


def generate(out: Path = OUT, seed: int = SEED) -> list[Path]:
    """Write every sample export into ``out``; returns the files written."""
    import numpy as np

    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    facebook(rng, out)
    instagram(rng, out)
    x(rng, out)
    others(rng, out)
    return sorted(out.glob("*.csv"))


if __name__ == "__main__":  # pragma: no cover
    for written in generate(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT):
        print(written)

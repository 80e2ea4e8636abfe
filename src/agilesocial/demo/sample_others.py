"""Sample exports of the platforms the demo's experiments do not use: LinkedIn, TikTok, YouTube and the legacy
Facebook Insights post export, each in its real shape (see ``samples.py``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from agilesocial.demo.sample_io import SPRINT_END, SPRINT_START
from agilesocial.demo.sample_io import cols as _cols
from agilesocial.demo.sample_io import days as _days
from agilesocial.demo.sample_io import write_csv as _write


def others(rng: Any, out: Path) -> None:
    li_header = _cols(
        "Post title|Post link|Post type|Campaign name|Posted by|Created date|Campaign start date|"
        "Campaign end date|Audience|Impressions|Views (excluding off-site video views)|Off-site views|"
        "Clicks|Click through rate (CTR)|Likes|Comments|Reposts|Follows|Engagement rate|Content Type"
    )
    li_rows = []
    for i, day in enumerate(_days(SPRINT_START, SPRINT_END)[::4]):
        imp = int(rng.lognormal(6.5, 0.4))
        clicks, likes = int(rng.poisson(imp * 0.02)), int(rng.poisson(imp * 0.015))
        li_rows.append(
            [
                f"Roaster's notes, week {i + 1}: from farm to cup",
                f"https://www.linkedin.com/feed/update/urn:li:activity:72{i + 1:017d}",
                "Organic",
                "",
                "Dana",
                day.strftime("%m/%d/%Y"),
                "",
                "",
                "All followers",
                imp,
                "",
                "",
                clicks,
                round(clicks / imp, 4),
                likes,
                int(rng.poisson(2)),
                int(rng.poisson(1)),
                int(rng.poisson(1)),
                round((clicks + likes) / imp, 4),
                "Text",
            ]
        )
    _write(
        out / "linkedin_northwind_content.csv",
        li_header,
        li_rows,
        preamble=["All posts: Northwind Coffee Roasters page content, 10/26/2026 - 11/22/2026"],
    )
    tt_header = _cols(
        "Video title|Video link|Post time|Total likes|Total comments|Total shares|Total views|"
        "Total play time|Average watch time|Watched full video (%)|New followers|Reach"
    )
    tt_rows = []
    for i, day in enumerate(_days(SPRINT_START, SPRINT_END)[1::3]):
        views = int(rng.lognormal(7.5, 0.6))
        tt_rows.append(
            [
                f"60-second V60 #{i + 1} #coffeetok",
                f"https://www.tiktok.com/@northwindcoffee/video/74{i + 1:017d}",
                f"{day.isoformat()} 18:{i:02d}:00",
                int(rng.poisson(views * 0.06)),
                int(rng.poisson(views * 0.004)),
                int(rng.poisson(views * 0.003)),
                views,
                views * 9,
                "9.0",
                f"{rng.uniform(15, 35):.1f}%",
                int(rng.poisson(4)),
                int(views * 0.9),
            ]
        )
    _write(out / "tiktok_content.csv", tt_header, tt_rows)
    yt_header = _cols(
        "Content|Video title|Video publish time|Duration|Views|Watch time (hours)|Average view duration|"
        "Subscribers|Likes|Comments added|Shares|Impressions|Impressions click-through rate (%)"
    )
    yt_rows: list[list[Any]] = []
    for i, day in enumerate(_days(SPRINT_START, SPRINT_END)[::7]):
        views = int(rng.lognormal(6.8, 0.5))
        secs = int(rng.uniform(60, 200))
        imp = views * 12
        yt_rows.append(
            [
                f"nwBrew{i:05d}",
                f"Brew guide {i + 1}: Chemex",
                day.strftime("%b %d, %Y"),
                420,
                views,
                round(views * secs / 3600, 4),
                f"0:{secs // 60:02d}:{secs % 60:02d}",
                int(rng.integers(-1, 6)),
                int(rng.poisson(views * 0.04)),
                int(rng.poisson(3)),
                int(rng.poisson(2)),
                imp,
                round(100 * views / imp, 2),
            ]
        )
    total = [
        "Total",
        "",
        "",
        "",
        *[sum(r[c] for r in yt_rows) for c in (4, 5)],
        "",
        *[sum(r[c] for r in yt_rows) for c in (7, 8, 9, 10, 11)],
        "",
    ]
    _write(out / "youtube_table_data.csv", yt_header, [total, *yt_rows])
    fi_header = _cols(
        "Post ID|Permalink|Post Message|Type|Countries|Languages|Posted|Audience Targeting|"
        "Lifetime Post Total Reach|Lifetime Post organic reach|Lifetime Post Paid Reach|"
        "Lifetime Post Total Impressions|Lifetime Engaged Users|Lifetime Post Consumers|"
        "Lifetime Post Consumptions"
    )
    fi_desc = [
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "Lifetime: The number of people who had your Page's post enter their screen. (Unique Users)",
        "Lifetime: organic reach",
        "Lifetime: paid reach",
        "Lifetime: The number of times your Page's post entered a person's screen. (Total Count)",
        "Lifetime: The number of unique people who engaged in certain ways with your Page post. (Unique Users)",
        "Lifetime: people who clicked",
        "Lifetime: clicks",
    ]
    fi_rows = []
    for i, day in enumerate(_days(date(2026, 9, 1), date(2026, 9, 20))[::3]):
        reach = int(rng.lognormal(7.0, 0.4))
        fi_rows.append(
            [
                f"104512345678901_98{i:08d}",
                f"https://www.facebook.com/104512345678901/posts/98{i:08d}",
                f"Caf\u00e9 cr\u00e8me \u2014 September special {i + 1}",
                "Photo",
                "",
                "",
                f"{day.strftime('%m/%d/%Y')} 09:15:00 AM",
                "",
                reach,
                reach,
                0,
                int(reach * 1.3),
                int(reach * 0.05),
                int(reach * 0.02),
                int(reach * 0.03),
            ]
        )
    _write(
        out / "facebook_insights_post_data_2026-09.csv",
        fi_header,
        [fi_desc, *fi_rows],
        encoding="cp1252",
        newline="\r\n",
    )

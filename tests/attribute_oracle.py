"""An independent reading of the attribute fixtures with Python's csv module: what each selector must select.

Written from the export layouts (export-formats), not from the SQL: plain string tests and ``re`` per row.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

FIXTURES = Path(__file__).parent / "fixtures" / "exports" / "attributes"
X_FILE = FIXTURES / "tweet_activity_metrics_nwdemo_20261001_20261130_en.csv"
YT_FILE = FIXTURES / "Table data.csv"
FB_FILE = FIXTURES / "facebook_posts_Oct-01-2026_Nov-30-2026.csv"
ZONE = ZoneInfo("Europe/Amsterdam")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FB_FORMATS = {"Photos": "photo", "Videos": "video", "Reels": "reel", "Links": "link", "Text": "text"}


@dataclass(frozen=True)
class Row:
    """One post as the CSV states it, with the attributes worked out by hand."""

    post_id: str
    text: str
    local: dt.datetime
    engagements: float
    impressions: float
    is_reply: bool = False
    is_repost: bool = False
    has_link: bool = False
    has_media: bool | None = None
    duration: float | None = None
    post_type: str = ""
    fmt: str | None = None

    @property
    def tags(self) -> set[str]:
        return set(re.findall(r"#(\w+)", self.text.lower()))

    @property
    def is_short(self) -> bool | None:
        if self.duration is None:
            return None
        return self.duration <= 60 or (self.duration <= 180 and "#shorts" in self.text.lower())

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.local.weekday()]


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def x_rows() -> list[Row]:
    out = []
    for r in _read(X_FILE):
        text = r["Tweet text"]
        when = dt.datetime.strptime(r["time"], "%Y-%m-%d %H:%M %z").astimezone(ZONE)
        link = bool(re.search(r"https?://\S", text))
        media = int(r["media views"]) > 0
        out.append(
            Row(
                r["Tweet id"],
                text,
                when,
                float(r["engagements"]),
                float(r["impressions"]),
                is_reply=text.startswith("@"),
                is_repost=text.startswith("RT @"),
                has_link=link,
                has_media=media,
                fmt=None if media else "link" if link else "text",
            )
        )
    return out


def _seconds(cell: str) -> float:
    parts = [float(p) for p in cell.strip().split(":")]
    return sum(p * 60**i for i, p in enumerate(reversed(parts)))


def youtube_rows() -> list[Row]:
    out = []
    for r in _read(YT_FILE):
        if r["Content"] == "Total":
            continue
        day = dt.datetime.strptime(r["Video publish time"], "%b %d, %Y").replace(tzinfo=ZONE)
        eng = float(r["Likes"]) + float(r["Comments added"]) + float(r["Shares"])
        row = Row(r["Content"].strip(), r["Video title"], day, eng, float(r["Impressions"]), has_media=True)
        row = Row(**{**row.__dict__, "duration": _seconds(r["Duration"]), "post_type": "video"})
        out.append(Row(**{**row.__dict__, "fmt": "short" if row.is_short else "video"}))
    return out


def facebook_rows() -> list[Row]:
    out = []
    for r in _read(FB_FILE):
        text = r["Description"]
        when = dt.datetime.strptime(r["Publish time"], "%m/%d/%Y %H:%M").replace(tzinfo=ZONE)
        fmt = FB_FORMATS[r["Post type"]]
        out.append(
            Row(
                r["Post ID"],
                text,
                when,
                float(r["Reactions, comments and shares"]),
                float(r["Impressions"]),
                has_link=fmt == "link" or bool(re.search(r"https?://\S", text)),
                has_media=fmt in ("photo", "video", "reel"),
                duration=float(r["Duration (sec)"]) if r["Duration (sec)"] else None,
                post_type=r["Post type"],
                fmt=fmt,
            )
        )
    return out

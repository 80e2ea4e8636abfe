"""Declarative ingest profiles: one :class:`Shape` per export layout, detected from the header by signature sets.

A shape never requires an exact column tuple: it names a small *signature* (each entry a set of alternative column
names, all entries required) and, per canonical field, the source columns that may hold it (the first one present
wins). Column names are compared after :func:`norm` (case, spacing, parentheses and BOMs do not matter, so an Excel
re-save that turns ``Duration (sec)`` into ``Duration sec`` still matches).
"""

from __future__ import annotations

from dataclasses import replace

from agilesocial.errors import DataError
from agilesocial.warehouse.profiles_linkedin import LINKEDIN_SHAPES
from agilesocial.warehouse.profiles_tiktok import TIKTOK_SHAPES
from agilesocial.warehouse.shapes import (  # re-exported: the profile vocabulary lives with the profiles
    POST_FIELDS,
    PROFILE_NAMES,
    ROW_DATE,
    Col,
    Conv,
    Shape,
    Target,
    norm,
)
from agilesocial.warehouse.shapes import col as _c

__all__ = ["POST_FIELDS", "PROFILE_NAMES", "ROW_DATE", "SHAPES", "Col", "Conv", "Shape", "Target", "norm"]


_ID = "id"
#: ``Facebook Insights Data Export (Post Level) - Northwind Coffee - 2016-11-02.csv`` (page level: no ``(Post Level)``)
_FB_INSIGHTS_NAME = r"(?i)^Facebook Insights Data Export(?: \(Post Level\))? - (.+?) - \d{4}-\d{2}-\d{2}"
#: YouTube Studio names every download ``Table data.csv``; the folder it unzips to names the report, dates and channel:
#: ``Content 2026-10-01_2026-11-30 Northwind TV/Table data.csv`` (matched against ``folder/file``)
_YOUTUBE_NAME = (
    r"(?i)^(?:Content|Videos?|Channel|Date|Traffic source|Geography|Device type|Subscription status) "
    r"\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2} (.+?)/(?:Table|Chart) data(?: ?\(\d+\))?\.csv$"
)
_X_COUNTS = {
    "impressions": _c("impressions"),
    "engagements": _c("engagements"),
    "shares": _c("retweets"),
    "comments": _c("replies"),
    "likes": _c("likes", "favorites"),
    "saves": _c("bookmarks"),
    "profile_clicks": _c("user profile clicks"),
    "link_clicks": _c("url clicks"),
    "follows": _c("follows"),
    "video_views": _c("media views"),
}

SHAPES: tuple[Shape, ...] = (
    Shape(
        "x",
        "x_posts",
        "x",
        "posts",
        (("tweet id",), ("time",), ("impressions",), ("tweet permalink", "tweet text")),
        {
            "post_id": _c("tweet id", conv="id"),
            "permalink": _c("tweet permalink", conv="text"),
            "text": _c("tweet text", conv="text"),
            "published_at": _c("time", conv="datetime"),
            **_X_COUNTS,
        },
        "tweet activity, one row per post",
        engagements_sum=("likes", "comments", "shares", "link_clicks", "profile_clicks"),
        post_type="post",
        account_from_filename=r"^tweet_activity_metrics_(.+?)_\d{8}_\d{8}",
        snapshot_from_filename=r"_\d{8}_(\d{8})(?:_[a-z]{2})?(?: ?\(\d+\))?\.csv$",  # "… (1).csv": downloaded twice
        timezone="UTC",
    ),
    Shape(
        "x",
        "x_daily",
        "x",
        "account_daily",
        (("date",), ("tweets published",), ("impressions",)),
        {
            "date": _c("date", conv="date"),
            "posts_published": _c("tweets published"),
            "impressions": _c("impressions"),
            "engagements": _c("engagements"),
            "likes": _c("likes", "favorites"),
            "comments": _c("replies"),
            "shares": _c("retweets"),
            "new_followers": _c("follows"),
            "profile_views": _c("user profile clicks"),
            "video_views": _c("media views"),
        },
        "daily tweet activity, account level",
        account_from_filename=r"^daily_tweet_activity_metrics_(.+?)_\d{8}_\d{8}",
        timezone="UTC",
    ),
    Shape(
        "facebook",
        "facebook_posts",
        "facebook",
        "posts",
        (("post id",), ("publish time",), ("page name", "page id"), ("post type", "permalink")),
        {
            "post_id": _c("post id", conv="id"),
            "account": _c("page name", "page id", conv="text"),
            "text": _c("description", "title", conv="text"),
            "published_at": _c("publish time", conv="datetime"),
            "permalink": _c("permalink", conv="text"),
            "post_type": _c("post type", conv="text"),
            "duration_s": _c("duration sec", conv="duration"),
            "labels": _c("custom labels", conv="labels"),
            ROW_DATE: _c("date", conv="date"),
            "impressions": _c("impressions", "views"),
            "views": _c("views"),
            "reach": _c("reach"),
            "engagements": _c("reactions, comments and shares"),
            "likes": _c("reactions"),
            "comments": _c("comments"),
            "shares": _c("shares"),
            "clicks": _c("total clicks"),
            "link_clicks": _c("link clicks"),
            "video_views": _c("3-second video views"),
            "watch_time_seconds": _c("seconds viewed", conv="number"),
        },
        "Meta Business Suite, Facebook posts",
        engagements_sum=("likes", "comments", "shares"),
    ),
    Shape(
        "instagram",
        "instagram_posts",
        "instagram",
        "posts",
        (("post id",), ("publish time",), ("account username", "account id", "account name")),
        {
            "post_id": _c("post id", conv="id"),
            "account": _c("account username", "account name", "account id", conv="text"),
            "text": _c("description", conv="text"),
            "published_at": _c("publish time", conv="datetime"),
            "permalink": _c("permalink", conv="text"),
            "post_type": _c("post type", conv="text"),
            "duration_s": _c("duration sec", conv="duration"),
            ROW_DATE: _c("date", conv="date"),
            "impressions": _c("impressions", "views"),
            "views": _c("views"),
            "reach": _c("reach"),
            "likes": _c("likes"),
            "comments": _c("comments"),
            "shares": _c("shares"),
            "saves": _c("saves"),
            "follows": _c("follows"),
            "video_views": _c("plays"),
        },
        "Meta Business Suite, Instagram posts",
        engagements_sum=("likes", "comments", "shares", "saves"),
    ),
    Shape(
        "instagram",
        "instagram_daily",
        "instagram",
        "account_daily",
        (("date",), ("primary",)),
        {"date": _c("date", conv="date"), "__value__": _c("primary")},
        "Meta Business Suite, Instagram daily metric download",
        value_from_title=True,
    ),
    Shape(
        "facebook_insights",
        "facebook_insights_posts",
        "facebook",
        "posts",
        (("post id",), ("posted",), ("lifetime post total reach", "lifetime post total impressions")),
        {
            "post_id": _c("post id", conv="id"),
            "permalink": _c("permalink", conv="text"),
            "text": _c("post message", conv="text"),
            "post_type": _c("type", conv="text"),
            "published_at": _c("posted", conv="datetime"),
            "reach": _c("lifetime post total reach"),
            "impressions": _c("lifetime post total impressions"),
            "engagements": _c("lifetime engaged users"),
            "clicks": _c("lifetime post consumptions"),
            "video_views": _c("lifetime post total video views"),
        },
        "legacy Facebook Insights post export",
        header_rows=2,
        account_from_filename=_FB_INSIGHTS_NAME,
    ),
    Shape(
        "facebook_insights",
        "facebook_insights_page",
        "facebook",
        "account_daily",
        (("date",), ("lifetime total likes", "daily new likes", "daily page engaged users", "daily total reach")),
        {
            "date": _c("date", conv="date"),
            "followers": _c("lifetime total likes"),
            "new_followers": _c("daily new likes"),
            "engagements": _c("daily page engaged users"),
            "reach": _c("daily total reach"),
            "impressions": _c("daily total impressions"),
            "page_views": _c("daily total consumers", "daily logged-in page views"),
        },
        "legacy Facebook Insights page-level daily export",
        header_rows=2,
        account_from_filename=_FB_INSIGHTS_NAME,
    ),
    *LINKEDIN_SHAPES,
    *TIKTOK_SHAPES,
    Shape(
        "youtube",
        "youtube_table",
        "youtube",
        "posts",
        (("content",), ("video title",), ("views", "impressions", "watch time hours")),
        {
            "post_id": _c("content", conv="id"),
            "text": _c("video title", conv="text"),
            "published_at": _c("video publish time", conv="datetime"),
            "duration_s": _c("duration", conv="duration"),
            "video_views": _c("views"),
            "impressions": _c("impressions"),
            "watch_time_seconds": _c("watch time hours", conv="number", scale=3600.0),
            "subscribers": _c("subscribers"),
            "follows": _c("subscribers gained"),
            "likes": _c("likes"),
            "comments": _c("comments added"),
            "shares": _c("shares"),
        },
        "YouTube Studio table data",
        engagements_sum=("likes", "comments", "shares"),
        permalink_template="https://www.youtube.com/watch?v=",
        post_type="video",
        account_from_filename=_YOUTUBE_NAME,
    ),
    Shape(
        "youtube",
        "youtube_chart",
        "youtube",
        "posts",
        (("date",), ("content",), ("video title",), ("views",)),
        {
            ROW_DATE: _c("date", conv="date"),
            "post_id": _c("content", conv="id"),
            "text": _c("video title", conv="text"),
            "published_at": _c("video publish time", conv="datetime"),
            "duration_s": _c("duration", conv="duration"),
            "video_views": _c("views"),
        },
        "YouTube Studio chart data, one row per day and video",
        permalink_template="https://www.youtube.com/watch?v=",
        post_type="video",
        account_from_filename=_YOUTUBE_NAME,
    ),
)


def shapes_for(profile: str | None) -> tuple[Shape, ...]:
    """The shapes of one profile (all built-in shapes when ``profile`` is None)."""
    if profile is None:
        return SHAPES
    if profile not in PROFILE_NAMES:
        raise DataError(f"unknown profile {profile!r}", hint=f"use one of: {', '.join(PROFILE_NAMES)}")
    return tuple(s for s in SHAPES if s.profile == profile)


def matches(shape: Shape, header: list[str]) -> int:
    """How many signature entries of ``shape`` the header meets (0 unless all of them)."""
    present = {norm(h) for h in header}
    needed = [*shape.signature, *((c,) for c in shape.extra_signature_columns)]
    if all(any(norm(alt) in present for alt in entry) for entry in needed):
        return len(needed)
    return 0


def best_shape(header: list[str], shapes: tuple[Shape, ...] = SHAPES) -> Shape | None:
    """The most specific shape whose signature the header meets, or None."""
    scored = [(matches(s, header), i, s) for i, s in enumerate(shapes)]
    scored = [t for t in scored if t[0] > 0]
    if not scored:
        return None
    scored.sort(key=lambda t: (-t[0], t[1]))
    return scored[0][2]


def missing_signature(shape: Shape, header: list[str]) -> list[str]:
    """Signature entries the header lacks (for 'does not look like' messages)."""
    present = {norm(h) for h in header}
    return [" / ".join(entry) for entry in shape.signature if not any(norm(a) in present for a in entry)]


def resolve_columns(shape: Shape, header: list[str]) -> tuple[dict[str, tuple[int, Col]], list[str]]:
    """Map canonical fields to header positions (first occurrence wins on duplicate names); list ignored columns."""
    positions: dict[str, int] = {}
    for i, h in enumerate(header):
        positions.setdefault(norm(h), i)
    used: dict[str, tuple[int, Col]] = {}
    taken: set[int] = set()
    for fld, col in shape.columns.items():
        for name in col.names:
            pos = positions.get(norm(name))
            if pos is not None:
                used[fld] = (pos, col)
                taken.add(pos)
                break
    ignored = [h for i, h in enumerate(header) if i not in taken and h.strip()]
    return used, ignored


def with_overrides(shape: Shape, **changes: object) -> Shape:
    """A copy of ``shape`` with some attributes replaced (used by mapping files)."""
    return replace(shape, **changes)  # type: ignore[arg-type]


TITLE_METRICS: tuple[tuple[str, str], ...] = (
    ("profile visit", "profile_views"),
    ("follow", "new_followers"),
    ("reach", "reach"),
    ("impression", "impressions"),
    ("view", "impressions"),
    ("interaction", "engagements"),
    ("engagement", "engagements"),
    ("like", "likes"),
    ("comment", "comments"),
    ("share", "shares"),
)


def metric_from_title(title: str) -> str | None:
    """Which account-level field an Instagram daily download holds, from its title line."""
    low = title.lower()
    for word, fld in TITLE_METRICS:
        if word in low:
            return fld
    return None

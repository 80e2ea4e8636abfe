"""TikTok Studio export shapes: per-video content (three header generations), overview and follower history.

Facts behind them (``shared/export-formats.md``): the oldest content export starts with ``Time`` (the export day,
year-less) and writes ``Post time`` year-less (``July 16``); the next one says ``Total views``/``Total likes``; the
newest per-video export says ``Video views``/``Likes``/``Add to Favorites`` with ``2025/10/31 18:19:10`` times.
Overview files write ``Date`` as ``November 2``, ``2025/10/31`` or in the account's language (``8 de marzo``), and
missing values as ``undefined`` or ``NAN``. A video id's upper 32 bits are its publish time (see :mod:`.yearless`).
"""

from __future__ import annotations

from agilesocial.warehouse.shapes import EXPORT_DAY, Shape, col

TIKTOK_SHAPES: tuple[Shape, ...] = (
    Shape(
        "tiktok",
        "tiktok_posts",
        "tiktok",
        "posts",
        (("video link", "video title", "video description"), ("post time",), ("total views", "video views")),
        {
            "permalink": col("video link", conv="text"),
            "text": col("video description", "video title", conv="text"),
            "published_at": col("post time", conv="datetime"),
            "video_views": col("total views", "video views"),
            "likes": col("total likes", "likes"),
            "comments": col("total comments", "comments"),
            "shares": col("total shares", "shares"),
            "saves": col("add to favorites", "total favorites", "favorites"),
            "watch_time_seconds": col("total play time", conv="duration"),
            "follows": col("new followers"),
            "reach": col("reach", "reached audience"),
            EXPORT_DAY: col("time", conv="text"),
        },
        "TikTok Studio content export, one row per video",
        engagements_sum=("likes", "comments", "shares"),
        # the video id of a full link, else the code of a short link (vm.tiktok.com/ZM…/, tiktok.com/t/ZT…/)
        post_id_from_permalink=r"(?:/(?:video|photo)/|//(?:vm|vt)\.tiktok\.com/|tiktok\.com/t/)([0-9A-Za-z]+)",
        post_type="video",
        publish_time_from_id=True,
    ),
    Shape(
        "tiktok",
        "tiktok_overview",
        "tiktok",
        "account_daily",
        (("date",), ("video views",), ("profile views",)),
        {
            "date": col("date", conv="date"),
            "video_views": col("video views"),
            "profile_views": col("profile views"),
            "reach": col("reached audience"),
            "likes": col("likes"),
            "comments": col("comments"),
            "shares": col("shares"),
            "new_followers": col("new followers"),
        },
        "TikTok Studio overview, account level",
    ),
    Shape(
        "tiktok",
        "tiktok_followers",
        "tiktok",
        "account_daily",
        (("date",), ("followers",), ("difference in followers from previous day",)),
        {"date": col("date", conv="date"), "followers": col("followers")},
        "TikTok Studio follower history, account level",
    ),
)

"""LinkedIn page export shapes: the content export ("All posts") and the daily sheets of the page workbooks.

LinkedIn ships page analytics as ``.xls`` workbooks named ``<page>_<content|followers|visitors>_<ms>.xls``; their
daily sheets give ``(organic)``, ``(sponsored)`` and ``(total)`` columns. The followers sheet's ``Total followers``
is the day's NEW followers (it can be -1), so it loads as ``new_followers``, never as the follower count. Older
exports (``…_updates_….xls``) say ``Update title``/``Update link``/``Update type`` and ``Shares`` where newer ones
say ``Post …`` and ``Reposts``; both are read.
"""

from __future__ import annotations

from agilesocial.warehouse.shapes import Shape, col

#: ``northwind-coffee_followers_1733356800000.xls`` (also ``… [New followers]`` for a sheet of it)
_ACCOUNT_FROM_NAME = r"^(.+?)_(?:content|followers|visitors|updates)_[0-9]{10,}"

LINKEDIN_SHAPES: tuple[Shape, ...] = (
    Shape(
        "linkedin",
        "linkedin_posts",
        "linkedin",
        "posts",
        (("post link", "update link"), ("created date",), ("impressions",)),
        {
            "permalink": col("post link", "update link", conv="text"),
            "text": col("post title", "update title", conv="text"),
            "post_type": col("content type", "post type", "update type", conv="text"),
            "published_at": col("created date", conv="datetime"),
            "impressions": col("impressions"),
            "views": col("views excluding off-site video views", "views", "video views"),
            "clicks": col("clicks"),
            "likes": col("likes", "reactions"),
            "comments": col("comments"),
            "shares": col("reposts", "shares"),
            "follows": col("follows"),
        },
        "LinkedIn page content export",
        engagements_sum=("likes", "comments", "shares", "clicks", "follows"),
        post_id_from_permalink=r"(urn:li:(?:activity|share|ugcPost):[0-9]+)",
        account_from_filename=_ACCOUNT_FROM_NAME,
    ),
    Shape(
        "linkedin",
        "linkedin_content_daily",
        "linkedin",
        "account_daily",
        (
            ("date",),
            ("impressions total", "impressions organic"),
            ("reactions total", "reactions organic", "clicks total", "clicks organic"),
        ),
        {
            "date": col("date", conv="date"),
            "impressions": col("impressions total", "impressions organic"),
            "reach": col("unique impressions total", "unique impressions organic"),
            "likes": col("reactions total", "reactions organic"),
            "comments": col("comments total", "comments organic"),
            "shares": col("reposts total", "reposts organic", "shares total", "shares organic"),
        },
        "LinkedIn page content metrics, daily",
        account_from_filename=_ACCOUNT_FROM_NAME,
    ),
    Shape(
        "linkedin",
        "linkedin_followers_daily",
        "linkedin",
        "account_daily",
        (("date",), ("total followers",), ("organic followers", "sponsored followers")),
        {"date": col("date", conv="date"), "new_followers": col("total followers")},
        "LinkedIn page new followers, daily",
        account_from_filename=_ACCOUNT_FROM_NAME,
    ),
    Shape(
        "linkedin",
        "linkedin_visitors_daily",
        "linkedin",
        "account_daily",
        (("date",), ("total page views total", "overview page views total")),
        {"date": col("date", conv="date"), "page_views": col("total page views total", "overview page views total")},
        "LinkedIn page visitors, daily",
        account_from_filename=_ACCOUNT_FROM_NAME,
    ),
)

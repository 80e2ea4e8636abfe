"""The metric catalog: canonical fields, built-in metrics and custom ratio metrics.

Pure data; imported by ``validate`` (to check references) and by the analysis (to compile SQL). A *count* metric is
a per-post value of one canonical field (its mean per post is compared); a *ratio* metric is a ratio of sums over
posts (``sum(numerator) / sum(denominator)``), analysed with post-level variance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MetricKind = Literal["count", "ratio"]
Direction = Literal["higher", "lower"]

#: Canonical per-post metric fields (columns of ``post_metrics``), in warehouse column order.
METRIC_FIELDS: tuple[str, ...] = (
    "impressions",
    "reach",
    "views",
    "engagements",
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
    "link_clicks",
    "profile_clicks",
    "video_views",
    "watch_time_seconds",
    "follows",
    "subscribers",
)


@dataclass(frozen=True)
class Metric:
    """A metric the analysis can compute per variant."""

    name: str
    kind: MetricKind
    numerator: str
    denominator: str | None = None
    direction: Direction = "higher"
    description: str = ""

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.numerator,) if self.denominator is None else (self.numerator, self.denominator)


_COUNT_DESCRIPTIONS = {
    "impressions": "times the post was shown (exposure)",
    "reach": "distinct accounts that saw the post",
    "views": "views as the platform counts them (Meta 'Views')",
    "engagements": "all interactions with the post",
    "likes": "likes / reactions",
    "comments": "comments / replies",
    "shares": "shares / reposts / retweets",
    "saves": "saves / bookmarks",
    "clicks": "all clicks",
    "link_clicks": "clicks on links",
    "profile_clicks": "clicks through to the profile",
    "video_views": "video views / plays",
    "watch_time_seconds": "total watch time in seconds",
    "follows": "follows gained from the post",
    "subscribers": "subscribers gained (net) from the post",
}

BUILTIN_METRICS: dict[str, Metric] = {
    name: Metric(name, "count", name, None, "higher", f"per post: {desc}") for name, desc in _COUNT_DESCRIPTIONS.items()
}
BUILTIN_METRICS.update(
    {
        "engagement_rate": Metric(
            "engagement_rate", "ratio", "engagements", "impressions", "higher", "engagements / impressions"
        ),
        "ctr": Metric("ctr", "ratio", "clicks", "impressions", "higher", "clicks / impressions"),
        "link_ctr": Metric("link_ctr", "ratio", "link_clicks", "impressions", "higher", "link clicks / impressions"),
        "share_rate": Metric("share_rate", "ratio", "shares", "impressions", "higher", "shares / impressions"),
        "save_rate": Metric("save_rate", "ratio", "saves", "impressions", "higher", "saves / impressions"),
        "comment_rate": Metric("comment_rate", "ratio", "comments", "impressions", "higher", "comments / impressions"),
        "like_rate": Metric("like_rate", "ratio", "likes", "impressions", "higher", "likes / impressions"),
        "follow_rate": Metric("follow_rate", "ratio", "follows", "impressions", "higher", "follows / impressions"),
        "engagement_per_reach": Metric(
            "engagement_per_reach", "ratio", "engagements", "reach", "higher", "engagements / reach"
        ),
        "watch_time_per_view": Metric(
            "watch_time_per_view", "ratio", "watch_time_seconds", "video_views", "higher", "seconds watched per view"
        ),
    }
)


def metric_catalog(custom: dict[str, Metric] | None = None) -> dict[str, Metric]:
    """Built-in metrics plus the project's custom ones (custom names may not shadow built-ins)."""
    catalog = dict(BUILTIN_METRICS)
    if custom:
        catalog.update(custom)
    return catalog

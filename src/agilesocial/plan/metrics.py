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
#: How a metric's values are shown: ``percent`` (4.16 %), ``count`` (1 234), ``seconds`` (2 m 03 s),
#: ``currency`` (1 234.50) or ``ratio`` (a plain number, 0.85).
Unit = Literal["percent", "count", "seconds", "currency", "ratio"]
UNITS: tuple[Unit, ...] = ("percent", "count", "seconds", "currency", "ratio")

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
    unit: Unit = "count"
    per: str = ""  # what one value is counted per, in words ("view"): "2 m 03 s per view"

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
    name: Metric(
        name, "count", name, None, "higher", f"per post: {desc}", "seconds" if name == "watch_time_seconds" else "count"
    )
    for name, desc in _COUNT_DESCRIPTIONS.items()
}


def _rate(
    name: str, numerator: str, denominator: str, unit: Unit = "percent", per: str = "", words: str = ""
) -> Metric:
    words = words or f"{numerator.replace('_', ' ')} / {denominator.replace('_', ' ')}"
    return Metric(name, "ratio", numerator, denominator, "higher", words, unit, per)


BUILTIN_METRICS.update(
    {
        m.name: m
        for m in (
            _rate("engagement_rate", "engagements", "impressions"),
            _rate("ctr", "clicks", "impressions"),
            _rate("link_ctr", "link_clicks", "impressions"),
            _rate("share_rate", "shares", "impressions"),
            _rate("save_rate", "saves", "impressions"),
            _rate("comment_rate", "comments", "impressions"),
            _rate("like_rate", "likes", "impressions"),
            _rate("follow_rate", "follows", "impressions"),
            _rate("engagement_per_reach", "engagements", "reach"),
            _rate(
                "watch_time_per_view",
                "watch_time_seconds",
                "video_views",
                "seconds",
                "view",
                "seconds watched per view",
            ),
        )
    }
)


#: What the platforms and marketers call a catalogue field ("reactions" on Facebook and LinkedIn are ``likes``), for
#: "did you mean": a synonym is a better guess than the closest spelling ("reactions" is spelt like "impressions").
SYNONYMS: dict[str, str] = {
    "reactions": "likes",
    "hearts": "likes",
    "replies": "comments",
    "reply": "comments",
    "retweets": "shares",
    "reposts": "shares",
    "bookmarks": "saves",
    "plays": "video_views",
    "followers": "follows",
    "new_followers": "follows",
    "url_clicks": "link_clicks",
    "watch_time": "watch_time_seconds",
    "er": "engagement_rate",
    "engagement_by_reach": "engagement_per_reach",
}
#: A field's rate: "reaction_rate" -> like_rate.
_RATES = {"likes": "like_rate", "comments": "comment_rate", "shares": "share_rate", "saves": "save_rate",
          "follows": "follow_rate", "link_clicks": "link_ctr"}  # fmt: skip


def closest_metric(name: str, catalog: dict[str, Metric]) -> str | None:
    """The catalogue name ``name`` most likely means: its case-folded self, a platform synonym (also as a rate,
    "reaction_rate" -> ``like_rate``; the plural or singular), else the closest spelling; None when nothing is close."""
    import difflib

    folded = name.strip().lower().replace(" ", "_").replace("-", "_")
    if folded in catalog:
        return folded
    stem, rate = (folded[: -len("_rate")], True) if folded.endswith("_rate") else (folded, False)
    for word in (stem, stem + "s", stem.removesuffix("s")):
        field = SYNONYMS.get(word) or (word if word in _RATES and rate else None)
        if field is None:
            continue
        target = _RATES.get(field) if rate else field
        if target in catalog:
            return target
    close = difflib.get_close_matches(folded, list(catalog), n=1, cutoff=0.6)
    return close[0] if close else None


def metric_catalog(custom: dict[str, Metric] | None = None) -> dict[str, Metric]:
    """Built-in metrics plus the project's custom ones (custom names may not shadow built-ins)."""
    catalog = dict(BUILTIN_METRICS)
    if custom:
        catalog.update(custom)
    return catalog


#: Which canonical fields each platform's per-post exports carry (the built-in profiles; tests keep it in step).
#: ``engagements`` counts where the platform reports it or where it is the sum of the parts it exports.
PLATFORM_FIELDS: dict[str, frozenset[str]] = {
    "x": frozenset(
        {
            "impressions",
            "engagements",
            "likes",
            "comments",
            "shares",
            "link_clicks",
            "profile_clicks",
            "video_views",
            "follows",
        }
    ),
    "facebook": frozenset(
        {
            "impressions",
            "views",
            "reach",
            "engagements",
            "likes",
            "comments",
            "shares",
            "clicks",
            "link_clicks",
            "video_views",
            "watch_time_seconds",
        }
    ),
    "instagram": frozenset(
        {
            "impressions",
            "views",
            "reach",
            "engagements",
            "likes",
            "comments",
            "shares",
            "saves",
            "follows",
            "video_views",
        }
    ),
    "linkedin": frozenset({"impressions", "views", "engagements", "clicks", "likes", "comments", "shares", "follows"}),
    "tiktok": frozenset(
        {"reach", "engagements", "likes", "comments", "shares", "video_views", "watch_time_seconds", "follows"}
    ),
    "youtube": frozenset(
        {
            "impressions",
            "engagements",
            "likes",
            "comments",
            "shares",
            "video_views",
            "watch_time_seconds",
            "follows",
            "subscribers",
        }
    ),
}
#: Fields only some export variants of a platform carry, and the column that brings them (X: newer tweet-activity
#: files add 'bookmarks'; TikTok: the newest per-video export adds 'Add to Favorites').
SOMETIMES_FIELDS: dict[str, dict[str, str]] = {"x": {"saves": "bookmarks"}, "tiktok": {"saves": "Add to Favorites"}}
#: How the platforms' exports name a field, where the plain field name would puzzle ("X exports have no saves").
PLATFORM_LABELS: dict[str, str] = {
    "x": "X",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "linkedin": "LinkedIn",
    "tiktok": "TikTok",
    "youtube": "YouTube",
}


def missing_fields(metric: Metric, platform: str) -> tuple[str, ...]:
    """The fields of ``metric`` that ``platform``'s exports never carry (empty for custom platforms: unknown)."""
    have = PLATFORM_FIELDS.get(platform)
    if have is None:
        return ()
    return tuple(f for f in metric.fields if f not in have)


def exports_lack(platform: str, fields: tuple[str, ...]) -> str:
    """'X exports have no saves' (plus the variants that do carry it, where some do)."""
    label = PLATFORM_LABELS.get(platform, platform)
    text = f"{label} exports have no {' and no '.join(fields)}"
    sometimes = SOMETIMES_FIELDS.get(platform, {})
    columns = [f"'{sometimes[f]}'" for f in fields if f in sometimes]
    if columns:
        text += f" (only some newer exports add a {' and '.join(columns)} column)"
    return text


def platforms_exporting(metric: Metric) -> list[str]:
    """The built-in platforms whose exports carry every field of ``metric``."""
    return [p for p, have in PLATFORM_FIELDS.items() if all(f in have for f in metric.fields)]


def available_metrics(catalog: dict[str, Metric], platform: str) -> list[str]:
    """Catalog metrics ``platform``'s exports can measure, rates first."""
    ok = [m for m in catalog.values() if not missing_fields(m, platform)]
    return [m.name for m in sorted(ok, key=lambda m: (m.kind != "ratio", m.name))]


def metric_formula(metric: Metric) -> str:
    """'engagements / impressions' (a ratio of sums over posts) or 'likes' (a count per post)."""
    if metric.denominator is None:
        return metric.numerator
    return f"{metric.numerator} / {metric.denominator}"


def metric_unit(metric: Metric) -> str:
    """What one value of the metric is: seconds, a count per post, or a rate."""
    if metric.numerator == "watch_time_seconds":
        return "seconds per post" if metric.denominator is None else f"seconds per {metric.denominator.rstrip('s')}"
    if metric.denominator is None:
        return "per post"
    return f"{metric.numerator} per {metric.denominator.rstrip('s')}" if metric.denominator != "impressions" else "rate"


@dataclass(frozen=True)
class CatalogEntry:
    """One line of ``agile-social metrics``."""

    name: str
    kind: MetricKind
    formula: str
    unit: str
    direction: Direction
    platforms: tuple[str, ...]
    description: str
    custom: bool

    def to_dict(self) -> dict[str, object]:
        return {**self.__dict__, "platforms": list(self.platforms)}


def catalog_entries(catalog: dict[str, Metric], platform: str | None = None) -> list[CatalogEntry]:
    """The catalog with formula, unit, direction and the platforms that export its fields.

    With ``platform`` (a built-in one): only the metrics its exports can measure. A custom platform's exports are
    not known in advance, so every metric is listed for it.
    """
    out = []
    for m in catalog.values():
        if platform is not None and missing_fields(m, platform):
            continue
        out.append(
            CatalogEntry(
                m.name,
                m.kind,
                metric_formula(m),
                metric_unit(m),
                m.direction,
                tuple(platforms_exporting(m)),
                m.description,
                m.name not in BUILTIN_METRICS,
            )
        )
    return out

"""The declarative shape of an export profile (the built-in profiles are data in :mod:`.profiles`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

PROFILE_NAMES: tuple[str, ...] = (
    "x",
    "facebook",
    "facebook_insights",
    "instagram",
    "linkedin",
    "tiktok",
    "youtube",
    "generic",
)

#: Canonical fields a posts shape can fill besides the metric fields.
POST_FIELDS: tuple[str, ...] = (
    "post_id",
    "account",
    "published_at",
    "post_type",
    "text",
    "permalink",
    "labels",
    "duration_s",
)
#: ``metric_date`` is a per-row date (daily rows) or the word ``Lifetime``.
ROW_DATE = "metric_date"

Conv = Literal["id", "text", "datetime", "date", "count", "number", "duration", "labels"]
Target = Literal["posts", "account_daily"]


@dataclass(frozen=True)
class Col:
    """Where one canonical field comes from: candidate source names, how to convert, and a scale factor."""

    names: tuple[str, ...]
    conv: Conv = "count"
    scale: float = 1.0


@dataclass(frozen=True)
class Shape:
    """One export layout of a profile."""

    profile: str
    name: str
    platform: str
    target: Target
    signature: tuple[tuple[str, ...], ...]
    columns: dict[str, Col]
    description: str = ""
    #: ``engagements`` = the sum of these fields when the export has no engagement count of its own.
    engagements_sum: tuple[str, ...] = ()
    #: regex with one group taking the post id out of the permalink (LinkedIn URNs, TikTok links).
    post_id_from_permalink: str | None = None
    permalink_template: str | None = None
    post_type: str | None = None
    header_rows: int = 1
    #: regexes on the file name: group 1 is the account / the snapshot end date (yyyymmdd).
    account_from_filename: str | None = None
    snapshot_from_filename: str | None = None
    #: naive times are in this zone; ``None`` means the project's time zone (the page's zone, for Meta).
    timezone: str | None = None
    #: account-level value column named only by a title line above the header (Instagram daily downloads).
    value_from_title: bool = False
    datetime_formats: tuple[str, ...] = ()
    decimal: str | None = None
    thousands: str | None = None
    delimiter: str | None = None
    account: str | None = None
    labels_sep: str = ","
    extra_signature_columns: tuple[str, ...] = field(default=())
    #: the post id's upper 32 bits are its Unix publish time (TikTok): dates posts whose time has no year
    publish_time_from_id: bool = False

    @property
    def kind_label(self) -> str:
        return f"{self.profile} ({self.description})" if self.description else self.profile


def col(*names: str, conv: Conv = "count", scale: float = 1.0) -> Col:
    """A :class:`Col` from candidate source names (the first one present in a header wins)."""
    return Col(tuple(names), conv, scale)


#: Pseudo-field of a shape: a column holding the day the file was exported (TikTok's ``Time``). It is not stored;
#: it dates the lifetime snapshot and tells which day of a year-less file is the most recent.
EXPORT_DAY = "__export_day__"


def norm(name: str) -> str:
    """Normalise a column name for matching: lower case, no BOM/quotes/parentheses, single spaces."""
    text = name.replace("\ufeff", "").replace('"', "").lower()
    text = re.sub(r"[()\[\]]", " ", text)
    return " ".join(text.split())

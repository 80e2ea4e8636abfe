"""Derived post attributes: the schema migration of an existing warehouse, and the metric availability table."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from agilesocial.plan.experiment import Selector
from agilesocial.plan.metrics import BUILTIN_METRICS, PLATFORM_FIELDS, SOMETIMES_FIELDS, exports_lack, missing_fields
from agilesocial.warehouse.connection import connect
from agilesocial.warehouse.profiles import SHAPES
from agilesocial.warehouse.schema import MIGRATIONS, SCHEMA_VERSION


def _old_warehouse(path: Path) -> None:
    """A warehouse written by the version before derived attributes (schema v1), with a few X and YouTube posts."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ)")
    con.execute(MIGRATIONS[0])
    con.execute("INSERT INTO schema_migrations VALUES (1, now())")
    posts = [
        ("x", "1", "@ana thanks! https://t.co/abc", "post", ["thanks"]),
        ("x", "2", "RT @bob: #coffee #brew is great", "post", None),
        ("x", "3", "Plain words", "post", []),
        ("youtube", "v1", "Espresso in 30s #shorts", "video", None),
        ("facebook", "f1", "New blend", "Links", None),
    ]
    for platform, pid, text, ptype, tags in posts:
        con.execute(
            "INSERT INTO posts (platform, account, post_id, text, post_type, hashtags) VALUES (?, 'a', ?, ?, ?, ?)",
            [platform, pid, text, ptype, tags],
        )
        con.execute(
            "INSERT INTO post_metrics (platform, post_id, kind, metric_date, impressions, video_views)"
            " VALUES (?, ?, 'lifetime', DATE '2026-11-01', 10, ?)",
            [platform, pid, 5 if pid == "3" else 0],
        )
    con.close()


@pytest.mark.parametrize("read_only", [False, True])
def test_old_warehouse_is_migrated_and_backfilled(tmp_path: Path, read_only: bool) -> None:
    db = tmp_path / "old.duckdb"
    _old_warehouse(db)
    con = connect(db, read_only=read_only)
    try:
        version = con.execute("SELECT max(version) FROM schema_migrations").fetchone()
        rows = con.execute(
            "SELECT post_id, is_reply, is_repost, has_link, has_media, has_hashtag, hashtag_count, is_short, format"
            " FROM post_latest ORDER BY platform, post_id"
        ).fetchall()
    finally:
        con.close()
    assert version == (SCHEMA_VERSION,)
    assert rows == [
        ("f1", False, False, True, False, False, 0, None, "link"),
        ("1", True, False, True, False, True, 1, None, "link"),
        ("2", False, True, False, False, True, 2, None, "text"),
        ("3", False, False, False, True, False, 0, None, None),  # media views: media of an unknown kind
        ("v1", False, False, False, True, True, 1, True, "short"),  # no duration stored: '#shorts' decides
    ]


def test_availability_table_matches_the_profiles() -> None:
    """Every field the table claims for a platform is mapped by one of its post profiles, and vice versa."""
    for platform, fields in PLATFORM_FIELDS.items():
        mapped: set[str] = set()
        for shape in SHAPES:
            if shape.platform == platform and shape.target == "posts":
                mapped |= set(shape.columns) & set(BUILTIN_METRICS)
                if any(f in shape.columns for f in shape.engagements_sum):
                    mapped.add("engagements")
        assert mapped == set(fields) | set(SOMETIMES_FIELDS.get(platform, {})), platform


def test_missing_fields_and_message() -> None:
    assert missing_fields(BUILTIN_METRICS["save_rate"], "x") == ("saves",)
    assert missing_fields(BUILTIN_METRICS["save_rate"], "instagram") == ()
    assert missing_fields(BUILTIN_METRICS["engagement_rate"], "tiktok") == ("impressions",)
    assert missing_fields(BUILTIN_METRICS["save_rate"], "mastodon") == ()  # custom platform: unknown, no claim
    assert exports_lack("x", ("saves",)).startswith("X exports have no saves")


def test_selector_vocabulary() -> None:
    s = Selector.model_validate({"weekdays": ["Saturday", "SUN"], "format": ["Reels", "short"], "not": {"rest": False}})
    assert s.weekdays == ["sat", "sun"] and s.format == ["reel", "short"]
    assert Selector.model_validate({}).is_empty and not Selector(rest=True).is_empty
    assert Selector.model_validate({"is_reply": False}).conditions() == ["is_reply"]
    for bad in (
        {"hours": [24]},
        {"weekdays": ["someday"]},
        {"format": ["gif"]},
        {"duration_s": {}},
        {"duration_s": {"min": 90, "max": 60}},
        {"not": {"rest": True}},
    ):
        with pytest.raises(ValueError):
            Selector.model_validate(bad)


def test_docs_availability_table_matches_the_code() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "metrics.md").read_text(encoding="utf-8")
    lines = [ln for ln in doc.splitlines() if ln.startswith("| ") and ln.count("|") == 8]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert header[1:] == list(PLATFORM_FIELDS)
    seen = set()
    for line in lines[1:]:
        field, *cells = [c.strip() for c in line.strip("|").split("|")]
        seen.add(field)
        for platform, cell in zip(header[1:], cells, strict=True):
            expected = (
                "yes"
                if field in PLATFORM_FIELDS[platform]
                else "some"
                if field in SOMETIMES_FIELDS.get(platform, {})
                else "no"
            )
            assert cell == expected, (field, platform)
    assert seen == set(BUILTIN_METRICS) & seen and len(seen) == 15

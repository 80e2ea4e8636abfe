"""Every selector and derived attribute, end to end on real-shaped X, YouTube and Facebook exports.

The project ingests the files with the CLI, and each case is an experiment '<selector> vs rest: true'; the post
counts and engagement rates ``analyze`` reports must equal an independent reading of the CSV (tests/attribute_oracle).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from agilesocial.cli.app import app
from attribute_oracle import FB_FILE, X_FILE, YT_FILE, Row, facebook_rows, x_rows, youtube_rows

Case = tuple[str, dict[str, Any], Callable[[Row], bool]]
SCOPES = {"x": ("x", "nwdemo"), "yt": ("youtube", "Northwind TV"), "fb": ("facebook", "Northwind Coffee")}
ROWS = {"x": x_rows, "yt": youtube_rows, "fb": facebook_rows}

CASES: dict[str, Case] = {
    "x-replies": ("x", {"is_reply": True}, lambda r: r.is_reply),
    "x-reposts": ("x", {"is_repost": True}, lambda r: r.is_repost),
    "x-originals": ("x", {"is_reply": False, "is_repost": False}, lambda r: not r.is_reply and not r.is_repost),
    "x-link": ("x", {"has_link": True}, lambda r: r.has_link),
    "x-no-link": ("x", {"has_link": False}, lambda r: not r.has_link),
    "x-media": ("x", {"has_media": True}, lambda r: bool(r.has_media)),
    "x-hashtag": ("x", {"has_hashtag": True}, lambda r: bool(r.tags)),
    "x-hashtag-count": ("x", {"hashtag_count": {"min": 2}}, lambda r: len(r.tags) >= 2),
    "x-hashtags": ("x", {"hashtags": ["#brew"]}, lambda r: "brew" in r.tags),
    "x-not": ("x", {"is_reply": False, "not": {"has_link": True}}, lambda r: not r.is_reply and not r.has_link),
    "x-weekend": ("x", {"weekdays": ["sat", "sun"]}, lambda r: r.weekday in ("sat", "sun")),
    "x-morning": ("x", {"hours": [6, 7, 8, 9, 10, 11]}, lambda r: 6 <= r.local.hour <= 11),
    "x-text": ("x", {"text_contains": "RATIO"}, lambda r: "ratio" in r.text.lower()),
    "x-format-text": ("x", {"format": ["text"]}, lambda r: r.fmt == "text"),
    "x-post-ids": (
        "x",
        {"post_ids": ["1850000000000000000", "1850000000000039595"]},
        lambda r: r.post_id in ("1850000000000000000", "1850000000000039595"),
    ),
    "x-published": ("x", {"published": {"start": "2026-11-01"}}, lambda r: r.local.date().isoformat() >= "2026-11-01"),
    "yt-shorts": ("yt", {"is_short": True}, lambda r: bool(r.is_short)),
    "yt-format-short": ("yt", {"format": ["short"]}, lambda r: r.fmt == "short"),
    "yt-duration-max": ("yt", {"duration_s": {"max": 60}}, lambda r: r.duration is not None and r.duration <= 60),
    "yt-duration-range": (
        "yt",
        {"duration_s": {"min": 61, "max": 180}},
        lambda r: r.duration is not None and 61 <= r.duration <= 180,
    ),
    "fb-video-formats": ("fb", {"format": ["reel", "video"]}, lambda r: r.fmt in ("reel", "video")),
    "fb-post-type": ("fb", {"post_type": ["links"]}, lambda r: r.post_type == "Links"),
    "fb-link": ("fb", {"has_link": True}, lambda r: r.has_link),
    "fb-media": ("fb", {"has_media": False}, lambda r: r.has_media is False),
    "fb-long": ("fb", {"duration_s": {"min": 60}}, lambda r: r.duration is not None and r.duration >= 60),
    "fb-evening": ("fb", {"hours": [18, 19, 20, 21, 22]}, lambda r: 18 <= r.local.hour <= 22),
    "fb-weekdays": ("fb", {"weekdays": ["Monday", "tue", "wed", "thu", "fri"]}, lambda r: r.local.weekday() < 5),
}


def experiment(exp_id: str, platform: str, account: str, selector: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": exp_id,
        "hypothesis": {"we_believe": "it", "will_result_in": "more", "we_will_know_when": "rate rises 10 %"},
        "platform": platform,
        "account": account,
        "variants": [{"name": "chosen", "selector": selector}, {"name": "others", "selector": {"rest": True}}],
        "metric": "engagement_rate",
    }


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("selectors")
    (root / "agile-social.yaml").write_text("version: 1\ntimezone: Europe/Amsterdam\n", encoding="utf-8")
    (root / "experiments").mkdir()
    for exp_id, (scope, selector, _) in CASES.items():
        platform, account = SCOPES[scope]
        doc = experiment(exp_id, platform, account, selector)
        (root / "experiments" / f"{exp_id}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    runner = CliRunner()
    db = str(root / "w.duckdb")
    for path, extra in ((X_FILE, []), (FB_FILE, []), (YT_FILE, ["--account", "Northwind TV"])):
        res = runner.invoke(app, ["ingest", str(path), "--db", db, *extra])
        assert res.exit_code == 0, res.output
    validate = runner.invoke(app, ["validate", str(root)])
    assert "error" not in validate.output, validate.output
    cwd = os.getcwd()
    os.chdir(root)
    try:
        res = runner.invoke(app, ["analyze", "--db", db, "--format", "json"])
    finally:
        os.chdir(cwd)
    assert res.exit_code == 0, res.output
    return {e["id"]: e for e in json.loads(res.stdout)["experiments"]}


@pytest.mark.parametrize("case", sorted(CASES))
def test_selector_counts_and_rates_match_the_csv(analysed: dict[str, Any], case: str) -> None:
    scope, _, chosen = CASES[case]
    rows = ROWS[scope]()
    picked = [r for r in rows if chosen(r)]
    rest = [r for r in rows if not chosen(r)]
    assert picked and rest, "a case must split the posts"
    (result,) = [r for r in analysed[case]["results"] if r["metric"] == "engagement_rate"]
    assert (result["n_control"], result["n_variant"]) == (len(picked), len(rest))
    for value, group in ((result["control_value"], picked), (result["variant_value"], rest)):
        expected = sum(r.engagements for r in group) / sum(r.impressions for r in group)
        assert value == pytest.approx(expected, rel=1e-12)

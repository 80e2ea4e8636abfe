"""``status``: the days the exports covered, as ranges with the gaps between them, and the derived attribute counts
per account (checked against an independent reading of the CSV with the csv module, tests/attribute_oracle.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from attribute_oracle import FB_FILE, X_FILE, YT_FILE, facebook_rows, x_rows, youtube_rows

runner = CliRunner()
HEADER = "Tweet id,Tweet permalink,Tweet text,time,impressions,engagements"


def _row(handle: str, tweet_id: str, when: str, impressions: int) -> str:
    return f"{HEADER}\n{tweet_id},https://twitter.com/{handle}/status/{tweet_id},Hi,{when} +0000,{impressions},1\n"


MONTHS = {"20170301_20170331": "2017-03-09", "20190601_20190630": "2019-06-12", "20211101_20211130": "2021-11-05"}


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "agile-social.yaml").write_text("version: 1\ntimezone: Europe/Amsterdam\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    return tmp_path


def _status(*args: str) -> tuple[str, dict[str, dict[str, object]]]:
    text = runner.invoke(app, ["status", *args])
    assert text.exit_code == 0, text.output
    res = runner.invoke(app, ["status", "--format", "json"])
    assert res.exit_code == 0, res.output
    accounts = {f"{a['platform']}/{a['account'] or '-'}": a for a in json.loads(res.stdout)["accounts"]}
    return " ".join(text.stdout.split()), accounts


def test_three_separate_months_are_three_ranges(project: Path) -> None:
    for i, (span, day) in enumerate(MONTHS.items()):
        link = f"https://twitter.com/nwgap/status/14600000000000000{i}"
        (project / f"tweet_activity_metrics_nwgap_{span}_en.csv").write_text(
            f"{HEADER}\n14600000000000000{i},{link},Hello,{day} 10:00 +0000,100,3\n"
        )
    # an overlapping and a touching export merge into one range; daily rows of the account make their own
    (project / "tweet_activity_metrics_nwgap_20211115_20211210_en.csv").write_text(
        _row("nwgap", "146000000000000009", "2021-12-01 09:00", 50)
    )
    (project / "tweet_activity_metrics_nwgap_20211211_20211231_en.csv").write_text(
        _row("nwgap", "146000000000000010", "2021-12-20 09:00", 50)
    )
    (project / "daily_tweet_activity_metrics_nwgap_20190601_20190602_en.csv").write_text(
        "Date,Tweets published,impressions,engagements\n2019-06-01,1,100,3\n2019-06-02,0,80,2\n"
    )
    assert runner.invoke(app, ["ingest", str(project)]).exit_code == 0
    text, accounts = _status()
    assert "x/nwgap: 2017-03-01..03-31, 2019-06-01..06-30, 2021-11-01..12-31; daily 2019-06-01..06-02" in text
    a = accounts["x/nwgap"]
    assert a["coverage"] == [
        ["2017-03-01", "2017-03-31"],
        ["2019-06-01", "2019-06-30"],
        ["2021-11-01", "2021-12-31"],
    ]
    assert a["daily_coverage"] == [["2019-06-01", "2019-06-02"]]
    assert (a["first_post"], a["last_post"]) == ("2017-03-09T10:00:00Z", "2021-12-20T09:00:00Z")


def test_a_range_across_new_year_keeps_both_years(project: Path) -> None:
    (project / "tweet_activity_metrics_nwny_20211215_20220110_en.csv").write_text(
        _row("nwny", "146000000000000001", "2021-12-20 09:00", 5)
    )
    assert runner.invoke(app, ["ingest", str(project)]).exit_code == 0
    text, _ = _status()
    assert "2021-12-15..2022-01-10" in text


def _expected(rows: list, posts: int) -> dict[str, dict[str, int]]:  # type: ignore[type-arg]
    out = {}
    for flag in ("is_reply", "is_repost", "has_link", "has_media", "has_hashtag", "is_short"):
        values = [(bool(r.tags) if flag == "has_hashtag" else getattr(r, flag)) for r in rows]
        out[flag] = {
            "true": sum(v is True for v in values),
            "false": sum(v is False for v in values),
            "unknown": posts - sum(v is not None for v in values),
        }
    return out


def test_attribute_counts_equal_the_csv(project: Path) -> None:
    res = runner.invoke(app, ["ingest", str(X_FILE), str(YT_FILE), str(FB_FILE), "--account", "nw"])
    assert res.exit_code == 0, res.output
    text, accounts = _status()
    x, yt, fb = accounts["x/nw"], accounts["youtube/nw"], accounts["facebook/nw"]
    xs, ys, fs = x_rows(), youtube_rows(), facebook_rows()
    assert (x["posts"], yt["posts"], fb["posts"]) == (len(xs), len(ys), len(fs))
    got_x = x["attributes"]
    want_x = _expected(xs, len(xs))
    for flag in ("is_reply", "is_repost", "has_link", "has_hashtag"):
        assert got_x[flag] == want_x[flag], flag  # type: ignore[index]
    assert got_x["has_media"]["true"] == sum(r.has_media is True for r in xs)  # type: ignore[index]
    assert yt["attributes"]["is_short"] == _expected(ys, len(ys))["is_short"]  # type: ignore[index]
    fb_formats = {}
    for r in fs:
        fb_formats[r.fmt or "unknown"] = fb_formats.get(r.fmt or "unknown", 0) + 1
    assert fb["formats"] == dict(sorted(fb_formats.items(), key=lambda kv: (-kv[1], kv[0])))
    assert "posts with each derived attribute" in text
    reply = got_x["is_reply"]["true"]  # type: ignore[index]
    repost = got_x["is_repost"]["true"]  # type: ignore[index]
    assert f"x │ nw │ {reply} │ {repost} │" in text

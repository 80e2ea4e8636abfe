"""``power`` on a history of monthly exports with gaps: all of the account's posts, the SD estimated from them,
and the weeks the posts take at the posting rate. Reference numbers from R (literals; CI has no R):

    x <- c(1000,1500,800,1200, 900,2000,1100, 1300,700,1600,1000,1400)   # impressions, the files' order
    y <- c(20,24,20,30, 27,30,22, 39,14,40,15,35)                        # engagements
    R <- sum(y)/sum(x); s <- sd((y - R*x)/mean(x))                       # R = 0.021793103448, s = 0.005858197519
    power.t.test(delta = R*0.2, sd = s, power = 0.8, tol = 1e-12)$n     # 29.349475150 -> 30
    power.t.test(delta = R*0.3, sd = s, power = 0.8, tol = 1e-12)$n     # 13.633825758 -> 14
    # since 2021-01-01 (the last file only): R2 = 0.023833333333, sd 0.005198277329, n = 19.677404796 -> 20

Posting rate: 12 posts over the 31 + 30 + 30 days the three files cover = 12/91·7 posts a week, 6/91·7 per
variant; 30 posts per variant take 30 / (6·7/91) = 65 weeks (not the 4.7 years from the first to the last post).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app

runner = CliRunner()
HEADER = (
    "Tweet id,Tweet permalink,Tweet text,time,impressions,engagements,engagement rate,retweets,replies,likes,"
    "user profile clicks,url clicks,hashtag clicks,detail expands,permalink clicks,app opens,app installs,follows,"
    "email tweet,dial phone,media views,media engagements"
)
MONTHS = {
    "20170301_20170331": [("2017-03-02", 1000, 20), ("2017-03-09", 1500, 24), ("2017-03-16", 800, 20),
                          ("2017-03-23", 1200, 30)],
    "20190601_20190630": [("2019-06-03", 900, 27), ("2019-06-12", 2000, 30), ("2019-06-20", 1100, 22)],
    "20211101_20211130": [("2021-11-01", 1300, 39), ("2021-11-05", 700, 14), ("2021-11-12", 1600, 40),
                          ("2021-11-19", 1000, 15), ("2021-11-26", 1400, 35)],
}  # fmt: skip


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "agile-social.yaml").write_text("version: 1\ntimezone: UTC\n")
    (tmp_path / "experiments").mkdir()
    (tmp_path / "experiments" / "gap.yaml").write_text(
        "id: gap-test\nplatform: x\naccount: nwgap\nwindow: {start: 2021-11-01, end: 2021-11-30}\n"
        "variants:\n  - {name: tagged, selector: {hashtags: [nomatch]}}\n  - {name: others, selector: {rest: true}}\n"
        "metric: engagement_rate\nmde: 0.2\n"
    )
    (tmp_path / "experiments" / "ba.yaml").write_text(
        "id: morning\ndesign: before_after\nplatform: x\naccount: nwgap\n"
        "window: {start: 2021-10-04, end: 2021-11-21}\nintervention_date: 2021-11-08\nmetric: engagement_rate\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    serial = 1460000000000000000
    for span, posts in MONTHS.items():
        lines = [HEADER]
        for day, impressions, engagements in posts:
            serial += 1
            link = f"https://twitter.com/nwgap/status/{serial}"
            lines.append(f'"{serial}",{link},Post,{day} 10:00 +0000,{impressions},{engagements},0,0,0,0' + ",0" * 12)
        (tmp_path / f"tweet_activity_metrics_nwgap_{span}_en.csv").write_text("\n".join(lines) + "\n")
    res = runner.invoke(app, ["ingest", str(tmp_path)])
    assert res.exit_code == 0, res.output
    return tmp_path


def _power(*args: str) -> dict[str, object]:
    res = runner.invoke(app, ["power", *args, "--format", "json"])
    assert res.exit_code == 0, res.output
    out: dict[str, object] = json.loads(res.stdout)
    return out


def test_experiment_history_is_every_post_of_the_account(project: Path) -> None:
    out = _power("-e", "gap-test")
    assert out["history_posts"] == 12 and out["n_per_variant"] == 30
    assert out["baseline"] == pytest.approx(0.021793103448, abs=1e-12)
    assert out["sd"] == pytest.approx(0.005858197519, abs=1e-12)
    assert out["posts_per_week"] == pytest.approx(12 / 91 * 7) and (out["variants"], out["weeks"]) == (2, 65)
    assert _power("-e", "gap-test", "--mde-rel", "0.3")["n_per_variant"] == 14
    res = runner.invoke(app, ["power", "-e", "gap-test"])
    text = " ".join(res.stdout.split())
    assert "History of gap-test: 12 posts of x/nwgap published 2017-03-02 to 2021-11-26" in text
    assert "30 posts per variant to detect a +20.0 % change" in text
    assert "At your rate of 0.46 posts a week per variant, that is 65 weeks (0.923 posts a week on x/nwgap," in text


def test_since_narrows_the_history(project: Path) -> None:
    out = _power("-e", "gap-test", "--since", "2021-01-01")
    assert out["history_posts"] == 5 and out["n_per_variant"] == 20
    assert out["baseline"] == pytest.approx(0.023833333333, abs=1e-12)
    assert out["sd"] == pytest.approx(0.005198277329, abs=1e-12)
    assert out["weeks"] == 35  # 5 posts over the 30 days of November: 20 / (5/30*7/2) = 34.3 weeks
    assert _power("-e", "gap-test", "--until", "2019-12-31")["history_posts"] == 7
    res = runner.invoke(app, ["power", "-e", "gap-test", "--since", "2030-01-01"])
    assert res.exit_code == 2 and "only 0 posts of x/nwgap (--since 2030-01-01)" in " ".join(res.stderr.split())


def test_kind_ratio_without_sd_estimates_it_from_the_history(project: Path) -> None:
    out = _power("--kind", "ratio", "--mde-rel", "0.2", "--platform", "x", "--account", "nwgap")
    assert (out["n_per_variant"], out["weeks"]) == (30, 65)
    assert out["sd"] == pytest.approx(0.005858197519, abs=1e-12)
    # a baseline of its own: the history's relative SD is kept (sd / baseline), so the posts needed stay 30
    given = _power("--kind", "ratio", "--baseline", "0.05", "--mde-rel", "0.2", "--platform", "x")
    assert given["baseline"] == 0.05 and given["n_per_variant"] == 30
    assert given["sd"] == pytest.approx(0.005858197519 * 0.05 / 0.021793103448, rel=1e-9)
    # --sd stays for experts, and then no history is read (no warehouse needed)
    assert _power("--kind", "ratio", "--baseline", "0.035", "--sd", "0.02", "--mde-rel", "0.15")["weeks"] is None
    res = runner.invoke(app, ["power", "--kind", "mean", "--mde-rel", "0.2", "--platform", "x"])
    assert res.exit_code == 2 and "--kind mean does not fit metric 'engagement_rate'" in res.stderr
    res = runner.invoke(app, ["power", "--kind", "ratio", "--sd", "0.1", "--baseline", "0.1", "--n", "9", "-p", "x"])
    assert res.exit_code == 2 and "drop --sd to estimate it" in " ".join(res.stderr.split())


def test_before_after_experiment_gets_a_clear_message(project: Path) -> None:
    res = runner.invoke(app, ["power", "-e", "morning"])
    assert res.exit_code == 2
    text = " ".join(res.stderr.split())
    assert "plans no mde" not in text
    assert (
        "experiment 'morning' is a before/after design: power sizes split tests (posts per variant), while analyze"
        " judges a before/after change with an interrupted time series over its 35 days before and 14 days from"
        " 2021-11-08" in text
    )

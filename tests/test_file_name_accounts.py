"""Accounts from the names platforms give their downloads, and a metric the platform never exports shown as such
(not as '0/0' posts) in the result tables."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from agilesocial.warehouse.inputs import account_for
from agilesocial.warehouse.profiles import SHAPES
from attribute_oracle import X_FILE, YT_FILE

runner = CliRunner()
FIX = Path(__file__).parent / "fixtures" / "exports"


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "agile-social.yaml").write_text("version: 1\ntimezone: Europe/Amsterdam\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    return tmp_path


def _accounts(root: Path, table: str = "posts") -> list[tuple[str, str | None]]:
    con = duckdb.connect(str(root / ".agile-social" / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(f"SELECT DISTINCT platform, account FROM {table} ORDER BY ALL").fetchall()
    finally:
        con.close()


def test_youtube_channel_from_the_folder_studio_unzips_to(project: Path) -> None:
    folder = project / "Content 2026-10-01_2026-11-30 Northwind TV"
    folder.mkdir()
    shutil.copy(YT_FILE, folder / "Table data.csv")
    res = runner.invoke(app, ["ingest", str(folder / "Table data.csv")])
    assert res.exit_code == 0, res.output
    assert "name no account" not in res.output
    assert _accounts(project) == [("youtube", "Northwind TV")]


def test_legacy_facebook_insights_page_from_the_file_name(project: Path) -> None:
    posts = project / "Facebook Insights Data Export (Post Level) - Northwind Coffee - 2016-11-30.csv"
    page = project / "Facebook Insights Data Export - Northwind Coffee - 2016-11-30.csv"
    shutil.copy(FIX / "facebook_insights_posts.csv", posts)
    shutil.copy(FIX / "facebook_insights_page.csv", page)
    res = runner.invoke(app, ["ingest", str(posts), str(page)])  # the page-level file needs no --account now
    assert res.exit_code == 0, res.output
    assert _accounts(project) == [("facebook", "Northwind Coffee")]
    assert _accounts(project, "account_daily") == [("facebook", "Northwind Coffee")]


@pytest.mark.parametrize(
    ("profile", "path", "account"),
    [
        ("x", "tweet_activity_metrics_nwdemo_20261001_20261130_en (1).csv", "nwdemo"),
        ("linkedin", "northwind-coffee_content_1735689600000.xls", "northwind-coffee"),
        ("facebook_insights", "facebook insights data export - Café Nord - 2016-11-30 (1).csv", "Café Nord"),
        ("youtube", "Videos 2025-01-01_2025-03-31 Nord TV/Chart data.csv", "Nord TV"),
        ("youtube", "exports/Table data.csv", None),  # a folder that names no channel: a warning at ingest
        ("youtube", "Table data - Nord TV.csv", None),
    ],
)
def test_file_name_patterns(profile: str, path: str, account: str | None) -> None:
    shape = next(s for s in SHAPES if s.profile == profile and s.account_from_filename)
    assert account_for(shape, Path(path), None) == account
    assert account_for(shape, Path(path), "given") == "given"


def test_a_metric_the_platform_does_not_export_is_said_not_zero_posts(project: Path) -> None:
    (project / "experiments").mkdir()
    (project / "experiments" / "saves.yaml").write_text(
        "id: saves\nplatform: x\naccount: nwdemo\nvariants:\n  - {name: replies, selector: {is_reply: true}}\n"
        "  - {name: others, selector: {rest: true}}\nmetric: save_rate\nguardrails: [engagement_rate]\n"
        "status: completed\n"
    )
    assert runner.invoke(app, ["ingest", str(X_FILE)]).exit_code == 0
    res = runner.invoke(app, ["analyze", "-e", "saves"])
    text = " ".join(res.stdout.split())
    assert "save_rate others – – – – – not exported X has no saves" in text
    assert "0/0" not in text and "calibrate" not in text  # no advice to calibrate a metric that cannot exist
    md = runner.invoke(app, ["analyze", "-e", "saves", "--format", "md"]).stdout
    assert "| save\\_rate | others | – | – | – | – | – | not exported<br>X has no saves |" in md
    data = json.loads(runner.invoke(app, ["analyze", "-e", "saves", "--format", "json"]).stdout)
    first = data["experiments"][0]["results"][0]
    assert first["metric"] == "save_rate" and first["not_exported"].startswith("X exports have no saves")
    assert data["experiments"][0]["results"][1]["not_exported"] is None

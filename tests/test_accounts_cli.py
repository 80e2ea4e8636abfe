"""Accounts: the X handle from permalinks, a warning when none is known, re-ingest hints, and an atomic rename."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from agilesocial.warehouse import accounts
from attribute_oracle import X_FILE, YT_FILE

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures" / "exports"


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "agile-social.yaml").write_text("version: 1\ntimezone: Europe/Amsterdam\n")
    (tmp_path / "experiments").mkdir()
    (tmp_path / "experiments" / "e.yaml").write_text(
        "id: e\nplatform: x\naccount: NWdemo\nvariants:\n  - {name: a, selector: {is_reply: true}}\n"
        "  - {name: b, selector: {rest: true}}\nmetric: engagement_rate\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    return tmp_path


def _accounts(root: Path) -> list[tuple[str, str | None, int]]:
    con = duckdb.connect(str(root / ".agile-social" / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT platform, account, count(*) FROM posts GROUP BY ALL ORDER BY ALL").fetchall()
    finally:
        con.close()
    return rows


def test_handle_from_permalinks_and_unknown_account_warning(project: Path) -> None:
    shutil.copy(X_FILE, project / "export.csv")  # saved under another name: the file name says nothing
    res = runner.invoke(app, ["ingest", "export.csv", str(YT_FILE)])
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "36 posts name no account" in text and "agile-social accounts rename - NAME --platform P" in text
    assert _accounts(project) == [("x", "nwdemo", 64), ("youtube", None, 36)]
    listed = runner.invoke(app, ["accounts", "--format", "json"])
    assert '"account": "nwdemo"' in listed.stdout and '"account": null' in listed.stdout


def test_reingest_with_another_account_gives_the_fix(project: Path) -> None:
    assert runner.invoke(app, ["ingest", str(YT_FILE)]).exit_code == 0
    res = runner.invoke(app, ["ingest", str(YT_FILE), "--account", "Northwind TV"])
    assert res.exit_code == 2
    assert "agile-social accounts rename - Northwind TV --platform youtube" in " ".join(res.output.split())
    fixed = runner.invoke(app, ["accounts", "rename", "-", "Northwind TV", "--platform", "youtube"])
    assert fixed.exit_code == 0 and "renamed to Northwind TV on youtube: 36 posts" in fixed.output
    assert _accounts(project) == [("youtube", "Northwind TV", 36)]
    assert runner.invoke(app, ["ingest", str(YT_FILE), "--account", "Northwind TV"]).exit_code == 0


def test_rename_merges_and_lists_experiments_naming_the_old_account(project: Path) -> None:
    daily = FIXTURES / "daily_tweet_activity_metrics_nwtest_20261101_20261130_en.csv"
    copy = project / "daily_copy.csv"
    copy.write_bytes(daily.read_bytes() + b"\n")  # the same days, another file
    assert runner.invoke(app, ["ingest", str(X_FILE), str(daily)]).exit_code == 0
    assert runner.invoke(app, ["ingest", str(copy), "--account", "nwdemo"]).exit_code == 0
    res = runner.invoke(app, ["accounts", "rename", "nwtest", "nwdemo"])
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "nwtest merged into nwdemo on x" in text
    res = runner.invoke(app, ["accounts", "rename", "nwdemo", "northwind"])
    assert "experiments/e.yaml: experiment 'e' names account 'nwdemo': change it to 'northwind'" in " ".join(
        res.output.split()
    )
    con = duckdb.connect(str(project / ".agile-social" / "warehouse.duckdb"), read_only=True)
    try:
        days = con.execute("SELECT account, count(*) FROM account_daily GROUP BY ALL").fetchall()
        ingests = con.execute("SELECT DISTINCT account FROM ingests").fetchall()
        current = con.execute("SELECT DISTINCT account FROM post_current").fetchall()
    finally:
        con.close()
    assert current == [("northwind",)]  # analysis reads post_current: the rename reaches it too
    assert days == [("northwind", 2)]  # merged day by day, not doubled
    assert ingests == [("northwind",)]
    assert runner.invoke(app, ["accounts", "rename", "nobody", "x"]).exit_code == 2


def test_rename_is_atomic(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert runner.invoke(app, ["ingest", str(X_FILE)]).exit_code == 0
    # the last table of the rename fails: the posts already renamed in the transaction must roll back
    monkeypatch.setitem(accounts._TABLES, "no_such_table", ())
    with pytest.raises(duckdb.Error):
        accounts.rename_account(project / ".agile-social" / "warehouse.duckdb", "nwdemo", "other")
    assert _accounts(project) == [("x", "nwdemo", 64)]

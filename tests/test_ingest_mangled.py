"""Exports whose ids a spreadsheet mangled: ids taken from the permalinks, with a warning; refused when nothing unique
is left. Expected ids and counts are read from the CSV with the csv module and ``re`` (the id in each link)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app

runner = CliRunner()
FIX = Path(__file__).parent / "fixtures" / "exports"
MANGLED = FIX / "mangled"
X_FILE = MANGLED / "tweet_activity_metrics_nwexcel_20261101_20261130_en.csv"
FB_OCT = MANGLED / "facebook_posts_Oct-01-2026_Oct-31-2026.csv"
FB_NOV = MANGLED / "facebook_posts_Oct-01-2026_Nov-30-2026.csv"


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "agile-social.yaml").write_text("version: 1\ntimezone: Europe/Amsterdam\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    return tmp_path


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _posts(root: Path, platform: str) -> dict[str, tuple[str, int | None]]:
    """post id -> (permalink, the latest impressions or views) in the warehouse."""
    con = duckdb.connect(str(root / ".agile-social" / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "SELECT post_id, permalink, coalesce(impressions, views) FROM post_current"
            " WHERE platform = ? ORDER BY post_id",
            [platform],
        ).fetchall()
    finally:
        con.close()
    return {r[0]: (r[1], r[2]) for r in rows}


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_x_ids_in_scientific_notation_come_from_the_status_links(project: Path) -> None:
    res = runner.invoke(app, ["ingest", str(X_FILE)])
    assert res.exit_code == 0, res.output
    out = _flat(res.output)
    assert (
        f"{X_FILE.name}: warning: 3 post ids were mangled by a spreadsheet (e.g. '1.85E+18'): loaded with ids"
        " derived from the permalinks (3 taken from the id in the permalink)" in out
    )
    expected = {
        re.search(r"/status/([0-9]+)$", r["Tweet permalink"]).group(1): int(r["impressions"])  # type: ignore[union-attr]
        for r in _rows(X_FILE)
    }
    loaded = _posts(project, "x")
    assert {k: v[1] for k, v in loaded.items()} == expected
    assert len(expected) == 3 and all(len(k) == 19 for k in expected)


def test_facebook_ids_rounded_into_duplicates_are_told_apart_by_permalink(project: Path) -> None:
    rows = _rows(FB_OCT)
    assert {r["Post ID"] for r in rows} == {"122158000000000000.00"}  # three posts, one rounded id
    res = runner.invoke(app, ["ingest", str(FB_OCT)])
    assert res.exit_code == 0, res.output
    assert "3 post ids were mangled by a spreadsheet (e.g. '122158000000000000.00')" in _flat(res.output)
    expected = {r["Permalink"].rstrip("/").rsplit("/", 1)[1]: (r["Permalink"], int(r["Views"])) for r in rows}
    assert _posts(project, "facebook") == expected
    assert set(expected) == {"122158000000000011", "122158000000000012", "1234567890123456"}


def test_a_later_resaved_export_updates_the_same_posts(project: Path) -> None:
    """Re-ingest is idempotent: a later file (other totals, other id form) gives the posts the same ids."""
    assert runner.invoke(app, ["ingest", str(FB_OCT)]).exit_code == 0
    res = runner.invoke(app, ["ingest", str(FB_NOV)])
    assert res.exit_code == 0, res.output
    assert "1 matched posts already loaded by permalink; 1 taken from the id in the permalink" in _flat(res.output)
    posts = _posts(project, "facebook")
    assert len(posts) == 4
    assert posts["1234567890123456"][1] == 6100  # the reel's newer total, on the same post
    assert posts["122158000000000014"][1] == 900
    changed = project / "copy.csv"  # the same rows with one number changed (another file): no new posts
    changed.write_text(FB_OCT.read_text(encoding="utf-8-sig").replace(",1200,1000,", ",1300,1000,"))
    assert runner.invoke(app, ["ingest", str(changed)]).exit_code == 0
    after = _posts(project, "facebook")
    assert set(after) == set(posts) and after["122158000000000011"][1] == 1300


def test_a_resaved_copy_of_a_clean_export_keeps_the_clean_ids(project: Path) -> None:
    clean = FIX / "facebook_posts_Nov-01-2026_Nov-30-2026.csv"
    assert runner.invoke(app, ["ingest", str(clean)]).exit_code == 0
    before = _posts(project, "facebook")
    resaved = project / "resaved.csv"
    text = clean.read_text(encoding="utf-8-sig")
    resaved.write_text(re.sub(r"^122158000000000\d+,", "1.22158E+17,", text, flags=re.MULTILINE))
    res = runner.invoke(app, ["ingest", str(resaved)])
    assert res.exit_code == 0, res.output
    assert "2 matched posts already loaded by permalink" in _flat(res.output)
    assert set(_posts(project, "facebook")) == set(before) == {"122158000000000001", "122158000000000002"}


def test_instagram_links_give_their_short_codes(project: Path) -> None:
    path = MANGLED / "instagram_posts_excel.csv"
    res = runner.invoke(app, ["ingest", str(path)])
    assert res.exit_code == 0, res.output
    expected = {re.search(r"/(?:p|reel)/([^/]+)/", r["Permalink"]).group(1) for r in _rows(path)}  # type: ignore[union-attr]
    assert set(_posts(project, "instagram")) == expected == {"DAbc123xYz_", "DBcd456-UvW"}


def test_ids_that_kept_their_digits_need_no_permalink(project: Path) -> None:
    path = project / "fb.csv"
    path.write_text(
        "Post ID,Page name,Publish time,Post type,Date,Views\n"
        "104512345678901.00,Northwind,10/2/2026 9:15,Photos,Lifetime,10\n"
        "104512345678902.00,Northwind,10/3/2026 9:15,Photos,Lifetime,20\n"
    )
    res = runner.invoke(app, ["ingest", str(path)])
    assert res.exit_code == 0, res.output
    assert "fb.csv: warning: 2 post ids were re-saved by a spreadsheet with '.00' added" in _flat(res.output)
    assert set(_posts(project, "facebook")) == {"104512345678901", "104512345678902"}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "mangled/facebook_posts_shared_permalink.csv",
            "post ids were mangled by a spreadsheet and rows 1 and 2 still share"
            " 'https://www.facebook.com/NorthwindCoffee': nothing unique is left to tell their posts apart",
        ),
        (
            "facebook_excel_scientific.csv",
            "row 1: post id '1.22158E+17' was mangled by a spreadsheet (ids must stay text); the file has no"
            " permalink column to take the ids from, so it is refused",
        ),
    ],
)
def test_refused_when_nothing_unique_is_left(project: Path, name: str, message: str) -> None:
    res = runner.invoke(app, ["ingest", str(FIX / name)])
    assert res.exit_code == 2
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and message in errors[0]
    assert "load it without opening and re-saving it in Excel" in errors[0]
    assert "Traceback" not in res.output


def test_a_blank_permalink_on_a_mangled_row_is_refused(project: Path) -> None:
    path = project / "x.csv"
    rows = X_FILE.read_text().splitlines()
    rows[2] = rows[2].replace("https://twitter.com/nwexcel/status/1850000000000000002", "")
    path.write_text("\n".join(rows) + "\n")
    res = runner.invoke(app, ["ingest", str(path)])
    assert res.exit_code == 2
    assert "and row 2 has no permalink to take its id from, so the file is refused" in _flat(res.stderr)
    con = duckdb.connect(str(project / ".agile-social" / "warehouse.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM posts").fetchone() == (0,)

"""``agile-social demo``: the whole loop on shipped data, and a later ``retro`` in the folder gives the same retro."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    folder = tmp_path_factory.mktemp("demo") / "northwind"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("AGILE_SOCIAL_DB", raising=False)
        mp.setenv("NO_COLOR", "1")
        res = CliRunner().invoke(app, ["demo", "--dir", str(folder)])
        assert res.exit_code == 0, res.output
        yield folder, res.stdout


def _without_run_time(payload: dict) -> dict:  # type: ignore[type-arg]
    return {k: v for k, v in payload.items() if k != "generated_at"}


def test_demo_prints_the_retro_and_where_files_are(demo_dir: tuple[Path, str]) -> None:
    folder, out = demo_dir
    assert "Sprint retrospective 2026-s01" in out and "What failed and why" in out
    assert f"project:   {folder}" in out
    assert f"retro:     {folder / 'retro.html'}" in out
    assert f"warehouse: {folder / '.agile-social/warehouse.duckdb'}" in out
    for rel in ("agile-social.yaml", "plans/northwind.yaml", "sprints/2026-s01.yaml", "schemas/plan.schema.json"):
        assert (folder / rel).is_file(), rel
    html = (folder / "retro.html").read_text()
    assert html.count("<svg") >= 5 and '<table class="results">' in html


def test_retro_in_the_demo_folder_gives_the_same_retrospective(
    demo_dir: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from agilesocial.warehouse.connection import warehouse

    folder, _ = demo_dir
    with warehouse(folder / ".agile-social/warehouse.duckdb", read_only=True) as con:
        stored = json.loads(con.execute("SELECT payload FROM retro_snapshots ORDER BY run_at LIMIT 1").fetchone()[0])
        decisions = con.execute("SELECT count(DISTINCT experiment_id) FROM results").fetchone()[0]
    assert decisions == 4  # the demo's analysis stored its results
    monkeypatch.chdir(folder)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    res = CliRunner().invoke(app, ["retro", "--format", "json"])
    assert res.exit_code == 0, res.output
    again = json.loads(res.stdout)
    assert _without_run_time(again) == _without_run_time(stored)
    actions = {e["id"]: e["decision"]["action"] for e in again["experiments"]}
    assert actions["fb-reels-vs-photos"] == "scale" and actions["ig-question-captions"] == "stop"


def test_demo_refuses_a_folder_with_a_project(demo_dir: tuple[Path, str]) -> None:
    folder, _ = demo_dir
    res = CliRunner().invoke(app, ["demo", "--dir", str(folder)])
    assert res.exit_code == 2 and "already holds an agile-social project" in res.stderr


@pytest.mark.parametrize("kind", ["file", "unwritable"])
def test_demo_into_a_bad_folder_is_a_one_line_error(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "afile"
    if kind == "file":
        target.write_text("not a folder")
        expected = f"error: {target}: is a file, not a folder (choose an empty or new folder for the demo)\n"
    else:
        target = Path("/proc/agile-social-demo")  # a folder nobody can create
        expected = f"error: {target}: cannot create the demo folder"
    result = CliRunner().invoke(app, ["demo", "--dir", str(target)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stderr.startswith(expected) and result.stderr.count("\n") == 1

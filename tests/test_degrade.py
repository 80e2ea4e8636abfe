"""Degrade, don't fail: a retro shows what it can and says what is missing; demo stays in its own folder; a broken
command module fails loudly instead of vanishing from --help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from test_retro_fixtures import make_project


def test_demo_never_touches_the_warehouse_named_by_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "production.duckdb"
    monkeypatch.setenv("AGILE_SOCIAL_DB", str(elsewhere))
    monkeypatch.setenv("NO_COLOR", "1")
    res = CliRunner().invoke(app, ["demo", "--dir", str(tmp_path / "demo"), "--quiet"])
    assert res.exit_code == 0, res.output
    assert not elsewhere.exists()
    assert (tmp_path / "demo/.agile-social/warehouse.duckdb").is_file()


def test_demo_refuses_a_folder_that_already_holds_a_warehouse(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    (folder / ".agile-social").mkdir(parents=True)
    (folder / ".agile-social/warehouse.duckdb").write_bytes(b"precious")
    res = CliRunner().invoke(app, ["demo", "--dir", str(folder), "--quiet"])
    assert res.exit_code == 2 and "already holds a warehouse" in res.stderr
    assert (folder / ".agile-social/warehouse.duckdb").read_bytes() == b"precious"


def test_retro_of_a_sprint_whose_only_experiment_has_no_data_renders_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path / "proj")
    folder = project.root / "experiments"
    for name in ("fb-reels-vs-photos", "ig-question-captions", "x-morning-posting"):
        (folder / f"{name}.yaml").unlink()
    path = folder / "x-thread-vs-single.yaml"
    path.write_text(path.read_text().replace("account: northwindcoffee", "account: someone-else"))
    monkeypatch.chdir(project.root)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    res = CliRunner().invoke(app, ["retro", "2026-s01", "--as-of", "2026-11-27", "--no-store"])
    assert res.exit_code == 2
    assert "Objectives" in res.stdout and "Weekly key results" in res.stdout  # the rest of the retro is there
    assert "x-thread-vs-single" in res.stdout and "No data to judge yet" in res.stdout
    assert "account 'someone-else'" in res.stdout  # what to ingest
    assert res.stderr.startswith("error: ") and "experiment 'x-thread-vs-single' has no posts" in res.stderr
    assert "None" not in res.stdout + res.stderr


def test_a_command_module_that_fails_to_import_is_not_skipped() -> None:
    code = (
        "import sys, importlib.abc\n"
        "class Broken(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name == 'agilesocial.cli.status':\n"
        "            raise ModuleNotFoundError('a bug in status', name=name)\n"
        "sys.meta_path.insert(0, Broken())\n"
        "import agilesocial.cli.app\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode != 0 and "a bug in status" in done.stderr


def test_every_command_module_registers_its_commands() -> None:
    from agilesocial.cli.app import COMMAND_MODULES

    res = CliRunner().invoke(app, ["--help"])
    for name in COMMAND_MODULES:
        assert f" {name} " in res.stdout, name


def test_a_bug_in_our_own_sql_is_not_passed_off_as_missing_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the errors we expect become one-line messages: a query of ours that DuckDB cannot bind (simulated by a
    warehouse whose post table lost a column every analysis reads) fails loudly, never as 'run ingest'."""
    import duckdb

    project = make_project(tmp_path / "proj")
    con = duckdb.connect(str(project.warehouse_path()))
    con.execute("ALTER TABLE post_current DROP COLUMN impressions")
    con.close()
    monkeypatch.chdir(project.root)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    res = CliRunner().invoke(app, ["analyze", "--experiment", "fb-reels-vs-photos"])
    assert isinstance(res.exception, duckdb.Error), (res.exit_code, res.output)
    assert "impressions" in str(res.exception)
    assert "ingest" not in res.output and "cannot read the warehouse" not in res.output


def test_ingest_reports_a_bad_file_but_lets_a_bug_in_our_sql_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    from agilesocial.warehouse import ingest

    fixtures = Path(__file__).parent / "fixtures" / "exports"
    bad = tmp_path / "facebook_posts.csv"
    bad.write_text("Post ID,Publish time,Reach,Permalink\n1,not a date at all,10,https://facebook.com/1\n")
    report = ingest.ingest_paths([bad], db=tmp_path / "a.duckdb")
    assert report.files[0].error  # the export's own problem: that file's one-line error, the run goes on

    def broken(con: duckdb.DuckDBPyConnection, *args: object, **kwargs: object) -> None:
        con.execute("SELECT no_such_column FROM posts")  # what a typo in our SQL does

    monkeypatch.setattr(ingest, "load_staged", broken)
    with pytest.raises(duckdb.BinderException, match="no_such_column"):
        ingest.ingest_paths([fixtures / "instagram_posts.csv"], db=tmp_path / "b.duckdb")


def test_a_bug_while_reading_a_csv_is_no_malformed_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    from agilesocial.errors import is_input_error
    from agilesocial.warehouse import stage
    from agilesocial.warehouse.ingest import ingest_paths

    def broken(self: object, con: duckdb.DuckDBPyConnection, *, numbered: bool) -> None:
        con.execute("SELECT * FROM no_such_stage_table")

    monkeypatch.setattr(stage.Stage, "materialize", broken)
    with pytest.raises(duckdb.CatalogException):
        ingest_paths([Path(__file__).parent / "fixtures" / "exports" / "instagram_posts.csv"], db=tmp_path / "w.duckdb")
    # what the input can cause is still the file's own error
    assert is_input_error(duckdb.ConversionException("Could not convert string 'x' to INT64"))
    assert is_input_error(duckdb.InvalidInputException("CSV Error on Line: 3"))
    assert not is_input_error(duckdb.BinderException("Referenced column not found"))
    assert not is_input_error(TypeError("a bug in our Python"))

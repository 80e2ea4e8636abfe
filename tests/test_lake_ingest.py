"""``ingest`` into a Parquet lake: the same tables and ``analyze`` results as the DuckDB file; atomic; idempotent."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

import agilesocial.demo
from agilesocial.cli.app import app
from agilesocial.errors import DataError
from agilesocial.warehouse import lakeingest
from agilesocial.warehouse.connection import connect
from agilesocial.warehouse.ingest import ingest_paths
from agilesocial.warehouse.lake import LAKE_TABLES

EXPORTS = Path(agilesocial.demo.__file__).parent / "data" / "exports"
FIRST = [  # into the file, then exported as the lake
    "facebook_posts_Sep-28-2026_Nov-22-2026.csv",
    "tweet_activity_metrics_northwindcoffee_20261005_20261122_en.csv",
    "instagram_posts_Sep-28-2026_Nov-22-2026.csv",
]
THEN = [  # into both: new platforms, account days, and metrics of posts the lake already holds
    "facebook_insights_post_data_2026-09.csv",
    "daily_tweet_activity_metrics_northwindcoffee_20261005_20261122_en.csv",
    "tiktok_content.csv",
    "youtube_table_data.csv",
    "linkedin_northwind_content.csv",
]


def _run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env={"NO_COLOR": "1"})


def _files(names: list[str]) -> list[str]:
    return [str(EXPORTS / n) for n in names]


def _snapshot(lake: Path) -> dict[str, str]:
    """Every file of the lake and its content hash."""
    return {
        p.relative_to(lake).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(lake.rglob("*"))
        if p.is_file() and p.name != lakeingest.LOCK_FILE
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("lakeingest") / "northwind"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("AGILE_SOCIAL_DB", raising=False)
        res = _run("demo", "--dir", str(folder))
        assert res.exit_code == 0, res.output
        mp.chdir(folder)
        assert _run("ingest", "--db", "file.duckdb", *_files(FIRST)).exit_code == 0
        res = _run("export", "--parquet", "base", "--db", "file.duckdb")
        assert res.exit_code == 0, res.output
        yield folder


def _copy_base(project: Path, name: str) -> Path:
    import shutil

    shutil.copytree(project / "base", project / name)
    return project / name


def _analysis(db: str) -> Any:
    res = _run("analyze", "--db", db, "--format", "json")
    assert res.exit_code == 0, res.output  # valid plans, every experiment with data
    report = json.loads(res.output)
    report.pop("generated_at", None)
    return report


def test_ingest_into_the_lake_equals_ingest_into_the_file(project: Path) -> None:
    lake = _copy_base(project, "lake")
    file = project / "both.duckdb"
    assert _run("ingest", "--db", str(file), *_files(FIRST)).exit_code == 0
    for db in (str(file), "lake"):
        res = _run("ingest", "--db", db, *_files(THEN))
        assert res.exit_code == 0, res.output
        assert "5 loaded" in res.output
    on_lake = connect(lake, read_only=True)
    on_file = duckdb.connect(str(file), read_only=True)
    for table in (*LAKE_TABLES, "export_coverage"):
        want = on_file.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
        assert on_lake.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() == want, table
    times = "SELECT * EXCLUDE (started_at, finished_at) FROM ingests ORDER BY ingest_id"
    assert on_lake.execute(times).fetchall() == on_file.execute(times).fetchall()
    on_lake.close()
    on_file.close()
    assert _analysis("lake") == _analysis(str(file))
    manifest = json.loads((lake / "manifest.json").read_text())
    for table in LAKE_TABLES:  # the manifest lists exactly the files there are, with the right row counts
        info = manifest["tables"][table]
        assert sorted(info["files"]) == sorted(
            p.relative_to(lake).as_posix() for p in (lake / table).rglob("*.parquet")
        )
        got = duckdb.connect().execute(f"SELECT count(*) FROM read_parquet({[str(lake / f) for f in info['files']]})")
        assert (info["rows"],) == got.fetchone()
    assert manifest["appends"][-1]["sha256"] and not list(lake.glob("_txn-*"))
    # the untouched partitions were not rewritten: instagram's files are the export's
    assert all(
        not f.split("/")[-1].startswith("part-")
        for f in manifest["tables"]["posts"]["files"]
        if "platform=instagram" in f
    )
    before = _snapshot(lake)
    res = _run("ingest", "--db", "lake", str(EXPORTS))  # everything again: already ingested, nothing changes
    assert res.exit_code == 0 and "0 loaded, 8 already ingested" in res.output, res.output
    assert _snapshot(lake) == before


def _fail_at_manifest(mp: pytest.MonkeyPatch) -> None:
    real = lakeingest.os.replace

    def replace(src: Any, dst: Any) -> None:
        if Path(dst).name == "manifest.json":
            raise OSError(28, "No space left on device")
        real(src, dst)

    mp.setattr(lakeingest.os, "replace", replace)


def _fail_at_third_table(mp: pytest.MonkeyPatch) -> None:
    real = lakeingest.LakeAppend._rewrite

    def rewrite(self: Any, con: Any, table: str, *args: Any) -> Any:
        if table == "post_current":  # posts and post_metrics are written by then
            raise duckdb.IOException("IO Error: could not write file")
        return real(self, con, table, *args)

    mp.setattr(lakeingest.LakeAppend, "_rewrite", rewrite)


def _fail_mid_run(mp: pytest.MonkeyPatch) -> None:
    real = lakeingest.LakeAppend.prepare
    calls = []

    def prepare(self: Any, con: Any, stage: Any) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # the user stops the run after two files were loaded
        real(self, con, stage)

    mp.setattr(lakeingest.LakeAppend, "prepare", prepare)


@pytest.mark.parametrize("fail", [_fail_at_manifest, _fail_at_third_table, _fail_mid_run])
def test_a_failed_ingest_leaves_the_lake_unchanged(project: Path, fail: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    lake = _copy_base(project, f"fail-{fail.__name__}")
    before = _snapshot(lake)
    want = _analysis(str(lake))
    with monkeypatch.context() as mp:
        fail(mp)
        with pytest.raises((DataError, KeyboardInterrupt)) as err:
            ingest_paths([Path(p) for p in _files(THEN)], db=lake)
    if err.type is DataError:
        assert "cannot write the lake" in str(err.value) and "unchanged" in str(err.value)
    assert _snapshot(lake) == before
    assert _analysis(str(lake)) == want
    res = _run("ingest", "--db", str(lake), *_files(THEN))  # and the next ingest succeeds
    assert res.exit_code == 0 and "5 loaded" in res.output, res.output


def test_leftovers_of_a_killed_ingest_are_ignored_then_removed(project: Path) -> None:
    lake = _copy_base(project, "killed")
    want = _analysis(str(lake))
    (lake / "_txn-dead").mkdir()
    (lake / "_txn-dead" / "scratch.duckdb").write_bytes(b"half")
    stray = next((lake / "posts").rglob("*.parquet")).with_name("part-dead-data_0.parquet")
    stray.write_bytes(next((lake / "posts").rglob("*.parquet")).read_bytes())  # duplicates, listed nowhere
    assert _analysis(str(lake)) == want  # readers follow the manifest's file list
    assert _run("ingest", "--db", str(lake), *_files(THEN[:1])).exit_code == 0
    assert not stray.exists() and not (lake / "_txn-dead").exists()


def test_a_lake_of_another_warehouse_schema_is_refused(project: Path) -> None:
    lake = _copy_base(project, "old")
    manifest = json.loads((lake / "manifest.json").read_text())
    manifest["warehouse_schema"] = 1
    (lake / "manifest.json").write_text(json.dumps(manifest))
    res = _run("ingest", "--db", str(lake), *_files(THEN[:1]))
    assert res.exit_code == 2 and "warehouse schema 1" in res.output and "export the lake again" in res.output

"""The Parquet lake: ``export --parquet DIR`` writes it; ``analyze`` on the lake equals ``analyze`` on the file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from agilesocial.warehouse.lake import LAKE_TABLES, LAKE_VERSION

DB = Path(".agile-social") / "warehouse.duckdb"


def _run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env={"NO_COLOR": "1"})


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("lake") / "northwind"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("AGILE_SOCIAL_DB", raising=False)
        res = CliRunner().invoke(app, ["demo", "--dir", str(folder)], env={"NO_COLOR": "1"})
        assert res.exit_code == 0, res.output
        mp.chdir(folder)
        res = _run("export", "--parquet", "lake")
        assert res.exit_code == 0, res.output
        yield folder


def _analysis(db: str) -> dict[str, Any]:
    res = _run("analyze", "--db", db, "--format", "json")
    assert res.exit_code == 0, res.output  # the demo's plans are valid and every experiment has data
    return _strip(json.loads(res.output))


def _strip(value: Any) -> Any:
    """The report without its generation time."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k != "generated_at"}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def test_the_lake_layout_and_manifest(demo: Path) -> None:
    manifest = json.loads((demo / "lake" / "manifest.json").read_text())
    assert manifest["format"] == "agile-social-lake" and manifest["lake_version"] == LAKE_VERSION
    con = duckdb.connect(str(demo / DB), read_only=True)
    for table in LAKE_TABLES:
        (rows,) = con.execute(f"SELECT count(*) FROM {table}").fetchone() or (0,)
        assert manifest["tables"][table]["rows"] == rows
        if rows:
            parts = {p.relative_to(demo / "lake" / table).parts[:2] for p in (demo / "lake" / table).rglob("*.parquet")}
            assert parts and all(a.startswith("platform=") and b.startswith("month=") for a, b in parts)
    files = (demo / "lake" / "post_metrics").rglob("*.parquet")
    cols = duckdb.sql(f"SELECT * FROM read_parquet('{next(files)}', hive_partitioning = false) LIMIT 0").columns
    assert "platform" not in cols and "month" not in cols  # partition keys live in the folder names only
    con.close()


def test_the_lake_reads_back_every_row(demo: Path) -> None:
    from agilesocial.warehouse.connection import connect

    lake = connect(demo / "lake", read_only=True)
    con = duckdb.connect(str(demo / DB), read_only=True)
    for table in LAKE_TABLES:
        order = "ORDER BY ALL"
        want = con.execute(f"SELECT * FROM {table} {order}").fetchall()
        assert lake.execute(f"SELECT * FROM {table} {order}").fetchall() == want, table
    lake.close()
    con.close()


def test_analyze_on_the_lake_equals_analyze_on_the_file(demo: Path) -> None:
    on_file = _analysis(str(DB))
    on_lake = _analysis("lake")
    assert on_file["experiments"] and on_lake == on_file


def test_export_refuses_a_non_empty_folder(demo: Path) -> None:
    res = _run("export", "--parquet", "lake")
    assert res.exit_code == 2 and "not empty" in res.output

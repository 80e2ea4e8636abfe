"""``engine: spark``: the demo's experiments (and every kind of selector) give the same numbers on Spark as on DuckDB.

Spark runs in local mode in this process (one small session for the whole test run). It needs pyspark (the
``spark`` extra, which ``make test`` installs) and Java 17+ (``make test`` installs Debian's
openjdk-17-jre-headless when it runs as root and Java is missing); without them these tests are skipped with the
reason.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app

TODAY = dt.date(2026, 12, 1)
HYPOTHESIS = """hypothesis:
  question: Does it work?
  we_believe: this selector
  will_result_in: more engagement
  we_will_know_when: the rate rises
"""
#: Experiments that use every kind of selector condition, on methods that read per-post values too.
SELECTOR_EXPERIMENTS = {
    "spark-times": """id: spark-times
plan: northwind-social
objective: engagement
sprint: 2026-s01
{hyp}design: split
platform: instagram
window: {{start: 2026-10-01, end: 2026-12-31}}
variants:
  - name: early_week
    selector: {{weekdays: [mon, tue, wed]}}
  - name: mornings
    selector: {{hours: [6, 7, 8, 9, 10, 11], not: {{weekdays: [mon, tue, wed]}}}}
  - name: rest
    selector: {{rest: true}}
metric: engagement_rate
method: mann_whitney
""",
    "spark-content": """id: spark-content
plan: northwind-social
objective: engagement
sprint: 2026-s01
{hyp}design: split
window: {{start: 2026-10-01, end: 2026-12-31}}
variants:
  - name: tagged
    selector: {{hashtags: [nwdaily, '#AskNorthwind'], has_hashtag: true, hashtag_count: {{min: 1, max: 9}}}}
  - name: words
    selector: {{text_contains: "coffee", has_media: true, format: [photo, video, reel, carousel]}}
  - name: typed
    selector: {{post_type: [Reels, Photos], published: {{start: 2026-10-26, end: 2026-11-22}}}}
metric: engagement_rate
guardrails: [comment_rate]
method: negbin
""",
}


def _spark_ready() -> str | None:
    """Why Spark cannot run here, or None."""
    try:
        import pyspark  # noqa: F401
        import sqlglot  # noqa: F401
    except ImportError:
        return "pyspark/sqlglot not installed: pip install -e '.[spark]' (make test does)"
    if shutil.which("java") is None:
        return "no Java: apt-get install openjdk-17-jre-headless (make test does when run as root)"
    return None


SKIP = _spark_ready()
pytestmark = pytest.mark.skipif(SKIP is not None, reason=SKIP or "")


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One small local SparkSession for the test run (the engine uses the active session)."""
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("agile-social-tests")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "512m")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("spark") / "northwind"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("AGILE_SOCIAL_DB", raising=False)
        res = CliRunner().invoke(app, ["demo", "--dir", str(folder)], env={"NO_COLOR": "1"})
        assert res.exit_code == 0, res.output
        for name, text in SELECTOR_EXPERIMENTS.items():
            (folder / "experiments" / f"{name}.yaml").write_text(text.format(hyp=HYPOTHESIS), encoding="utf-8")
        mp.chdir(folder)
        res = CliRunner().invoke(app, ["export", "--parquet", "lake"], env={"NO_COLOR": "1"})
        assert res.exit_code == 0, res.output
        # a file the manifest does not list (as an ingest into the lake leaves superseded files): read by neither
        live = next((folder / "lake" / "post_current").rglob("*.parquet"))
        shutil.copy(live, live.with_name("superseded.parquet"))
        yield folder


def _same(a: Any, b: Any, where: str = "") -> list[str]:
    """Differences between two analysis records: counts and text exact, floats within 1e-12 (relative above 1)."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return _same(dataclasses.asdict(a), dataclasses.asdict(b), where)  # type: ignore[arg-type]
    if isinstance(a, dict):
        if set(a) != set(b):
            return [f"{where}: keys {sorted(a)} != {sorted(b)}"]
        return [d for k in a if k != "generated_at" for d in _same(a[k], b[k], f"{where}.{k}")]
    if isinstance(a, list | tuple):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in _same(x, y, f"{where}[{i}]")]
    if isinstance(a, float) and isinstance(b, float) and not isinstance(a, bool):
        if math.isnan(a) and math.isnan(b):
            return []
        return [] if abs(a - b) <= 1e-12 * max(1.0, abs(a)) else [f"{where}: {a!r} != {b!r}"]
    return [] if a == b and type(a) is type(b) else [f"{where}: {a!r} != {b!r}"]


def _analyse(folder: Path, engine: str) -> Any:
    from agilesocial.analysis import run_analysis
    from agilesocial.config import load_project

    return run_analysis(load_project(folder), db=folder / "lake", store=False, today=TODAY, engine=engine)


def test_every_number_is_the_same_on_spark_and_duckdb(spark: Any, demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from agilesocial.warehouse import sparksql
    from agilesocial.warehouse.spark import SparkConnection

    ran: list[tuple[str, set[str]]] = []  # every statement Spark ran: its kind and the tables it read
    on_spark_of = SparkConnection._on_spark

    def recording(self: SparkConnection, tree: Any) -> Any:
        ran.append((type(tree).__name__, sparksql.tables_read(tree)))
        return on_spark_of(self, tree)

    monkeypatch.setattr(SparkConnection, "_on_spark", recording)
    on_duckdb = _analyse(demo, "duckdb")
    on_spark = _analyse(demo, "spark")
    # the lake is read once: one cached table of the posts in scope feeds every experiment's queries (only a
    # before/after design's comparison series, outside the scope, reads the lake again), then it is dropped
    lake_reads = [kind for kind, tables in ran if tables & {"post_latest", "post_current", "posts"}]
    assert lake_reads[0] == "Create" and lake_reads.count("Create") == 1, ran
    assert all(tables == {"analysis_scope"} for kind, tables in ran if kind == "Union"), ran
    # the sums, and one query of per-post values per experiment with a randomisation test, all read the scope
    assert sum(tables == {"analysis_scope"} for _, tables in ran) >= 8 and ran[-1][0] == "Drop", ran
    assert not spark.catalog.tableExists("analysis_scope")
    assert spark._jsparkSession.sharedState().cacheManager().isEmpty()  # uncached
    ids = [e.id for e in on_duckdb.experiments]
    assert set(SELECTOR_EXPERIMENTS) <= set(ids) and "x-morning-posting" in ids  # split and before/after designs
    methods = {r.method for e in on_duckdb.experiments for r in e.results}
    assert {"mann_whitney", "negbin", "its"} <= methods, methods  # per-post values and daily series came back too
    assert sum(len(e.results) for e in on_duckdb.experiments) >= 10
    assert sum(r.p_value is not None for e in on_duckdb.experiments for r in e.results) >= 10
    assert _same(on_duckdb, on_spark) == []

    # the CLI: --engine spark on analyze and retro, the same JSON as DuckDB's
    def cli(*args: str) -> dict[str, Any]:
        res = CliRunner().invoke(app, [*args, "--db", "lake", "--format", "json"], env={"NO_COLOR": "1"})
        assert res.exit_code in (0, 1) and res.exception is None, (res.output, res.exception)
        return json.loads(res.output)  # type: ignore[no-any-return]

    for command in (
        ["analyze", "--experiment", "x-thread-vs-single"],
        ["retro", "--as-of", "2026-12-01", "--no-store"],
    ):
        got, want = cli(*command, "--engine", "spark"), cli(*command, "--engine", "duckdb")
        assert _same(want, got) == [], command


def test_spark_needs_a_lake_and_says_so(demo: Path) -> None:
    res = CliRunner().invoke(app, ["analyze", "--engine", "spark"], env={"NO_COLOR": "1"})
    assert res.exit_code == 2
    assert "engine 'spark' reads a Parquet lake" in res.output and "export --parquet" in res.output
    res = CliRunner().invoke(app, ["analyze", "--engine", "sparkle"], env={"NO_COLOR": "1"})
    assert res.exit_code == 2 and "'sparkle' is not one of duckdb, spark" in res.output

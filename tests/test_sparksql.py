"""The DuckDB -> Spark SQL translation's parts that need no Spark: parameters written as literals (checked on DuckDB
itself), routing, refusals, Spark properties from the config, and the message when pyspark is missing."""

from __future__ import annotations

import datetime as dt
import sys
from zoneinfo import ZoneInfo

import duckdb
import pytest

pytest.importorskip("sqlglot", reason="sqlglot comes with the spark extra: pip install -e '.[spark]'")

from agilesocial.errors import DataError
from agilesocial.warehouse import sparksql
from agilesocial.warehouse.spark import spark_conf, start_session

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        ("SELECT ?, ?, ?, ?", ["it's", 'say "hi"', "back\\slash", "?"]),
        ("SELECT ? + 1, ? * 2.0, ?, ?", [41, 1.25, True, None]),
        ("SELECT ?::DOUBLE, ? < 1e-300", [1e-310, 5e-324]),
        ("SELECT CAST(? AS DATE) + 1, ?", [dt.date(2026, 10, 26), dt.date(1999, 12, 31)]),
        (
            "SELECT epoch(?), epoch(?::TIMESTAMPTZ), timezone('Europe/Amsterdam', ?)",
            [
                dt.datetime(2026, 10, 25, 2, 30, tzinfo=AMS),
                dt.datetime(2026, 3, 29, 0, 0, tzinfo=AMS),
                dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            ],
        ),
        ("SELECT 'a?b', x FROM (SELECT ? AS x) WHERE x IN (SELECT unnest(?::VARCHAR[]))", ["b", ["a", "b", "it's"]]),
        ("SELECT list_has_any(?::VARCHAR[], ['x']), 3 IN (SELECT unnest(?::INTEGER[])), ?", [["x", "y"], [1, 3], []]),
        ("SELECT ? -- a comment with a ? in it\n, ?", [1, 2]),
    ],
)
def test_inlined_parameters_mean_what_duckdb_binds(sql: str, params: list[object]) -> None:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    want = con.execute(sql, params).fetchall()
    assert con.execute(sparksql.inline_params(sql, params)).fetchall() == want


def test_placeholders_and_values_must_match() -> None:
    with pytest.raises(sparksql.UntranslatableSql, match="more '\\?' placeholders"):
        sparksql.inline_params("SELECT ?, ?", [1])
    with pytest.raises(sparksql.UntranslatableSql, match="2 values given for 1"):
        sparksql.inline_params("SELECT ?", [1, 2])
    with pytest.raises(sparksql.UntranslatableSql, match="cannot write a set"):
        sparksql.inline_params("SELECT ?", [{1}])


def test_translation_rewrites_what_spark_lacks_and_refuses_ordered_aggregates() -> None:
    got = sparksql.spark_sql(
        'SELECT isodow(timezone(?, published_at)), list_has_any(tag_keys, ?::VARCHAR[]) FROM "memory".main.post_latest',
        ["Europe/Amsterdam", ["a"]],
    )
    assert "WEEKDAY(FROM_UTC_TIMESTAMP(published_at, 'Europe/Amsterdam')) + 1" in got
    assert "ARRAYS_OVERLAP(tag_keys, CAST(ARRAY('a') AS ARRAY<STRING>))" in got
    assert got.endswith("FROM post_latest")
    with pytest.raises(sparksql.UntranslatableSql, match="ordered aggregate"):
        sparksql.spark_sql("SELECT list(x ORDER BY post_id) FROM post_latest")


def test_statements_reading_post_tables_are_routed_to_the_engine() -> None:
    assert sparksql.reads_posts(sparksql.parse("SELECT count(*) FROM (SELECT * FROM analysis_posts) t"))
    assert sparksql.reads_posts(sparksql.parse("SELECT 1 FROM export_coverage WHERE x IN (SELECT 1 FROM posts)"))
    assert not sparksql.reads_posts(sparksql.parse("SELECT posts, method FROM calibrations WHERE platform = $p"))


def test_spark_properties_come_from_the_config_and_the_timezone_is_fixed() -> None:
    conf = spark_conf({"master": "spark://head:7077", "spark.executor.memory": "4g", "sql.session.timeZone": "CET"})
    assert conf["spark.master"] == "spark://head:7077" and conf["spark.executor.memory"] == "4g"
    assert conf["spark.sql.session.timeZone"] == "UTC"
    assert spark_conf({})["spark.master"] == "local[*]"
    assert spark_conf({"sql.adaptive.enabled": False})["spark.sql.adaptive.enabled"] == "false"


def test_a_missing_pyspark_is_one_line_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(DataError, match="needs pyspark") as err:
        start_session({})
    assert "agile-social[spark]" in (err.value.hint or "")

"""Before/after through the CLI on synthetic X exports: the issue's failure cases, gaps, short history, control."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from its_support import daily_rows, its_project, x_export

D = dt.date


def _run(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    monkeypatch.chdir(root)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    return CliRunner().invoke(app, list(args))


def _ingest(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    res = _run(root, monkeypatch, "ingest", "exports", "-q")
    assert res.exit_code == 0, res.output


def _ratio(rows: list[tuple[dt.datetime, int, int]], first: dt.date, last: dt.date) -> float:
    """The period's ratio of sums, straight from the rows written to the export (independent of the warehouse)."""
    inside = [(i, e) for when, i, e in rows if first <= when.date() <= last]
    return sum(e for _, e in inside) / sum(i for i, _ in inside)


def test_two_exports_two_years_apart_are_refused_not_extrapolated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's case: Oct 2019 and Nov 2021 exports, change on 1 Nov 2021 -> was a 115.60 % 'control' and STOP."""
    root = its_project(tmp_path / "p", intervention_date="2021-11-01", window={"start": "2019-10-01"})
    old = daily_rows(D(2019, 10, 1), D(2019, 10, 31), lambda d: 0.03, seed=1)
    new = daily_rows(D(2021, 11, 1), D(2021, 11, 30), lambda d: 0.012, seed=2)
    x_export(root / "exports", "nw", D(2019, 10, 1), D(2019, 10, 31), old)
    x_export(root / "exports", "nw", D(2021, 11, 1), D(2021, 11, 30), new, start_id=1_500_000_000_000_000_000)
    _ingest(root, monkeypatch)
    res = _run(root, monkeypatch, "analyze", "-e", "x-timing")
    assert res.exit_code == 2 and "Traceback" not in res.output
    err = " ".join(res.stderr.split())
    # after period 1-30 Nov (30 days) -> before period the 30 days before, which no export covers
    assert "the fitted window 2021-10-02 to 2021-11-30 has 30 days no export covers (2021-10-02 to 2021-10-31)" in err
    assert "the model does not extrapolate across a gap" in err
    assert "ingest an export of x posts of account 'nw' (profile x) covering 2021-10-02 to 2021-10-31" in err
    # a longer pre_period reaching back to 2019 is refused too: the gap is inside the fitted window
    its_project(root, intervention_date="2021-11-01", window={"start": "2019-10-01"}, pre_period=366)
    res = _run(root, monkeypatch, "analyze", "-e", "x-timing")
    assert res.exit_code == 2 and "366 days no export covers (2020-10-31 to 2021-10-31)" in " ".join(res.stderr.split())


def test_mid_month_change_reports_observed_values_not_model_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's case: observed 1.16 % before and 1.15 % after were printed as 2.02 % -> 1.04 % ('49 % lower')."""
    root = its_project(tmp_path / "p", intervention_date="2026-11-16", window={"end": "2026-11-30"})
    rows = daily_rows(D(2026, 10, 1), D(2026, 11, 30), lambda d: 0.0116, seed=7)
    x_export(root / "exports", "nw", D(2026, 10, 1), D(2026, 11, 30), rows)
    _ingest(root, monkeypatch)
    res = _run(root, monkeypatch, "analyze", "-e", "x-timing", "-f", "json")
    assert res.exit_code == 0, res.output
    e = json.loads(res.stdout)["experiments"][0]
    r = e["results"][0]
    # after: 16-30 Nov (15 days); before: the 15 days before (1-15 Nov), as long as the after period
    assert r["control_value"] == pytest.approx(_ratio(rows, D(2026, 11, 1), D(2026, 11, 15)), rel=1e-9)
    assert r["variant_value"] == pytest.approx(_ratio(rows, D(2026, 11, 16), D(2026, 11, 30)), rel=1e-9)
    assert (r["n_control"], r["n_variant"], r["days_control"], r["days_variant"]) == (15, 15, 15, 15)
    # Before | After | Expected without the change | Effect adds up
    assert r["variant_value"] - r["counterfactual_value"] == pytest.approx(r["abs_lift"], abs=1e-12)
    assert r["rel_lift"] == pytest.approx(r["abs_lift"] / r["counterfactual_value"], rel=1e-9)
    its = r["its"]
    assert (its["pre_start"], its["post_end"], its["hac_lags"], its["weights"]) == (
        "2026-11-01",
        "2026-11-30",
        3,  # floor(4 (30/100)^(2/9))
        "impressions",
    )
    assert len(its["series"]["dates"]) == 30 and its["series"]["post"].count(True) == 15
    # the experiment is completed: not significant means inconclusive, never "keep running" (issue 8, item 7)
    assert not r["significant"] and e["decision"]["action"] == "inconclusive"
    reason = e["decision"]["reason"]
    before, after = r["control_value"] * 100, r["variant_value"] * 100
    assert f"engagement per impression was {before:.2f} % before the change and {after:.2f} % after" in reason
    assert f"you got {after:.2f} %" in reason and "the model expected" in reason
    expected = r["counterfactual_value"] * 100
    # the tables: Before | After | Expected without the change | Effect, the observed values first
    md = _run(root, monkeypatch, "analyze", "-e", "x-timing", "-f", "md").stdout
    assert "| metric | posts b/a | days b/a | before | after | expected without the change | effect | 95 % CI |" in md
    assert f"| engagement\\_rate | 15/15 | 15/15 | {before:.2f} % | {after:.2f} % | {expected:.2f} % |" in md
    text = _run(root, monkeypatch, "analyze", "-e", "x-timing").stdout
    assert f"{before:.2f} %  {after:.2f} %" in text and f"{expected:.2f} %" in text
    assert all(len(line) <= 100 for line in text.splitlines())
    spark = next(line.strip() for line in text.splitlines() if "┃" in line and "by day" not in line)
    assert spark.index("┃") == 15 and len(spark) == 31  # 15 days before, the change, 15 days after
    assert "Model: single-series segmented regression on 15 + 15 days, weights impressions, Newey-West lag 3" in text


def test_gap_of_more_than_seven_days_inside_the_window_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = its_project(tmp_path / "p", intervention_date="2026-11-01", window={"end": "2026-11-28"})
    a = daily_rows(D(2026, 9, 1), D(2026, 10, 10), lambda d: 0.02, seed=3)
    b = daily_rows(D(2026, 10, 20), D(2026, 11, 30), lambda d: 0.02, seed=4)
    x_export(root / "exports", "nw", D(2026, 9, 1), D(2026, 10, 10), a)
    x_export(root / "exports", "nw", D(2026, 10, 20), D(2026, 11, 30), b, start_id=1_500_000_000_000_000_000)
    _ingest(root, monkeypatch)
    res = _run(root, monkeypatch, "analyze", "-e", "x-timing")
    err = " ".join(res.stderr.split())
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "has 9 days no export covers (2026-10-11 to 2026-10-19), more than 7 in a row" in err
    assert "covering 2026-10-11 to 2026-10-19" in err


def test_short_gap_and_days_without_posts_are_fitted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = its_project(tmp_path / "p", intervention_date="2026-11-01", window={"end": "2026-11-28"})
    gap = (D(2026, 10, 12), D(2026, 10, 16))  # 5 uncovered days: allowed
    a = daily_rows(D(2026, 9, 1), gap[0] - dt.timedelta(days=1), lambda d: 0.02, seed=3)
    # the second export covers every day, but the account did not post on Sundays
    b = daily_rows(
        gap[1] + dt.timedelta(days=1), D(2026, 11, 30), lambda d: 0.02, seed=4, skip=lambda d: d.weekday() == 6
    )
    x_export(root / "exports", "nw", D(2026, 9, 1), gap[0] - dt.timedelta(days=1), a)
    x_export(root / "exports", "nw", gap[1] + dt.timedelta(days=1), D(2026, 11, 30), b, start_id=15 * 10**17)
    _ingest(root, monkeypatch)
    res = _run(root, monkeypatch, "analyze", "-e", "x-timing", "-f", "json")
    assert res.exit_code == 0, res.output
    its = json.loads(res.stdout)["experiments"][0]["results"][0]["its"]
    # 28 after days (1-28 Nov) and the 28 before; 5 uncovered days and the 2 + 4 Sundays without posts are not fitted
    assert its["pre_start"] == "2026-10-04" and its["post_end"] == "2026-11-28"
    assert (its["days_before"], its["days_after"], its["zero_post_days"]) == (28 - 5 - 2, 28 - 4, 6)
    assert its["day_of_week"] is True  # 21 days with data before the change, every weekday among them


def test_short_history_is_refused_with_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = its_project(
        tmp_path / "p", intervention_date="2026-11-01", window={"start": "2026-10-22", "end": "2026-11-28"}
    )
    rows = daily_rows(D(2026, 10, 22), D(2026, 11, 30), lambda d: 0.02, seed=5)
    x_export(root / "exports", "nw", D(2026, 10, 22), D(2026, 11, 30), rows)
    _ingest(root, monkeypatch)
    res = _run(root, monkeypatch, "analyze", "-e", "x-timing")
    err = " ".join(res.stderr.split())
    assert res.exit_code == 2
    assert "only 10 days before the change (2026-10-22 to 2026-10-31) are covered by an export" in err
    assert "fewer than the 14 the model needs" in err and "move window.start to 2026-10-18 or earlier" in err


def test_control_series_turns_it_into_a_comparative_design(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A platform-wide dip after the change hides a real +30 % in the single series; the control series removes it."""
    change = D(2026, 11, 1)

    def dip(d: dt.date) -> float:
        return 0.8 if d >= change else 1.0

    root = its_project(tmp_path / "p", intervention_date=str(change), window={"end": "2026-11-28"}, pre_period=42)
    quiet = {"log_impressions": 9.0, "shape": 400.0}  # big days, little noise: the designs' difference shows

    def lift(d: dt.date) -> float:
        return 1.3 if d >= change else 1.0

    treated = daily_rows(D(2026, 9, 1), D(2026, 11, 30), lambda d: 0.02 * dip(d) * lift(d), seed=8, **quiet)
    other = daily_rows(D(2026, 9, 1), D(2026, 11, 30), lambda d: 0.02 * dip(d), seed=9, **quiet)
    x_export(root / "exports", "nw", D(2026, 9, 1), D(2026, 11, 30), treated)
    x_export(root / "exports", "nw2", D(2026, 9, 1), D(2026, 11, 30), other, start_id=15 * 10**17)
    _ingest(root, monkeypatch)
    args = ("analyze", "-e", "x-timing", "-f", "json")
    single = json.loads(_run(root, monkeypatch, *args).stdout)["experiments"][0]["results"][0]
    its_project(
        root, intervention_date=str(change), window={"end": "2026-11-28"}, pre_period=42, control={"account": "nw2"}
    )
    res = _run(root, monkeypatch, *args)
    assert res.exit_code == 0, res.output
    r = json.loads(res.stdout)["experiments"][0]["results"][0]
    assert r["its"]["design"] == "comparative" and r["its"]["comparison"] == "x posts of account 'nw2'"
    assert r["rel_ci"][0] < 0.3 < r["rel_ci"][1] and r["significant"]
    assert single["its"]["design"] == "single" and not single["rel_ci"][0] < 0.3 < single["rel_ci"][1]
    # the comparison series must not share posts with the changed one
    its_project(root, intervention_date=str(change), window={"end": "2026-11-28"}, control={"account": "nw"})
    res = _run(root, monkeypatch, *args)
    assert res.exit_code == 2 and "posts are in both the changed series and the control" in res.stderr


def test_sparkline_bins_long_series_and_marks_the_change() -> None:
    from agilesocial.retro.its_blocks import SPARK_WIDTH, sparkline

    assert sparkline([1.0, 2.0, 3.0, 4.0], [False, False, True, True]) == "▁▃┃▆█"
    assert sparkline([2.0, 2.0, 2.0], [False, True, True]) == "▄┃▄▄"  # flat: one middle level
    long = sparkline([float(i % 7) for i in range(200)], [i >= 150 for i in range(200)])
    assert len(long) == SPARK_WIDTH + 1 and long.index("┃") == 45  # 150 of 200 days before the change

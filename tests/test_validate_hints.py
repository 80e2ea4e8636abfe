"""How a marketer's typical slips are reported: every problem at once, each with a hint that says how to fix it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app

SHIPPED = Path(__file__).resolve().parents[1] / "src/agilesocial/demo/data/project"
runner = CliRunner()


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    for name in ("agile-social.yaml", "plans", "sprints", "experiments"):
        src = SHIPPED / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / name)
    monkeypatch.chdir(root)
    return root


def validate(*args: str) -> tuple[int, list[str]]:
    result = runner.invoke(app, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, [line for line in result.output.splitlines() if " AS" in line]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


def test_impossible_date_does_not_hide_the_other_errors(proj: Path) -> None:
    exp = proj / "experiments/fb-reels-vs-photos.yaml"
    edit(exp, "end: 2026-11-22", "end: 2026-11-31")
    edit(exp, "status: completed", "status: Stopped")
    edit(exp, "mde: 0.15", "mde: 15%")
    code, lines = validate("experiments/fb-reels-vs-photos.yaml")
    assert code == 1
    assert len(lines) == 3, lines  # before: only the date, the rest of the file went unchecked
    date, mde, status = lines
    assert "invalid value '2026-11-31': day is out of range for month" in date
    assert "(write a real date as YYYY-MM-DD: month 1-12, a day that exists in that month)" in date
    assert "mde: Input should be a valid number" in mde and "(write percentages as fractions: 0.15 for 15%)" in mde
    assert "(got 'Stopped') (did you mean 'stopped'?)" in status


def test_dates_in_local_formats_get_the_iso_spelling(proj: Path) -> None:
    sprint = proj / "sprints/2026-s01.yaml"
    edit(sprint, "start: 2026-10-26", "start: 26/10/2026")
    edit(sprint, "end: 2026-11-22", "end: 11/22/2026")
    _, lines = validate("sprints/2026-s01.yaml")
    assert len(lines) == 2, lines
    assert lines[0].endswith("(write dates as YYYY-MM-DD: 2026-10-26)")  # day first: 26 cannot be a month
    assert lines[1].endswith("(write dates as YYYY-MM-DD: 2026-11-22)")  # month first: 22 cannot be a month
    edit(sprint, "start: 26/10/2026", "start: 03/10/2026")
    _, lines = validate("sprints/2026-s01.yaml")
    assert "2026-10-03 (day first) or 2026-03-10 (month first)" in lines[0]


def test_missing_section_hint_says_what_the_section_is(proj: Path) -> None:
    plan = proj / "plans/northwind.yaml"
    text = plan.read_text()
    start, end = text.index("\ntarget:"), text.index("\ndifferentiator:")
    plan.write_text(text[:start] + text[end:])
    _, lines = validate("plans/northwind.yaml")
    assert len(lines) == 1, lines
    assert lines[0].endswith("missing required key 'target' (add 'target:' — Component 2: the audience)")


def test_reference_to_a_plan_that_does_not_load_is_not_also_unknown(proj: Path) -> None:
    edit(proj / "plans/northwind.yaml", "baseline: 0.035", "baseline: 3.5%")
    code, lines = validate()
    assert code == 1
    assert [line.split()[2] for line in lines] == ["AS001"], lines  # no AS401 'unknown plan' on four experiments
    assert lines[0].startswith("plans/northwind.yaml:") and "0.035 for 3.5%" in lines[0]
    # a plan id that exists nowhere is still reported
    edit(proj / "experiments/fb-reels-vs-photos.yaml", "plan: northwind-social", "plan: northwnd-social")
    _, lines = validate()
    assert any("AS401" in line and "'northwnd-social'" in line for line in lines), lines


def test_empty_file_hint_says_how_to_fix(proj: Path) -> None:
    (proj / "sprints/2026-s02.yaml").write_text("")
    _, lines = validate("sprints/2026-s02.yaml")
    assert lines == [
        "sprints/2026-s02.yaml:1: error AS001 empty file (fill it in ('agile-social init' shows a commented example) "
        "or delete it)"
    ]


def test_outside_any_project_says_there_is_no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 2
    assert result.output == (
        "error: no plan, experiment or sprint YAML files found in plans/, experiments/, sprints/ (no agile-social.yaml"
        " in this folder or any parent either: run 'agile-social init' to scaffold a project, or pass the files to"
        " check)\n"
    )


def test_sprint_ending_before_it_starts(proj: Path) -> None:
    edit(proj / "sprints/2026-s01.yaml", "end: 2026-11-22", "end: 2026-10-22")
    _, lines = validate("sprints/2026-s01.yaml")
    assert lines == [
        "sprints/2026-s01.yaml:2:1: error AS001 end 2026-10-22 is before start 2026-10-26 (the end date comes on or"
        " after the start date: swap them or fix the typo)"
    ]


def test_rate_written_as_percent_is_as009(proj: Path) -> None:
    edit(proj / "plans/northwind.yaml", "target: 0.05", "target: 5")
    code, lines = validate("plans/northwind.yaml")
    assert code == 1
    assert len(lines) == 1 and " error AS009 objective 'engagement' target 5 reads as 500 % " in lines[0], lines
    assert lines[0].endswith("(write percentages as fractions: 0.05 for 5 %)")


def test_unknown_time_zone_in_the_config_is_found_by_validate(proj: Path) -> None:
    # before: validate said ok, and only analyze/retro failed later on the same config
    edit(proj / "agile-social.yaml", "timezone: Europe/Amsterdam", "timezone: Amsterdam")
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "agile-social.yaml:8:1: error AS001 timezone: unknown time zone 'Amsterdam' (use an IANA name such as"
        " Europe/Amsterdam, America/New_York or UTC)"
    )
    assert result.output.endswith("1 error, 0 warnings in 1 of 7 files checked\n")
    edit(proj / "agile-social.yaml", "timezone: Amsterdam", "timezone: America/New_York")
    assert runner.invoke(app, ["validate"]).exit_code == 0

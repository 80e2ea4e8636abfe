"""Hostile YAML beyond the tag and property tests, through the CLI: one located line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from test_retro_fixtures import make_project


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(tmp_path / "proj").root
    monkeypatch.chdir(root)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    return root


def _replace(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "1e400", "'inf'"])
def test_an_infinite_benchmark_value_is_located_not_a_crash(project: Path, value: str) -> None:
    """``value: .inf`` in a benchmark printed a ValueError traceback from the statistics on ``retro``."""
    line = _replace(project / "agile-social.yaml", "value: 0.045", f"value: {value}")
    for command in (["retro", "--format", "md"], ["validate"]):
        res = CliRunner().invoke(app, command)
        assert res.exit_code in (1, 2) and "Traceback" not in res.output, res.output
        assert f"agile-social.yaml:{line}:5: benchmarks.0.value: Input should be a finite number" in res.output
        assert "write a finite number such as 0.05 or 120" in res.output


@pytest.mark.parametrize(
    ("file", "old", "new", "where"),
    [
        ("experiments/fb-reels-vs-photos.yaml", "mde: 0.15", "mde: 1e400", "mde"),
        ("plans/northwind.yaml", "target: 0.05", "target: .nan", "objectives.0.target"),
    ],
)
def test_infinite_or_nan_plan_numbers_are_refused_where_written(
    project: Path, file: str, old: str, new: str, where: str
) -> None:
    """``mde: 1e400`` validated as infinity; ``target: .nan`` reached the retro's forecasts."""
    line = _replace(project / file, old, new)
    res = CliRunner().invoke(app, ["validate"])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert f"{file}:{line}:" in res.output and f"{where}: Input should be a finite number" in res.output, res.output


def test_validate_a_device_and_a_link_to_one(project: Path) -> None:
    """``validate /dev/zero`` read forever; a plan file linked to /dev/zero was called a 'broken link'."""
    res = CliRunner().invoke(app, ["validate", "/dev/zero"])
    assert res.exit_code == 1 and "/dev/zero: error AS001 not a regular file (a device, pipe or socket)" in res.output
    (project / "experiments" / "zero.yaml").symlink_to("/dev/zero")
    res = CliRunner().invoke(app, ["validate"])
    assert res.exit_code == 2, res.output
    assert "experiments/zero.yaml: error AS002 symbolic link to /dev/zero, which is not a regular file" in res.output


@pytest.mark.parametrize(
    ("file", "old", "new", "command", "message"),
    [
        (
            "experiments/fb-reels-vs-photos.yaml",
            "end: 2026-11-22",
            "end: 9999-12-31",
            ["analyze"],
            "window.end: date 9999-12-31 is outside 1900-2999",
        ),
        ("sprints/2026-s01.yaml", "end: 2026-11-22", "end: 9999-12-31", ["retro"], "end: date 9999-12-31 is outside"),
        ("sprints/2026-s01.yaml", "start: 2026-10-26", "start: 0001-01-01", ["retro"], "start: date 0001-01-01"),
    ],
)
def test_dates_at_the_end_of_the_calendar_are_located_not_an_overflow(
    project: Path, file: str, old: str, new: str, command: list[str], message: str
) -> None:
    """A window or sprint ending 9999-12-31 validated, then ``analyze``/``retro`` printed an OverflowError traceback
    (the day after it is no date)."""
    line = _replace(project / file, old, new)
    res = CliRunner().invoke(app, command)
    assert res.exit_code == 1 and "Traceback" not in res.output, res.output
    assert f"{file}:{line}:" in res.stderr and message in res.stderr, res.stderr
    res = CliRunner().invoke(app, ["validate"])
    assert res.exit_code == 1 and message in res.output

"""``agile-social init`` scaffolds a commented project that validates with zero findings, and never clobbers files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from agilesocial.cli.app import app
from agilesocial.config import load_project
from agilesocial.lint.runner import run_validation
from agilesocial.plan.scaffold import next_monday, scaffold_project, slugify
from agilesocial.plan.schema import render_schema

TODAY = dt.date(2026, 11, 27)  # a Friday
runner = CliRunner()


@pytest.mark.parametrize(
    ("goal", "channels", "weeks"),
    [
        ("listening", ["x"], 1),
        ("talking", ["instagram"], 2),
        ("energizing", ["instagram", "tiktok", "youtube"], 3),
        ("supporting", ["facebook", "x"], 4),
        ("embracing", ["linkedin", "other"], 8),
    ],
)
def test_scaffold_validates_clean(tmp_path: Path, goal: str, channels: list[str], weeks: int) -> None:
    written = scaffold_project(
        tmp_path, brand="Acme Coffee", goal=goal, channels=channels, sprint_weeks=weeks, today=TODAY
    )
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "agile-social.yaml",
        "plans/acme-coffee.yaml",
        f"experiments/{channels[0]}-question-posts.yaml",
        "sprints/2026-s01.yaml",
        "schemas/plan.schema.json",
        "schemas/experiment.schema.json",
        "schemas/sprint.schema.json",
        "schemas/config.schema.json",
    ]
    report = run_validation(load_project(tmp_path), today=TODAY)
    assert report.findings == [], report.findings
    for path in written[:4]:
        text = path.read_text()
        assert text.startswith("# yaml-language-server: $schema=")
        schema = text.splitlines()[0].split("=", 1)[1]
        assert (path.parent / schema).resolve().is_file()
        yaml.load(text, Loader=yaml.SafeLoader)  # parses with the pure-Python loader too
    sprint = yaml.safe_load((tmp_path / "sprints/2026-s01.yaml").read_text())
    assert sprint["start"] == dt.date(2026, 11, 30) and sprint["end"] == dt.date(2026, 11, 29) + dt.timedelta(
        weeks=weeks
    )
    assert len(sprint["key_results"][0]["weekly_targets"]) == weeks
    plan = yaml.safe_load((tmp_path / "plans/acme-coffee.yaml").read_text())
    assert plan["objectives"][0]["goal"] == goal and [t["platform"] for t in plan["tools"]] == channels
    assert (tmp_path / "schemas/plan.schema.json").read_text() == render_schema("plan")


def test_too_many_channels_is_only_a_focus_warning(tmp_path: Path) -> None:
    scaffold_project(tmp_path, brand="Acme", channels=["x", "instagram", "facebook", "linkedin"], today=TODAY)
    report = run_validation(load_project(tmp_path), today=TODAY)
    assert [f.code for f in report.findings] == ["AS303"] and report.exit_code() == 0


def test_brand_with_quotes_and_accents(tmp_path: Path) -> None:
    scaffold_project(tmp_path, brand='Zoë\'s "Best": Bakery #1', today=TODAY)
    plan = yaml.safe_load((tmp_path / "plans/zoes-best-bakery-1.yaml").read_text())
    assert plan["brand"] == 'Zoë\'s "Best": Bakery #1' and plan["id"] == "zoes-best-bakery-1"
    assert run_validation(load_project(tmp_path), today=TODAY).findings == []


def test_next_monday_and_slug() -> None:
    assert next_monday(dt.date(2026, 11, 27)) == dt.date(2026, 11, 30)
    assert next_monday(dt.date(2026, 11, 30)) == dt.date(2026, 12, 7)  # a Monday: the next one
    assert slugify("  ACME — Coffee!! ") == "acme-coffee" and slugify("日本") == ""


def test_never_overwrites_without_force(tmp_path: Path) -> None:
    scaffold_project(tmp_path, brand="Acme", today=TODAY)
    plan = tmp_path / "plans/acme.yaml"
    plan.write_text(plan.read_text() + "# my edits\n")
    result = runner.invoke(app, ["init", str(tmp_path), "--brand", "Acme"])
    assert result.exit_code == 2
    assert (
        result.output
        == f"error: {plan}: already exists; not overwriting it (use --force to overwrite, or another folder)\n"
    )
    assert plan.read_text().endswith("# my edits\n")
    result = runner.invoke(app, ["init", str(tmp_path), "--brand", "Acme", "--force"])
    assert result.exit_code == 0 and "# my edits" not in plan.read_text()


def test_identical_files_are_not_a_conflict(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas/plan.schema.json").write_text(render_schema("plan"))
    assert len(scaffold_project(tmp_path, brand="Acme", today=TODAY)) == 8


def test_cli_init_then_validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["init", "social", "--brand", "Acme", "--goal", "energizing", "-c", "Instagram", "-c", "x", "-w", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "created social/agile-social.yaml"
    assert result.output.splitlines()[-1] == "next: fill in the plan, then run: cd social && agile-social validate"
    monkeypatch.chdir(tmp_path / "social")
    result = runner.invoke(app, ["validate", "--strict"])
    assert result.exit_code == 0 and result.output == "ok: 3 files checked, no problems found\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--goal", "selling"], "error: unknown base goal 'selling' (use one of: listening, talking,"),
        (["--channel", "myspace"], "error: unknown channel 'myspace' (use one of: x, facebook,"),
        (["--sprint-weeks", "0"], "error: --sprint-weeks 0 is out of range (sprints last 1 to 8 weeks)"),
        (["--brand", " "], "error: --brand is required"),
    ],
)
def test_bad_options(tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["init", str(tmp_path), "--brand", "Acme", *args])
    assert result.exit_code == 2 and result.output.startswith(message), result.output
    assert not any(tmp_path.iterdir())

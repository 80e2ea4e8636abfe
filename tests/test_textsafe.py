"""Untrusted text is inert in every renderer and both CSV writers; ``--output`` never clobbers a foreign file."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from agilesocial import textsafe
from agilesocial.cli.app import app
from agilesocial.config import Project
from agilesocial.reportfile import MARKER
from agilesocial.retro.csvexport import write_csv
from agilesocial.retro.model import Retro
from agilesocial.retro.render import render
from agilesocial.warehouse.ingest import ingest_paths
from test_retro_fixtures import fixed_retro, hand_built_analysis, make_project

#: a hyperlink (OSC 8), a colour, a cursor move, a C1 CSI, a BEL and an RTL override hiding the real extension
HOSTILE = (
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\ \x1b[31mred\x1b[0m \x1b[2J\x1b[H"
    "\x9b31m c1 \x07bell report\u202egpj.exe"
)
BIDI = "\u202e"


def hostile_retro(retro: Retro, text: str) -> Retro:
    platforms = tuple(
        dataclasses.replace(
            t,
            by_rate=tuple(dataclasses.replace(p, text=text) for p in t.by_rate),
            by_volume=tuple(dataclasses.replace(p, text=text) for p in t.by_volume),
        )
        for t in retro.top_posts.platforms
    )
    return dataclasses.replace(retro, top_posts=dataclasses.replace(retro.top_posts, platforms=platforms))


@pytest.fixture
def retro(tmp_path: Path) -> Retro:
    return hostile_retro(fixed_retro(make_project(tmp_path / "proj")), HOSTILE)


def test_clean_strips_escapes_and_controls_and_marks_bidi() -> None:
    assert textsafe.clean(HOSTILE) == "click red c1 bell report[U+202E]gpj.exe"
    assert textsafe.clean("a\tb\r\nc\rd", keep_lines=True) == "a\tb\nc\nd"
    assert textsafe.clean(None) == ""


@pytest.mark.parametrize("width", range(1, 40))
def test_clip_never_cuts_an_escape_open(width: int) -> None:
    clipped = textsafe.clip(HOSTILE, width)
    assert "\x1b" not in clipped and "\x9b" not in clipped and BIDI not in clipped and len(clipped) <= width


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (" =1+1", "' =1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("\u3000=1", "'\u3000=1"),
        ("＝1", "'＝1"),
        ("\t1", "'\t1"),
        ("-3", "'-3"),
        ("a=1", "a=1"),
        (-3, -3),
        (None, ""),
    ],
)
def test_one_formula_rule(cell: object, expected: object) -> None:
    assert textsafe.csv_cell(cell) == expected


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab =+-@\t\r\n\x00\x1b[]8;\\\x07\x9b\x9c\x7f\u202e\u2066\u00a0\uff1d"))))
def test_sql_cleaning_equals_python_cleaning(text: str) -> None:
    """The rejects CSV (DuckDB) and the retro CSV (Python) clean a cell identically."""
    params: dict[str, object] = {"v": text}
    sql = textsafe.sql_clean("$v", params)
    row = duckdb.connect().execute(f"SELECT {sql}", params).fetchone()
    assert row is not None and row[0] == textsafe.csv_cell(text)


@pytest.mark.parametrize("fmt", ["text", "md", "html", "json"])
def test_renderers_show_no_escape_sequence_or_raw_bidi(retro: Retro, fmt: str) -> None:
    out = render(retro, fmt)
    if fmt == "json":  # the data contract keeps the text as it is; JSON escapes every control character
        assert "\x1b" not in out and "\x9b" not in out and BIDI not in out and "\\u202e" in out
        assert json.loads(out)["top_posts"]["platforms"][0]["by_engagements"][0]["text"] == HOSTILE
        return
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out and BIDI not in out
    assert "U+202E" in out


def test_both_csv_writers_neutralise_leading_space_formulas(tmp_path: Path, retro: Retro) -> None:
    written = write_csv(hostile_retro(retro, " =1+1"), tmp_path / "tables")
    posts = next(p for p in written if p.name.endswith("top_posts.csv"))
    with open(posts, newline="", encoding="utf-8") as fh:
        assert {r["text"] for r in csv.DictReader(fh)} == {"' =1+1"}
    export = tmp_path / "tiktok.csv"
    export.write_text(
        "Video title,Video link,Post time,Total views\n"
        '" =1+1\x1b[31m\u202e",https://www.tiktok.com/@n/video/7301,2026-11-02 10:00:00, =2+2\n',
        encoding="utf-8",
    )
    report = ingest_paths([export], db=tmp_path / "w" / "w.duckdb", skip_bad_rows=True)
    rejects = report.files[0].rejects_path
    assert rejects is not None
    with open(rejects, newline="", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert row["rejected_value"] == "' =2+2" and row["Total views"] == "' =2+2"
    assert row["Video title"] == "' =1+1[U+202E]"


@pytest.fixture
def in_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    import agilesocial.analysis

    project = make_project(tmp_path / "proj")
    monkeypatch.chdir(project.root)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    monkeypatch.setattr(agilesocial.analysis, "run_analysis", lambda *a, **k: hand_built_analysis())
    return project


@pytest.mark.parametrize("victim", ["agile-social.yaml", ".agile-social/warehouse.duckdb", "notes.html"])
def test_output_refuses_to_overwrite_a_file_it_did_not_write(in_project: Project, victim: str) -> None:
    path = in_project.root / victim
    if victim == "notes.html":
        path.write_text("<p>my own page</p>\n")
    before = path.read_bytes()
    runner = CliRunner()
    res = runner.invoke(app, ["retro", "2026-s01", "--format", "html", "--output", victim])
    assert res.exit_code == 2
    assert res.stderr == (
        f"error: {victim}: refusing to overwrite a file agile-social did not write"
        " (choose another --output file, or pass --force to replace it)\n"
    )
    assert path.read_bytes() == before
    if victim == "notes.html":
        res = runner.invoke(app, ["retro", "2026-s01", "--format", "html", "--output", victim, "--force"])
        assert res.exit_code == 0, res.output
        assert MARKER in path.read_text()


@pytest.mark.parametrize("fmt", ["text", "md", "html", "json"])
def test_output_replaces_its_own_report(in_project: Project, fmt: str) -> None:
    runner = CliRunner()
    for _ in range(2):
        res = runner.invoke(app, ["retro", "2026-s01", "--format", fmt, "--output", f"out/retro.{fmt}"])
        assert res.exit_code == 0, res.output
    text = (in_project.root / f"out/retro.{fmt}").read_text()
    assert MARKER in text
    if fmt == "json":
        assert json.loads(text)["generator"].startswith(MARKER)

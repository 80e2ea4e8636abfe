"""A tag typo in ``learnings --tag`` names the tags that exist instead of a bare 'no learnings match'."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from agilesocial.review.learnings import collect_learnings
from test_retro_fixtures import make_project


def test_unknown_tag_names_the_tags_in_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path / "proj")
    known = collect_learnings(project).known_tags
    assert "captions" in known and list(known) == sorted(known, key=str.lower)
    monkeypatch.chdir(project.root)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    res = CliRunner().invoke(app, ["learnings", "--tag", "captons"])
    assert res.exit_code == 0
    assert res.stdout == "no learnings match\n"
    assert res.stderr == f"note: no experiment is tagged 'captons' (tags in use: {', '.join(known)})\n"
    res = CliRunner().invoke(app, ["learnings", "--tag", "Captions", "--search", "no such words"])
    assert res.stdout == "no learnings match\n" and res.stderr == ""  # the tag exists: nothing to suggest

"""Bad input through the CLI: each is a one-line finding or error with file:line, exit 1 or 2, never a traceback."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app

FIXTURES = Path(__file__).parent / "fixtures" / "lint" / "bad"
EXPECT = re.compile(r"# expect: (?:(\d+(?::\d+)?) )?(.*)")
runner = CliRunner()


def validate(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.yaml")), ids=lambda p: p.stem)
def test_invalid_fixture(fixture: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    match = EXPECT.match(fixture.read_text().splitlines()[0])
    assert match, f"{fixture} needs a '# expect: [line[:col]] message' first line"
    where, fragment = match.groups()
    code, output = validate(fixture.name)
    assert code == 1
    first = output.splitlines()[0]
    prefix = f"{fixture.name}:{where}:" if where else f"{fixture.name}:"
    assert first.startswith(prefix + " error AS001 ") or (not where and first.startswith(prefix)), first
    assert fragment in first


@pytest.mark.parametrize(
    ("content", "location", "message"),
    [
        (b"id: a\x00b\n", "bin.yaml:1:", "binary file (NUL byte), not YAML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "bin.yaml:3:", "binary file"),
        (b"id: x\nname: caf\xe9\n", "bin.yaml:2:10:", "not valid UTF-8 (byte 0xe9)"),
        (b"", "bin.yaml:1:", "empty file"),
        (b"a: &a [*a]\n", "bin.yaml:1:", "recursive alias"),
        (b"a: !!python/object:os.system x\n", "bin.yaml:1:", "unsupported tag"),
        (b"a: [" * 2000, "bin.yaml:", "YAML"),
        (b"\t- x\n", "bin.yaml:1:1:", "YAML syntax error"),
    ],
    ids=["nul", "png", "latin1", "empty", "recursive-alias", "python-tag", "deep-nesting", "tab"],
)
def test_bad_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, location: str, message: str
) -> None:
    (tmp_path / "experiments").mkdir()
    (tmp_path / "experiments" / "bin.yaml").write_bytes(content)
    monkeypatch.chdir(tmp_path / "experiments")
    code, output = validate("bin.yaml")
    assert code == 1, output
    first = output.splitlines()[0]
    assert first.startswith(location) and " error AS001 " in first and message in first, first


def test_utf8_bom_is_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sprint = "id: s1\nstart: 2026-12-07\nend: 2026-12-13\ngoal: Ship it\n"
    (tmp_path / "sprints").mkdir()
    (tmp_path / "sprints" / "s1.yaml").write_bytes(b"\xef\xbb\xbf" + sprint.encode())
    monkeypatch.chdir(tmp_path)
    assert validate() == (0, "ok: 1 file checked, no problems found\n")


def test_a_directory_named_like_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "plans" / "odd.yaml").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    code, output = validate()
    assert code == 2 and output.startswith("error: no plan, experiment or sprint YAML files found")


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "plans" / "locked.yaml"
    target.parent.mkdir()
    target.write_text("id: x\n")
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.yaml":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.chdir(tmp_path)
    code, output = validate()
    assert code == 2
    assert output.startswith("plans/locked.yaml: error AS002 cannot read file: Permission denied"), output
    code, output = validate("plans/locked.yaml")  # named on the command line: the same one-line finding
    assert code == 2
    assert output.startswith("plans/locked.yaml: error AS002 cannot read file: Permission denied"), output
    code, _ = validate("--exit-zero")  # an unchecked file is not a finding to roll out
    assert code == 2


def test_broken_links_and_unreadable_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "gone.yaml").symlink_to("nowhere.yaml")
    (tmp_path / "plans" / "loop.yml").symlink_to("loop.yml")
    (tmp_path / "plans" / "readme.txt").symlink_to("missing.txt")  # not a plan: ignored
    (tmp_path / "sprints" / "locked").mkdir(parents=True)
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.chdir(tmp_path)
    code, output = validate()
    assert code == 2
    assert output.splitlines() == [
        "plans/gone.yaml: error AS002 broken symbolic link (its target nowhere.yaml does not exist) (restore the "
        "target, or remove the link)",
        "",
        "plans/loop.yml: error AS002 symbolic link loop (point the link at a real file, or remove it)",
        "",
        "sprints/locked: error AS002 cannot read folder: Permission denied; its files were not checked (fix its "
        "permissions)",
        "",
        "3 errors, 0 warnings in 3 of 3 files checked",
    ]
    code, output = validate("plans/gone.yaml")
    assert (code, output.splitlines()[0]) == (
        2,
        "plans/gone.yaml: error AS002 broken symbolic link (its target "
        "nowhere.yaml does not exist) (restore the target, or remove the link)",
    )

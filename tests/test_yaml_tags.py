"""Explicit YAML tags with impossible values, and unusable configured paths: one located line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from agilesocial.cli.app import app
from agilesocial.errors import YamlError
from agilesocial.plan.loader import Document, load_document
from agilesocial.plan.yamlload import load_yaml_text

TAGS = ["bool", "int", "float", "null", "timestamp", "str", "binary", "set", "omap", "pairs", "seq", "map", "merge"]
TAGS += ["python/object", "python/name:os.system", "value", "yaml", "foo"]

#: values no YAML type accepts for these tags, plus text that looks like other types
impossible = st.one_of(
    st.sampled_from(["maybe", "nonsense", "2026-13-45", "1.2.3", "0x", "12%", "NaN?", "~~", "yes please", "", "3"]),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\n\r:#{}[],&*!|>'\"%@`"),
            max_size=12),
)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: !!bool maybe\n", "y.yaml:1:10: invalid value 'maybe' for !!bool (use true or false)"),
        ("a:\n  b: !!timestamp nonsense\n", "y.yaml:2:6: invalid value 'nonsense' for !!timestamp"),
        ("a: !!null 3\n", "y.yaml:1:4: invalid value '3' for !!null"),
        ("a: !!set 3\n", "y.yaml:1:4: unsupported tag '!!set' on a plain value"),
        ("a: !!binary AAAA\n", "y.yaml:1:4: unsupported tag '!!binary' on a plain value"),
        ("a: !!python/object 1\n", "y.yaml:1:4: unsupported tag '!!python/object' on a plain value"),
        ("a: !!omap {b: 1}\n", "y.yaml:1:4: unsupported tag '!!omap'"),
    ],
)
def test_tag_errors_are_located(text: str, message: str) -> None:
    with pytest.raises(YamlError) as info:
        load_yaml_text(text, Path("y.yaml"))
    assert str(info.value).startswith(message)


@settings(max_examples=300, deadline=None)
@given(tag=st.sampled_from(TAGS), value=impossible, nested=st.booleans(), collect=st.booleans())
def test_tagged_scalars_never_crash(tag: str, value: str, nested: bool, collect: bool) -> None:
    quoted = "'" + value.replace("'", "''") + "'"
    text = f"a:\n  b: !!{tag} {quoted}\n" if nested else f"a: !!{tag} {quoted}\n"
    try:
        loaded = load_yaml_text(text, Path("y.yaml"), collect=collect)
    except YamlError as exc:
        assert exc.line in (1, 2, 3) and "\n" not in str(exc)
        return
    for _, problem in loaded.problems:
        assert problem.line in (1, 2)


def test_validate_reports_a_tag_error_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "experiments").mkdir()
    bad = tmp_path / "experiments" / "x.yaml"
    bad.write_text("id: x\nhypothesis: !!bool maybe\n")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["validate", str(bad)])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert "x.yaml:2:13" in res.output and "invalid value 'maybe' for !!bool" in res.output
    _kind, doc = load_document(bad, "experiment")
    assert not isinstance(doc, Document) and doc[0].line == 2


@pytest.mark.parametrize("key", ["plans", "experiments", "sprints", "warehouse"])
@pytest.mark.parametrize("command", [["validate"], ["status"], ["retro"], ["analyze"]])
def test_a_configured_path_too_long_for_the_file_system(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str, command: list[str]
) -> None:
    (tmp_path / "agile-social.yaml").write_text(f"version: 1\n{key}: {'x' * 300}/sub\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    res = CliRunner().invoke(app, command)
    assert res.exit_code == 2, res.output
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.output
    assert f"agile-social.yaml:2:1: {key}: the path part 'xxxxxxxxxxxxxxxxxxxxxxxx'… is 300 bytes" in res.stderr


def test_an_export_path_too_long_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["ingest", "y" * 300 + ".csv", "--db", str(tmp_path / "w.duckdb")])
    assert res.exit_code == 2 and res.stderr.count("\n") == 1 and "File name too long" in res.stderr

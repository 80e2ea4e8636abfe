"""JSON Schema export: deterministic, committed, draft-7 keywords only, and in agreement with the models."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from agilesocial.cli.app import app
from agilesocial.plan.schema import SCHEMA_KINDS, json_schema, render_schema, schema_filename, stale_schemas

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the loader agile-social uses
ROOT = Path(__file__).resolve().parents[1]
COMMITTED = [ROOT / "schemas", ROOT / "src" / "agilesocial" / "plan" / "schemas"]
# keywords the YAML language server (draft 7) understands; anything newer would be silently ignored
DRAFT7_KEYWORDS = {
    "$schema", "$ref", "definitions", "title", "description", "default", "examples", "type", "enum", "const",
    "properties", "additionalProperties", "required", "items", "minItems", "maxItems", "minLength", "maxLength",
    "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "anyOf", "allOf", "oneOf",
    "propertyNames", "uniqueItems",
}  # fmt: skip


def _keywords(node: Any, under_properties: bool = False) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if not under_properties:
                found.add(key)
            found |= _keywords(value, under_properties=key in ("properties", "definitions") and not under_properties)
    elif isinstance(node, list):
        for item in node:
            found |= _keywords(item)
    return found


@pytest.mark.parametrize("folder", COMMITTED, ids=["schemas", "package"])
def test_committed_schemas_are_up_to_date(folder: Path) -> None:
    assert stale_schemas(folder) == [], (
        "run 'agile-social schema' and 'agile-social schema --out src/agilesocial/plan/schemas'"
    )


def test_rendering_is_deterministic_across_processes() -> None:
    """Two interpreters with different hash seeds (set and dict orders) write the same bytes."""
    import subprocess
    import sys

    code = (
        "from agilesocial.plan.schema import SCHEMA_KINDS, render_schema; "
        "print(''.join(map(render_schema, SCHEMA_KINDS)))"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    ]  # fmt: skip
    assert runs[0] == runs[1] and runs[0].count('"$schema"') == len(SCHEMA_KINDS)
    for kind in SCHEMA_KINDS:
        assert json.loads(render_schema(kind)) == json_schema(kind)


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_draft7_keywords_only(kind: str) -> None:
    schema = json_schema(kind)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    used = _keywords(schema)
    assert used <= DRAFT7_KEYWORDS, used - DRAFT7_KEYWORDS
    refs = {v for v in _refs(schema)}
    assert refs and all(r.startswith("#/definitions/") and r.split("/")[-1] in schema["definitions"] for r in refs)


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_descriptions_survive_as_hover_text() -> None:
    tools = json_schema("plan")["properties"]["target"]
    assert tools["description"] == "Component 2: the audience." and "allOf" in tools


def _as_json(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))


def test_demo_files_match_their_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    pairs = [("config", ROOT / "agile-social.yaml")]
    pairs += [(kind, f) for kind, folder in (("plan", "plans"), ("experiment", "experiments"), ("sprint", "sprints"))
              for f in sorted((ROOT / folder).glob("*.yaml"))]  # fmt: skip
    for kind, path in pairs:
        jsonschema.Draft7Validator(json_schema(kind)).validate(_as_json(yaml.load(path.read_text(), Loader=LOADER)))


def test_schema_rejects_what_the_model_rejects() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft7Validator(json_schema("experiment"))
    assert not validator.is_valid({"id": "x", "metrc": "engagement_rate"})  # unknown key
    assert not validator.is_valid({"id": "x", "design": "ab"})
    assert validator.is_valid({"id": "x", "metric": "engagement_rate"})


def test_schema_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["schema", "--check"])
    assert result.exit_code == 1 and "out of date" in result.output
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == sorted(schema_filename(k) for k in SCHEMA_KINDS)
    assert (tmp_path / "schemas" / "plan.schema.json").read_text() == render_schema("plan")
    assert runner.invoke(app, ["schema", "--check"]).exit_code == 0
    result = runner.invoke(app, ["schema", "--out", "editor", "--quiet"])
    assert result.exit_code == 0 and result.output == "" and (tmp_path / "editor" / "sprint.schema.json").is_file()

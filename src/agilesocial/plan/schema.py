"""JSON Schemas for editors (and ``check-jsonschema``), generated from the pydantic models.

Pydantic writes draft 2020-12; the YAML language server is happiest with draft 7, so the output is rewritten to
draft-7 keywords: ``$defs`` -> ``definitions``, and a ``$ref`` with sibling keywords (which draft 7 ignores) is wrapped
in ``allOf`` so descriptions still show as hover text. Output is deterministic (the committed copies are tested).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from agilesocial.plan.loader import MODELS

DRAFT7 = "http://json-schema.org/draft-07/schema#"
#: Schema kinds, in the order they are written.
SCHEMA_KINDS: tuple[str, ...] = ("plan", "experiment", "sprint", "config")


def schema_filename(kind: str) -> str:
    return f"{kind}.schema.json"


def _draft7(node: Any) -> Any:
    if isinstance(node, list):
        return [_draft7(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {("definitions" if key == "$defs" else key): _draft7(value) for key, value in node.items()}
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/$defs/", "#/definitions/")
        if len(out) > 1:
            ref = out.pop("$ref")
            out = {"allOf": [{"$ref": ref}], **out}
    return out


def json_schema(kind: str) -> dict[str, Any]:
    """The draft-7 JSON Schema of one file kind: plan, experiment, sprint or config."""
    model = MODELS[kind]
    raw = model.model_json_schema(ref_template="#/definitions/{model}")
    schema = _draft7(raw)
    return {"$schema": DRAFT7, **schema}


def render_schema(kind: str) -> str:
    """The schema as the exact text written to disk."""
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


def write_schemas(out_dir: Path) -> list[Path]:
    """Write every schema into ``out_dir`` (created if needed); returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in SCHEMA_KINDS:
        target = out_dir / schema_filename(kind)
        target.write_text(render_schema(kind), encoding="utf-8")
        written.append(target)
    return written


def stale_schemas(out_dir: Path) -> list[Path]:
    """The schema files in ``out_dir`` that are missing or differ from what ``write_schemas`` would write."""
    stale = []
    for kind in SCHEMA_KINDS:
        target = out_dir / schema_filename(kind)
        try:
            current = target.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current != render_schema(kind):
            stale.append(target)
    return stale

"""Turn YAML files into validated models, mapping every pydantic error back to ``file:line:col``."""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from agilesocial.errors import YamlError
from agilesocial.plan.experiment import Experiment
from agilesocial.plan.project import ProjectConfig
from agilesocial.plan.sprint import Sprint
from agilesocial.plan.strategy import StrategyPlan
from agilesocial.plan.yamlload import LoadedYaml, load_yaml

M = TypeVar("M", bound=BaseModel)
Kind = Literal["plan", "experiment", "sprint", "config"]

MODELS: dict[str, type[BaseModel]] = {
    "plan": StrategyPlan,
    "experiment": Experiment,
    "sprint": Sprint,
    "config": ProjectConfig,
}


@dataclass(frozen=True)
class SchemaIssue:
    """A file that does not parse or does not match its schema."""

    path: str
    line: int | None
    column: int | None
    message: str
    hint: str | None = None


@dataclass
class Document(Generic[M]):
    """A validated model and the YAML it came from (for positions)."""

    path: Path
    model: M
    source: LoadedYaml

    def locate(self, *loc: str | int) -> tuple[int, int]:
        return self.source.locate(tuple(loc))


def _field_names(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Names of the fields allowed at ``loc`` (for 'did you mean')."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        current = _model_of(fields[part].annotation)
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _model_of(annotation: Any) -> Any:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _clean_loc(data: Any, loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """Keep only the parts of a pydantic ``loc`` that exist as keys/indices in the data."""
    out: list[str | int] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        if in_dict or (isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and not isinstance(part, int) and part not in node:
            # a missing key, or a pydantic-internal loc part (union tags): keep the name for the message
            out.append(part)
            node = None
        # other internal parts are skipped
    return tuple(out)


def _issues(err: ValidationError, model: type[BaseModel], source: LoadedYaml) -> list[SchemaIssue]:
    issues: list[SchemaIssue] = []
    for e in err.errors(include_url=False):
        loc = _clean_loc(source.data, tuple(e["loc"]))
        line, col = source.locate(loc)
        where = ".".join(str(p) for p in loc) or "(top level)"
        hint: str | None = None
        kind = e["type"]
        if kind == "extra_forbidden":
            key = str(loc[-1]) if loc else ""
            choices = _field_names(model, loc[:-1])
            close = difflib.get_close_matches(key, choices, n=1, cutoff=0.6)
            message = f"unknown key {key!r}"
            if where.rsplit(".", 1)[0] != where:
                message += f" in {where.rsplit('.', 1)[0]}"
            hint = f"did you mean {close[0]!r}?" if close else (f"allowed: {', '.join(choices)}" if choices else None)
        elif kind == "missing":
            message = f"missing required key {where!r}"
            hint = "add it"
        else:
            msg = e["msg"]
            if msg.startswith("Value error, "):
                msg = msg[len("Value error, ") :]
            shown = e.get("input")
            value = f" (got {shown!r})" if isinstance(shown, str | int | float | bool) else ""
            message = f"{where}: {msg}{value}"
        issues.append(SchemaIssue(str(source.path), line, col, message, hint))
    return issues


def parse_document(source: LoadedYaml, model: type[M]) -> Document[M] | list[SchemaIssue]:
    """Validate ``source`` against ``model``: a Document, or the located issues."""
    if not isinstance(source.data, dict):
        line, col = source.locate(())
        return [
            SchemaIssue(
                str(source.path), line, col, f"expected a mapping at the top level, got {type(source.data).__name__}"
            )
        ]
    try:
        return Document(source.path, model.model_validate(source.data), source)
    except ValidationError as err:
        return _issues(err, model, source)


@functools.lru_cache(maxsize=64)
def _resolved_dir(folder: Path) -> Path:
    """``folder.resolve()``, cached: detect_kind asks for the same project folders for every file."""
    return folder.resolve()


def detect_kind(path: Path, data: Any, folders: dict[str, Path] | None = None) -> Kind | None:
    """Which model a file holds: by name, by folder, then by its keys."""
    if path.name in ("agile-social.yaml", "agile-social.yml"):
        return "config"
    if folders:
        resolved = path.resolve()
        for kind, folder in folders.items():
            if _resolved_dir(folder.absolute()) in resolved.parents:
                return kind  # type: ignore[return-value]
    if isinstance(data, dict):
        if "objectives" in data or "differentiator" in data:
            return "plan"
        if "variants" in data or "hypothesis" in data:
            return "experiment"
        if "key_results" in data or {"start", "end", "goal"} <= set(data):
            return "sprint"
    return None


def load_document(
    path: Path, kind: Kind | None = None, folders: dict[str, Path] | None = None
) -> tuple[Kind | None, Document[Any] | list[SchemaIssue]]:
    """Load and validate one file; never raises for bad content."""
    try:
        source = load_yaml(path)
    except YamlError as exc:
        return kind, [SchemaIssue(str(exc.path or path), exc.line, exc.column, exc.message, exc.hint)]
    kind = kind or detect_kind(path, source.data, folders)
    if kind is None:
        return None, [
            SchemaIssue(
                str(path),
                1,
                1,
                "cannot tell whether this is a plan, experiment or sprint",
                "put it under plans/, experiments/ or sprints/",
            )
        ]
    return kind, parse_document(source, MODELS[kind])

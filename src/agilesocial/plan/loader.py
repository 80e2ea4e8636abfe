"""Turn YAML files into validated models, mapping every pydantic error back to ``file:line:col``."""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from agilesocial.errors import EXIT_USAGE, YamlError
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
    #: the file or folder could not be read at all (an I/O error: exit 2), rather than read and found invalid
    io_error: bool = False


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


def _field_description(model: type[BaseModel], loc: tuple[Any, ...]) -> str | None:
    """The ``Field(description=...)`` of the field at ``loc`` (for 'add it' hints), when known."""
    current: Any = model
    info = None
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return None
        info = fields[part]
        current = _model_of(info.annotation)
    return info.description if info is not None else None


_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_PERCENT = re.compile(r"^\s*([-+]?\d+(?:[.,]\d+)?)\s*%\s*$")


def _date_hint(raw: Any) -> str:
    """How to write ``raw`` as an ISO date (unambiguous day-first or month-first dates are converted)."""
    m = _DMY.match(raw) if isinstance(raw, str) else None
    if m:
        a, b, year = int(m[1]), int(m[2]), m[3]
        if a > 12 >= b >= 1:
            return f"write dates as YYYY-MM-DD: {year}-{b:02d}-{a:02d}"
        if b > 12 >= a >= 1:
            return f"write dates as YYYY-MM-DD: {year}-{a:02d}-{b:02d}"
        if a <= 12 and b <= 12:
            return (
                f"write dates as YYYY-MM-DD: {year}-{b:02d}-{a:02d} (day first) or {year}-{a:02d}-{b:02d} (month first)"
            )
    return "write dates as YYYY-MM-DD, e.g. 2026-11-30"


def _value_hint(kind: str, raw: Any, ctx: dict[str, Any]) -> str | None:
    """A 'how to fix' for a wrong value: percentages as fractions, ISO dates, the allowed choices."""
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type", "int_from_float"):
        m = _PERCENT.match(raw) if isinstance(raw, str) else None
        if m:
            fraction = float(m[1].replace(",", ".")) / 100
            return f"write percentages as fractions: {fraction:.10g} for {raw.strip()}"
        return "write a plain number, e.g. 0.05 or 120"
    if kind.startswith("date") or kind.startswith("datetime"):
        return _date_hint(raw)
    if kind in ("literal_error", "enum"):
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        if isinstance(raw, str) and choices:
            folded = raw.strip().lower().replace(" ", "_").replace("-", "_")
            close = [c for c in choices if c.lower() == folded] or difflib.get_close_matches(folded, choices, n=1)
            if close:
                return f"did you mean {close[0]!r}?"
        return f"use one of: {', '.join(choices)}" if choices else None
    if kind.startswith("bool"):
        return "write true or false"
    if kind == "finite_number":
        return "write a finite number such as 0.05 or 120; .inf, .nan and 1e400 are not"
    return None


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
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part not in node and any(later in node for later in loc[i + 1 :]):
            continue  # a union tag (e.g. 'Guardrail') before a key the data has: the key names the problem
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


_TYPE_MISMATCH = ("string_type", "model_type", "model_attributes_type", "dict_type", "list_type")


def _other_branch(e: Any, errors: list[Any]) -> bool:
    """A union branch whose type does not fit at all (``str`` for a mapping) while another branch of the same union
    reports a precise problem: only the precise one is worth showing."""
    if e["type"] not in _TYPE_MISMATCH or len(e["loc"]) < 1:
        return False
    prefix, tag = tuple(e["loc"][:-1]), e["loc"][-1]
    return any(
        o is not e and len(o["loc"]) > len(prefix) and tuple(o["loc"][: len(prefix)]) == prefix
        and o["loc"][len(prefix)] != tag
        for o in errors
    )  # fmt: skip


def _issues(err: ValidationError, model: type[BaseModel], source: LoadedYaml) -> list[SchemaIssue]:
    issues: list[SchemaIssue] = []
    errors = err.errors(include_url=False)
    for e in errors:
        if _other_branch(e, errors):
            continue
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
            about = _field_description(model, loc)
            hint = (f"add '{loc[-1]}:'" + (f" — {about.rstrip('.')}" if about else "")) if loc else "add it"
        else:
            msg = e["msg"]
            if msg.startswith("Value error, "):
                msg = msg[len("Value error, ") :]
            shown = e.get("input")
            value = f" (got {shown!r})" if isinstance(shown, str | int | float | bool) else ""
            message = f"{where}: {msg}{value}" if loc else f"{msg}{value}"
            hint = _value_hint(kind, shown, e.get("ctx") or {})
            if hint is None and " is before start " in msg:
                hint = "the end date comes on or after the start date: swap them or fix the typo"
        issues.append(SchemaIssue(str(source.path), line, col, message, hint))
    return issues


def parse_document(source: LoadedYaml, model: type[M]) -> Document[M] | list[SchemaIssue]:
    """Validate ``source`` against ``model``: a Document, or the located issues (unreadable values first)."""
    unreadable = [
        SchemaIssue(str(err.path or source.path), err.line, err.column, err.message, err.hint)
        for _, err in source.problems
    ]
    result = _parse(source, model)
    if not unreadable:
        return result
    # pydantic's complaint about the raw text of an unreadable value repeats the problem: keep the precise one
    at = {(i.line, i.column) for i in unreadable}
    bad = {source.locate(loc) for loc, _ in source.problems}
    others = [] if isinstance(result, Document) else [i for i in result if (i.line, i.column) not in bad | at]
    return unreadable + others


def _parse(source: LoadedYaml, model: type[M]) -> Document[M] | list[SchemaIssue]:
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
        source = load_yaml(path, collect=True)
    except YamlError as exc:
        io_error = exc.exit_code == EXIT_USAGE
        return kind, [SchemaIssue(str(exc.path or path), exc.line, exc.column, exc.message, exc.hint, io_error)]
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

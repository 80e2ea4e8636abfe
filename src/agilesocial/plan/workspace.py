"""Load every plan, experiment and sprint of a project (or of given paths) into one Workspace.

Bad files never raise: they become :class:`~agilesocial.plan.loader.SchemaIssue` entries, so ``validate`` can report
all of them and ``analyze`` can refuse to run on an invalid project (exit 1).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agilesocial.config import Project
from agilesocial.plan.experiment import Experiment
from agilesocial.plan.loader import Document, SchemaIssue, load_document
from agilesocial.plan.sprint import Sprint
from agilesocial.plan.strategy import StrategyPlan

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class Workspace:
    project: Project
    plans: list[Document[StrategyPlan]] = field(default_factory=list)
    experiments: list[Document[Experiment]] = field(default_factory=list)
    sprints: list[Document[Sprint]] = field(default_factory=list)
    issues: list[SchemaIssue] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    #: ids of plans, experiments and sprints whose files exist but do not load: ``{kind: {id: path}}``, so a
    #: reference to them is not reported as "unknown" on top of the file's own errors.
    broken: dict[str, dict[str, Path]] = field(default_factory=dict)

    def plan(self, plan_id: str) -> Document[StrategyPlan] | None:
        return next((d for d in self.plans if d.model.id == plan_id), None)

    def experiment(self, experiment_id: str) -> Document[Experiment] | None:
        return next((d for d in self.experiments if d.model.id == experiment_id), None)

    def sprint(self, sprint_id: str) -> Document[Sprint] | None:
        return next((d for d in self.sprints if d.model.id == sprint_id), None)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the YAML files under given folders (sorted, recursive)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.suffix in YAML_SUFFIXES and f.is_file()))
        else:
            out.append(p)
    seen: set[Path] = set()
    unique = []
    for p in out:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def scan_yaml(paths: Iterable[Path]) -> tuple[list[Path], list[SchemaIssue]]:
    """Like :func:`expand_paths` (symlinked folders followed once), plus the I/O problems met on the way.

    A folder that cannot be listed, a broken symbolic link (named ``*.yaml``/``*.yml`` or without a suffix, so
    possibly a folder) and a link loop become :class:`SchemaIssue` entries with ``io_error=True``, never skipped
    silently.
    """
    files: list[Path] = []
    problems: list[SchemaIssue] = []
    seen_dirs: set[Path] = set()
    for p in paths:
        if p.is_symlink() and not p.exists():
            problems.append(_link_problem(p))
        elif p.is_dir():
            found: list[Path] = []
            _walk(p, found, problems, seen_dirs)
            files.extend(sorted(found))
        else:
            files.append(p)
    return expand_paths(files), problems


def _io_issue(path: Path, message: str, hint: str) -> SchemaIssue:
    return SchemaIssue(str(path), None, None, message, hint, io_error=True)


def _link_problem(path: Path) -> SchemaIssue:
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return _io_issue(path, "symbolic link loop", "point the link at a real file, or remove it")
    else:  # the target exists but is no file: a device such as /dev/zero, a pipe
        return _io_issue(
            path,
            f"symbolic link to {target}, which is not a regular file",
            "point the link at a YAML file, or remove it",
        )
    return _io_issue(
        path, f"broken symbolic link (its target {target} does not exist)", "restore the target, or remove the link"
    )


def _walk(folder: Path, files: list[Path], problems: list[SchemaIssue], seen: set[Path]) -> None:
    try:
        key = folder.resolve()
        if key in seen:  # a link back up the tree: each folder once
            return
        seen.add(key)
        entries = list(os.scandir(folder))
    except OSError as exc:
        problems.append(
            _io_issue(
                folder, f"cannot read folder: {exc.strerror or exc}; its files were not checked", "fix its permissions"
            )
        )
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            if entry.is_dir():
                _walk(path, files, problems, seen)
            elif entry.is_file():
                if path.suffix in YAML_SUFFIXES:
                    files.append(path)
            elif entry.is_symlink() and path.suffix in (*YAML_SUFFIXES, ""):
                problems.append(_link_problem(path))
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                problems.append(_link_problem(path))
            else:
                problems.append(_io_issue(path, f"cannot read: {exc.strerror or exc}", "fix its permissions"))


def _raw_id(path: Path) -> str | None:
    """The ``id:`` of a file that does not validate, if its YAML can be read at all."""
    from agilesocial.errors import YamlError
    from agilesocial.plan.yamlload import load_yaml

    try:
        data = load_yaml(path, collect=True).data
    except YamlError:
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def load_workspace(project: Project, paths: Sequence[Path] | None = None) -> Workspace:
    """Load ``paths`` (default: the project's plans, experiments and sprints folders)."""
    folders = project.folders
    targets = list(paths) if paths else [folder for folder in folders.values() if folder.is_dir()]
    ws = Workspace(project)
    found, problems = scan_yaml(targets)
    ws.issues.extend(problems)
    for path in found:
        ws.files.append(path)
        kind, doc = load_document(path, folders=folders)
        if not isinstance(doc, Document):
            ws.issues.extend(doc)
            broken_id = _raw_id(path)
            if kind is not None and broken_id is not None:
                ws.broken.setdefault(kind, {})[broken_id] = path
            continue
        buckets: dict[str, list[Any]] = {"plan": ws.plans, "experiment": ws.experiments, "sprint": ws.sprints}
        if kind in buckets:
            buckets[kind].append(doc)
    return ws

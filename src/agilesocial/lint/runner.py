"""``run_validation``: load the files, record schema issues as AS001 and I/O problems as AS002, run every lint check.

Without paths (or given the project's root folder) the whole project is checked. Given paths (files or folders),
the rest of the project is loaded as context, so references to plans, objectives and sprints in other files resolve;
findings are reported for the given files, plus every *project*-scope finding anywhere (a reference the named files
broke: a renamed objective, a custom metric renamed in ``agile-social.yaml``), plus I/O problems wherever they are.
``agile-social.yaml`` is always checked.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from agilesocial.config import Project, find_config, load_project
from agilesocial.errors import EXIT_USAGE, AgileSocialError, ConfigError
from agilesocial.lint.context import LintContext
from agilesocial.lint.experiment_rules import check_experiment
from agilesocial.lint.findings import Finding, ValidationReport
from agilesocial.lint.plan_rules import check_plan
from agilesocial.lint.project_rules import check_duplicate_ids, check_overlaps, check_sprint
from agilesocial.lint.registry import RULES
from agilesocial.lint.value_rules import check_rates
from agilesocial.plan.loader import SchemaIssue
from agilesocial.plan.workspace import load_workspace, scan_yaml


def display_path(path: Path | str, base: Path | None = None) -> str:
    """``path`` relative to ``base`` (default: the current directory) when it lies below it, in POSIX form."""
    return _display(str(path), str(base or Path.cwd()))


@functools.lru_cache(maxsize=4096)
def _display(path: str, base: str) -> str:
    p = Path(path)
    try:
        return _absolute(p).relative_to(_resolved(base)).as_posix()
    except (ValueError, OSError):
        return p.as_posix()


def _absolute(p: Path) -> Path:
    """``p`` made absolute with its folders resolved but not the file itself (a broken link stays itself)."""
    p = p.absolute()
    return p.parent.resolve() / p.name if p.is_symlink() else p.resolve()


@functools.lru_cache(maxsize=16)
def _resolved(base: str) -> Path:
    return Path(base).resolve()


def repository_root(start: Path) -> Path:
    """The git top level above ``start`` (a ``.git`` folder or file), else ``start`` itself."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def project_for(paths: Sequence[Path] | None = None) -> Project:
    """The project around the current directory; if there is none and paths are given, the one around the first."""
    start = Path.cwd()
    if paths and find_config(start) is None and paths[0].exists():
        start = paths[0] if paths[0].is_dir() else paths[0].parent
    try:
        return load_project(start)
    except ConfigError as exc:  # show the config's path as the findings show theirs
        if exc.path:
            exc.path = display_path(exc.path)
        raise


def select_files(project: Project, paths: Sequence[Path] | None) -> tuple[list[Path], list[SchemaIssue]]:
    """The YAML files to validate (the given files/folders, or the project's folders) and the I/O problems met."""
    if paths:
        for p in paths:
            if not p.exists() and not p.is_symlink():
                raise AgileSocialError("no such file or directory", path=p, hint="check the path", exit_code=EXIT_USAGE)
        files, problems = scan_yaml(paths)
        where = ", ".join(str(p) for p in paths)
    else:
        folders = list(project.folders.values())
        files, problems = scan_yaml(f for f in folders if f.is_dir() or f.is_symlink())
        where = ", ".join(display_path(f) + "/" for f in folders)
    if not files and not problems:
        outside = project.config_path is None and not paths
        raise AgileSocialError(
            f"no plan, experiment or sprint YAML files found in {where}",
            hint=("no agile-social.yaml in this folder or any parent either: " if outside else "")
            + "run 'agile-social init' to scaffold a project, or pass the files to check",
            exit_code=EXIT_USAGE,
        )
    return files, problems


def run_validation(
    project: Project, paths: Sequence[Path] | None = None, *, today: date | None = None
) -> ValidationReport:
    """Validate ``paths`` (default: the whole project) and return the sorted findings.

    Raises :class:`AgileSocialError` (exit 2) for a path that does not exist or when there is nothing to check.
    I/O problems (unreadable files or folders, broken links) are AS002 findings; the report's exit code is then 2.
    """
    named = None if not paths or any(_is_root(p, project) for p in paths) else paths
    selected, problems = select_files(project, named)
    context: list[Path] = []
    if named:
        try:
            context, more = select_files(project, None)
        except AgileSocialError:  # the project's folders hold nothing (yet): the named files stand alone
            context, more = [], []
        problems += more
    ws = load_workspace(project, [*selected, *context])
    ctx = LintContext(
        workspace=ws,
        today=today or date.today(),
        catalog=project.config.metric_catalog(),
        focus_limit=project.config.defaults.focus_limit,
        display=display_path,
    )
    seen: set[tuple[str, str]] = set()
    for issue in [*problems, *ws.issues]:
        code = "AS002" if issue.io_error else "AS001"
        path = display_path(issue.path)
        if (code, path) in seen and issue.io_error:
            continue
        seen.add((code, path))
        ctx.findings.append(
            Finding(code, RULES[code].severity, path, issue.line, issue.column, issue.message, issue.hint)
        )
    for plan in ws.plans:
        check_plan(ctx, plan)
    for experiment in ws.experiments:
        check_experiment(ctx, experiment)
    for sprint in ws.sprints:
        check_sprint(ctx, sprint)
    check_rates(ctx)
    check_overlaps(ctx)
    check_duplicate_ids(ctx)
    config_path = _check_config(ctx, project)
    files = [display_path(p) for p in selected]
    files += sorted({f.path for f in ctx.findings if f.code == "AS002"} - set(files))
    findings = ctx.findings
    if named:
        wanted = {*files, config_path}
        findings = [f for f in findings if f.path in wanted or RULES[f.code].scope == "project"]
    config = config_findings(project)  # always: it loaded, but some values only fail later
    findings += config
    if config_path and config_path not in files and any(f.path == config_path for f in findings):
        files.append(config_path)
    root = repository_root(project.root)
    findings = [dataclasses.replace(f, repo_path=repo_path(f.path, root)) for f in findings]
    return ValidationReport(findings=findings, files=files, root=root.as_posix())


def _check_config(ctx: LintContext, project: Project) -> str | None:
    """The benchmark and competitor rules on ``agile-social.yaml``; its displayed path (None without one)."""
    from agilesocial.lint.benchmark_rules import check_config, check_targets
    from agilesocial.plan.loader import Document, load_document

    check_targets(ctx, project.config)
    if project.config_path is None:
        return None
    _, doc = load_document(project.config_path, "config")
    if isinstance(doc, Document):
        check_config(ctx, doc)
    return display_path(project.config_path)


def _is_root(path: Path, project: Project) -> bool:
    return project.config_path is not None and path.is_dir() and path.resolve() == project.root.resolve()


def repo_path(path: str, root: Path) -> str:
    """A displayed path (relative to the current folder, or absolute) relative to ``root``; absolute outside it."""
    absolute = _absolute(Path(path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return absolute.as_posix()


def config_findings(project: Project) -> list[Finding]:
    """Values of ``agile-social.yaml`` that parse but cannot work: an unknown time zone (stdlib zoneinfo only)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from agilesocial.plan.yamlload import load_yaml

    name = project.config.timezone
    if project.config_path is None:
        return []
    try:
        ZoneInfo(name)
        return []
    except (ZoneInfoNotFoundError, ValueError):
        pass
    try:
        line, column = load_yaml(project.config_path).locate(("timezone",))
    except AgileSocialError:
        line, column = 1, 1
    message = f"timezone: unknown time zone {name!r}"
    hint = "use an IANA name such as Europe/Amsterdam, America/New_York or UTC"
    return [Finding("AS001", RULES["AS001"].severity, display_path(project.config_path), line, column, message, hint)]

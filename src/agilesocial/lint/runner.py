"""``run_validation``: load the files, record schema issues as AS001, run every lint check, keep the selected files.

When explicit paths are given (e.g. by pre-commit, which passes only the changed files), the rest of the project is
loaded as context, so references to plans, objectives and sprints in other files still resolve; findings are
reported only for the given files.
"""

from __future__ import annotations

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
from agilesocial.plan.workspace import expand_paths, load_workspace


def display_path(path: Path | str, base: Path | None = None) -> str:
    """``path`` relative to ``base`` (default: the current directory) when it lies below it, in POSIX form."""
    return _display(str(path), str(base or Path.cwd()))


@functools.lru_cache(maxsize=4096)
def _display(path: str, base: str) -> str:
    p = Path(path)
    try:
        return p.resolve().relative_to(_resolved(base)).as_posix()
    except (ValueError, OSError):
        return p.as_posix()


@functools.lru_cache(maxsize=16)
def _resolved(base: str) -> Path:
    return Path(base).resolve()


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


def select_files(project: Project, paths: Sequence[Path] | None) -> list[Path]:
    """The YAML files to validate: the given files/folders, or the project's plan, experiment and sprint folders."""
    if paths:
        for p in paths:
            if not p.exists():
                raise AgileSocialError("no such file or directory", path=p, hint="check the path", exit_code=EXIT_USAGE)
        files = expand_paths(paths)
        where = ", ".join(str(p) for p in paths)
    else:
        folders = list(project.folders.values())
        files = expand_paths(f for f in folders if f.is_dir())
        where = ", ".join(display_path(f) + "/" for f in folders)
    if not files:
        outside = project.config_path is None and not paths
        raise AgileSocialError(
            f"no plan, experiment or sprint YAML files found in {where}",
            hint=("no agile-social.yaml in this folder or any parent either: " if outside else "")
            + "run 'agile-social init' to scaffold a project, or pass the files to check",
            exit_code=EXIT_USAGE,
        )
    return files


def run_validation(
    project: Project, paths: Sequence[Path] | None = None, *, today: date | None = None
) -> ValidationReport:
    """Validate ``paths`` (default: the whole project) and return the sorted findings.

    Raises :class:`AgileSocialError` (exit 2) for a path that does not exist or when there is nothing to check.
    """
    selected = select_files(project, paths)
    context = expand_paths(f for f in project.folders.values() if f.is_dir()) if paths else []
    ws = load_workspace(project, [*selected, *context])
    ctx = LintContext(
        workspace=ws,
        today=today or date.today(),
        catalog=project.config.metric_catalog(),
        focus_limit=project.config.defaults.focus_limit,
        display=display_path,
    )
    rule = RULES["AS001"]
    for issue in ws.issues:
        ctx.findings.append(
            Finding(
                "AS001", rule.severity, display_path(issue.path), issue.line, issue.column, issue.message, issue.hint
            )
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
    wanted = {display_path(p) for p in selected}
    findings = [f for f in ctx.findings if f.path in wanted]
    files = [display_path(p) for p in selected]
    if not paths:  # the whole project: its config too (it loaded, but some values only fail later)
        config = config_findings(project)
        findings += config
        files += [config[0].path] if config else []
    return ValidationReport(findings=findings, files=files)


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

"""The workspace as the review reads it: valid plan files only, the default sprint, and plan text for the model."""

from __future__ import annotations

import datetime as dt

from agilesocial.config import Project
from agilesocial.errors import ConfigError, YamlError
from agilesocial.plan.experiment import Experiment
from agilesocial.plan.workspace import Workspace, load_workspace


def checked_workspace(project: Project) -> Workspace:
    """The project's plan files; the first problem in any of them is raised (with a pointer to ``validate``)."""
    ws = load_workspace(project)
    if ws.issues:
        first = ws.issues[0]
        raise YamlError(
            first.message,
            path=first.path,
            line=first.line,
            column=first.column,
            hint=first.hint or "run 'agile-social validate' to see every problem",
        )
    return ws


def default_sprint(project: Project, today: dt.date | None = None) -> str:
    """The latest sprint that has started by ``today``."""
    today = today or dt.date.today()
    sprints = sorted((d.model for d in checked_workspace(project).sprints), key=lambda s: (s.start, s.id))
    started = [s for s in sprints if s.start <= today]
    if not started:
        where = project.folders["sprint"]
        if not sprints:
            raise ConfigError("no sprints found", path=where, hint="add a sprint YAML file (see 'agile-social init')")
        raise ConfigError(
            f"no sprint has started by {today.isoformat()}",
            path=where,
            hint=f"name one explicitly, e.g. 'agile-social retro {sprints[0].id}'",
        )
    return started[-1].id


def hypothesis_text(exp: Experiment | None, fallback: str | None) -> str | None:
    """The experiment's hypothesis as one sentence (``fallback`` when it has none)."""
    if exp is None or exp.hypothesis is None:
        return fallback
    h = exp.hypothesis
    return f"We believe {h.we_believe} will result in {h.will_result_in}; we will know when {h.we_will_know_when}."

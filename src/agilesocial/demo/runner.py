"""The demo: the whole loop on shipped data — init, the Northwind plan, ingest, analyze, retro, retro.html.

``run_demo(dir)`` scaffolds a project with ``init`` into ``dir`` (a new temporary folder by default), copies the
shipped demo project (``demo/data/project``: config, plan, experiments, sprint) over it so the experiments match the
sample exports (``demo/data/exports``), ingests them, analyses the sprint (storing the results), builds the retro
(storing its snapshot) and writes ``dir/retro.html``. Afterwards ``agile-social retro --format json`` run inside
``dir`` gives the same retrospective.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from agilesocial.errors import AgileSocialError, DataError

if TYPE_CHECKING:
    from agilesocial.retro.model import Retro
    from agilesocial.warehouse.ingest import IngestReport

DATA = Path(__file__).resolve().parent / "data"
PROJECT = DATA / "project"
EXPORTS = DATA / "exports"
COMPETITORS = DATA / "competitors"  # a fictional competitor's posts (generic CSV + mapping)
BRAND = "Northwind Coffee Roasters"
CHANNELS = ("instagram", "facebook", "x")
PLAN_FOLDERS = ("plans", "experiments", "sprints")


@dataclass(frozen=True)
class DemoResult:
    """Where the demo put things, and what it found."""

    dir: Path
    warehouse: Path
    html: Path
    files: tuple[Path, ...]  # the project files (config, plan, experiments, sprint)
    exports: tuple[Path, ...]
    ingest: IngestReport
    retro: Retro


def _copy_project(root: Path, scaffolded: list[Path]) -> list[Path]:
    """Replace the scaffold's plan, experiment and sprint files with the shipped demo project."""
    for path in scaffolded:
        rel = path.resolve().relative_to(root.resolve())
        if rel.parts[0] in PLAN_FOLDERS and not (PROJECT / rel).exists():
            path.unlink()
    copied = []
    for src in sorted(p for p in PROJECT.rglob("*") if p.is_file()):
        target = root / src.relative_to(PROJECT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
        copied.append(target)
    return copied


def run_demo(dir: Path | None = None, *, today: dt.date | None = None) -> DemoResult:
    """Run the whole loop into ``dir`` (a new temporary folder when None); see the module docstring."""
    from agilesocial.analysis import run_analysis
    from agilesocial.config import load_project
    from agilesocial.plan.scaffold import scaffold_project
    from agilesocial.reportfile import write_report
    from agilesocial.retro.render import renderer
    from agilesocial.review.sprint import build_retro
    from agilesocial.review.workspace import default_sprint
    from agilesocial.warehouse.ingest import ingest_paths

    exports = tuple(sorted(p for p in EXPORTS.rglob("*") if p.is_file())) if EXPORTS.is_dir() else ()
    if not exports:
        raise DataError("the sample exports are missing from this installation", path=EXPORTS)
    root = Path(tempfile.mkdtemp(prefix="agile-social-demo-")) if dir is None else dir.expanduser()
    if (root / "agile-social.yaml").exists():
        raise AgileSocialError(
            "already holds an agile-social project", path=root, hint="choose an empty or new folder for the demo"
        )
    if root.exists() and not root.is_dir():
        raise AgileSocialError("is a file, not a folder", path=root, hint="choose an empty or new folder for the demo")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AgileSocialError(
            f"cannot create the demo folder: {exc.strerror or exc}",
            path=root,
            hint="choose a folder you can write to, or leave out --dir for a temporary one",
        ) from None
    today = today or dt.date.today()
    scaffolded = scaffold_project(root, brand=BRAND, goal="energizing", channels=CHANNELS, today=today)
    files = _copy_project(root, scaffolded)
    project = load_project(root, required=True)
    db = project.path(project.config.warehouse)  # the demo's own file: never $AGILE_SOCIAL_DB
    if db.exists():
        raise AgileSocialError("already holds a warehouse", path=db, hint="choose an empty or new folder for the demo")
    report = ingest_paths(list(exports), db=db, timezone=project.config.timezone)
    for mapping in sorted(COMPETITORS.glob("*.mapping.yaml")) if COMPETITORS.is_dir() else ():  # role: competitor
        data = sorted(p for p in COMPETITORS.glob("*.csv"))
        ingest_paths(data, db=db, mapping=mapping, timezone=project.config.timezone)
    sprint = default_sprint(project, today)
    analysis = run_analysis(project, sprint=sprint, db=db, store=True, today=today)
    retro = build_retro(project, sprint=sprint, db=db, analysis=analysis, today=today, store=True)
    html = root / "retro.html"
    # marked as ours, so 'agile-social retro --format html -o retro.html' may replace it (a file of the user's is kept)
    write_report(html, renderer("html").retro(retro), "html")
    return DemoResult(root, db, html, tuple(files), exports, report, retro)

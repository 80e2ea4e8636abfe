"""The analysis: experiment -> selectors -> SQL sufficient statistics -> stats -> decisions.

Importing this package is cheap: the engine (and with it duckdb, scipy and statsmodels) loads on the first call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agilesocial.analysis.model import AnalysisReport
    from agilesocial.config import Project

__all__ = ["run_analysis"]


def run_analysis(
    project: Project,
    *,
    sprint: str | None = None,
    experiment_ids: Sequence[str] = (),
    db: Path | None = None,
    correction: str | None = None,
    sequential: bool = False,
    store: bool = True,
    today: dt.date | None = None,
    partial: bool = False,
    engine: str | None = None,
) -> AnalysisReport:
    """Analyse the experiments of ``sprint`` (or ``experiment_ids``, or all) and return the report.

    Results are appended to the warehouse's ``results`` table when ``store``. Raises
    :class:`~agilesocial.errors.AgileSocialError`: exit code 1 for invalid plan files, 2 for an unknown sprint or
    experiment id, a missing warehouse or an experiment without posts (naming what to ingest; with ``partial`` such
    an experiment is reported in ``missing_data`` instead, as it is whenever other experiments were analysed).
    ``engine`` (default: ``engine:`` in agile-social.yaml) is where the SQL runs: ``duckdb`` or ``spark``.
    """
    from agilesocial.analysis.engine import run_analysis as _run

    return _run(
        project,
        sprint=sprint,
        experiment_ids=experiment_ids,
        db=db,
        correction=correction,
        sequential=sequential,
        store=store,
        today=today,
        partial=partial,
        engine=engine,
    )

"""An experiment's own fields (hypothesis, learnings...) as an ExperimentAnalysis, and the record of an experiment
that could not be analysed for lack of posts."""

from __future__ import annotations

from typing import Any

from agilesocial.analysis.model import Decision, ExperimentAnalysis
from agilesocial.errors import DataError
from agilesocial.plan.experiment import Experiment


def describe(exp: Experiment, **analysed: Any) -> ExperimentAnalysis:
    """An ExperimentAnalysis carrying the experiment's own fields (hypothesis, learnings...) plus ``analysed``."""
    hyp = exp.hypothesis
    fields: dict[str, Any] = {
        "id": exp.id,
        "design": exp.design,
        "status": str(exp.status),
        "srm": None,
        "warnings": (),
        "results": (),
        "sprint": exp.sprint,
        "metric": exp.metric,
        "hypothesis": (
            f"We believe {hyp.we_believe} will result in {hyp.will_result_in}; we will know when "
            f"{hyp.we_will_know_when}."
            if hyp
            else None
        ),
        "platform": str(exp.platform) if exp.platform else None,
        "learnings": tuple(exp.learnings),
        "five_whys": tuple(exp.five_whys),
        "tags": tuple(exp.tags),
    }
    fields.update(analysed)
    return ExperimentAnalysis(**fields)


def _short(message: str) -> str:
    """The error without the experiment id prefix and the '(the warehouse holds ...)' detail."""
    import re

    message = re.sub(r"\s*\(the warehouse holds [^)]*\)", "", message)
    return re.sub(r"^experiment '[^']*'(?: has no posts in the warehouse)?:?\s*", "", message)


def without_data(exp: Experiment, error: DataError) -> ExperimentAnalysis:
    """An experiment of a sprint run that could not be analysed for lack of posts: kept in the report (and the
    retro) with a keep-running decision that says what to ingest."""
    return describe(
        exp,
        decision=Decision(
            "keep_running", f"No data to judge yet: {_short(error.message)}; {error.hint or 'ingest them'}."
        ),
        warnings=(str(error),),
    )

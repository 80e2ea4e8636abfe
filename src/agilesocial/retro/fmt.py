"""Number formatting shared by every renderer, by the metric's unit (so every format says the same thing).

Units come from the metric catalogue (:data:`agilesocial.plan.metrics.UNITS`): ``percent`` "4.16 %", ``count``
"1 234", ``seconds`` "2 m 03 s", ``currency`` "1 234.50", ``ratio`` "0.85". A relative change is "+12.3 %"; an
absolute change of a percentage is in percentage points: "+1.50 pts".
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from agilesocial.analysis.model import DEFAULT_MAX_HARM
from agilesocial.analysis.wording import p_text

if TYPE_CHECKING:
    from agilesocial.analysis.model import MetricResult

DASH = "–"


def _group(text: str) -> str:
    """``1,234.5`` -> ``1 234.5`` (a space between thousands, a point for decimals)."""
    return text.replace(",", " ")


def duration(seconds: float) -> str:
    """``45.2 s``, ``2 m 03 s``, ``1 h 05 m``."""
    s = abs(seconds)
    sign = "-" if seconds < 0 else ""
    if s < 59.95:
        return f"{sign}{s:.1f} s"
    whole = round(s)
    if whole < 3600:
        return f"{sign}{whole // 60} m {whole % 60:02d} s"
    return f"{sign}{whole // 3600} h {whole % 3600 // 60:02d} m"


def value(v: float | None, unit: str = "count", per: str = "") -> str:
    """A metric value in its unit; ``per`` names what it is counted per ("2 m 03 s per view")."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return DASH
    if unit == "percent":
        text = f"{v * 100:.2f} %"
    elif unit == "seconds":
        text = duration(v)
    elif unit == "currency":
        text = _group(f"{v:,.2f}")
    elif unit == "ratio":
        text = f"{v:.2f}" if abs(v) >= 0.01 or v == 0 else f"{v:.2g}"
    elif abs(v - round(v)) < 1e-9:
        text = _group(f"{round(v):,}")
    else:
        text = _group(f"{v:,.1f}")
    return f"{text} per {per}" if per else text


def tick(v: float, unit: str = "count") -> str:
    """An axis tick: as :func:`value`, without trailing zeros ("2.5 %", "40", "1 m 30 s")."""
    if unit == "percent":
        return f"{round(v * 100, 6):g} %"
    if unit in ("count", "currency", "ratio"):
        return _group(f"{round(v, 9):,g}") if abs(v) < 1e6 else value(v, unit)
    return value(v, unit)


def change(d: float | None, unit: str = "count") -> str:
    """An absolute difference in the metric's unit, signed: ``+1.50 pts``, ``+12.0 s``, ``-3.2``."""
    if d is None or not math.isfinite(d):
        return DASH
    sign = "+" if d >= 0 else "-"
    if unit == "percent":
        return f"{sign}{abs(d) * 100:.2f} pts"
    return sign + value(abs(d), unit)


def pct(v: float | None, *, signed: bool = True) -> str:
    """A relative change as a percentage: ``+12.3 %`` (``+46 %`` from 10 % on)."""
    if v is None or not math.isfinite(v):
        return DASH
    digits = 0 if abs(v) >= 0.1 else 1
    return f"{v * 100:+.{digits}f} %" if signed else f"{v * 100:.{digits}f} %"


def lift(abs_lift: float | None, rel_lift: float | None, unit: str = "count") -> str:
    """Both forms of a lift: ``+1.50 pts (+46 %)``; either alone when the other is unknown."""
    if abs_lift is None:
        return pct(rel_lift)
    if rel_lift is None:
        return change(abs_lift, unit)
    return f"{change(abs_lift, unit)} ({pct(rel_lift)})"


def ci(bounds: tuple[float, float] | list[float] | None) -> str:
    """A relative-lift confidence interval: ``-3.1 % to +25 %``; an infinite end (one-sided test, or a control
    that could be 0) reads ``unbounded``."""
    if not bounds:
        return DASH
    lo, hi = bounds
    return f"{'unbounded' if lo == -math.inf else pct(lo)} to {'unbounded' if hi == math.inf else pct(hi)}"


def pvalue(p: float | None) -> str:
    """``< 0.001``, ``0.055``, ``> 0.99`` (never ``1.000``, which reads as certainty)."""
    return p_text(p)


#: The multiple-testing corrections in plain words (the footer of every retro and analysis).
CORRECTION_METHODS = {
    "holm": "Holm's method",
    "hochberg": "Hochberg's method",
    "hommel": "Hommel's method",
    "bonferroni": "Bonferroni: multiplied by their number",
    "bh": "Benjamini-Hochberg: limits the share of false finds",
    "by": "Benjamini-Yekutieli: limits the share of false finds",
}


def correction_words(name: str) -> str:
    """``holm`` -> "p-values adjusted for testing several metrics at once (Holm's method)"."""
    if name == "none":
        return "p-values not adjusted for testing several metrics at once (correction: none)"
    return f"p-values adjusted for testing several metrics at once ({CORRECTION_METHODS.get(name, name)})"


def count(n: int | None) -> str:
    return DASH if n is None else _group(f"{n:,}")


def clip(text: str, width: int) -> str:
    """One clean line of at most ``width`` characters (see :func:`agilesocial.textsafe.clip`): control characters
    and escape sequences are removed BEFORE the cut, so the ``…`` can never leave one half open."""
    from agilesocial.textsafe import clip as safe_clip

    return safe_clip(text, width)


ACTION_LABELS = {
    "scale": "SCALE",
    "iterate": "ITERATE",
    "stop": "STOP",
    "futile": "STOP OR FINISH",
    "keep_running": "KEEP RUNNING",
    "inconclusive": "INCONCLUSIVE",
}
TRACK_LABELS = {
    "met": "met",
    "on_track": "on track",
    "at_risk": "at risk",
    "off_track": "off track",
    "no_data": "no data",
}
STATUS_MARKS = {"met": "met", "missed": "missed", "in_progress": "running", "pending": "pending", "no_data": "no data"}
#: How every renderer words a result (``MetricResult.outcome``): by the metric's direction, primary or guardrail.
OUTCOME_LABELS = {"better": "better", "worse": "WORSE", "inconclusive": "inconclusive", "none": DASH}


def guard(r: MetricResult) -> tuple[str, str] | None:
    """A guardrail's verdict as (words, detail): ``no harm beyond 10 %`` / ``(shown)``, ``cannot tell yet`` /
    ``down to -23 %`` (how far the CI reaches on the harmful side), ``HARM`` / ``down to -31 %``,
    ``harm within 10 %`` / ``(tolerated)``; None for primary metrics and results without an interval. An improved
    guardrail reads "no harm", never as a win."""
    verdict = r.guard
    if verdict is None:
        return None
    margin = pct(r.max_harm if r.max_harm is not None else DEFAULT_MAX_HARM, signed=False)
    reach = f"{'down' if r.direction == 'higher' else 'up'} to {pct(r.harm_reach)}"  # how far the CI reaches
    return {
        "no_harm": (f"no harm beyond {margin}", "(shown)"),
        "tolerated_harm": (f"harm within {margin}", "(tolerated)"),
        "harm": ("HARM", reach),
        "cannot_tell": ("cannot tell yet", reach),
    }[verdict]


def shown_outcome(r: MetricResult) -> str:
    """The colour key of a result: a guardrail is ``worse`` only when it harms, otherwise neutral (never ``better``)."""
    if r.is_guardrail and r.guard is not None:
        return "worse" if r.harms else "inconclusive"
    return r.outcome

"""Number formatting shared by every renderer (so the terminal, Markdown and HTML say the same thing)."""

from __future__ import annotations

from agilesocial.plan.metrics import BUILTIN_METRICS

RATIO_METRICS = {name for name, m in BUILTIN_METRICS.items() if m.kind == "ratio"}


def is_ratio(metric: str | None) -> bool:
    return metric in RATIO_METRICS if metric else False


def value(v: float | None, metric: str | None = None, *, ratio: bool | None = None) -> str:
    """A metric value: ratios as percentages (``3.52 %``), counts with thousands separators."""
    if v is None:
        return "–"
    as_ratio = is_ratio(metric) if ratio is None else ratio
    if as_ratio:
        return f"{v * 100:.2f} %"
    if abs(v - round(v)) < 1e-9:
        return f"{round(v):,}"
    return f"{v:,.1f}"


def pct(v: float | None, *, signed: bool = True) -> str:
    """A relative change as a percentage: ``+12.3 %``."""
    if v is None:
        return "–"
    return f"{v * 100:+.1f} %" if signed else f"{v * 100:.1f} %"


def ci(bounds: tuple[float, float] | list[float] | None) -> str:
    """A relative-lift confidence interval: ``[-3.1 %, +25.0 %]``."""
    if not bounds:
        return "–"
    return f"[{pct(bounds[0])}, {pct(bounds[1])}]"


def pvalue(p: float | None) -> str:
    if p is None:
        return "–"
    if p < 0.001:
        return "<0.001"
    return f"{p:.3f}"


def clip(text: str, width: int) -> str:
    """One clean line of at most ``width`` characters (see :func:`agilesocial.textsafe.clip`): control characters
    and escape sequences are removed BEFORE the cut, so the ``…`` can never leave one half open."""
    from agilesocial.textsafe import clip as safe_clip

    return safe_clip(text, width)


ACTION_LABELS = {"scale": "SCALE", "iterate": "ITERATE", "stop": "STOP", "keep_running": "KEEP RUNNING"}
TRACK_LABELS = {"on_track": "on track", "at_risk": "at risk", "off_track": "off track", "no_data": "no data"}
STATUS_MARKS = {"met": "met", "missed": "missed", "in_progress": "running", "pending": "pending", "no_data": "no data"}

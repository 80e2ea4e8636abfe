"""HTML rendering of a :class:`Retro`: one self-contained page (inline CSS, inline SVG, no scripts, no network).

Rendered by jinja2 with autoescaping on, so post text from exports (untrusted) is always shown as text.
"""

from __future__ import annotations

from typing import Any

from agilesocial.retro import fmt
from agilesocial.retro.model import Retro


def _inert(value: Any) -> Any:
    """Every ``{{ … }}`` string is cleaned before autoescaping (controls stripped, bidi controls shown); markup the
    renderer built itself (the inline SVG charts) passes as it is."""
    from markupsafe import Markup

    from agilesocial.textsafe import clean

    if isinstance(value, str) and not isinstance(value, Markup):
        return clean(value, keep_lines=True)
    return value


def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("agilesocial.retro", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_inert,
    )
    env.filters["pct"] = fmt.pct
    env.filters["ci"] = fmt.ci
    env.filters["pvalue"] = fmt.pvalue
    env.filters["clip"] = fmt.clip
    return env


def render_html(retro: Retro) -> str:
    """The retrospective as one self-contained HTML document."""
    from agilesocial.retro.svg import forest_plot, key_result_chart, objective_chart

    def value(v: float | None, metric: str | None) -> str:
        return fmt.value(v, ratio=retro.is_ratio(metric))

    template = _environment().get_template("retro.html.j2")
    return template.render(
        retro=retro,
        value=value,
        fmt=fmt,
        objective_charts={o.id: objective_chart(o, retro.is_ratio(o.metric)) for o in retro.objectives},
        kr_charts=[key_result_chart(k, retro.is_ratio(k.metric)) for k in retro.key_results],
        forest=forest_plot(retro),
    )

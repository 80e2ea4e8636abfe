"""The renderer registry: one class per output format, each rendering the sprint retro and the analysis report.

``retro`` and ``analyze`` only pick a renderer by name (:func:`renderer`); there is no if/elif chain on the format
in a command. A renderer returns finished text; the text renderer can also print straight to a rich console (colour
on a terminal). To add a section or a format, see docs/development.md.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any, ClassVar

from agilesocial.retro.model import Retro

if TYPE_CHECKING:
    from agilesocial.analysis.model import AnalysisReport


class Renderer:
    """One output format. ``retro`` and ``analysis`` return the whole document as text (ending in a newline)."""

    name: ClassVar[str]
    analysis_format: ClassVar[bool] = True  # offered by ``analyze --format``

    def retro(self, retro: Retro) -> str:
        raise NotImplementedError

    def analysis(self, report: AnalysisReport, *, quiet: bool = False, ratios: frozenset[str] = frozenset()) -> str:
        raise NotImplementedError

    def print_retro(self, retro: Retro, console: Any, *, experiments: bool = True) -> None:
        """Print on a rich console; formats other than text write their document unchanged."""
        console.file.write(self.retro(retro))

    def print_analysis(
        self, report: AnalysisReport, console: Any, *, quiet: bool = False, ratios: frozenset[str] = frozenset()
    ) -> None:
        console.file.write(self.analysis(report, quiet=quiet, ratios=ratios))


class TextRenderer(Renderer):
    """Plain text in files and pipes; rich colours when printed on a terminal. Fits 100 columns."""

    name = "text"

    def retro(self, retro: Retro) -> str:
        from agilesocial.retro.terminal import render_text

        return render_text(retro)

    def analysis(self, report: AnalysisReport, *, quiet: bool = False, ratios: frozenset[str] = frozenset()) -> str:
        import io

        from rich.console import Console

        buf = io.StringIO()
        con = Console(file=buf, width=100, no_color=True, color_system=None, highlight=False, emoji=False)
        self.print_analysis(report, con, quiet=quiet, ratios=ratios)
        return buf.getvalue()

    def print_retro(self, retro: Retro, console: Any, *, experiments: bool = True) -> None:
        from agilesocial.retro.terminal import render_terminal, render_text

        if console.is_terminal:
            render_terminal(retro, console, experiments=experiments)
        else:  # plain text without trailing blanks in a pipe or file
            console.file.write(render_text(retro, experiments=experiments))

    def print_analysis(
        self, report: AnalysisReport, console: Any, *, quiet: bool = False, ratios: frozenset[str] = frozenset()
    ) -> None:
        from agilesocial.retro.terminal import render_analysis_terminal

        render_analysis_terminal(report, console, quiet=quiet, ratios=ratios)


class MarkdownRenderer(Renderer):
    name = "md"

    def retro(self, retro: Retro) -> str:
        from agilesocial.retro.markdown import render_markdown

        return render_markdown(retro)

    def analysis(self, report: AnalysisReport, *, quiet: bool = False, ratios: frozenset[str] = frozenset()) -> str:
        from agilesocial.retro.markdown import render_analysis_markdown

        return render_analysis_markdown(report, ratios)


class JsonRenderer(Renderer):
    """The documented, versioned JSON contracts (``Retro.to_dict()``, ``AnalysisReport.to_dict()``)."""

    name = "json"

    def retro(self, retro: Retro) -> str:
        """Text stays exact, but C1 and bidi controls are written as ``\\uXXXX`` escapes, so a terminal or editor
        showing the JSON cannot be steered by them."""
        from agilesocial.textsafe import json_inert

        return json_inert(json.dumps(retro.to_dict(), indent=2, ensure_ascii=False)) + "\n"

    def analysis(self, report: AnalysisReport, *, quiet: bool = False, ratios: frozenset[str] = frozenset()) -> str:
        return json.dumps(_finite(report.to_dict()), indent=2, default=_json_default, allow_nan=False) + "\n"


class HtmlRenderer(Renderer):
    """One self-contained page (inline CSS and SVG, no scripts)."""

    name = "html"
    analysis_format = False

    def retro(self, retro: Retro) -> str:
        from agilesocial.retro.html import render_html

        return render_html(retro)


RENDERERS: dict[str, Renderer] = {
    r.name: r for r in (TextRenderer(), MarkdownRenderer(), JsonRenderer(), HtmlRenderer())
}
RETRO_FORMATS: tuple[str, ...] = tuple(RENDERERS)
ANALYSIS_FORMATS: tuple[str, ...] = tuple(n for n, r in RENDERERS.items() if r.analysis_format)


def renderer(fmt: str) -> Renderer:
    """The renderer of ``fmt`` (one of :data:`RENDERERS`)."""
    return RENDERERS[fmt]


def render(retro: Retro, fmt: str) -> str:
    """Render ``retro`` in ``fmt`` (one of :data:`RENDERERS`)."""
    return RENDERERS[fmt].retro(retro)


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _finite(value: Any) -> Any:
    """Non-finite floats become null so the output stays valid JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value

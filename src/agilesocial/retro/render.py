"""The renderer registry: one class per output format, each drawing the sprint retro and the analysis report.

``retro`` and ``analyze`` only pick a renderer by name (:func:`renderer`); there is no if/elif chain on the format in
a command. Text, Markdown and HTML draw the same :class:`~agilesocial.retro.blocks.Document` (built once by
:mod:`.page`); JSON is the documented model; CSV is one row per experiment x variant x metric. To add a section or a
format, see docs/development.md.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any, ClassVar

from agilesocial.retro.model import Retro

if TYPE_CHECKING:
    from agilesocial.analysis.model import AnalysisReport
    from agilesocial.retro.blocks import Document


class Renderer:
    """One output format; ``retro`` and ``analysis`` return the whole document as text ending in a newline."""

    name: ClassVar[str]

    def document(self, doc: Document) -> str:
        raise NotImplementedError(f"{self.name} draws from the model, not a document")

    def retro(self, retro: Retro, *, experiments: bool = True) -> str:
        from agilesocial.retro.page import retro_document

        return self.document(retro_document(retro, experiments=experiments))

    def analysis(self, report: AnalysisReport) -> str:
        from agilesocial.retro.page_experiments import analysis_document

        return self.document(analysis_document(report))

    def print_retro(self, retro: Retro, console: Any, *, experiments: bool = True) -> None:
        """Print on a rich console; formats other than text write their document unchanged."""
        console.file.write(self.retro(retro, experiments=experiments))

    def print_analysis(self, report: AnalysisReport, console: Any) -> None:
        console.file.write(self.analysis(report))


class TextRenderer(Renderer):
    """Plain text in files and pipes; rich colours when printed on a terminal. Fits 100 columns."""

    name = "text"

    def document(self, doc: Document) -> str:
        from agilesocial.retro.terminal import plain

        return plain(doc)

    def print_retro(self, retro: Retro, console: Any, *, experiments: bool = True) -> None:
        from agilesocial.retro.page import retro_document

        self._print(retro_document(retro, experiments=experiments), console)

    def print_analysis(self, report: AnalysisReport, console: Any) -> None:
        from agilesocial.retro.page_experiments import analysis_document

        self._print(analysis_document(report), console)

    def _print(self, doc: Document, console: Any) -> None:
        from agilesocial.retro.terminal import draw, plain

        if console.is_terminal:
            draw(doc, console)
        else:  # plain text without trailing blanks in a pipe or file
            console.file.write(plain(doc))


class MarkdownRenderer(Renderer):
    name = "md"

    def document(self, doc: Document) -> str:
        from agilesocial.retro.markdown import markdown

        return markdown(doc)


class HtmlRenderer(Renderer):
    """One self-contained page (inline CSS and SVG, no scripts)."""

    name = "html"

    def document(self, doc: Document) -> str:
        from agilesocial.retro.html import html

        return html(doc)


class JsonRenderer(Renderer):
    """The documented, versioned JSON contracts (``Retro.to_dict()``, ``AnalysisReport.to_dict()``)."""

    name = "json"

    def retro(self, retro: Retro, *, experiments: bool = True) -> str:
        """Text stays exact, but C1 and bidi controls are written as ``\\uXXXX`` escapes, so a terminal or editor
        showing the JSON cannot be steered by them."""
        from agilesocial.textsafe import json_inert

        return json_inert(json.dumps(_finite(retro.to_dict()), indent=2, ensure_ascii=False, allow_nan=False)) + "\n"

    def analysis(self, report: AnalysisReport) -> str:
        return json.dumps(_finite(report.to_dict()), indent=2, default=_json_default, allow_nan=False) + "\n"


class CsvRenderer(Renderer):
    """One row per experiment x variant x metric (``retro --csv DIR`` writes every table)."""

    name = "csv"

    def retro(self, retro: Retro, *, experiments: bool = True) -> str:
        from agilesocial.retro.csvexport import results_csv

        return results_csv((e.id, e.action, e.reason, e.results) for e in retro.experiments)

    def analysis(self, report: AnalysisReport) -> str:
        from agilesocial.retro.csvexport import results_csv

        return results_csv((e.id, e.decision.action, e.decision.reason, e.results) for e in report.experiments)


RENDERERS: dict[str, Renderer] = {
    r.name: r for r in (TextRenderer(), MarkdownRenderer(), JsonRenderer(), CsvRenderer(), HtmlRenderer())
}
FORMATS: tuple[str, ...] = tuple(RENDERERS)


def renderer(fmt: str) -> Renderer:
    """The renderer of ``fmt`` (one of :data:`FORMATS`)."""
    return RENDERERS[fmt]


def render(retro: Retro, fmt: str) -> str:
    """Render ``retro`` in ``fmt`` (one of :data:`FORMATS`)."""
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

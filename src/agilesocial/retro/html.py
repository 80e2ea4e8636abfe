"""The document as one self-contained HTML page (inline CSS, inline SVG, no scripts, no network).

Rendered by jinja2 with autoescaping on, so post text from exports (untrusted) is always shown as text; links are
written only for ``http(s)`` addresses. Tables turn into one card per row on a phone-sized screen.
"""

from __future__ import annotations

from typing import Any

from agilesocial.retro.blocks import Block, Chart, Document, Heading, Items, Para, Table

KINDS = {Heading: "heading", Para: "para", Items: "items", Table: "table", Chart: "chart"}


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

    return Environment(
        loader=PackageLoader("agilesocial.retro", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_inert,
    )


def _draw(block: Chart) -> Any:
    from agilesocial.retro.svg import CHARTS

    return CHARTS[block.kind](block.data)


def _safe_href(href: str) -> bool:
    return href.startswith(("https://", "http://"))


def html(doc: Document) -> str:
    """``doc`` as one HTML document."""
    template = _environment().get_template("page.html.j2")
    return template.render(doc=doc, kind_of=_kind, draw=_draw, safe_href=_safe_href)


def _kind(block: Block) -> str:
    return KINDS[type(block)]

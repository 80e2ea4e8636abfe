"""One renderer per output format, all reading the same :class:`Retro` (no if/elif chain in the command)."""

from __future__ import annotations

import json
from collections.abc import Callable

from agilesocial.retro.model import Retro


def render_json(retro: Retro) -> str:
    """The documented, versioned JSON shape (``Retro.to_dict()``)."""
    return json.dumps(retro.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _markdown(retro: Retro) -> str:
    from agilesocial.retro.markdown import render_markdown

    return render_markdown(retro)


def _html(retro: Retro) -> str:
    from agilesocial.retro.html import render_html

    return render_html(retro)


def _text(retro: Retro) -> str:
    from agilesocial.retro.terminal import render_text

    return render_text(retro)


RENDERERS: dict[str, Callable[[Retro], str]] = {
    "text": _text,
    "md": _markdown,
    "json": render_json,
    "html": _html,
}


def render(retro: Retro, fmt: str) -> str:
    """Render ``retro`` in ``fmt`` (one of :data:`RENDERERS`)."""
    return RENDERERS[fmt](retro)

"""The document every renderer draws: sections of headings, paragraphs, lists, tables and charts.

The pages (:mod:`.page`, :mod:`.page_experiments`) turn the retro model (or an analysis report) into one
:class:`Document` with every word, number and tone decided; the renderers (text, Markdown, HTML, CSV) only lay it
out. So a result reads the same in every format, and a new section is one function (see docs/development.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

#: How a piece of text is coloured: ``good`` (green), ``bad`` (red), ``warn`` (amber), ``info`` (blue), ``muted``.
Tone = Literal["", "good", "bad", "warn", "info", "muted", "strong"]


@dataclass(frozen=True)
class Cell:
    """One table cell: its text, a second line (``sub``), a tone, a link, and the raw value for CSV."""

    text: str
    tone: Tone = ""
    sub: str = ""
    href: str | None = None
    raw: Any = None  # the number or text a CSV file gets (None: ``text``)


@dataclass(frozen=True)
class Column:
    title: str
    num: bool = False  # right-aligned
    wide: bool = False  # long free text (clipped in the terminal)
    wrap: bool = False  # may wrap at spaces in the terminal (other columns keep their cells on one line)


@dataclass(frozen=True)
class Table:
    name: str  # a stable name (CSV file stem, HTML class)
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    title: str = ""


@dataclass(frozen=True)
class Para:
    """A paragraph: an optional bold ``lead`` ("engagement: ..."), the text, a tone for the lead."""

    text: str
    lead: str = ""
    tone: Tone = ""
    italic: bool = False
    href: str | None = None


@dataclass(frozen=True)
class Items:
    items: tuple[Para, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Heading:
    """A sub-heading (an experiment), with an optional badge (its decision)."""

    text: str
    badge: str = ""
    tone: Tone = ""


@dataclass(frozen=True)
class Chart:
    """A chart the HTML page draws (``kind`` names a function of :data:`agilesocial.retro.svg.CHARTS`); text formats
    show ``alt`` instead when it is set."""

    kind: str
    data: Any
    alt: str = ""


Block = Heading | Para | Items | Table | Chart


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    title: str
    lines: tuple[str, ...]  # the lines under the title (dates, goal, summary)
    sections: tuple[Section, ...]
    footer: tuple[str, ...] = field(default_factory=tuple)


TONE_STYLES: dict[str, str] = {
    "good": "green",
    "bad": "red",
    "warn": "yellow",
    "info": "cyan",
    "muted": "dim",
    "strong": "bold",
    "": "",
}

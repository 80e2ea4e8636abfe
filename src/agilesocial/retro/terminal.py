"""The document in the terminal with rich (colour on a terminal, plain text in files and pipes); fits 100 columns."""

from __future__ import annotations

from typing import Any

from agilesocial.retro import fmt
from agilesocial.retro.blocks import TONE_STYLES, Block, Cell, Chart, Document, Heading, Items, Para, Table

WIDTH = 100


def _esc(text: str) -> str:
    """Untrusted text for rich: escape sequences and controls stripped, bidi controls shown, markup escaped."""
    from rich.markup import escape

    from agilesocial.textsafe import clean

    return escape(clean(text))


def _styled(text: str, tone: str) -> str:
    style = TONE_STYLES.get(tone, "")
    return f"[{style}]{_esc(text)}[/]" if style and text else _esc(text)


def _para(p: Para) -> str:
    lead = f"[bold]{_styled(p.lead, p.tone)}[/]" if p.lead else ""
    body = f"[italic]{_esc(p.text)}[/]" if p.italic else _esc(p.text)
    if p.href:
        body += f" ({_esc(p.href)})"
    return f"{lead}: {body}" if lead and p.text else (lead + ":" if lead else body)


def _cell(c: Cell, wide: bool) -> str:
    text = fmt.clip(c.text, 60) if wide else c.text
    out = _styled(text, c.tone)
    return out + (f"\n[dim]{_esc(c.sub)}[/]" if c.sub else "")


def _table(t: Table) -> Any:
    from rich import box
    from rich.table import Table as RichTable

    table = RichTable(  # one padding space + the box's column separator: two spaces between columns
        title=_esc(t.title) if t.title else None,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    for col in t.columns:
        table.add_column(
            _esc(col.title),
            justify="right" if col.num else "left",
            no_wrap=not (col.wrap or col.wide),
            overflow="fold" if col.wrap or col.wide else "ellipsis",
        )
    for row in t.rows:
        table.add_row(*(_cell(c, col.wide) for c, col in zip(row, t.columns, strict=True)))
    return table


def _block(console: Any, block: Block, indent: int = 2) -> None:
    from rich.padding import Padding

    def say(markup: str, pad: int = indent) -> None:
        console.print(Padding(markup, (0, 0, 0, pad), expand=False), width=min(WIDTH, console.width))

    if isinstance(block, Heading):
        badge = f" · [bold]{_styled(block.badge, block.tone)}[/]" if block.badge else ""
        console.print()
        say(f"[bold]{_esc(block.text)}[/]{badge}", 0)
    elif isinstance(block, Para):
        say(_para(block))
    elif isinstance(block, Items):
        for i, item in enumerate(block.items, 1):
            say(f"{i}. {_para(item)}" if block.ordered else f"- {_para(item)}", indent)
    elif isinstance(block, Table):
        console.print(_table(block))
    elif isinstance(block, Chart) and block.alt:
        say(_esc(block.alt))


def draw(doc: Document, console: Any) -> None:
    """Print ``doc`` on a rich console, at most :data:`WIDTH` columns wide even on a wider terminal."""
    wide = console.width
    console.width = min(wide, WIDTH)
    try:
        console.rule(f"[bold]{_esc(doc.title)}[/]")
        for line in doc.lines:
            console.print(_esc(line))
        for section in doc.sections:
            if section.title:
                console.print()
                console.rule(_esc(section.title), style="dim")
            for block in section.blocks:
                _block(console, block)
        if doc.footer:
            console.print()
        for line in doc.footer:
            console.print(f"[dim]{_esc(line)}[/]")
    finally:
        console.width = wide


def plain(doc: Document, width: int = WIDTH) -> str:
    """``doc`` as plain text (no colour, no trailing blanks), for files and pipes."""
    import io

    from rich.console import Console

    buf = io.StringIO()
    draw(doc, Console(file=buf, width=width, no_color=True, color_system=None, highlight=False, emoji=False))
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"

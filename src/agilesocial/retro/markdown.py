"""The document as GitHub-flavoured Markdown (for wikis, pull requests and e-mail to the RACI 'informed' list)."""

from __future__ import annotations

from agilesocial.retro.blocks import Block, Cell, Chart, Document, Heading, Items, Para, Table
from agilesocial.textsafe import clean


def _text(text: str) -> str:
    """One line safe in Markdown: no controls or escape sequences, bidi controls shown, pipes and markup
    characters escaped."""
    one = clean(text)
    for ch in "\\|*_`<>[]":
        one = one.replace(ch, "\\" + ch)
    return one


def _link(text: str, href: str | None) -> str:
    if not href or not href.startswith(("https://", "http://")):
        return _text(text)
    return f"[{_text(text)}]({href.replace(' ', '%20').replace(')', '%29')})"


def _para(p: Para) -> str:
    body = _link(p.text, p.href)
    body = f"*{body}*" if p.italic and body else body
    if p.lead:
        return f"**{_text(p.lead)}**: {body}" if body else f"**{_text(p.lead)}**"
    return body


def _cell(c: Cell) -> str:
    text = _link(c.text, c.href)
    if c.tone in ("good", "bad", "strong") and text:
        text = f"**{text}**"
    return f"{text}<br>{_text(c.sub)}" if c.sub else text


def _table(t: Table) -> list[str]:
    out = [f"**{_text(t.title)}**", ""] if t.title else []
    out += ["| " + " | ".join(_text(c.title) for c in t.columns) + " |"]
    out += ["|" + "|".join("---:" if c.num else "---" for c in t.columns) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in t.rows]
    return out


def _block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return [f"### {_text(block.text)}" + (f": {_text(block.badge)}" if block.badge else "")]
    if isinstance(block, Para):
        return [_para(block)]
    if isinstance(block, Items):
        return [f"{i}. {_para(p)}" if block.ordered else f"- {_para(p)}" for i, p in enumerate(block.items, 1)]
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Chart) and block.alt:
        return [_text(block.alt)]
    return []


def markdown(doc: Document) -> str:
    """The whole document."""
    lines = [f"# {_text(doc.title)}", ""]
    for line in doc.lines:
        lines += [_text(line), ""]
    for section in doc.sections:
        if section.title:
            lines += [f"## {_text(section.title)}", ""]
        for block in section.blocks:
            part = _block(block)
            if part:
                lines += [*part, ""]
    for line in doc.footer:
        lines += [_text(line), ""]
    return "\n".join(lines).rstrip("\n") + "\n"

"""``agile-social learnings``: the learnings library — what past experiments learned and decided, newest first."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from agilesocial.cli.common import DbOption, QuietOption, choice, console, handle_errors

EPILOG = (
    "Examples:\n\n"
    "  agile-social learnings\n\n"
    "  agile-social learnings --search question --tag captions\n\n"
    "  agile-social learnings --tag format --format json"
)


def register(app: typer.Typer) -> None:
    """Add the ``learnings`` command."""
    app.command("learnings", epilog=EPILOG)(learnings)


def _unknown_tags(report: Any, tags: list[str]) -> str | None:
    """A note naming the asked tags no experiment carries, and the tags there are (likely a typo)."""
    known = {k.lower() for k in report.known_tags}
    unknown = [t for t in tags if t.lower() not in known]
    if not unknown:
        return None
    in_use = ", ".join(report.known_tags) or "none"
    return f"note: no experiment is tagged {', '.join(repr(t) for t in unknown)} (tags in use: {in_use})"


def _print(report: Any, quiet: bool, note: str | None) -> None:
    import io

    from rich.console import Console
    from rich.markup import escape
    from rich.padding import Padding

    out = console()
    buffer = None if out.is_terminal else io.StringIO()
    if buffer is not None:  # a pipe or file: plain text without trailing blanks
        out = Console(file=buffer, width=100, no_color=True, color_system=None, highlight=False, emoji=False)
    err = console(stderr=True, quiet=quiet)
    for w in report.warnings:
        err.print(f"warning: {escape(w)}")
    if not report.entries:
        typer.echo("no learnings match")
        if note:
            err.print(escape(note))
        return
    for e in report.entries:
        head = f"[bold]{escape(e.experiment)}[/]"
        meta = [x for x in (e.sprint, e.date.isoformat() if e.date else None, e.status) if x]
        if e.decision:
            from agilesocial.retro.fmt import ACTION_LABELS

            meta.append(f"decision: {ACTION_LABELS.get(e.decision, e.decision.upper())}")
        out.print(f"{head} ({escape(' · '.join(meta))})" + (f"  tags: {escape(', '.join(e.tags))}" if e.tags else ""))
        if quiet:
            continue
        lines = []
        if e.hypothesis:
            lines.append(f"[italic]{escape(e.hypothesis)}[/]")
        if e.reason:
            lines.append(f"decided: {escape(e.reason)}")
        lines += [f"learned: {escape(x)}" for x in e.learnings]
        lines += [f"why {i}: {escape(x)}" for i, x in enumerate(e.five_whys, 1)]
        for line in lines:
            out.print(Padding(line, (0, 0, 0, 2), expand=False), width=min(100, out.width))
        out.print()
    if buffer is not None:
        typer.echo("\n".join(line.rstrip() for line in buffer.getvalue().splitlines()))


@handle_errors
def learnings(
    search: Annotated[
        str | None,
        typer.Option(
            "--search", "-s", help="Only entries whose text contains this (case-insensitive).", show_default=False
        ),
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="Only entries with this tag (repeat: all of them).")
    ] = None,
    output: Annotated[
        str,
        typer.Option(
            "--format", "-f", callback=choice("text", "json"), help="Output format: text, json.", metavar="FORMAT"
        ),
    ] = "text",
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """What past experiments learned and decided (learnings, five whys, stored decisions), newest first: check here
    before repeating a stopped idea."""
    from agilesocial.config import load_project
    from agilesocial.review.learnings import collect_learnings

    report = collect_learnings(load_project(required=True), search=search, tags=tag or (), db=db)
    if output == "json":
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return
    _print(report, quiet, _unknown_tags(report, tag or []))

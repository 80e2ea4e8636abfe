"""``agile-social metrics``: the metric catalogue -- name, formula, unit, direction, platforms that export it."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from agilesocial.cli.common import QuietOption, choice, console, handle_errors

EPILOG = """\b
Examples:
  agile-social metrics
  agile-social metrics --platform x
  agile-social metrics --format json

\b
Exit codes: 0 ok, 2 bad option or unreadable agile-social.yaml."""


def register(app: typer.Typer) -> None:
    """Add the ``metrics`` command."""
    app.command("metrics", epilog=EPILOG)(metrics)


def _platforms(have: tuple[str, ...], every: tuple[str, ...]) -> str:
    """'all', 'all but tiktok', or the list."""
    lacking = [p for p in every if p not in have]
    if not lacking:
        return "all"
    if not have:
        return "none (custom platforms only)"
    if len(lacking) <= 2:
        return f"all but {', '.join(lacking)}"
    return ", ".join(have)


@handle_errors
def metrics(
    platform: Annotated[
        str | None,
        typer.Option("--platform", "-p", help="Only the metrics this platform's exports can measure.", metavar="NAME"),
    ] = None,
    output: Annotated[
        str, typer.Option("--format", "-f", callback=choice("text", "json"), help="Output format: text, json.")
    ] = "text",
    quiet: QuietOption = False,
) -> None:
    """List the metric catalogue (built-in and the project's own) and which platforms' exports carry each one."""
    from agilesocial.config import load_project
    from agilesocial.plan.metrics import PLATFORM_FIELDS, catalog_entries

    project = load_project()
    entries = catalog_entries(project.config.metric_catalog(), platform)
    if output == "json":
        payload = {"schema_version": 1, "platform": platform, "metrics": [e.to_dict() for e in entries]}
        typer.echo(json.dumps(payload, indent=2))
        return
    from rich.markup import escape
    from rich.table import Table

    out = console()
    if platform is not None and platform not in PLATFORM_FIELDS and not quiet:
        out.print(f"{escape(platform)} is not a built-in platform: which fields its exports carry is not known")
    table = Table(show_edge=False, pad_edge=False)
    for name in ("metric", "formula", "unit", "better", "exported by"):
        table.add_column(name, no_wrap=name in ("metric", "formula"))
    for e in entries:
        name = f"{e.name} *" if e.custom else e.name
        where = _platforms(e.platforms, tuple(PLATFORM_FIELDS))
        table.add_row(escape(name), escape(e.formula), escape(e.unit), e.direction, where)
    out.print(table)
    if any(e.custom for e in entries) and not quiet:
        out.print("* defined under 'metrics:' in agile-social.yaml")

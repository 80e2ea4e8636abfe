"""``agile-social status``: what the warehouse holds."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from agilesocial.cli.common import DbOption, QuietOption, console, handle_errors

EPILOG = """\b
Examples:
  agile-social status
  agile-social status --db .agile-social/warehouse.duckdb --format json

\b
Exit codes: 0 ok, 2 no warehouse yet or it cannot be read."""
FORMATS = ("text", "json")


def _check_format(value: str) -> str:
    if value not in FORMATS:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(FORMATS)}")
    return value


def register(app: typer.Typer) -> None:
    """Add the ``status`` command."""
    app.command("status", epilog=EPILOG)(status)


@handle_errors
def status(
    db: DbOption = None,
    output: Annotated[
        str, typer.Option("--format", "-f", callback=_check_format, help="Output format: text, json.", metavar="FORMAT")
    ] = "text",
    quiet: QuietOption = False,
) -> None:
    """Per platform and account: posts, metric rows, the days the exports covered (with gaps), derived attribute
    counts and the last ingest."""
    from agilesocial.config import load_project
    from agilesocial.warehouse.status import warehouse_status

    path = load_project().warehouse_path(db)
    report = warehouse_status(path)
    if output == "json":
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    from rich.markup import escape  # account names and paths come from the data: never markup
    from rich.table import Table

    out = console()
    if not quiet:
        shown = escape(str(report.db))
        out.print(f"warehouse {shown} (schema v{report.schema_version}), {report.files_ingested} files ingested")
    if not report.accounts:
        out.print("no data yet: run 'agile-social ingest <exports>'")
        return
    table = Table(show_edge=False, pad_edge=False)
    for name in ("platform", "account", "posts", "metrics", "days", "last ingest"):
        numeric = name in ("posts", "metrics", "days")
        table.add_column(name, justify="right" if numeric else "left", no_wrap=name != "account")
    for a in report.accounts:
        table.add_row(
            escape(a.platform),
            escape(a.account or "-"),
            str(a.posts),
            str(a.metric_rows),
            str(a.account_days),
            (a.last_ingest or "-").replace("T", " ")[:16],
        )
    out.print(table)
    if not quiet:
        out.print("metrics = post_metrics rows; days = account_daily rows (account-level exports)")
    out.print("covered (the days the exports covered, gaps between them left out):")
    for a in report.accounts:
        out.print(f"  {escape(a.platform)}/{escape(a.account or '-')}: {_covered(a)}", soft_wrap=True)
    if not quiet:
        _attributes(out, report)


def _covered(a: Any) -> str:
    from agilesocial.warehouse.status import short_range

    parts = [", ".join(short_range(f, t) for f, t in a.coverage)] if a.coverage else []
    if not a.coverage and a.first_post:  # posts loaded without an ingest that recorded its period
        parts.append(f"no export period recorded; posts published {a.first_post[:10]}..{a.last_post[:10]} (UTC)")
    if a.daily_coverage:
        parts.append("daily " + ", ".join(short_range(f, t) for f, t in a.daily_coverage))
    return "; ".join(parts) or "-"


def _attributes(out: Any, report: Any) -> None:
    """Posts with each derived attribute, per account ('-' where the export cannot tell any of them)."""
    from rich.markup import escape
    from rich.table import Table

    from agilesocial.warehouse.status import FLAGS

    shown = [a for a in report.accounts if a.attributes]
    if not shown:
        return
    table = Table(show_edge=False, pad_edge=False, title="posts with each derived attribute", title_justify="left")
    table.add_column("platform", no_wrap=True)
    table.add_column("account", max_width=18)
    for flag in FLAGS:  # is_reply -> reply: the selector names, shortened to fit a terminal
        table.add_column(flag.split("_", 1)[1], justify="right", no_wrap=True)
    table.add_column("formats", min_width=16)
    for a in shown:
        cells = []
        for flag in FLAGS:
            c = a.attributes[flag]
            cells.append("-" if c["unknown"] == a.posts else str(c["true"]))
        formats = ", ".join(f"{name} {n}" for name, n in a.formats.items())
        table.add_row(escape(a.platform), escape(a.account or "-"), *cells, escape(formats))
    out.print(table)
    out.print(
        "reply = is_reply, repost = is_repost, link = has_link, media = has_media, hashtag = has_hashtag,"
        " short = is_short; - = the export cannot tell; selectors: docs/selectors.md",
        soft_wrap=True,
    )

"""``agile-social status``: what the warehouse holds."""

from __future__ import annotations

import json
from typing import Annotated

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
    """Per platform and account: posts, metric rows, date ranges and the last ingest."""
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
    for name in ("platform", "account", "posts", "metrics", "published", "days", "last ingest"):
        numeric = name in ("posts", "metrics", "days")
        table.add_column(name, justify="right" if numeric else "left", no_wrap=name != "account")
    for a in report.accounts:
        published = f"{(a.first_post or '')[:10]}..{(a.last_post or '')[:10]}" if a.first_post else "-"
        table.add_row(
            escape(a.platform),
            escape(a.account or "-"),
            str(a.posts),
            str(a.metric_rows),
            published,
            str(a.account_days),
            (a.last_ingest or "-").replace("T", " ")[:16],
        )
    out.print(table)
    if not quiet:
        out.print("metrics = post_metrics rows; days = account_daily rows (account-level exports)")

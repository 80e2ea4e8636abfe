"""``agile-social accounts``: list the warehouse's accounts; ``accounts rename OLD NEW`` renames or merges one."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from agilesocial.cli.common import DbOption, QuietOption, choice, console, handle_errors

EPILOG = """\b
Examples:
  agile-social accounts
  agile-social accounts rename - northwindcoffee --platform youtube
  agile-social accounts rename "Northwind" "Northwind Coffee"

\b
Exit codes: 0 ok, 2 no warehouse, unknown account or a bad name."""
RENAME_EPILOG = """\b
Example:
  agile-social accounts rename - northwindcoffee --platform youtube

\b
'-' is the posts that name no account. When NEW already exists the two accounts merge. All tables change in one
transaction; experiment files that still name OLD are listed (edit them to NEW).
Exit codes: 0 ok, 2 unknown account or a bad name."""

accounts_app = typer.Typer(help="List the accounts in the warehouse; rename or merge one.", no_args_is_help=False)


def register(app: typer.Typer) -> None:
    """Add the ``accounts`` command group."""
    app.add_typer(accounts_app, name="accounts", epilog=EPILOG)


@accounts_app.callback(invoke_without_command=True, epilog=EPILOG)
@handle_errors
def accounts(
    ctx: typer.Context,
    db: DbOption = None,
    output: Annotated[
        str, typer.Option("--format", "-f", callback=choice("text", "json"), help="Output format: text, json.")
    ] = "text",
    quiet: QuietOption = False,
) -> None:
    """List every platform/account: posts, account-level days and the dates they cover."""
    if ctx.invoked_subcommand is not None:
        return
    from agilesocial.config import load_project
    from agilesocial.warehouse.accounts import NO_ACCOUNT, list_accounts

    rows = list_accounts(load_project().warehouse_path(db))
    if output == "json":
        typer.echo(json.dumps({"schema_version": 1, "accounts": [r.to_dict() for r in rows]}, indent=2))
        return
    from rich.markup import escape
    from rich.table import Table

    out = console()
    if not rows:
        out.print("no accounts yet: run 'agile-social ingest <exports>'")
        return
    table = Table(show_edge=False, pad_edge=False)
    for name in ("platform", "account", "posts", "days", "from", "to"):
        table.add_column(name, justify="right" if name in ("posts", "days") else "left")
    for r in rows:
        table.add_row(
            r.platform, escape(r.account or NO_ACCOUNT), str(r.posts), str(r.days), r.first or "-", r.last or "-"
        )
    out.print(table)
    if not quiet and any(r.account is None for r in rows):
        out.print(f"'{NO_ACCOUNT}' = posts that name no account: agile-social accounts rename {NO_ACCOUNT} NAME")


@accounts_app.command("rename", epilog=RENAME_EPILOG)
@handle_errors
def rename(
    old: Annotated[str, typer.Argument(help="The account's current name ('-' for posts that name none).")],
    new: Annotated[str, typer.Argument(help="Its new name (merged into it when it exists).")],
    platform: Annotated[
        str | None, typer.Option("--platform", "-p", help="Only this platform's account.", metavar="NAME")
    ] = None,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Rename (or merge) an account in every table, in one transaction; list the experiments that name it."""
    from rich.markup import escape

    from agilesocial.config import load_project
    from agilesocial.warehouse.accounts import rename_account

    project = load_project()
    result = rename_account(project.warehouse_path(db), old, new, platform=platform)
    out = console()
    verb = "merged into" if result.merged else "renamed to"
    out.print(
        f"{escape(old)} {verb} {escape(new)} on {', '.join(result.platforms)}: {result.rows['posts']} posts, "
        f"{result.rows['account_daily']} account-level days"
    )
    for path, exp_id in _experiments_naming(project, old, result.platforms):
        out.print(f"{escape(path)}: experiment {exp_id!r} names account {old!r}: change it to {new!r}")


def _experiments_naming(project: object, account: str, platforms: tuple[str, ...]) -> list[tuple[str, str]]:
    """Experiment files whose ``account:`` is ``account`` (on one of ``platforms`` or on any platform)."""
    from agilesocial.errors import AgileSocialError
    from agilesocial.plan.workspace import load_workspace

    try:
        ws = load_workspace(project)  # type: ignore[arg-type]
    except AgileSocialError:  # no project or unreadable plans: nothing to re-check (a bug still fails loudly)
        return []
    wanted = account.strip().lower()
    out = []
    for doc in ws.experiments:
        exp = doc.model
        if exp.account and exp.account.strip().lower() == wanted and (not exp.platform or exp.platform in platforms):
            out.append((str(doc.path), exp.id))
    return out

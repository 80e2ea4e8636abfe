"""The ``agile-social`` command line: a thin Typer app; each command module registers its commands."""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

from agilesocial import __version__

app = typer.Typer(
    name="agile-social",
    help=(
        "Agile social media marketing as code: strategy plans and experiments in YAML, validated in CI, "
        "platform exports in a DuckDB warehouse, and sprint retrospectives judged by honest statistics."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

#: Command modules, in the order their commands appear in --help. Each defines ``register(app)``.
COMMAND_MODULES = (
    "init",
    "validate",
    "schema",
    "ingest",
    "status",
    "export",
    "analyze",
    "power",
    "calibrate",
    "metrics",
    "accounts",
    "retro",
    "learnings",
    "demo",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"agile-social {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Agile social media marketing as code."""


for _name in COMMAND_MODULES:  # a module that fails to import is a bug: let it fail loudly, never skip it
    importlib.import_module(f"agilesocial.cli.{_name}").register(app)


def main() -> None:
    """Console-script entry point."""
    app()

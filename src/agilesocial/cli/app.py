"""The ``agile-social`` command line: a thin Typer app; each command module registers its commands."""

from __future__ import annotations

import importlib
from typing import IO, Annotated, Any

import typer
from typer._click.exceptions import NoArgsIsHelpError, UsageError  # Typer's own copy of click
from typer.core import TyperGroup

from agilesocial import __version__


class OneLineUsageError(UsageError):
    """A usage error as one line on stderr, like every other error: ``error: agile-social analyze: no such option:
    --bogus (see 'agile-social analyze -h')`` — not click's four lines of usage, hint and message."""

    def __init__(self, error: UsageError) -> None:
        super().__init__(error.format_message(), ctx=error.ctx)
        self.exit_code = error.exit_code

    def show(self, file: IO[Any] | None = None) -> None:
        message = self.format_message().strip().rstrip(".")
        message = message[:1].lower() + message[1:]
        where = self.ctx.command_path if self.ctx else "agile-social"
        typer.echo(f"error: {where}: {' '.join(message.split())} (see '{where} -h')", file=file, err=True)


class _Group(TyperGroup):
    """The root command: usage errors anywhere below it become one line (help for a bare group stays help)."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except NoArgsIsHelpError:
            raise
        except UsageError as exc:
            raise OneLineUsageError(exc) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (NoArgsIsHelpError, OneLineUsageError):
            raise
        except UsageError as exc:
            raise OneLineUsageError(exc) from None


app = typer.Typer(
    name="agile-social",
    cls=_Group,
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

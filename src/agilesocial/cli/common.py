"""Shared CLI plumbing: option bundles, consoles, and turning tool errors into one-line messages + exit codes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from agilesocial.errors import EXIT_USAGE, AgileSocialError, DataError

F = TypeVar("F", bound=Callable[..., Any])

# Option bundles, defined once and reused by every command.
DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Warehouse file (default: $AGILE_SOCIAL_DB, then agile-social.yaml's 'warehouse').",
        show_default=False,
    ),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors and the essential result.")]


def _engine(value: str | None) -> str | None:
    if value is not None and value not in ("duckdb", "spark"):
        raise typer.BadParameter(f"{value!r} is not one of duckdb, spark")
    return value


EngineOption = Annotated[
    str | None,
    typer.Option(
        "--engine",
        callback=_engine,
        help="Where the analysis SQL runs: duckdb, or spark over a Parquet lake (default: agile-social.yaml's "
        "'engine', else duckdb).",
        show_default=False,
    ),
]


def choice(*choices: str) -> Callable[[str], str]:
    """An option callback accepting only ``choices``, with the same one-line message on every command."""

    def check(value: str) -> str:
        if value not in choices:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(choices)}")
        return value

    return check


def console(stderr: bool = False, quiet: bool = False) -> Any:
    """A rich console that honours NO_COLOR and drops colour and spinners when not on a terminal."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    no_color = bool(os.environ.get("NO_COLOR")) or not stream.isatty()
    return Console(
        file=stream,
        no_color=no_color,
        color_system=None if no_color else "auto",
        highlight=False,
        soft_wrap=False,
        quiet=quiet,
        width=None if stream.isatty() else 100,
        emoji=False,
    )


def fail(error: AgileSocialError | str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print ``error: ...`` on stderr and return the Exit to raise."""
    message = str(error)
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(error.exit_code if isinstance(error, AgileSocialError) else code)


def handle_errors(func: F) -> F:
    """Decorator: an AgileSocialError becomes a one-line message and its exit code, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AgileSocialError as exc:
            raise fail(exc) from None
        except OSError as exc:  # a file system error no library call turned into a located error: still one line
            where = getattr(exc, "filename", None)
            raise fail(DataError(exc.strerror or str(exc), path=where)) from None
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]

"""The tool's own error type and exit codes.

Every error a user can cause is an :class:`AgileSocialError`: it carries the file, line and column it is about and a
hint on how to fix it, and renders as one line. The CLI turns it into a message and a non-zero exit, never a
traceback.
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class AgileSocialError(Exception):
    """A user-facing error: one line, with a location and a fix."""

    exit_code: int = EXIT_USAGE

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        exit_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code

    @property
    def location(self) -> str:
        """``file:line:col`` (as much of it as is known), or an empty string."""
        if self.path is None:
            return ""
        loc = self.path
        if self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        return loc

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f" ({self.hint})"
        return " ".join(text.split("\n"))


class YamlError(AgileSocialError):
    """A YAML file that cannot be read or parsed (exit 1: it is a finding about the file)."""

    exit_code = EXIT_FINDINGS


class ConfigError(AgileSocialError):
    """A missing or broken project configuration (exit 2)."""

    exit_code = EXIT_USAGE


class DataError(AgileSocialError):
    """Input data (an export, the warehouse) that cannot be used (exit 2)."""

    exit_code = EXIT_USAGE


#: DuckDB errors that only a query of ours can cause — a column or table we name that is not there, SQL that does not
#: parse — whatever the input: bugs to fail loudly on, never to report as a problem of the user's file or warehouse.
OUR_SQL_BUGS = frozenset({"BinderException", "CatalogException", "ParserException"})


def is_input_error(exc: BaseException) -> bool:
    """Whether ``exc`` is a DuckDB error bad input can cause (a value that does not convert, a malformed CSV, an
    unreadable file), as opposed to a bug in our SQL (:data:`OUR_SQL_BUGS`) or in our Python."""
    kind = type(exc)
    return kind.__module__.startswith(("duckdb", "_duckdb")) and kind.__name__ not in OUR_SQL_BUGS

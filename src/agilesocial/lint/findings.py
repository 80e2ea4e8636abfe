"""Findings (data, not exceptions) and the validation report every reporter renders from ``to_dict()``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from agilesocial import __version__
from agilesocial.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE

Severity = Literal["error", "warning"]

#: The rule code of I/O problems (unreadable files and folders, broken links): they make the exit code 2.
IO_ERROR = "AS002"

#: Version of the JSON report layout (``validate --format json``); bump on incompatible changes.
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Finding:
    """One problem in one file: a stable rule code, where it is, what is wrong and how to fix it."""

    code: str
    severity: Severity
    path: str
    line: int | None
    column: int | None
    message: str
    hint: str | None = None
    #: the path relative to the repository root (git top level, else the project root), for CI annotations and SARIF
    repo_path: str | None = None

    @property
    def location(self) -> str:
        """``path:line:col`` (as much as is known)."""
        loc = self.path
        if self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        return loc

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line or 0, self.column or 0, self.code)


@dataclass
class ValidationReport:
    """The outcome of ``run_validation``: sorted findings and the files that were checked."""

    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    #: the folder ``repo_path`` is relative to (POSIX, absolute)
    root: str | None = None

    def __post_init__(self) -> None:
        self.findings.sort(key=Finding.sort_key)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def io_errors(self) -> list[Finding]:
        """AS002: files or folders that could not be read."""
        return [f for f in self.findings if f.code == IO_ERROR]

    def exit_code(self, strict: bool = False, exit_zero: bool = False) -> int:
        """2 when a file or folder could not be read; else 1 when there are errors (or, with ``strict``, warnings),
        unless ``exit_zero``; else 0. ``exit_zero`` never hides an I/O error: part of the project went unchecked."""
        if self.io_errors:
            return EXIT_USAGE
        failing = self.findings if strict else self.errors
        return EXIT_FINDINGS if failing and not exit_zero else EXIT_OK

    def to_dict(self, *, quiet: bool = False) -> dict[str, Any]:
        """The one structure every reporter renders (and the ``--format json`` output).

        ``quiet`` drops the warnings from ``findings`` (the summary still counts them), for every format alike.
        """
        from agilesocial.lint.registry import RULES
        from agilesocial.lint.rulesdoc import help_uri

        files_with_findings = sorted({f.path for f in self.findings})
        shown = self.errors if quiet else self.findings
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "agile-social", "version": __version__},
            "root": self.root,
            "summary": {
                "files_checked": len(self.files),
                "files_with_findings": len(files_with_findings),
                "errors": len(self.errors),
                "warnings": len(self.warnings),
            },
            "files": list(self.files),
            "findings": [asdict(f) for f in shown],
            "rules": [{**asdict(rule), "help_uri": help_uri(rule)} for rule in RULES.values()],
        }

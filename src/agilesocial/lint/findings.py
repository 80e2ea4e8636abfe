"""Findings (data, not exceptions) and the validation report every reporter renders from ``to_dict()``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from agilesocial import __version__
from agilesocial.errors import EXIT_FINDINGS, EXIT_OK

Severity = Literal["error", "warning"]

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

    def __post_init__(self) -> None:
        self.findings.sort(key=Finding.sort_key)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def exit_code(self, strict: bool = False) -> int:
        """0 when clean; 1 when there are errors (or, with ``strict``, warnings)."""
        failing = self.findings if strict else self.errors
        return EXIT_FINDINGS if failing else EXIT_OK

    def to_dict(self) -> dict[str, Any]:
        """The one structure every reporter renders (and the ``--format json`` output)."""
        from agilesocial.lint.registry import RULES

        files_with_findings = sorted({f.path for f in self.findings})
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "agile-social", "version": __version__},
            "summary": {
                "files_checked": len(self.files),
                "files_with_findings": len(files_with_findings),
                "errors": len(self.errors),
                "warnings": len(self.warnings),
            },
            "files": list(self.files),
            "findings": [asdict(f) for f in self.findings],
            "rules": [asdict(rule) for rule in RULES.values()],
        }

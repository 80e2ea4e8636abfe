"""A lint rule: a stable code, a default severity and its documentation (see ``registry``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agilesocial.lint.findings import Severity

Scope = Literal["file", "project"]

CATALOG = "Metrics come from the built-in catalog plus the custom metrics under 'metrics:' in agile-social.yaml."
CATALOG_FIX = "Use a catalog metric (the message suggests the closest name) or define the metric in agile-social.yaml."


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    #: why the rule exists (SARIF ``fullDescription``)
    description: str = ""
    #: how to fix a finding (SARIF ``help``)
    fix: str = ""
    scope: Scope = "file"

    @property
    def anchor(self) -> str:
        """The rule's anchor in ``docs/rules.md`` (its heading is the code)."""
        return self.code.lower()

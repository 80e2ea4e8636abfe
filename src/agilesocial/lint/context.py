"""What every lint check gets: the loaded workspace, the metric catalog, ``today`` and a way to report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from agilesocial.lint.findings import Finding
from agilesocial.lint.registry import RULES
from agilesocial.plan.loader import Document
from agilesocial.plan.metrics import Metric, closest_metric
from agilesocial.plan.workspace import Workspace


@dataclass
class LintContext:
    workspace: Workspace
    today: date
    catalog: dict[str, Metric]
    focus_limit: int
    display: Callable[[Path | str], str]
    findings: list[Finding] = field(default_factory=list)

    def report(self, code: str, doc: Document[Any], loc: tuple[str | int, ...], message: str, hint: str) -> None:
        """Record a finding of rule ``code`` at the YAML node ``loc`` of ``doc`` (or its nearest existing parent)."""
        line, column = doc.locate(*loc)
        rule = RULES[code]
        self.findings.append(Finding(code, rule.severity, self.display(doc.path), line, column, message, hint))

    def metric_hint(self, name: str) -> str:
        """'did you mean' for an unknown metric name, or where metrics come from."""
        close = closest_metric(name, self.catalog)
        if close:
            return f"did you mean {close!r}?"
        return "use a catalog metric (e.g. engagement_rate) or define it under 'metrics:' in agile-social.yaml"

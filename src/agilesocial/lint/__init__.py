"""Strategy lint: rules with stable codes (``registry``), checks, ``run_validation`` and the output reporters."""

from agilesocial.lint.findings import Finding, ValidationReport
from agilesocial.lint.registry import RULES, Rule
from agilesocial.lint.reporters import REPORTERS
from agilesocial.lint.runner import run_validation

__all__ = ["REPORTERS", "RULES", "Finding", "Rule", "ValidationReport", "run_validation"]

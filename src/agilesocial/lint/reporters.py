"""Reporters: one class per output format, all rendering the same ``ValidationReport.to_dict()``.

``REPORTERS[name]().render(data, console, quiet=...)`` — the ``validate`` command looks the format up here; there is
no if/elif chain on formats anywhere. ``console`` is a rich Console (``cli.common.console``): machine formats write
plain text to ``console.file``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


class Reporter:
    name: ClassVar[str] = ""
    help: ClassVar[str] = ""

    def render(self, data: dict[str, Any], console: Any, *, quiet: bool = False) -> None:
        raise NotImplementedError


def _context(path: str, line: int, column: int | None, around: int = 2) -> list[str]:
    """Numbered source lines around ``line`` with a caret under ``column`` (for syntax errors)."""
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    out = []
    for n in range(max(1, line - around), min(len(lines), line + around) + 1):
        out.append(f"  {n:>4} | {lines[n - 1]}")
        if n == line and column:
            out.append(f"       | {' ' * (column - 1)}^")
    return out


class TextReporter(Reporter):
    name = "text"
    help = "human-readable, grouped per file, with a summary line"

    def render(self, data: dict[str, Any], console: Any, *, quiet: bool = False) -> None:
        from rich.text import Text

        # NO_COLOR means no ANSI at all: rich's no_color keeps bold/dim, so drop the styles too
        plain = bool(getattr(console, "no_color", False))

        def styled(text: str, style: str) -> tuple[str, str]:
            return (text, "" if plain else style)

        findings = [f for f in data["findings"] if not quiet or f["severity"] == "error"]
        current = None
        for f in findings:
            if current is not None and f["path"] != current:
                console.print()
            current = f["path"]
            loc = f["path"] + "".join(f":{f[k]}" for k in ("line", "column") if f[k] is not None)
            severity = "bold red" if f["severity"] == "error" else "yellow"
            line = Text.assemble(
                styled(loc, "bold"), ": ", styled(f"{f['severity']} {f['code']}", severity), f" {f['message']}"
            )
            if f["hint"]:
                line.append_text(Text.assemble(styled(f" ({f['hint']})", "dim")))
            console.print(line, soft_wrap=True)
            if f["code"] == "AS001" and f["line"] and f["message"].startswith("YAML syntax error"):
                for ctx_line in _context(f["path"], f["line"], f["column"]):
                    console.print(Text.assemble(styled(ctx_line, "dim")), soft_wrap=True)
        s = data["summary"]
        if quiet and not s["errors"]:
            return
        if findings:
            console.print()
        files = f"{s['files_checked']} file{'s' if s['files_checked'] != 1 else ''}"
        if not s["errors"] and not s["warnings"]:
            console.print(Text.assemble(styled("ok", "bold green"), f": {files} checked, no problems found"))
            return
        counts = f"{_plural(s['errors'], 'error')}, {_plural(s['warnings'], 'warning')}"
        style = "bold red" if s["errors"] else "bold yellow"
        console.print(Text.assemble(styled(counts, style), f" in {s['files_with_findings']} of {files} checked"))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


class JsonReporter(Reporter):
    name = "json"
    help = "the full report as JSON (with schema_version)"

    def render(self, data: dict[str, Any], console: Any, *, quiet: bool = False) -> None:
        console.file.write(json.dumps(data, indent=2) + "\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    name = "github"
    help = "GitHub Actions annotations, then the text report"

    def render(self, data: dict[str, Any], console: Any, *, quiet: bool = False) -> None:
        for f in data["findings"]:
            props = [f"file={_escape_property(f.get('repo_path') or f['path'])}"]
            props += [f"{key}={f[field]}" for key, field in (("line", "line"), ("col", "column")) if f[field]]
            props.append(f"title={_escape_property(f['code'])}")
            message = f["message"] + (f" ({f['hint']})" if f["hint"] else "")
            console.file.write(f"::{f['severity']} {','.join(props)}::{_escape_data(message)}\n")
        console.file.flush()
        TextReporter().render(data, console, quiet=quiet)


class SarifReporter(Reporter):
    name = "sarif"
    help = "SARIF 2.1.0 for GitHub code scanning"

    def render(self, data: dict[str, Any], console: Any, *, quiet: bool = False) -> None:
        console.file.write(json.dumps(sarif_log(data), indent=2) + "\n")


#: The ``uriBaseId`` of every result's location: the repository root (``originalUriBaseIds`` says where it was).
SRCROOT = "%SRCROOT%"


def sarif_log(data: dict[str, Any]) -> dict[str, Any]:
    """SARIF 2.1.0 of a ``ValidationReport.to_dict()``: URIs relative to the repository root, percent-encoded."""
    rules = data["rules"]
    index = {rule["code"]: i for i, rule in enumerate(rules)}
    results = []
    for f in data["findings"]:
        location: dict[str, Any] = {"artifactLocation": _artifact(f.get("repo_path") or f["path"])}
        if f["line"]:
            location["region"] = {"startLine": f["line"], "startColumn": f["column"] or 1}
        text = f["message"] + (f" ({f['hint']})" if f["hint"] else "")
        results.append(
            {
                "ruleId": f["code"],
                "ruleIndex": index[f["code"]],
                "level": f["severity"],
                "message": {"text": text},
                "locations": [{"physicalLocation": location}],
            }
        )
    driver = {
        "name": data["tool"]["name"],
        "version": data["tool"]["version"],
        "informationUri": _information_uri(rules),
        "rules": [_descriptor(r) for r in rules],
    }
    if not driver["informationUri"]:
        del driver["informationUri"]
    run: dict[str, Any] = {"tool": {"driver": driver}}
    if data.get("root"):
        run["originalUriBaseIds"] = {SRCROOT: {"uri": Path(data["root"]).as_uri().rstrip("/") + "/"}}
    run["results"] = results
    return {"version": "2.1.0", "$schema": SARIF_SCHEMA, "runs": [run]}


def _artifact(path: str) -> dict[str, str]:
    """A relative path becomes a percent-encoded URI under %SRCROOT%; an absolute one a ``file:`` URI."""
    from agilesocial.lint.rulesdoc import uri_path

    p = Path(path)
    if p.is_absolute():
        return {"uri": p.as_uri()}
    return {"uri": uri_path(p.as_posix()), "uriBaseId": SRCROOT}


def _descriptor(rule: dict[str, Any]) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule["code"],
        "name": rule["name"],
        "shortDescription": {"text": rule["summary"]},
        "fullDescription": {"text": rule["description"] or rule["summary"]},
        "help": {
            "text": rule["fix"] or rule["summary"],
            "markdown": f"**{rule['code']} {rule['name']}** ({rule['severity']}): {rule['summary']}\n\n"
            f"{rule['description']}\n\n**Fix:** {rule['fix']}",
        },
        "defaultConfiguration": {"level": rule["severity"]},
        "properties": {"scope": rule["scope"]},
    }
    if rule.get("help_uri"):
        descriptor["helpUri"] = rule["help_uri"]
    return descriptor


def _information_uri(rules: list[dict[str, Any]]) -> str | None:
    """The rules page (without an anchor), when the rules have a documentation URI."""
    uri = next((r["help_uri"] for r in rules if r.get("help_uri")), None)
    return uri.split("#", 1)[0] if uri else None


#: Output formats by name, in the order --help lists them.
REPORTERS: dict[str, type[Reporter]] = {r.name: r for r in (TextReporter, JsonReporter, GithubReporter, SarifReporter)}

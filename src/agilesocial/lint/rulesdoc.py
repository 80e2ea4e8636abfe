"""Documentation of the lint rules: ``docs/rules.md`` generated from the registry, and each rule's ``helpUri``.

Regenerate the page after changing a rule::

    python -m agilesocial.lint.rulesdoc > docs/rules.md

``help_uri`` points at the rule's anchor in the ``docs/rules.md`` of the very copy of agile-social that runs: the
``AGILE_SOCIAL_DOCS_URL`` environment variable when set (the URL of a ``docs`` folder), else where pip installed it
from (a git URL on GitHub or GitLab gives the file at the installed commit; a local clone gives a ``file:`` URI), else
the source checkout it runs from.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from urllib.parse import quote, urlsplit

from agilesocial.lint.registry import RULES, Rule

DOCS_ENV = "AGILE_SOCIAL_DOCS_URL"
RULES_PAGE = "rules.md"


def help_uri(rule: Rule) -> str | None:
    """The absolute URI of the rule's section in ``docs/rules.md``, or None when no copy of the docs is known."""
    base = docs_base()
    return f"{base}/{RULES_PAGE}#{rule.anchor}" if base else None


def docs_base() -> str | None:
    """The URL of the ``docs`` folder that documents this copy (see the module docstring)."""
    env = os.environ.get(DOCS_ENV, "").strip().rstrip("/")
    return env or _installed_base()


@functools.lru_cache(maxsize=1)
def _installed_base() -> str | None:
    return _from_direct_url(_direct_url()) or _local_docs(Path(__file__).resolve().parents[3])


def _direct_url() -> dict[str, object] | None:
    """PEP 610 ``direct_url.json`` of the installed distribution (present for installs from a URL or a folder)."""
    from importlib import metadata

    try:
        text = metadata.distribution("agile-social").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    try:
        data = json.loads(text) if text else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _from_direct_url(data: dict[str, object] | None) -> str | None:
    if not data or not isinstance(data.get("url"), str):
        return None
    url = str(data["url"])
    parts = urlsplit(url)
    if parts.scheme == "file":
        from urllib.request import url2pathname

        return _local_docs(Path(url2pathname(parts.path)))
    vcs = data.get("vcs_info")
    commit = vcs.get("commit_id") if isinstance(vcs, dict) else None
    if parts.scheme not in ("http", "https") or not isinstance(commit, str):
        return None
    web = f"https://{parts.hostname}{parts.path.removesuffix('/').removesuffix('.git')}"
    if parts.hostname == "github.com":
        return f"{web}/blob/{commit}/docs"
    if parts.hostname and "gitlab" in parts.hostname:
        return f"{web}/-/blob/{commit}/docs"
    return None


def _local_docs(root: Path) -> str | None:
    docs = root / "docs"
    return docs.as_uri() if (docs / RULES_PAGE).is_file() else None


def render_markdown() -> str:
    """The whole ``docs/rules.md`` page."""
    out = [
        "# Lint rules",
        "",
        "<!-- Generated from src/agilesocial/lint/registry.py by python -m agilesocial.lint.rulesdoc; do not edit -->",
        "",
        "`agile-social validate` checks plans, experiments, sprints and `agile-social.yaml` against these rules.",
        "Codes are stable; every SARIF rule links here (`helpUri`). Exit codes: 0 clean, 1 errors (with `--strict`,",
        "warnings too), 2 usage or I/O errors (AS002 among them). Rules of scope *project* can fire in one file",
        "because of another (a renamed id, a deleted sprint, a custom metric in `agile-social.yaml`):",
        "`validate PATH…` reports them from the whole project.",
        "",
        "| code | severity | name | scope | summary |",
        "|---|---|---|---|---|",
    ]
    for rule in RULES.values():
        out.append(f"| [{rule.code}](#{rule.anchor}) | {rule.severity} | {rule.name} | {rule.scope} | {rule.summary} |")
    for rule in RULES.values():
        out += [
            "",
            f"## {rule.code}",
            "",
            f"**{rule.name}** · {rule.severity} · scope: {rule.scope}",
            "",
            rule.summary,
            "",
            rule.description,
            "",
            f"**Fix:** {rule.fix}",
        ]
    return "\n".join(out) + "\n"


def uri_path(path: str) -> str:
    """A POSIX path as a percent-encoded URI reference (spaces, ``%``, ``#``, ``?``, ``:`` and non-ASCII escaped)."""
    return quote(path, safe="/")


if __name__ == "__main__":  # pragma: no cover - the regeneration entry point
    import sys

    sys.stdout.write(render_markdown())

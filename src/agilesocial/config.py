"""Finding and reading ``agile-social.yaml``; resolving project paths."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from agilesocial.errors import ConfigError
from agilesocial.plan.project import ProjectConfig

CONFIG_NAMES = ("agile-social.yaml", "agile-social.yml")
DB_ENV = "AGILE_SOCIAL_DB"


@dataclass(frozen=True)
class Project:
    """A project: its root folder, its config file (if any) and the parsed config."""

    root: Path
    config_path: Path | None
    config: ProjectConfig

    def path(self, relative: str) -> Path:
        p = Path(relative).expanduser()
        return p if p.is_absolute() else self.root / p

    @property
    def folders(self) -> dict[str, Path]:
        return {
            "plan": self.path(self.config.plans),
            "experiment": self.path(self.config.experiments),
            "sprint": self.path(self.config.sprints),
        }

    def warehouse_path(self, override: str | Path | None = None) -> Path:
        """``--db`` beats ``$AGILE_SOCIAL_DB`` beats the config's ``warehouse``."""
        if override:
            return Path(override).expanduser()
        env = os.environ.get(DB_ENV)
        if env:
            return Path(env).expanduser()
        return self.path(self.config.warehouse)


def find_config(start: Path | None = None) -> Path | None:
    """Walk up from ``start`` (default: the current directory) to the first ``agile-social.yaml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


#: Config keys that name a folder or file.
PATH_KEYS = ("plans", "experiments", "sprints", "warehouse")
NAME_MAX = 255
PATH_MAX = 4096


def path_problem(root: Path, relative: str) -> str | None:
    """Why ``relative`` (under ``root``) cannot be used as a path, or None. Missing files are fine (created later);
    names too long for the file system, NUL bytes and other OS errors are not."""
    if "\x00" in relative:
        return "the path contains a NUL character"
    p = Path(relative).expanduser()
    p = p if p.is_absolute() else root / p
    for part in p.parts:
        if len(os.fsencode(part)) > NAME_MAX:
            return f"the path part {part[:24]!r}… is {len(os.fsencode(part))} bytes; the limit is {NAME_MAX}"
    if len(os.fsencode(str(p))) > PATH_MAX:
        return f"the path is {len(os.fsencode(str(p)))} bytes; the limit is {PATH_MAX}"
    try:
        p.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, ValueError) as exc:
        return f"cannot use the path: {getattr(exc, 'strerror', None) or exc}"
    return None


def load_config(path: Path) -> ProjectConfig:
    """Parse a config file, raising a located :class:`ConfigError` when it is broken."""
    from agilesocial.plan.loader import Document, load_document

    _, doc = load_document(path, "config")
    if isinstance(doc, Document):
        config: ProjectConfig = doc.model
        for key in PATH_KEYS:
            problem = path_problem(path.parent, getattr(config, key))
            if problem:
                line, col = doc.locate(key)
                raise ConfigError(
                    f"{key}: {problem}",
                    path=path,
                    line=line,
                    column=col,
                    hint="use a shorter path (each folder or file name at most 255 bytes)",
                )
        return config
    first = doc[0]
    raise ConfigError(first.message, path=first.path, line=first.line, column=first.column, hint=first.hint)


def load_project(start: Path | None = None, *, required: bool = False) -> Project:
    """The project around ``start``; without a config file, defaults rooted at ``start``."""
    config_path = find_config(start)
    if config_path is None:
        if required:
            raise ConfigError(
                "no agile-social.yaml found in this folder or any parent",
                hint="run 'agile-social init' to create one",
            )
        return Project((start or Path.cwd()).resolve(), None, ProjectConfig())
    return Project(config_path.parent, config_path, load_config(config_path))

"""Records of the retro that tie its parts together: which platforms and accounts a figure counts (scope), why two
figures for the same week differ, what the next sprint does about an objective off track, and experiments that
overlap. Part of the model in :mod:`agilesocial.retro.model` (which re-exports every class here); assembled in
:mod:`agilesocial.review`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

#: (platform, account) pairs a figure counts; the account is None when the export names none.
Scope = tuple[tuple[str, str | None], ...]


def scope_dicts(scope: Scope) -> list[dict[str, str | None]]:
    return [{"platform": p, "account": a} for p, a in scope]


def scope_words(scope: Scope, platforms: tuple[str, ...] = ()) -> str:
    """``facebook (Northwind Coffee), instagram (northwindcoffee)``; the named ``platforms`` when no post is in scope
    yet, else ``all platforms``."""
    if not scope:
        return ", ".join(platforms) if platforms else "all platforms"
    by_platform: dict[str, list[str]] = {}
    for platform, account in scope:
        by_platform.setdefault(platform, [])
        if account:
            by_platform[platform].append(account)
    return ", ".join(f"{p} ({', '.join(a)})" if a else p for p, a in by_platform.items())


def scope_platforms(scope: Scope) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for p, _ in scope))


@dataclass(frozen=True)
class ScopeNote:
    """An objective and a weekly key result on the same metric: how the sprint's weekly targets relate to the
    objective's target, and (when they count different platforms or accounts) why their figures for the same week
    differ."""

    objective: str
    metric: str
    unit: str
    objective_scope: Scope
    key_result_scope: Scope
    key_result_platform: str | None  # the key result's own platform filter (None: all platforms)
    week: dt.date | None  # the latest week both have a figure for
    objective_value: float | None
    key_result_value: float | None
    first_target: float | None  # the key result's first and last weekly targets
    last_target: float | None
    objective_target: float | None
    deadline: dt.date | None

    @property
    def same_scope(self) -> bool:
        return set(self.objective_scope) == set(self.key_result_scope)

    def to_dict(self) -> dict[str, Any]:
        return {
            "objective": self.objective,
            "metric": self.metric,
            "objective_scope": scope_dicts(self.objective_scope),
            "key_result_scope": scope_dicts(self.key_result_scope),
            "key_result_platform": self.key_result_platform,
            "same_scope": self.same_scope,
            "week": self.week.isoformat() if self.week else None,
            "objective_value": self.objective_value,
            "key_result_value": self.key_result_value,
            "first_target": self.first_target,
            "last_target": self.last_target,
            "objective_target": self.objective_target,
            "deadline": self.deadline.isoformat() if self.deadline else None,
        }


@dataclass(frozen=True)
class Targeting:
    """An experiment that works on an objective: linked by ``objective:`` in its file, or testing the objective's
    metric on one of its platforms."""

    experiment: str
    state: str  # this sprint's decision ("keep running", "stop") or the file's status ("planned")
    by: str  # "objective" (its file names the objective) or "metric" (same metric on one of its platforms)
    platform: str | None
    metric: str | None
    outside: bool = False  # linked by objective, but on a platform the objective does not count

    def to_dict(self) -> dict[str, Any]:
        return {
            "experiment": self.experiment,
            "state": self.state,
            "by": self.by,
            "platform": self.platform,
            "metric": self.metric,
            "outside_scope": self.outside,
        }


@dataclass(frozen=True)
class ObjectiveFollowUp:
    """An objective at risk or off track, and the experiments that work on it (none: plan one)."""

    objective: str
    status: str
    metric: str | None
    unit: str
    scope: Scope
    platforms: tuple[str, ...]
    current: float | None
    target: float | None
    deadline: dt.date | None
    status_why: str
    experiments: tuple[Targeting, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "objective": self.objective,
            "status": self.status,
            "metric": self.metric,
            "platforms": list(self.platforms),
            "current": self.current,
            "target": self.target,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "status_why": self.status_why,
            "experiments": [t.to_dict() for t in self.experiments],
        }


@dataclass(frozen=True)
class ArmCount:
    """How many of an experiment's posts in one arm were published on or after another experiment's change."""

    arm: str
    after: int
    posts: int

    def to_dict(self) -> dict[str, Any]:
        return {"arm": self.arm, "after_change": self.after, "posts": self.posts}


@dataclass(frozen=True)
class Overlap:
    """``experiment`` overlaps ``other`` on the same platform and account: posts both select (``shared``), and/or
    ``other``'s before/after change (``change``) fell inside ``experiment``'s window (``arms``: its posts per arm
    published on or after it), or ``experiment`` is itself the before/after change ``other`` ran during
    (``during_own_change``). Every overlap is recorded from both sides."""

    experiment: str
    other: str
    platform: str | None
    account: str | None
    posts: int  # the experiment's posts (all arms)
    shared: int  # of which ``other`` selects too
    change: dt.date | None = None  # ``other``'s change date, inside this experiment's window
    change_what: str | None = None  # ``other``'s change in its own words ("moving all X posts to 8:00 ...")
    arms: tuple[ArmCount, ...] = ()
    during_own_change: dt.date | None = None  # this experiment's own change, with ``other`` running across it

    def to_dict(self) -> dict[str, Any]:
        return {
            "experiment": self.experiment,
            "other": self.other,
            "platform": self.platform,
            "account": self.account,
            "posts": self.posts,
            "shared_posts": self.shared,
            "other_change": self.change.isoformat() if self.change else None,
            "other_change_what": self.change_what,
            "arms_after_change": [a.to_dict() for a in self.arms],
            "own_change": self.during_own_change.isoformat() if self.during_own_change else None,
        }

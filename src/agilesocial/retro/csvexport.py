"""CSV export of the retro tables, safe to open in a spreadsheet.

Text cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, also after leading whitespace, or a
tab / carriage return first) are prefixed with ``'`` (CSV injection); control characters and escape sequences are
removed and bidi controls shown (:mod:`agilesocial.textsafe`). Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from agilesocial.analysis.model import MetricResult, json_interval
from agilesocial.errors import DataError
from agilesocial.retro.model import Retro
from agilesocial.textsafe import csv_cell


def neutralise(cell: Any) -> Any:
    """A cell value safe for spreadsheets (:func:`agilesocial.textsafe.csv_cell`, shared with the rejects CSV):
    text cleaned of controls and escape sequences, bidi controls shown, formulas (also after leading whitespace)
    prefixed with an apostrophe; numbers and None pass through."""
    return csv_cell(cell)


RESULT_HEADER = [
    "experiment", "decision", "reason", "metric", "variant", "is_guardrail", "method", "unit", "n_control",
    "n_variant", "control_value", "variant_value", "abs_lift", "rel_lift", "rel_ci_lower", "rel_ci_upper",
    "p_value", "p_adjusted", "significant", "outcome", "guardrail_worse", "max_harm", "guard",
]  # fmt: skip


def result_rows(experiments: Iterable[tuple[str, str, str, Sequence[MetricResult]]]) -> list[list[Any]]:
    """One row of :data:`RESULT_HEADER` per experiment x variant x metric."""
    return [
        [
            exp_id, action, reason, r.metric, r.variant, r.is_guardrail, r.method, r.unit, r.n_control, r.n_variant,
            r.control_value, r.variant_value, r.abs_lift, r.rel_lift,
            *(json_interval(r.rel_ci) or (None, None)),
            r.p_value, r.p_adjusted, r.significant, r.outcome, r.worse, r.max_harm, r.guard,
        ]
        for exp_id, action, reason, results in experiments
        for r in results
    ]  # fmt: skip


def results_csv(experiments: Iterable[tuple[str, str, str, Sequence[MetricResult]]]) -> str:
    """:func:`result_rows` as one CSV document (spreadsheet-safe)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(RESULT_HEADER)
    for row in result_rows(experiments):
        writer.writerow([neutralise(c) for c in row])
    return buf.getvalue()


def retro_tables(retro: Retro) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """The retro as named tables: ``{name: (header, rows)}``."""
    objectives = [
        [o.id, o.metric, o.baseline, o.target, o.deadline, w.start, w.end, w.posts, w.value, w.planned, o.status]
        for o in retro.objectives
        for w in o.weeks
    ]
    key_results = [
        [k.metric, k.platform, w.week, w.start, w.end, w.posts, w.value, w.planned, w.status]
        for k in retro.key_results
        for w in k.weeks
    ]
    experiments = result_rows((e.id, e.action, e.reason, e.results) for e in retro.experiments)
    posts = [
        [top.platform, ranking, i, top.min_impressions if ranking == "engagement_rate" else None, p.account,
         p.post_id, p.published, p.post_type, p.text, p.permalink, p.impressions, p.engagements, p.shares,
         p.engagement_rate, "; ".join(p.tests)]
        for top in retro.top_posts.platforms
        for ranking, items in (("engagement_rate", top.by_rate), ("engagements", top.by_volume))
        for i, p in enumerate(items, 1)
    ]  # fmt: skip
    n = retro.next_sprint
    nxt = [
        [kind, i.experiment, i.what, i.posts_needed]
        for kind, items in (("scale", n.scale), ("rerun", n.rerun), ("stopped", n.stopped))
        for i in items
    ]
    nxt += [
        ["objective", f.objective, f"{f.status}: " + ", ".join(t.experiment for t in f.experiments), None]
        for f in n.objectives
    ]
    overlaps = [
        [o.experiment, o.other, o.platform, o.account, o.posts, o.shared, o.change, o.during_own_change,
         "; ".join(f"{a.arm} {a.after}/{a.posts}" for a in o.arms)]
        for o in retro.overlaps
    ]  # fmt: skip
    return {
        "objectives": (
            ["objective", "metric", "baseline", "target", "deadline", "week_start", "week_end", "posts", "actual",
             "planned", "status"],
            objectives,
        ),
        "key_results": (
            ["metric", "platform", "week", "week_start", "week_end", "posts", "actual", "target", "status"],
            key_results,
        ),
        "experiments": (RESULT_HEADER, experiments),
        "top_posts": (
            ["platform", "ranking", "rank", "min_impressions", "account", "post_id", "published", "post_type", "text",
             "permalink", "impressions", "engagements", "shares", "engagement_rate", "experiments"],
            posts,
        ),
        "next_sprint": (["kind", "experiment", "what", "posts_needed"], nxt),
        "overlaps": (
            ["experiment", "other", "platform", "account", "posts", "shared_posts", "other_change", "own_change",
             "arms_after_change"],
            overlaps,
        ),
    }  # fmt: skip


def _write(path: Path, header: list[str], rows: Iterable[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow([neutralise(c) for c in row])


def write_csv(retro: Retro, folder: Path) -> list[Path]:
    """Write one CSV per retro table into ``folder`` (created if needed); returns the files written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot create folder: {exc.strerror}", path=folder) from None
    written = []
    for name, (header, rows) in retro_tables(retro).items():
        path = folder / f"{retro.sprint}-{name}.csv"
        _write(path, header, rows)
        written.append(path)
    return written

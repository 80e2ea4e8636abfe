"""An experiment's warnings, one line per cause, naming the metric, the arm and the denominator actually used.

The statistics layer words its warnings with generic arm names ("the control", "the variant") and generic sums
("impressions", "value sum"), because it knows neither the experiment nor the metric. Here each warning of one test
(one variant x metric) is reworded with the arms' names and the metric's fields, and then grouped across the
experiment: the same cause on several metrics is one line naming them all ("link_ctr, comment_rate: ..."), and the
control/variant pair of one cause ("only 6 posts in the control" + "only 6 posts in the variant") is one line
("only 6 posts in single and 6 in thread").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agilesocial.plan.metrics import Metric

_SMALL = re.compile(r"^only (\d+) (\w+) in the (control|variant) \(fewer than (\d+)\): results are fragile$")
_DOMINANT = re.compile(
    r"^one (\w+) holds (\d+%) or more of the (control|variant)'s (value|denominator) sum: (the result mostly "
    r"reflects that single \w+)$"
)
_UNEVEN = re.compile(r"^the (control|variant)'s (\d+) posts have such uneven impressions that (.*)$")
_ZERO = re.compile(r"^the (control|variant)'s denominator sums to 0 \(e\.g\. no impressions recorded\)$")


@dataclass(frozen=True)
class MetricWarning:
    """One warning of one test: the metric it concerns and its text with the arms and fields named."""

    metric: str
    text: str
    small: tuple[str, int, str, int] | None = None  # (arm, posts, unit, minimum) for "only N posts in ..."


def possessive(name: str) -> str:
    """``photos'``, ``thread's``."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _field(metric: Metric, which: str) -> str:
    """'value' -> the numerator field, 'denominator' -> the denominator field (as the metric defines them)."""
    if which == "denominator":
        return metric.denominator or "denominator"
    return metric.numerator


def reword(w: str, metric: Metric, control: str, variant: str) -> MetricWarning:
    """A statistics warning with "the control"/"the variant" replaced by the arms' names and generic sums by the
    metric's fields ("uneven reach" when the denominator is reach)."""
    arm = {"control": control, "variant": variant}
    if m := _SMALL.match(w):
        n, unit, which, least = int(m[1]), m[2], m[3], int(m[4])
        return MetricWarning(metric.name, w, (arm[which], n, unit, least))
    if m := _DOMINANT.match(w):
        unit, share, which, part, tail = m.groups()
        field = _field(metric, part)
        return MetricWarning(
            metric.name, f"one {unit} holds {share} or more of {possessive(arm[which])} {field}: {tail}"
        )
    if m := _UNEVEN.match(w):
        which, posts, rest = m.groups()
        den = metric.denominator or "weights"
        return MetricWarning(metric.name, f"{possessive(arm[which])} {posts} posts have such uneven {den} that {rest}")
    if m := _ZERO.match(w):
        den = metric.denominator or "denominator"
        return MetricWarning(metric.name, f"{possessive(arm[m[1]])} {den} sums to 0 (none recorded)")
    text = re.sub(r"\bthe control\b", f"the control ({control})", w)
    text = re.sub(r"\bthe variant\b", f"the variant ({variant})", text)
    text = re.sub(r"\b(\d+) control post", rf"\1 {control} post", text)
    text = re.sub(r"\b(\d+) variant post", rf"\1 {variant} post", text)
    return MetricWarning(metric.name, text)


def _small_line(items: list[tuple[str, int, str, int]]) -> str:
    """'only 6 posts in single and 6 in thread (fewer than 10 each): results are fragile'."""
    arms = list(dict.fromkeys(items))  # keep order, drop repeats (one control, several comparisons)
    unit, least = arms[0][2], arms[0][3]
    counts = {n for _, n, _, _ in arms}
    if len(counts) == 1 and len(arms) > 1:
        names = " and ".join(a for a, *_ in arms) if len(arms) == 2 else ", ".join(a for a, *_ in arms)
        where = f"{arms[0][1]} {unit} each in {names}"
    else:
        parts = [f"{n} {unit} in {a}" if i == 0 else f"{n} in {a}" for i, (a, n, *_) in enumerate(arms)]
        where = " and ".join(parts)
    return f"only {where} (fewer than {least}): results are fragile"


def grouped(warnings: list[MetricWarning], metrics: list[str]) -> list[str]:
    """One line per cause, the metrics it concerns named in front; lines in the experiment's metric order, then in
    the order the causes came up."""
    order = {m: i for i, m in enumerate(metrics)}
    small: dict[str, list[tuple[str, int, str, int]]] = {}
    entries: dict[str, list[str]] = {}  # text (or a per-metric slot for the small-sample line) -> metrics
    for w in warnings:
        if w.small is not None:
            small.setdefault(w.metric, []).append(w.small)
            entries.setdefault(f"\0{w.metric}", [w.metric])
        elif w.metric not in entries.setdefault(w.text, []):
            entries[w.text].append(w.metric)
    lines: dict[str, list[str]] = {}
    for key, names in entries.items():  # the same small-sample counts on several metrics become one line
        text = _small_line(small[names[0]]) if key.startswith("\0") else key
        merged = lines.setdefault(text, [])
        merged += [m for m in names if m not in merged]
    ranked = sorted(lines.items(), key=lambda item: min(order.get(m, len(order)) for m in item[1]))
    return [f"{', '.join(sorted(names, key=lambda m: order.get(m, len(order))))}: {text}" for text, names in ranked]

"""The decision per experiment -- scale, iterate, stop or keep running -- with one sentence a marketer understands.

Rules, in order:

1. **iterate** when the sample-ratio check failed: the split did not go as planned, so no result can be trusted.
2. A variant whose primary metric is significantly better (in the metric's direction), the best such variant
   that harmed no guardrail when there is one: **iterate** if it significantly harmed a guardrail metric, or if its
   lift is below the planned MDE; otherwise **scale** it.
3. **Futility** -- the confidence interval already rules out the planned lift (the MDE) in the hypothesised
   direction -- reads the same for every experiment: "the planned +25 % lift is already ruled out (the 95 % CI tops
   out at +20 %)". Before the planned posts per variant it is **futile**: "stop early or finish as planned" (with the
   time the rest of the plan takes); once the planned posts are reached, without a plan, or when the experiment is
   finished, it is **stop** with the same reason. Every variant significantly worse is **stop** too.
4. **keep_running** otherwise (underpowered): the direction of the estimate so far ("so far 18 % fewer ..., not yet
   clear") and how many more posts per variant are needed to detect the MDE, from the observed variance and the
   power formula of the method that ran, turned into weeks at the experiment's own posting rate. A finished
   experiment (status completed, scaled or stopped) is never told to keep running: it is **inconclusive**, with the
   lift its posts could have detected.

A guardrail harms when its verdict (:meth:`MetricResult.guard`) is ``harm``: its CI lies wholly on the harmful side
of 0 and reaches beyond the tolerated harm (``max_harm``).

Only the deciding method's results reach this module (a method shown for contrast, such as pooled_z, never does).
A Mann-Whitney result is a shift in the typical post (Hodges-Lehmann), and is worded that way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from agilesocial.analysis.model import Decision, MetricResult, Srm
from agilesocial.analysis.wording import NEAR_MISS, p_eq, posts_in_time, time_text, weeks_needed
from agilesocial.plan.metrics import Metric

DEFAULT_MDE = 0.10  # used when an experiment plans no MDE

_NOUNS = {
    "impressions": "impressions",
    "reach": "reach",
    "views": "views",
    "engagements": "engagement",
    "likes": "likes",
    "comments": "comments",
    "shares": "shares",
    "saves": "saves",
    "clicks": "clicks",
    "link_clicks": "link clicks",
    "profile_clicks": "profile clicks",
    "video_views": "video views",
    "watch_time_seconds": "watch time",
    "follows": "follows",
    "subscribers": "subscribers",
}
_PER = {"reach": "person reached", "video_views": "video view", "views": "view", "impressions": "impression"}


def metric_phrase(metric: Metric) -> str:
    """'engagement per impression', 'link clicks per person reached', 'comments per post'."""
    noun = _NOUNS.get(metric.numerator, metric.numerator.replace("_", " "))
    if metric.denominator is None:
        return f"{noun} per post"
    per = _PER.get(metric.denominator, _NOUNS.get(metric.denominator, metric.denominator).rstrip("s"))
    return f"{noun} per {per}"


def pct(x: float) -> str:
    return f"{abs(x) * 100:.0f} %"


def signed_pct(x: float) -> str:
    return f"{x * 100:+.0f} %"


@dataclass(frozen=True)
class Evidence:
    """One treatment's primary result and what else is known about it."""

    result: MetricResult
    harmed: tuple[MetricResult, ...] = ()  # guardrail results significantly worse
    posts_needed_total: int | None = None  # per variant, for the MDE at the observed variance
    n: int = 0  # the smaller arm's posts (or people)
    dominant: float | None = None  # largest share one post holds of an arm's primary-metric sums (> 0.5 blocks scale)
    detectable: float | None = None  # relative lift detectable with the planned power at n (inconclusive results)
    unclear: tuple[MetricResult, ...] = ()  # guardrails that cannot tell yet (their CI reaches beyond max_harm)


@dataclass(frozen=True)
class Context:
    metric: Metric
    control: str
    mde: float | None
    alpha: float
    planned: int | None = None  # planned posts per variant
    srm: Srm | None = None
    unit: str = "posts"
    its: bool = False
    extra: dict[str, str] = field(default_factory=dict)
    ci_alpha: float | None = None  # the level the CIs were computed at (``alpha`` may be a stricter sequential one)
    finished: bool = False  # status completed/scaled/stopped: no more posts are coming
    rate: float | None = None  # posts per week per variant so far (the slowest arm), for "more posts" in time


DOMINANT_SHARE = 0.5


def _good(r: MetricResult, x: float | None) -> float | None:
    """An effect in the 'better' direction (positive = better)."""
    if x is None:
        return None
    return x if r.direction == "higher" else -x


def _p(p: float) -> str:
    """``< 0.001``, ``= 0.055``, ``> 0.99`` -- to follow "p "."""
    return p_eq(p)


def _possible(r: MetricResult) -> str:
    """'a lift of up to +40 %' -- the end of the interval on the estimate's side (a drop for a falling estimate)."""
    assert r.rel_ci is not None
    lo, hi = r.rel_ci
    if (r.rel_lift or 0.0) >= 0:
        return f"a lift of up to {'any size' if math.isinf(hi) else signed_pct(hi)}"
    return f"a drop of up to {signed_pct(lo)}"


def _ci(r: MetricResult, ctx: Context) -> str:
    """' (95 % CI +21 % to +57 %)', saying why when the interval and the significance verdict seem to disagree."""
    if r.rel_ci is None:
        return ""
    ci_alpha = ctx.ci_alpha if ctx.ci_alpha is not None else ctx.alpha
    level = f"{(1 - ci_alpha) * 100:.3g} % CI"
    lo, hi = r.rel_ci
    text = f"{level} {signed_pct(lo)} to {'unbounded' if math.isinf(hi) else signed_pct(hi)}"
    clear = lo > 0 or hi < 0  # the interval excludes "no change"
    if clear and r.significant is False:
        p = r.p_adjusted if r.p_adjusted is not None else r.p_value
        if p is None:
            text += ", but not significant"
        elif ctx.alpha < ci_alpha and p < ci_alpha:
            text += f", but p {_p(p)} is not yet below the early-look threshold {ctx.alpha:.2g}"
        elif r.p_value is not None and p > r.p_value:
            text += f", but p {_p(p)} once corrected for testing several variants and metrics"
        else:
            text += f", but the test's p {_p(p)} is not below {ctx.alpha:g}"
    elif not clear and r.significant and r.p_value is not None:  # e.g. a rank test's CI on tied values
        text += f"; p {_p(r.p_adjusted or r.p_value)} is below {ctx.alpha:g} though the interval still reaches 0 %"
    elif not clear and r.significant is False:
        p = r.p_adjusted if r.p_adjusted is not None else r.p_value
        if p is not None and p < NEAR_MISS:  # a near miss: neither "basically significant" nor "no effect"
            text += f"; p {_p(p)}: not shown; {_possible(r)} is still possible"
    return f" ({text})"


def _same(r: MetricResult) -> bool:
    """The relative lift rounds to 0 % in the sentence."""
    return r.rel_lift is not None and round(abs(r.rel_lift) * 100) == 0


def _names(ctx: Context, r: MetricResult) -> tuple[str, str]:
    if ctx.its:
        return "after the change", "before"
    return r.variant, ctx.control


def _compare(ctx: Context, r: MetricResult) -> str:
    """'Reels earned 38 % more engagement per impression than photos (95 % CI +21 % to +57 %)'."""
    variant, control = _names(ctx, r)
    phrase = metric_phrase(ctx.metric)
    if r.rel_lift is None:
        if r.abs_lift is None:
            return f"{variant.capitalize()} could not be compared with {control}"
        return f"{variant.capitalize()} differed from {control} by {r.abs_lift:+.4g} {phrase}"
    plural = phrase.split(" per ")[0].endswith("s")  # "comments were", "fewer clicks"; "engagement was", "less"
    if ctx.its:
        was = "were" if plural else "was"
        if _same(r):
            return f"Daily {phrase} {was} about the same after the change as before{_ci(r, ctx)}"
        direction = "higher" if r.rel_lift >= 0 else "lower"
        return f"Daily {phrase} {was} {pct(r.rel_lift)} {direction} after the change than before{_ci(r, ctx)}"
    more = "more" if r.rel_lift >= 0 else ("fewer" if plural else "less")
    if r.method == "mann_whitney":  # a rank test compares typical posts, not totals
        if _same(r):
            same = f"about the same {phrase} as the typical {control} post"
            return f"The typical {variant} post earned {same}{_ci(r, ctx)}"
        than = f"than the typical {control} post"
        return f"The typical {variant} post earned {pct(r.rel_lift)} {more} {phrase} {than}{_ci(r, ctx)}"
    if _same(r):
        return f"{variant.capitalize()} earned about the same {phrase} as {control}{_ci(r, ctx)}"
    return f"{variant.capitalize()} earned {pct(r.rel_lift)} {more} {phrase} than {control}{_ci(r, ctx)}"


def _mde(ctx: Context) -> float:
    return ctx.mde if ctx.mde is not None else DEFAULT_MDE


def _futile(ev: Evidence, ctx: Context) -> bool:
    """The interval already rules out the planned lift in the metric's good direction (any sample size)."""
    r = ev.result
    if r.rel_ci is None or r.significant:
        return False
    lo, hi = r.rel_ci
    best_plausible = hi if r.direction == "higher" else -lo
    return best_plausible < _mde(ctx)


def ruled_out(r: MetricResult, mde: float, level: str) -> str:
    """'the planned +25 % lift is already ruled out (the 95 % CI tops out at +20 %)'."""
    assert r.rel_ci is not None
    lo, hi = r.rel_ci
    if r.direction == "higher":
        return f"the planned {signed_pct(mde)} lift is already ruled out (the {level} tops out at {signed_pct(hi)})"
    return f"the planned {signed_pct(-mde)} drop is already ruled out (the {level} goes no lower than {signed_pct(lo)})"


def _level(ctx: Context) -> str:
    ci_alpha = ctx.ci_alpha if ctx.ci_alpha is not None else ctx.alpha
    return f"{(1 - ci_alpha) * 100:.3g} % CI"


def _futility(futile: list[Evidence], ctx: Context) -> Decision:
    """Futile before the planned posts: stop early or finish as planned; at or after them (or finished): stop."""
    e = futile[0]
    r = e.result
    why = f"{_compare(ctx, r)}: {ruled_out(r, _mde(ctx), _level(ctx))}"
    if ctx.planned is None or e.n >= ctx.planned or ctx.finished:
        return Decision("stop", f"{why} after {e.n:,} {ctx.unit} per variant; stop and test a bolder idea.")
    rest = ctx.planned - e.n
    weeks = weeks_needed(rest, ctx.rate) if ctx.unit == "posts" else None
    return Decision(
        "futile",
        f"{why} after {e.n:,} of the {ctx.planned:,} planned {ctx.unit} per variant; stop early or finish as planned "
        f"(finishing takes {posts_in_time(rest, ctx.rate, ctx.unit, advise=False)}).",
        rest if ctx.unit == "posts" else None,
        ctx.rate,
        weeks,
    )


def decide(evidence: list[Evidence], ctx: Context) -> Decision:
    """The experiment's decision from each treatment's primary evidence (see the module doc for the rules)."""
    if ctx.srm is not None and not ctx.srm.ok:
        return Decision(
            "iterate",
            f"The split did not go as planned (sample-ratio check p {_p(ctx.srm.p_value)}): the variants got a "
            "different share of posts than their weights, so the result cannot be trusted; fix the schedule and rerun.",
        )
    mde = _mde(ctx)
    better = [e for e in evidence if e.result.significant and (_good(e.result, e.result.abs_lift) or 0) > 0]
    if better:
        return _winner(better, ctx)
    worse = [e for e in evidence if e.result.significant and (_good(e.result, e.result.abs_lift) or 0) < 0]
    futile = [e for e in evidence if e not in worse and _futile(e, ctx)]
    if evidence and len(worse) + len(futile) == len(evidence):
        if worse:
            r = worse[0].result
            keep = "go back to what you did before" if ctx.its else f"keep {ctx.control}"
            return Decision("stop", f"{_compare(ctx, r)}; stop {'the change' if ctx.its else r.variant} and {keep}.")
        return _futility(futile, ctx)
    open_ = [e for e in evidence if e not in worse and e not in futile]
    undecided = [e for e in open_ if e.result.rel_lift is not None or e.result.abs_lift is not None]
    if not undecided:
        reason = next((e.result.note for e in evidence if e.result.note), "no comparison could be computed")
        if ctx.finished:
            return Decision("inconclusive", f"Could not be judged: {reason}.")
        return Decision("keep_running", f"Cannot judge yet: {reason}.")
    r = undecided[0].result
    if ctx.finished:
        return _inconclusive(undecided, ctx)
    needs = [e.posts_needed_total - e.n for e in undecided if e.posts_needed_total is not None]
    more = max(needs) if needs else None
    so_far = f"so far {_lower_first(_compare(ctx, r))}, not yet clear"
    weeks = None
    if ctx.its:
        tail = "collect more days after the change"
    elif more is not None and more > 0:
        tail = f"to detect the planned {signed_pct(mde)} lift it needs {posts_in_time(more, ctx.rate, ctx.unit)}"
        weeks = weeks_needed(more, ctx.rate) if ctx.unit == "posts" else None
    elif more is not None:  # enough units for the MDE at the observed variance, but not significant (yet)
        end = "the planned end" if ctx.planned is None else f"the planned {ctx.planned:,} {ctx.unit} per variant"
        tail = f"the sample is already large enough to detect a {pct(mde)} lift; keep posting until {end}"
        more = None
    else:
        tail = "keep posting"
    posts_needed = more if ctx.unit == "posts" else None
    rate = ctx.rate if posts_needed is not None else None
    return Decision("keep_running", f"Too early to tell: {so_far}; {tail}.", posts_needed, rate, weeks)


def _winner(better: list[Evidence], ctx: Context) -> Decision:
    """A variant significantly better on the primary metric: scale it, or say what stands in the way."""
    safe = [e for e in better if not e.harmed]  # a clean winner beats a bigger one that hurt a guardrail
    best = max(safe or better, key=lambda e: _good(e.result, e.result.rel_lift) or 0.0)
    r = best.result
    variant = "the change" if ctx.its else r.variant
    if best.harmed:
        g = best.harmed[0]
        hurt = f" ({signed_pct(g.rel_lift)})" if g.rel_lift is not None else ""
        return Decision(
            "iterate",
            f"{_compare(ctx, r)}, but it hurt {g.metric}{hurt} beyond the tolerated {pct(g.max_harm or 0)}; iterate "
            f"on {variant} before scaling.",
        )
    if best.dominant is not None and best.dominant > DOMINANT_SHARE and ctx.unit == "posts":
        if ctx.finished:
            return Decision(
                "inconclusive",
                f"{_compare(ctx, r)}, but one post holds {best.dominant:.0%} of an arm's total, so the lift may "
                f"be that single post; run {variant} again before scaling it.",
            )
        return Decision(
            "keep_running",
            f"{_compare(ctx, r)}, but one post holds {best.dominant:.0%} of an arm's total, so the lift may be "
            f"that single post; keep posting {variant} before scaling.",
        )
    lift = _good(r, r.rel_lift)
    mde = _mde(ctx)
    if lift is not None and lift < mde:
        return Decision(
            "iterate",
            f"{_compare(ctx, r)}: real but below the planned {pct(mde)}; iterate to make {variant} bolder.",
        )
    return Decision(
        "scale", f"{_compare(ctx, r)}; {'keep the change' if ctx.its else f'scale {variant}'}{_watch(best)}."
    )


def _watch(e: Evidence) -> str:
    """' (watch comment_rate: a drop of up to 24 % is not ruled out yet)' for guardrails that cannot tell yet."""
    parts = [
        f"{g.metric}: a {'drop' if g.direction == 'higher' else 'rise'} of up to {pct(g.harm_reach or 0)} is not "
        "ruled out yet"
        for g in e.unclear
        if g.harm_reach is not None and math.isfinite(g.harm_reach)
    ]
    return f" (watch {'; '.join(parts)})" if parts else ""


def _inconclusive(undecided: list[Evidence], ctx: Context) -> Decision:
    """A finished experiment without a clear result: what it could have detected, and what to do next."""
    e = undecided[0]
    text = f"Inconclusive: {_lower_first(_compare(ctx, e.result))}"
    if ctx.its:
        return Decision("inconclusive", f"{text}; the change made no clear difference to the daily series.")
    if e.detectable is not None:
        text += (
            f"; with {e.n:,} {ctx.unit} per variant this test could only have detected a lift of about "
            f"{pct(e.detectable)}"
        )
    mde = _mde(ctx)
    weeks = None
    if e.posts_needed_total is not None and e.posts_needed_total > e.n:
        text += f"; a {pct(mde)} lift needs about {e.posts_needed_total:,} {ctx.unit} per variant"
        when = time_text(e.posts_needed_total, ctx.rate) if ctx.unit == "posts" else ""
        text += f" ({when})" if when else ""
        weeks = weeks_needed(e.posts_needed_total, ctx.rate) if ctx.unit == "posts" else None
    tail = "Treat it as no evidence either way: rerun it bigger or test a bolder idea."
    rate = ctx.rate if weeks is not None else None
    return Decision("inconclusive", f"{text}. {tail}", None, rate, weeks)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text

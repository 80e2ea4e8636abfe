"""The parts of the document that turn results into next steps: the next sprint (with the objectives that need an
experiment), top posts per platform, overlaps between experiments, and the plain-words legend of the experiments."""

from __future__ import annotations

from agilesocial.retro import fmt
from agilesocial.retro.blocks import Block, Cell, Column, Items, Para, Section, Table
from agilesocial.retro.model import ObjectiveFollowUp, Overlap, PlatformTop, Retro, TopPost
from agilesocial.retro.page_progress import TRACK_TONES, platforms_words

#: Plain words for the experiment tables, shown once before the first experiment.
EXPERIMENTS_LEGEND = (
    "posts c/v = posts in the control / in the variant (b/a: before / after the change); lift = the variant against "
    "the control, in percentage points (pts) for rates and relative (%): +1.50 pts (+46 %) means 3.27 % → 4.77 %; "
    "95 % CI = the range the true lift most likely lies in; p = how often a difference this large would appear by "
    "chance alone, adjusted for testing several metrics at once; guardrail = a metric that must not get worse by more "
    "than its tolerated harm (max_harm, 10 % unless agile-social.yaml or the experiment sets another)."
)
PLAN_ONE = (
    "no experiment targets this objective: plan one (a file under experiments/ with 'objective: {id}', testing "
    "{metric} on {platforms}; copy the example 'agile-social init' wrote, then 'agile-social validate' and "
    "'agile-social power --experiment ID' to size it)"
)


def overlap_sentence(o: Overlap) -> str:
    """``o`` in words, from its ``experiment``'s side."""
    place = f"{o.platform} posts" if o.platform else "posts"
    if o.account:
        place += f" of {o.account}"
    share = f"all {o.posts} of its posts" if o.shared == o.posts else f"{o.shared} of its {o.posts} posts"
    shared = f"{share} are also counted in {o.other}" if o.shared else ""
    if o.change is not None:
        what = f" ({o.change_what})" if o.change_what else ""
        arms = ", ".join(f"{a.arm} {a.after} of {a.posts}" for a in o.arms if a.posts)
        text = f"ran while {o.other} changed {place} on {o.change:%d %b}{what}"
        if arms:
            text += f"; published after that change: {arms} posts"
        text += "; its result may mix both changes"
        return f"{text}; {shared}" if shared else text
    if o.during_own_change is not None:
        text = f"{o.other} ran on {place} across this change ({o.during_own_change:%d %b})"
        if o.shared:
            text += f": {o.shared} of this experiment's {o.posts} posts were {o.other}'s test posts"
        return text + f"; part of the effect may come from {o.other}, not from this change"
    return f"{shared}; read both results with that in mind"


def overlap_blocks(retro: Retro, experiment: str) -> list[Block]:
    found = retro.overlaps_of(experiment)
    if not found:
        return []
    return [Items(tuple(Para(overlap_sentence(o), lead="overlap", tone="warn") for o in found))]


def _follow_up(f: ObjectiveFollowUp) -> Para:
    where = platforms_words(f.platforms)
    by = f" by {f.deadline:%d %b %Y}" if f.deadline else ""
    head = f"{fmt.value(f.current, f.unit)} now, target {fmt.value(f.target, f.unit)}{by} ({where})"
    if f.status_why:
        head += f"; {f.status_why}"
    if not f.experiments:
        plan = PLAN_ONE.format(id=f.objective, metric=f.metric or "its metric", platforms=where)
        return Para(f"{head}; {plan}", lead=f"{f.objective} ({fmt.TRACK_LABELS[f.status]})", tone=TRACK_TONES[f.status])
    parts = []
    for t in f.experiments:
        part = f"{t.experiment} ({t.state}"
        if t.by == "metric":
            part += f"; tests {t.metric} on {t.platform or 'all platforms'}"
        if t.outside:
            part += f"; on {t.platform}, which this objective does not count"
        parts.append(part + ")")
    text = f"{head}; experiments on it: {', '.join(parts)}"
    live = {"keep running", "planned", "running", "scale"}
    if not any(t.state in live and not t.outside for t in f.experiments):
        text += "; none of them is still running on its platforms: plan the next one"
    return Para(text, lead=f"{f.objective} ({fmt.TRACK_LABELS[f.status]})", tone=TRACK_TONES[f.status])


def next_section(retro: Retro) -> Section:
    n = retro.next_sprint
    blocks: list[Block] = []
    for title, items, tone in (
        ("Scale", n.scale, "good"),
        ("Keep testing", n.rerun, "info"),
        ("Stopped — what we learned", n.stopped, "muted"),
    ):
        if not items:
            blocks.append(Para("nothing", lead=title, tone=tone))  # type: ignore[arg-type]
            continue
        blocks.append(Para("", lead=title, tone=tone))  # type: ignore[arg-type]
        blocks.append(Items(tuple(Para(i.what, lead=i.experiment) for i in items)))
    if n.objectives:
        blocks.append(Para("", lead="Objectives at risk or off track", tone="warn"))
        blocks.append(Items(tuple(_follow_up(f) for f in n.objectives)))
    return Section("next-sprint", "Next sprint", tuple(blocks))


POST_COLUMNS = (
    Column("date", num=True),
    Column("post", wide=True),
    Column("impr.", num=True),
    Column("eng.", num=True),
    Column("rate", num=True),
    Column("top by", wrap=True),
    Column("in a test", wrap=True),
)
NOT_IN_A_TEST = "not in a test"


def _post_row(p: TopPost, ranks: str) -> tuple[Cell, ...]:
    tests = "; ".join(p.tests) or NOT_IN_A_TEST
    return (
        Cell(
            p.published.strftime("%d %b") if p.published else fmt.DASH,
            raw=p.published.isoformat() if p.published else None,
        ),
        Cell(fmt.clip(p.text, 120) or p.post_id, href=p.permalink, raw=p.text),
        Cell(fmt.count(p.impressions), raw=p.impressions),
        Cell(fmt.count(p.engagements), raw=p.engagements),
        Cell(fmt.value(p.engagement_rate, "percent"), raw=p.engagement_rate),
        Cell(ranks),
        Cell(tests, "" if p.tests else "muted", raw=tests),
    )


def cut_off_words(t: PlatformTop) -> str:
    """The cut-off for ranking by rate, in words."""
    if t.min_impressions <= t.median_impressions:
        return f"posts with at least {fmt.count(t.min_impressions)} impressions (the platform's median post)"
    return (
        f"posts with at least {fmt.count(t.min_impressions)} impressions (the platform's median post has "
        f"{fmt.count(t.median_impressions)}; fewer impressions are too few to rank by rate)"
    )


def platform_title(t: PlatformTop) -> str:
    posts = f"{t.platform}, {t.posts} post{'s' if t.posts != 1 else ''}"
    if not t.by_rate:
        return f"{posts}: top by engagements (no impressions in the export, so no ranking by rate)"
    return f"{posts}: top by engagement rate among {cut_off_words(t)}, and top by engagements"


def platform_rows(t: PlatformTop) -> tuple[tuple[Cell, ...], ...]:
    """The posts top by rate, then those top by engagements only; each says which ranking(s) it tops."""
    key = lambda p: (p.account, p.post_id)  # noqa: E731
    rate = {key(p): i for i, p in enumerate(t.by_rate, 1)}
    volume = {key(p): i for i, p in enumerate(t.by_volume, 1)}
    posts = [*t.by_rate, *(p for p in t.by_volume if key(p) not in rate)]
    rows = []
    for p in posts:
        ranks = [f"rate #{rate[key(p)]}"] if key(p) in rate else []
        ranks += [f"eng. #{volume[key(p)]}"] if key(p) in volume else []
        rows.append(_post_row(p, ", ".join(ranks)))
    return tuple(rows)


def top_posts_section(retro: Retro) -> Section:
    t = retro.top_posts
    if t.empty:
        note = "No posts were published in this sprint (or none are ingested yet)."
        return Section("top-posts", "Top posts", (Para(note),))
    blocks: list[Block] = [
        Para(
            "One list per platform: engagement rates of different platforms are not comparable (each platform counts "
            "engagements and impressions its own way). impr. = impressions, eng. = engagements, rate = engagement "
            "rate (engagements per impression); 'top by' says which ranking a post tops; 'in a test' names the "
            "experiment and arm a post was in."
        )
    ]
    for p in t.platforms:
        rows = platform_rows(p)
        if rows:
            blocks.append(Table(f"top_posts_{p.platform}", POST_COLUMNS, rows, title=platform_title(p)))
    return Section("top-posts", "Top posts", tuple(blocks))

"""Terminal rendering of a :class:`Retro` and of an analysis report with rich; everything fits 100 columns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agilesocial.retro import fmt
from agilesocial.retro.model import Retro

if TYPE_CHECKING:
    from agilesocial.analysis.model import AnalysisReport

WIDTH = 100
TRACK_STYLES = {"on_track": "green", "at_risk": "yellow", "off_track": "red", "no_data": "dim"}
ACTION_STYLES = {"scale": "bold green", "iterate": "yellow", "stop": "red", "keep_running": "cyan"}
WEEK_STYLES = {"met": "green", "missed": "red", "in_progress": "cyan", "pending": "dim", "no_data": "dim"}


def _esc(text: str) -> str:
    """Untrusted text for rich: escape sequences and controls stripped, bidi controls shown, markup escaped."""
    from rich.markup import escape

    from agilesocial.textsafe import clean

    return escape(clean(text))


def _para(console: Any, text: str, indent: int = 2) -> None:
    """A paragraph wrapped at :data:`WIDTH`, continuation lines indented like the first."""
    from rich.padding import Padding

    console.print(Padding(text, (0, 0, 0, indent), expand=False), width=min(WIDTH, console.width))


def render_terminal(retro: Retro, console: Any, *, experiments: bool = True) -> None:
    """Print the retrospective on a rich ``console`` (``experiments=False`` leaves out the experiment tables,
    for ``analyze``, which has printed its own), at most :data:`WIDTH` columns wide even on a wider terminal."""
    wide = console.width
    console.width = min(wide, WIDTH)
    try:
        _render(retro, console, experiments=experiments)
    finally:
        console.width = wide


def _render(retro: Retro, console: Any, *, experiments: bool) -> None:
    from rich import box
    from rich.table import Table

    v = lambda x, metric: fmt.value(x, ratio=retro.is_ratio(metric))  # noqa: E731
    console.rule(f"[bold]Sprint retrospective {_esc(retro.sprint)}[/] · {_esc(retro.brand or '')}")
    console.print(f"{retro.sprint_start} → {retro.sprint_end} (as of {retro.today}) · goal: {_esc(retro.goal)}")
    console.print(
        f"Weekly key results met: [bold]{retro.kr_met} of {retro.kr_judged}[/] · experiments: "
        f"{len(retro.experiments)} · correction: {retro.correction}"
    )

    table = Table(title="Objectives", box=box.SIMPLE_HEAD, title_justify="left", expand=False)
    for col in ("objective", "metric", "baseline", "now", "planned", "target", "forecast", "status"):
        table.add_column(col, justify="right" if col not in ("objective", "metric", "status") else "left")
    for o in retro.objectives:
        style = TRACK_STYLES[o.status]
        table.add_row(
            _esc(o.id),
            _esc(o.metric or "–"),
            v(o.baseline, o.metric),
            v(o.current, o.metric),
            v(o.planned_now, o.metric),
            v(o.target, o.metric),
            v(o.forecast, o.metric),
            f"[{style}]{fmt.TRACK_LABELS[o.status]}[/]",
        )
    console.print(table)
    for o in retro.objectives:
        _para(console, f"[bold]{_esc(o.id)}[/]: {_esc(o.reason)}")

    if retro.key_results:
        weeks = max(len(k.weeks) for k in retro.key_results)
        table = Table(title="Weekly key results (actual / target)", box=box.SIMPLE_HEAD, title_justify="left")
        table.add_column("key result", max_width=26)
        for i in range(weeks):
            table.add_column(f"wk {i + 1}", justify="right")
        table.add_column("met", justify="right")
        table.add_column("trend")
        for k in retro.key_results:
            cells = [_esc(k.label)]
            for w in k.weeks:
                style = WEEK_STYLES[w.status or "no_data"]
                cells.append(f"[{style}]{v(w.value, k.metric)}[/]\n[dim]/ {v(w.planned, k.metric)}[/]")
            cells += [""] * (weeks - len(k.weeks))
            cells += [f"{k.met}/{k.judged}", k.spark]
            table.add_row(*cells)
        console.print(table)

    if experiments:
        _experiments(retro, console)
    _rest(retro, console)


def _experiments(retro: Retro, console: Any) -> None:
    from rich import box
    from rich.table import Table

    v = lambda x, metric: fmt.value(x, ratio=retro.is_ratio(metric))  # noqa: E731
    console.rule("Experiments", style="dim")
    if not retro.experiments:
        console.print("No experiments were analysed for this sprint.")
    for e in retro.experiments:
        style = ACTION_STYLES.get(e.action, "bold")
        console.print(
            f"[bold]{_esc(e.id)}[/] ({_esc(e.platform or 'all')}, {_esc(e.design)}): "
            f"[{style}]{fmt.ACTION_LABELS.get(e.action, e.action)}[/]"
        )
        if e.hypothesis:
            _para(console, f"[italic]{_esc(e.hypothesis)}[/]")
        _para(console, f"{_esc(e.reason)}")
        if e.results:
            table = Table(box=box.SIMPLE, padding=(0, 1), pad_edge=False)
            for col in ("metric", "variant", "control", "variant", "lift", "95 % CI", "p adj.", "sig."):
                table.add_column(col, justify="left" if col in ("metric", "variant") else "right")
            for r in e.results:
                sig = "[red]WORSE[/]" if r.worse else ("[green]yes[/]" if r.significant else "no")
                table.add_row(
                    _esc(fmt.clip(r.metric + (" (guard)" if r.is_guardrail else ""), 24)),
                    _esc(fmt.clip(r.variant, 14)),
                    v(r.control_value, r.metric),
                    v(r.variant_value, r.metric),
                    fmt.pct(r.rel_lift),
                    fmt.ci(r.rel_ci),
                    fmt.pvalue(r.p_adjusted if r.p_adjusted is not None else r.p_value),
                    sig,
                )
            console.print(table)
        for note in e.warnings:
            _para(console, f"[yellow]warning:[/] {_esc(note)}")


def _rest(retro: Retro, console: Any) -> None:
    from rich import box
    from rich.table import Table

    console.rule("What failed and why", style="dim")
    if not retro.failures:
        console.print("Nothing failed this sprint.")
    for f in retro.failures:
        console.print(f"[bold]{_esc(f.experiment)}[/] ({fmt.ACTION_LABELS.get(f.action, f.action)}): {_esc(f.reason)}")
        for i, why in enumerate(f.five_whys, 1):
            _para(console, f"{i}. {_esc(why)}")
        for x in f.learnings:
            _para(console, f"learned: {_esc(x)}")
        if f.prompt:
            _para(console, f"[yellow]to do:[/] {_esc(f.prompt)}")

    console.rule("Next sprint", style="dim")
    n = retro.next_sprint
    for title, items, style in (
        ("Scale", n.scale, "green"),
        ("Re-run", n.rerun, "cyan"),
        ("Do not repeat", n.do_not_repeat, "red"),
    ):
        console.print(f"[{style}]{title}:[/]" + (" nothing" if not items else ""))
        for item in items:
            _para(console, f"- {_esc(item.experiment)}: {_esc(item.what)}")

    t = retro.top_posts
    if not t.by_rate and not t.by_volume:
        console.print("Top posts: none, no posts were published in this sprint (or none are ingested yet).")
    for title, posts in (
        (f"Top posts by engagement rate (≥ {t.min_impressions:,} impressions)", t.by_rate),
        ("Top posts by engagements", t.by_volume),
    ):
        if not posts:
            continue
        table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
        table.add_column("platform")
        table.add_column("date")
        table.add_column("post", max_width=44, no_wrap=True, overflow="ellipsis")
        table.add_column("impr.", justify="right")
        table.add_column("eng.", justify="right")
        table.add_column("rate", justify="right")
        for p in posts:
            table.add_row(
                _esc(p.platform),
                p.published.strftime("%d %b") if p.published else "–",
                _esc(fmt.clip(p.text, 44)),
                f"{p.impressions:,}",
                f"{p.engagements:,}",
                fmt.value(p.engagement_rate, ratio=True),
            )
        console.print(table)

    if len(retro.trend) > 1:
        table = Table(title="Trend across sprints", box=box.SIMPLE_HEAD, title_justify="left")
        for col in ("sprint", "dates", "KRs met", "experiments", "scaled", "stopped"):
            table.add_column(col, justify="left" if col in ("sprint", "dates") else "right")
        for point in retro.trend:
            table.add_row(
                _esc(point.sprint),
                f"{point.start} → {point.end}",
                f"{point.kr_met}/{point.kr_judged}",
                str(point.experiments),
                str(point.scaled),
                str(point.stopped),
            )
        console.print(table)
    for note in retro.warnings:
        console.print(f"[yellow]warning:[/] {_esc(note)}", width=WIDTH)


def render_text(retro: Retro, width: int = WIDTH, *, experiments: bool = True) -> str:
    """The terminal rendering as plain text (no colour, no trailing blanks), for files and pipes."""
    import io

    from rich.console import Console

    buf = io.StringIO()
    con = Console(file=buf, width=width, no_color=True, color_system=None, highlight=False, emoji=False)
    render_terminal(retro, con, experiments=experiments)
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


def render_analysis_terminal(
    report: AnalysisReport, console: Any, *, quiet: bool = False, ratios: frozenset[str] = frozenset()
) -> None:
    """``analyze``: a rich table per experiment (fits 100 columns), its decision, SRM and warnings."""
    from rich.table import Table
    from rich.text import Text

    from agilesocial.retro.lifts import HEADERS, cells, title

    def say(text: str, style: str = "") -> None:
        console.print(Text(text, style=style), soft_wrap=True)

    for w in report.warnings:
        say(f"note: {w}")
    if not report.experiments:
        say("No experiments to analyse.")
    for e in report.experiments:
        console.print()
        say(title(e), "bold")
        if not quiet:
            table = Table(show_edge=False, pad_edge=False, header_style="bold")
            for h in HEADERS:
                table.add_column(h, no_wrap=h != "CI", overflow="fold")
            for r in e.results:
                table.add_row(*(Text(c) for c in cells(r, ratios)))
            console.print(table)
        say(f"Decision: {e.decision.action.upper().replace('_', ' ')} - {e.decision.reason}", "bold")
        if e.srm is not None and not quiet:
            say(f"Sample ratio: p = {e.srm.p_value:.3g} ({'ok' if e.srm.ok else 'MISMATCH'})")
        for w in [] if quiet else e.warnings:
            say(f"  ! {w}")
    if not quiet and report.experiments:
        console.print()
        say(f"(g) = guardrail metric. Correction: {report.correction}. Lifts and CIs are relative to the control.")

"""Ingest progress as plain events, reported through a callback (drawing it is the CLI's business).

Each file goes through three phases, each reported from 0 to 1, and 1 only once the phase has finished:

- ``parse``: the checksum (is the file already ingested?), the layout sniff, the strict structure scan and the
  date-format sample;
- ``convert``: DuckDB reads the CSV and converts every used column into the staging table, then checks it;
- ``load``: the transaction that writes posts, metrics, attributes, current rows and coverage, and its commit.

A phase is split into steps; inside a step that is one long DuckDB statement a poller thread follows DuckDB's own
query progress, so the fraction moves with the work and never claims a step that has not finished.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

PHASES: tuple[str, ...] = ("parse", "convert", "load")


@dataclass(frozen=True)
class ProgressEvent:
    """Where an ingest run stands: file ``index`` of ``files`` (1-based), its ``phase`` and how much of it is done
    (``fraction`` 1.0 = the phase finished)."""

    path: Path
    index: int
    files: int
    phase: str
    fraction: float


ProgressCallback = Callable[[ProgressEvent], None]


class Phase:
    """One phase of one file: ``steps`` equal parts; :meth:`step` closes one, :meth:`part` reports inside one."""

    def __init__(self, tracker: Tracker, name: str, steps: int) -> None:
        self.tracker = tracker
        self.name = name
        self.steps = max(steps, 1)
        self.done = 0
        self.best = 0.0
        self.lock = threading.Lock()

    def part(self, within: float) -> None:
        """The current step is ``within`` (0..1) done; the phase never reports 1.0 before it ends."""
        within = min(max(within, 0.0), 1.0)
        fraction = min((self.done + within) / self.steps, (self.done + 1) / self.steps, 0.999)
        self._report(fraction)

    def step(self) -> None:
        """One more step has finished."""
        self.reach(self.done + 1)

    def reach(self, steps: int) -> None:
        """``steps`` steps have finished (a path that skips steps catches up)."""
        self.done = min(max(self.done, steps), self.steps)
        self._report(min(self.done / self.steps, 0.999))

    def _report(self, fraction: float) -> None:
        with self.lock:
            if fraction < self.best + 0.005:  # monotone, and not a call per byte
                return
            self.best = fraction
        self.tracker.emit(self.name, fraction)

    def finish(self) -> None:
        self.best = 1.0
        self.tracker.emit(self.name, 1.0)


class Tracker:
    """Reports the phases of one ingest run to ``callback`` (None: reports nothing and costs nothing).

    ``begin(name, steps)`` opens a phase (and, with ``poll``, follows DuckDB's progress inside its steps);
    ``end()`` reports it finished. A phase left open by an error is never reported finished.
    """

    POLL_SECONDS = 0.2

    def __init__(self, callback: ProgressCallback | None, files: int) -> None:
        self.callback = callback
        self.files = files
        self.index = 0
        self.path = Path()
        self.con: duckdb.DuckDBPyConnection | None = None
        self.current = Phase(self, "", 1)
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None

    def start_file(self, path: Path, con: duckdb.DuckDBPyConnection) -> None:
        self.index += 1
        self.path = path
        if self.callback is not None and self.con is None:
            con.execute("SET enable_progress_bar = true")  # query_progress() needs it; nothing is printed
            con.execute("SET enable_progress_bar_print = false")
        self.con = con

    def emit(self, phase: str, fraction: float) -> None:
        if self.callback is not None:
            self.callback(ProgressEvent(self.path, self.index, self.files, phase, fraction))

    def begin(self, name: str, steps: int = 1, *, poll: bool = False, path: Path | None = None) -> Phase:
        """Open phase ``name`` of ``steps`` steps (of ``path``: a workbook's sheet); returns it for step/part."""
        self._halt()
        self.path = path or self.path
        self.current = Phase(self, name, steps)
        if self.callback is not None and poll and self.con is not None:
            self._stop = threading.Event()
            self._poller = threading.Thread(target=self._poll, args=(self.current, self.con, self._stop), daemon=True)
            self._poller.start()
        return self.current

    def end(self) -> None:
        """The open phase has finished: report 1.0."""
        self._halt()
        self.current.finish()

    def next(self, name: str, steps: int = 1, *, poll: bool = False) -> Phase:
        """End the open phase and begin ``name``."""
        self.end()
        return self.begin(name, steps, poll=poll)

    def milestone(self, name: str, fraction: float = 0.0) -> None:
        """Stage building's milestones: the structure ``scan`` (its fraction) is parse's second step, ``scanned``
        ends it; ``parsed`` ends parse and begins convert, whose steps are reading and checking (``staged``)."""
        if name == "scan":
            self.current.part(fraction)
        elif name in ("scanned", "staged"):
            self.current.step()
        elif name == "parsed":
            self.next("convert", 2, poll=True)

    def stop(self) -> None:
        """Stop following DuckDB (the run is over, or a file failed)."""
        self._halt()

    def _halt(self) -> None:
        self._stop.set()
        if self._poller is not None:
            self._poller.join()
            self._poller = None

    def _poll(self, ph: Phase, con: duckdb.DuckDBPyConnection, stop: threading.Event) -> None:
        while not stop.wait(self.POLL_SECONDS):
            try:
                pct = float(con.query_progress())
            except Exception:  # between statements, or no statement running
                continue
            if pct >= 0:
                ph.part(pct / 100)

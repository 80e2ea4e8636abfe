"""Drawing ingest progress on stderr: a bar per phase on a terminal, plain lines otherwise (logs, CI, pipes).

The warehouse reports :class:`~agilesocial.warehouse.progress.ProgressEvent` s (file, phase, fraction); this module
only draws them. Plain mode writes one line when a phase finishes and, for a phase that runs longer than a second,
one per further 10 %: a small file gives one line per phase, a large one a line per 10 %.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from agilesocial.warehouse.progress import ProgressCallback, ProgressEvent


class PlainLines:
    """``ingest [1/3] name.csv: parse 40 %`` lines: one when a phase finishes and, once it has run for a second,
    one per further 10 %."""

    QUIET_SECONDS = 1.0

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.lock = threading.Lock()
        self.last: tuple[int, str, str] | None = None
        self.tenths = -1
        self.started = 0.0

    def __call__(self, event: ProgressEvent) -> None:
        from agilesocial.textsafe import clean

        key = (event.index, str(event.path), event.phase)
        tenths = 10 if event.fraction >= 1.0 else int(event.fraction * 10)
        with self.lock:
            if key != self.last:
                self.last, self.tenths, self.started = key, 0, time.monotonic()
            if tenths <= self.tenths or (tenths < 10 and time.monotonic() - self.started < self.QUIET_SECONDS):
                return
            self.tenths = tenths
            name = clean(event.path.name)
            self.stream.write(f"ingest [{event.index}/{event.files}] {name}: {event.phase} {tenths * 10} %\n")
            self.stream.flush()


class TerminalBar:
    """A rich bar per phase of the current file (transient: it disappears when ingest ends)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

        from agilesocial.warehouse.progress import PHASES

        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.tasks = {phase: self.bar.add_task(phase, total=1.0) for phase in PHASES}
        self.file: tuple[int, str] | None = None
        self.bar.start()

    def __call__(self, event: ProgressEvent) -> None:
        from rich.markup import escape

        from agilesocial.textsafe import clean

        if (event.index, str(event.path)) != self.file:
            self.file = (event.index, str(event.path))
            name = escape(clean(event.path.name)[:40])
            for phase, task in self.tasks.items():
                label = f"[{event.index}/{event.files}] {name} {phase}" if phase == "parse" else phase
                self.bar.reset(task, total=1.0, description=label)
        self.bar.update(self.tasks[event.phase], completed=event.fraction)

    def close(self) -> None:
        self.bar.stop()


@contextmanager
def ingest_progress(enabled: bool, stream: Any = None) -> Iterator[ProgressCallback | None]:
    """The progress callback for ``ingest``: None when disabled, a bar when stderr is a terminal, else lines."""
    if not enabled:
        yield None
        return
    stream = stream or sys.stderr
    if stream.isatty():
        bar = TerminalBar()
        try:
            yield bar
        finally:
            bar.close()
    else:
        yield PlainLines(stream)

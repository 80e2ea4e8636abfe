"""The ingest progress bar (rich, on stderr): bytes of all files; inside a large file, DuckDB's query progress."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb


class _Progress:
    """A rich progress bar on stderr over all files' bytes; inside a large file it follows DuckDB's query progress."""

    LARGE = 5_000_000

    def __init__(self, files: list[Path]) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

        self.sizes = {p: p.stat().st_size for p in files}
        self.done_bytes = 0
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = self.bar.add_task("ingest", total=sum(self.sizes.values()) or 1)
        self.stop_event = threading.Event()
        self.poller: threading.Thread | None = None
        self.bar.start()

    def start(self, path: Path, con: duckdb.DuckDBPyConnection) -> None:
        self.bar.update(self.task, description=f"ingest {path.name[:40]}")
        size = self.sizes.get(path, 0)
        if size < self.LARGE:
            return
        con.execute("SET enable_progress_bar = true")
        con.execute("SET enable_progress_bar_print = false")
        self.stop_event.clear()
        self.poller = threading.Thread(target=self._poll, args=(con, size), daemon=True)
        self.poller.start()

    def _poll(self, con: duckdb.DuckDBPyConnection, size: int) -> None:
        best = 0.0
        while not self.stop_event.wait(0.2):
            try:
                pct = float(con.query_progress())
            except Exception:  # the connection is between queries
                continue
            best = max(best, min(pct, 99.0))
            self.bar.update(self.task, completed=self.done_bytes + size * best / 100)

    def done(self, path: Path) -> None:
        self.stop_event.set()
        if self.poller is not None:
            self.poller.join()
            self.poller = None
        self.done_bytes += self.sizes.get(path, 0)
        self.bar.update(self.task, completed=self.done_bytes)

    def stop(self) -> None:
        self.stop_event.set()
        self.bar.stop()


def progress_bar(files: list[Path]) -> _Progress | None:
    """A progress bar over ``files`` when stderr is a terminal, else None."""
    import sys

    return _Progress(files) if sys.stderr.isatty() and files else None

"""The byte scans of an export: its checksum, and cells DuckDB would read differently from the CSV standard.

DuckDB drops spaces around a quoted value (``1, "ab" ,2`` reads ``ab``; the standard, and Python's ``csv`` module,
the oracle of the tests, keep `` "ab"``): :func:`spaced_quote` finds such a cell (a byte scan; the ``csv`` module
only confirms a hit) and the file is refused. :func:`fingerprint` reads a plain file once for both its sha256 and
that scan.
"""

from __future__ import annotations

import csv
import hashlib
import mmap
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from agilesocial.errors import DataError
from agilesocial.warehouse.csvcheck import Lines

if TYPE_CHECKING:
    from agilesocial.warehouse.sniff import Layout


def spaced_quote(
    layout: Layout, on_part: Callable[[float], object] | None = None, suspects: frozenset[str] | None = None
) -> DataError | None:
    """A cell whose quotes have spaces outside them (`` "ab"`` or ``"ab" ``), which DuckDB would read as ``ab``.
    ``on_part`` hears the fraction of the scan done (progress). ``suspects``: what :func:`fingerprint` found in the
    file DuckDB reads (then it is not scanned again)."""
    if suspects is not None and layout.delimiter in FINGERPRINT_DELIMITERS:
        return _locate_spaced_quote(layout) if layout.delimiter in suspects else None
    delim = layout.delimiter.encode()
    with open(layout.read_path, "rb") as fh:
        try:
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file
            return None
        with mm:
            if not (_candidate(mm, delim, on_part)):
                return None
    return _locate_spaced_quote(layout)


_WINDOW = 1 << 26


def _candidate(mm: mmap.mmap, delim: bytes, on_part: Callable[[float], object] | None = None) -> bool:
    """Whether a space stands between a delimiter (or line start) and a quote, or a quote and a delimiter (or line
    end), where the quote is not one of a doubled pair inside quoted text. Cheap: ``find`` runs at memory speed (in
    windows of 64 MB, so progress can be told and memory stays bounded; a needle starting in a window is found in
    that window)."""
    size = len(mm)
    edges = (delim, b"\n", b"\r")
    for k, (needle, before) in enumerate(((b' "', True), (b'" ', False))):
        for start in range(0, size, _WINDOW):
            if _window_hit(mm, needle, before, start, min(start + _WINDOW + len(needle) - 1, size), edges):
                return True
            _release(mm, start, min(_WINDOW, size - start))
            if on_part is not None:
                on_part((k * size + min(start + _WINDOW, size)) / (2 * size))
    return False


#: the delimiters :func:`fingerprint` scans for (those the sniffer chooses between)
FINGERPRINT_DELIMITERS = (",", ";", "\t")
_CHUNK = 1 << 23
#: bytes of context kept on each side of a chunk: a needle's surroundings (spaces before, quotes after) lie within
_CONTEXT = 1 << 10


def fingerprint(path: Path, on_part: Callable[[float], object] | None = None) -> tuple[str, frozenset[str]]:
    """One read of the file for two answers: its sha256 (the idempotency key), and the delimiters of
    :data:`FINGERPRINT_DELIMITERS` for which it holds a spaced-quote candidate (:func:`_candidate`; the delimiter is
    not known yet), so :func:`spaced_quote` needs no pass of its own. A needle whose spaces or quotes run past the
    kept context counts as a candidate (the ``csv`` module then decides). ``on_part`` hears the fraction read."""
    digest = hashlib.sha256()
    size, done = max(path.stat().st_size, 1), 0
    suspects: set[str] = set()
    buf = bytearray(2 * _CONTEXT + 2 * _CHUNK)  # read into, never copied: kept context, then the next chunk
    kept, base, covered = 0, 0, 0  # buf[0] is file offset base; needles starting before covered were searched
    with open(path, "rb") as fh:
        while True:
            if len(buf) < kept + _CHUNK:
                buf.extend(bytes(kept + _CHUNK - len(buf)))
            with memoryview(buf) as view:
                n = fh.readinto(view[kept : kept + _CHUNK])
                digest.update(view[kept : kept + n])
            filled, done = kept + n, done + n
            end = filled - _CONTEXT if n else filled  # context after the last needle searched, but at the end
            if end > covered - base and len(suspects) < len(FINGERPRINT_DELIMITERS):
                with memoryview(buf)[:filled] as data:
                    suspects |= _buffer_hits(data, covered - base, end, cut_before=base > 0)
            covered = max(covered, base + end)
            if not n:
                break
            cut = max(covered - base - _CONTEXT, 0)  # keep context before the next needle
            buf[: filled - cut] = buf[cut:filled]
            kept, base = filled - cut, base + cut
            if on_part is not None:
                on_part(done / size)
    return digest.hexdigest(), frozenset(suspects)


def _buffer_hits(buf: memoryview, start: int, end: int, *, cut_before: bool = False) -> set[str]:
    """The delimiters of :data:`FINGERPRINT_DELIMITERS` for which a needle starting in ``buf[start:end]`` is a
    candidate (``cut_before``: the file goes on before ``buf``, so a run reaching its start counts as one). The
    needles (a space next to a quote) are located with array comparisons (``bytes.find`` crawls through text full
    of spaces at ~1 ns a byte, three times slower); each is then tested against every delimiter."""
    import numpy as np

    if end - start < 1 or len(buf) < 2:
        return set()
    window = np.frombuffer(buf, np.uint8, count=min(end + 1, len(buf)) - start, offset=start)
    space, quote = window == 32, window == 34
    found: set[str] = set()
    for before, hits in ((True, space[:-1] & quote[1:]), (False, quote[:-1] & space[1:])):
        for at in np.flatnonzero(hits):
            found |= {
                d
                for d in FINGERPRINT_DELIMITERS
                if d not in found
                and _is_candidate(buf, start + int(at), before, (d.encode(), b"\n", b"\r"), cut_before)
            }
            if len(found) == len(FINGERPRINT_DELIMITERS):
                return found
    return found


def _release(mm: mmap.mmap, start: int, length: int) -> None:
    """Drop a scanned window's pages from this process (they stay in the page cache): a mapped file's pages count
    in the process's memory, so without this, scanning a 1.7 GB export would hold 1.7 GB of RSS."""
    advise = getattr(mm, "madvise", None)
    flag = getattr(mmap, "MADV_DONTNEED", None)
    if advise is not None and flag is not None and start % mmap.PAGESIZE == 0:
        advise(flag, start, length)


def _window_hit(
    mm: mmap.mmap | bytes, needle: bytes, before: bool, start: int, end: int, edges: tuple[bytes, ...]
) -> bool:
    """A candidate among the occurrences of ``needle`` that start in ``mm[start:end]``."""
    at = mm.find(needle, start, end)
    while at != -1:
        if _is_candidate(mm, at, before, edges):
            return True
        at = mm.find(needle, at + 1, end)
    return False


def _is_candidate(
    mm: mmap.mmap | bytes | memoryview, at: int, before: bool, edges: tuple[bytes, ...], cut_before: bool = False
) -> bool:
    """Whether the needle at ``at`` (`` "`` when ``before``, else ``" ``) is a spaced quote between ``edges``;
    ``cut_before``: ``mm`` starts inside the file, so a run of quotes reaching its start (of unknown parity) counts."""
    size = len(mm)
    if before:
        i = at
        while i > 0 and mm[i - 1 : i] == b" ":
            i -= 1
        j = at + 1
        while j < size and mm[j : j + 1] == b'"':
            j += 1
        quotes, nxt = j - (at + 1), mm[j : j + 1]
        return (i == 0 or mm[i - 1 : i] in edges) and (quotes % 2 == 1 or nxt in (*edges, b""))
    i = at
    while i > 0 and mm[i - 1 : i] == b'"':
        i -= 1
    j = at + 1
    while j < size and mm[j : j + 1] == b" ":
        j += 1
    return ((at + 1 - i) % 2 == 1 or (i == 0 and cut_before)) and mm[j : j + 1] in (*edges, b"")


def _locate_spaced_quote(layout: Layout) -> DataError | None:
    fix = "remove the spaces outside the quotes (or save the file again from the platform), then ingest it"
    spaced = re.compile(r'^ +"')
    with open(layout.read_path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        lines = Lines(fh)
        reader = csv.reader(lines, delimiter=layout.delimiter, strict=True)
        try:
            for cells in reader:
                for i, cell in enumerate(cells):
                    if spaced.match(cell):
                        name = layout.header[i] if i < len(layout.header) else f"column {i + 1}"
                        return DataError(
                            f"line {lines.number}, column {name!r}: spaces before a quoted value ({cell[:30]!r})",
                            path=layout.path,
                            line=lines.number,
                            hint=fix,
                        )
        except csv.Error as exc:
            return DataError(
                f"line {lines.number}: malformed CSV ({exc})", path=layout.path, line=lines.number, hint=fix
            )
    return None

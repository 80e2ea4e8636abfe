"""The randomisation test's seeded shuffles: drawn once, kept bit-packed, and drawn ahead in the background.

Every resample is a seeded shuffle of the arm labels, and the shuffles (one random draw per post per resample) are
most of a test's time. Two things make them cheaper without changing a single draw:

- an experiment's guardrail metrics re-split the same posts with the same seed, so the draws of the primary metric
  are kept (bit-packed, :data:`_DRAWN`) and reused;
- ``analyze`` knows every experiment's posts per arm before its first test, so :func:`drawing_ahead` shuffles the
  next experiments' labels in a background thread (NumPy releases the GIL while shuffling) while the current
  experiment's statistics and intervals are computed.

Either way the rows are exactly ``Generator(seed).permuted`` of the label pattern, block by block, as drawn inline.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np

CHUNK_CELLS = 2_000_000  # assignment-matrix cells per block (2 MB of uint8, 16 MB once made float64)
MAX_DRAWN_BYTES = 128_000_000  # packed bits kept at most
AHEAD = 2  # experiments' draws the background thread may hold before they are used

#: (posts, variant posts, resamples, seed)
Key = tuple[int, int, int, int]
_DRAWN: OrderedDict[Key, list[np.ndarray]] = OrderedDict()
_LOCK = threading.Lock()


def _size(key: Key) -> int:
    n, _, resamples, _ = key
    return resamples * ((n + 7) // 8)


def needs_draws(n: int, n_v: int, resamples: int) -> bool:
    """Whether a test of ``n_v`` of ``n`` posts samples its splits (False: it enumerates them all)."""
    if min(n_v, n - n_v) < 1:
        return False
    return n > 200 or math.comb(n, n_v) > resamples + 1  # above 200 posts two of each arm make > 5,000 splits


def _draw(key: Key) -> Iterator[np.ndarray]:
    """Fresh draws: ``resamples`` rows of ``n_v`` ones among ``n``, each an independent seeded shuffle."""
    n, n_v, resamples, seed = key
    rng = np.random.default_rng(seed)
    step = max(1, CHUNK_CELLS // n)
    pattern = (np.arange(n) < n_v).astype(np.uint8)  # n_v ones: the posts labelled "variant"
    done = 0
    while done < resamples:
        rows = min(step, resamples - done)
        yield rng.permuted(np.tile(pattern, (rows, 1)), axis=1)  # each row an independent shuffle
        done += rows


def _store(key: Key, blocks: list[np.ndarray]) -> None:
    with _LOCK:
        _DRAWN[key] = blocks
        _DRAWN.move_to_end(key)
        while sum(b.nbytes for v in _DRAWN.values() for b in v) > MAX_DRAWN_BYTES:
            _DRAWN.popitem(last=False)


def masks(n: int, n_v: int, resamples: int, seed: int) -> Iterator[np.ndarray]:
    """The 0/1 (uint8) assignment rows of ``resamples`` seeded shuffles, in blocks of about :data:`CHUNK_CELLS` cells:
    unpacked from :data:`_DRAWN` when drawn recently (or ahead), else drawn now (and kept when small enough)."""
    key = (n, n_v, resamples, seed)
    ahead = _AHEAD
    if ahead is not None:
        ahead.wait(key)
    with _LOCK:
        packed = _DRAWN.get(key)
        if packed is not None:
            _DRAWN.move_to_end(key)
    if packed is not None:
        for block in packed:
            yield np.unpackbits(block, axis=1, count=n)
        return
    keep = _size(key) <= MAX_DRAWN_BYTES // 2
    blocks: list[np.ndarray] = []
    for mask in _draw(key):
        if keep:
            blocks.append(np.packbits(mask, axis=1))
        yield mask
    if keep:
        _store(key, blocks)


class _Ahead:
    """A background thread drawing ``keys`` in order, at most :data:`AHEAD` beyond the last one asked for."""

    def __init__(self, keys: Sequence[Key]) -> None:
        self.keys = [k for k in dict.fromkeys(keys) if _size(k) <= MAX_DRAWN_BYTES // (AHEAD + 2)]
        self.index = {k: i for i, k in enumerate(self.keys)}
        self.ready = [threading.Event() for _ in self.keys]
        self.asked = -1
        self.closed = False
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._run, name="agilesocial-draws", daemon=True)

    def _run(self) -> None:
        try:
            for i, key in enumerate(self.keys):
                with self.cond:
                    while not self.closed and i > self.asked + AHEAD:
                        self.cond.wait()
                    if self.closed:
                        return
                with _LOCK:
                    have = key in _DRAWN
                if not have:
                    _store(key, [np.packbits(m, axis=1) for m in _draw(key)])
                self.ready[i].set()
        except Exception:  # e.g. out of memory: the test draws them itself, the same draws
            pass
        finally:
            for event in self.ready:  # nobody waits for draws that will not come
                event.set()

    def wait(self, key: Key) -> None:
        """Until ``key`` is drawn (when it is one of the keys); lets the thread draw the ones after it."""
        i = self.index.get(key)
        if i is None:
            return
        with self.cond:
            self.asked = max(self.asked, i)
            self.cond.notify_all()
        self.ready[i].wait()

    def close(self) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify_all()
        self.thread.join()


_AHEAD: _Ahead | None = None


@contextmanager
def drawing_ahead(keys: Sequence[Key]) -> Iterator[None]:
    """Inside the block, the draws of ``keys`` (in the order the tests will ask for them) are made ahead in a
    background thread. Only a hint: a test whose key is not there draws as usual."""
    global _AHEAD
    wanted = [k for k in keys if needs_draws(k[0], k[1], k[2])]
    if len(set(wanted)) < 2 or _AHEAD is not None:  # nothing to overlap with (or already drawing ahead)
        yield
        return
    ahead = _Ahead(wanted)
    ahead.thread.start()
    _AHEAD = ahead
    try:
        yield
    finally:
        _AHEAD = None
        ahead.close()

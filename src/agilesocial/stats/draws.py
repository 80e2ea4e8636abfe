"""The randomisation test's seeded random splits: drawn fast, kept bit-packed, and drawn ahead in the background.

Every resample is a uniformly random split of the experiment's posts into arms of the observed sizes. A split is
drawn without a shuffle (a shuffle costs one bounded random draw and one swap per post): each post first joins the
smaller arm with probability ``k / n`` (one 16-bit random number per post, compared with a threshold), then the few
surplus or missing posts (about ``sqrt(k)`` of them) are removed or added one at a time, each chosen uniformly
among the posts that can still change (a uniformly random proposal, taken when it can change). Every step treats
all posts alike, so every split of ``k`` posts among ``n`` is equally likely, as a shuffle's; the rows are about
six times cheaper to draw. ``tests/test_analysis_onequery.py`` checks the uniformity on small splits (every split
of 6 posts, chi-square) and the sizes.

Two more things make the draws cheaper without changing them:

- an experiment's guardrail metrics re-split the same posts with the same seed, so the draws of the primary metric
  are kept (bit-packed, :data:`_DRAWN`) and reused;
- ``analyze`` knows every experiment's posts per arm before its first test, so :func:`drawing_ahead` draws the
  next experiments' splits in a background thread (NumPy releases the GIL while it makes the random numbers) while
  the current experiment's statistics and intervals are computed.

Either way the rows are exactly those :func:`_draw` makes from ``Generator(seed)``, block by block.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np

CHUNK_CELLS = 8_000_000  # assignment-matrix cells per block drawn (8 MB of uint8)
MAX_DRAWN_BYTES = 128_000_000  # packed bits kept at most
PROPOSALS = 8  # proposals per row per round when the splits' sizes are fixed
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


def _flip(
    rng: np.random.Generator,
    flat: np.ndarray,
    rows: np.ndarray,
    n: int,
    left: np.ndarray,
    value: int,
    pool: np.ndarray | None = None,
) -> None:
    """Set ``left[i]`` more posts of row ``rows[i]`` of ``flat`` (rows of ``n``) to ``value``, each uniformly among
    the row's posts not yet at ``value``: proposals, uniform over the row's posts (or over row ``i`` of ``pool``,
    flat positions, -1 padded, that include every post not yet at ``value``), are taken in order while they are not
    at ``value``. Each round makes :data:`PROPOSALS` proposals per row at once; one is taken exactly when it would
    be taken one at a time (not at ``value``, not proposed earlier in the round, and still needed)."""
    idx = np.arange(rows.size)
    base = rows * n
    counts = None if pool is None else (pool >= 0).sum(axis=1)
    later = np.triu(np.ones((PROPOSALS, PROPOSALS), dtype=bool), 1)  # [j, l]: proposal j comes before l
    while idx.size:
        if pool is None or counts is None:
            pos = base[idx, None] + rng.integers(0, n, size=(idx.size, PROPOSALS))
        else:
            pos = pool[idx[:, None], rng.integers(0, counts[idx, None], size=(idx.size, PROPOSALS))]
        repeat = ((pos[:, :, None] == pos[:, None, :]) & later).any(axis=1)  # proposed earlier in the round
        take = (flat[pos] != value) & ~repeat
        take &= np.cumsum(take, axis=1) <= left[idx, None]
        flat[pos[take]] = value
        left[idx] -= take.sum(axis=1)
        idx = idx[left[idx] > 0]


def _splits(rng: np.random.Generator, rows: int, n: int, n_v: int) -> np.ndarray:
    """``rows`` uniformly random splits of ``n`` posts: uint8 rows with exactly ``n_v`` ones (see the module
    docstring: independent joins of the smaller arm, then the surplus or the missing posts fixed one at a time)."""
    k = min(n_v, n - n_v)
    threshold = min(65535, max(1, round(65536 * k / n)))
    mask = (rng.integers(0, 65536, size=(rows, n), dtype=np.uint16) < threshold).view(np.uint8)
    need = k - mask.sum(axis=1, dtype=np.int64)
    flat = mask.reshape(-1)
    add = np.flatnonzero(need > 0)
    if add.size:  # proposals over the whole row: at least about half of it is still out
        _flip(rng, flat, add, n, need[add], 1)
    drop = np.flatnonzero(need < 0)
    if drop.size:
        pool = None
        if 8 * k < n:  # few posts are in: propose among them (flat positions, -1 padded), not the whole row
            members = mask[drop]
            counts = members.sum(axis=1, dtype=np.int64)
            r, c = np.nonzero(members)
            pool = np.full((drop.size, int(counts.max())), -1, dtype=np.int64)
            starts = np.cumsum(counts) - counts
            pool[r, np.arange(r.size) - starts[r]] = drop[r] * n + c
        _flip(rng, flat, drop, n, -need[drop], 0, pool)
    if k != n_v:  # the variant is the larger arm: its posts are the ones not drawn
        np.subtract(1, mask, out=mask)
    return mask


def _draw(key: Key) -> Iterator[np.ndarray]:
    """Fresh draws: ``resamples`` rows of ``n_v`` ones among ``n``, each an independent uniformly random split."""
    n, n_v, resamples, seed = key
    rng = np.random.default_rng(seed)
    step = max(1, CHUNK_CELLS // n)
    done = 0
    while done < resamples:
        rows = min(step, resamples - done)
        yield _splits(rng, rows, n, n_v)
        done += rows


def _store(key: Key, blocks: list[np.ndarray]) -> None:
    with _LOCK:
        _DRAWN[key] = blocks
        _DRAWN.move_to_end(key)
        while sum(b.nbytes for v in _DRAWN.values() for b in v) > MAX_DRAWN_BYTES:
            _DRAWN.popitem(last=False)


def masks(n: int, n_v: int, resamples: int, seed: int) -> Iterator[np.ndarray]:
    """The 0/1 (uint8) assignment rows of ``resamples`` seeded random splits, in blocks of about
    :data:`CHUNK_CELLS` cells: unpacked from :data:`_DRAWN` when drawn recently (or ahead), else drawn now (and kept
    when small enough)."""
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

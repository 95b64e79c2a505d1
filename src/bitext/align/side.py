"""One side of a document pair as the search sees it: sentence vectors and window vectors.

A bead of several sentences is scored with the embedding of their joined text
(an "overlap" embedding). Embedding every window of up to six sentences costs
about twenty times embedding each sentence once, so a `Side` starts with the
single sentences only and stands in for every longer window with the
normalized sum of its sentences' vectors (free, but a poorer score). The
aligner embeds for real only the windows that could matter (see `passes`),
and `add` records them; from then on `vectors` returns the real embedding.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .windows import window_marks


class Side:
    """Sentence vectors of one side, the windows embedded so far, and window marks.

    `marks` are `window_marks` of the sentences (character counts, quote
    flags). `nn[w - 1]` is filled by `margins` with each window's mean
    similarity to its nearest sentences on the other side (the margin).
    """

    def __init__(
        self,
        singles: np.ndarray,
        width: int,
        marks: tuple[tuple[np.ndarray, ...], ...],
        texts: Sequence[str] | None = None,
        glue: str = " ",
    ) -> None:
        self.x = np.ascontiguousarray(singles, dtype=np.float32)
        self.n = len(self.x)
        self.width = max(1, min(width, self.n))
        self.chars, self.closes_quote, self.quoted = marks
        self.texts, self.glue = texts, glue
        # slot[w - 1][i]: row of window (i, w) in store[w - 1], or -1 while it is a stand-in.
        self.slot = [np.full(self.n - w + 1, -1, dtype=np.int64) for w in range(1, self.width + 1)]
        self.store = [np.zeros((0, self.x.shape[1]), dtype=np.float32) for _ in self.slot]
        self.slot[0][:] = np.arange(self.n)
        self.store[0] = self.x
        self.norm = self._sum_norms()
        self.nn: list[np.ndarray] = [np.zeros(len(s), dtype=np.float32) for s in self.slot]

    @classmethod
    def from_texts(cls, texts: Sequence[str], singles: np.ndarray, width: int, glue: str) -> Side:
        """A side whose longer windows can still be embedded (`missing` gives their texts)."""
        return cls(singles, width, window_marks(texts, max(1, min(width, len(texts)))), texts, glue)

    def _sum_norms(self) -> list[np.ndarray]:
        """Length of the sum of each window's sentence vectors, from neighbour dot products.

        |x_i + ... + x_{i+w-1}|^2 is the sum of the dot products of all pairs of
        its members, so only products of sentences fewer than w apart are needed.
        """
        n, x = self.n, self.x
        dots = [
            np.einsum("ij,ij->i", x[: n - d], x[d:], dtype=np.float64) for d in range(self.width)
        ]
        sums = [np.concatenate([[0.0], np.cumsum(g)]) for g in dots]
        out = []
        for w in range(1, self.width + 1):
            count = n - w + 1
            sq = np.zeros(count)
            for d in range(w):
                # pairs (k, k + d) with both members in the window: k runs over i..i+w-1-d
                pairs = sums[d][w - d : w - d + count] - sums[d][:count]
                sq += pairs if d == 0 else 2.0 * pairs
            out.append(np.sqrt(np.maximum(sq, 1e-24)))
        return out

    def known(self, w: int, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Starts in [start, stop) of the width-w windows that hold a real embedding."""
        slots = self.slot[w - 1][start:stop]
        return np.flatnonzero(slots >= 0) + start

    def vectors(self, w: int, start: int, stop: int) -> np.ndarray:
        """Window vectors for starts [start, stop): real where embedded, stand-ins elsewhere."""
        return self.gather(w, np.arange(start, stop))

    def gather(self, w: int, starts: np.ndarray) -> np.ndarray:
        """Vectors of the width-w windows at `starts`, real or stand-in."""
        starts = np.asarray(starts, dtype=np.int64)
        out = self.x[starts].copy()
        for k in range(1, w):
            out += self.x[starts + k]
        out /= self.norm[w - 1][starts, None].astype(np.float32)
        real = self.slot[w - 1][starts]
        has = real >= 0
        out[has] = self.store[w - 1][real[has]]
        return out

    def real(self, w: int, starts: np.ndarray) -> np.ndarray:
        """Real embeddings of windows known to have one."""
        return self.store[w - 1][self.slot[w - 1][starts]]

    def add(self, w: int, starts: np.ndarray, vectors: np.ndarray) -> None:
        """Record real embeddings of width-w windows."""
        starts = np.asarray(starts, dtype=np.int64)
        base = len(self.store[w - 1])
        self.store[w - 1] = np.concatenate(
            [self.store[w - 1], np.asarray(vectors, dtype=np.float32)]
        )
        self.slot[w - 1][starts] = base + np.arange(len(starts))

    def missing(self, w: int, starts: np.ndarray) -> np.ndarray:
        """Those of `starts` whose width-w window is still a stand-in."""
        starts = np.unique(np.asarray(starts, dtype=np.int64))
        return starts[self.slot[w - 1][starts] < 0]

    def window_text(self, w: int, start: int) -> str:
        if self.texts is None:
            raise ValueError("this side was built from embeddings: no window can be embedded")
        return self.glue.join(self.texts[start : start + w])

"""What a bead's score takes from its windows besides their embeddings.

A window is a run of consecutive sentences of one side; a bead pairs a source
window with a target window. Its cosine comes from the windows' embeddings
(`side`, `band_scores`) and its margin from `margins`; here are the parts
that need only the texts: length in characters and agreement between the
sides, quotation marks, and paragraph boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

#: Marks that close a quotation at the end of a sentence (before any final space),
#: and that open one: Chinese corner and curly quotes, English straight/curly ones
#: (an English opening ' counts only at a word start, not as an apostrophe).
_CLOSING_QUOTES = ("”", "」", "』", '"', "'", "’")
_OPENING_QUOTE = re.compile(r"[“「『]|(?:^|\s)['\"‘]")


def window_marks(
    sentences: Sequence[str], width: int
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Per window width: character lengths, closes-a-quote and quotes-at-all flags.

    Translators keep quotations: a bead whose Chinese ends a quotation while its
    English does not has usually cut the dialogue in the wrong place.
    """
    lens = np.array([len("".join(t.split())) for t in sentences], dtype=np.float64)
    closes = np.array([t.rstrip().endswith(_CLOSING_QUOTES) for t in sentences], dtype=bool)
    quotes = np.array([_OPENING_QUOTE.search(t) is not None for t in sentences], dtype=np.int64)
    csum = np.concatenate([[0.0], np.cumsum(lens)])
    qsum = np.concatenate([[0], np.cumsum(quotes)])
    chars, closing, quoted = [], [], []
    for w in range(1, width + 1):
        chars.append(csum[w:] - csum[:-w])
        closing.append(closes[w - 1 :])
        quoted.append((qsum[w:] - qsum[:-w]) > 0)
    return tuple(chars), tuple(closing), tuple(quoted)


def length_agreement(src_chars: np.ndarray, tgt_chars: np.ndarray) -> np.ndarray:
    """Bertalign's length agreement, log2(1 + short/long), in (0, 1], pair by pair.

    `tgt_chars` should already be scaled by the document's source/target
    character ratio, so that 1 means "as long as a translation usually is".
    """
    s, t = src_chars + 1.0, tgt_chars + 1.0
    return np.log2(1.0 + np.minimum(s, t) / np.maximum(s, t))


def paragraph_starts(paragraph_ids: Sequence[int] | None, n: int) -> np.ndarray:
    """Boolean per sentence: does it open a paragraph? All False without paragraph ids."""
    if paragraph_ids is None:
        return np.zeros(n, dtype=bool)
    ids = np.asarray(paragraph_ids)
    starts = np.ones(n, dtype=bool)
    starts[1:] = ids[1:] != ids[:-1]
    return starts


def crosses_paragraph(paragraph_ids: Sequence[int] | None, n: int, width: int) -> np.ndarray:
    """Boolean per window start: does a window of `width` sentences span two paragraphs?"""
    if paragraph_ids is None or width <= 1:
        return np.zeros(max(n - width + 1, 0), dtype=bool)
    ids = np.asarray(paragraph_ids)
    return ids[width - 1 :] != ids[: n - width + 1]

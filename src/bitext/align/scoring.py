"""Bead scores: similarity of (concatenated) sentence embeddings, and the priors around it.

A bead taking source sentences i..i+a-1 and target sentences j..j+b-1 is scored
from the cosine of the embedding of the joined source text with that of the
joined target text (Bertalign's "overlap" embeddings), minus a share of each
side's mean similarity to its nearest neighbours: a generic sentence that is
close to everything should not win a pair on raw cosine alone (margin scoring,
as in LASER/Vecalign).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..embed import Encoder


@dataclass(frozen=True, slots=True)
class Windows:
    """Embeddings, lengths and quote marks of every run of 1..k consecutive sentences.

    ``emb[l - 1][i]`` embeds sentences i..i+l-1 joined; ``chars[l - 1][i]`` is
    their length in non-space characters; ``closes_quote[l - 1][i]`` whether the
    run's last sentence ends a quotation and ``quoted[l - 1][i]`` whether any of
    its sentences quotes (empty tuples when the texts were not available).
    """

    emb: tuple[np.ndarray, ...]
    chars: tuple[np.ndarray, ...]
    closes_quote: tuple[np.ndarray, ...] = ()
    quoted: tuple[np.ndarray, ...] = ()

    @property
    def n(self) -> int:
        return len(self.emb[0])


def window_texts(sentences: Sequence[str], width: int, glue: str) -> list[str]:
    """Texts of all windows of 1..width sentences, ordered by width then start."""
    out: list[str] = []
    for w in range(1, width + 1):
        out.extend(glue.join(sentences[i : i + w]) for i in range(len(sentences) - w + 1))
    return out


def embed_windows(sentences: Sequence[str], width: int, glue: str, encoder: Encoder) -> Windows:
    """Embed every window of 1..width consecutive sentences in one encoder call."""
    width = max(1, min(width, len(sentences)))
    texts = window_texts(sentences, width, glue)
    vecs = encoder.encode(texts) if texts else np.zeros((0, 1), dtype=np.float32)
    emb, pos = [], 0
    for w in range(1, width + 1):
        count = len(sentences) - w + 1
        emb.append(np.asarray(vecs[pos : pos + count], dtype=np.float32))
        pos += count
    return Windows(tuple(emb), *window_marks(sentences, width))


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

"""Which English span renders which Chinese term, inside one aligned unit.

Every candidate pair (a Chinese span, an English span of the same unit) is
scored on three kinds of evidence, none enough alone:

- the multilingual sentence encoder's cosine of the two spans: it knows
  康樂及文化事務署 is a cultural services department, but likes a part of a
  name (Beach, Rosanna) as much as the whole;
- dictionary coverage (CC-CEDICT): how much of each side the other explains,
  word by word; that is what makes the whole name win over its parts;
- spelling: the English words a name's characters spell in pinyin, Hong Kong
  Cantonese or Wade–Giles (Zhang Yongwu, Lee Ka-chiu, Hsieh).

`bitext.terms.linking` then links the pairs of a unit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bitext.normalize.zh_script import any_to_simplified

from .chinese import ZhSpan
from .cooccurrence import Cooccurrence
from .english import Span
from .links import Evidence, UnitLinks, bounded, evidence, unit_links

#: The features of a candidate pair, in the order `WEIGHTS` weighs them.
FEATURES = (
    "sim",  # the encoder's cosine of the two spans
    "en_cover",  # share of the English span's linked words linked inside the pair
    "zh_cover",  # share of the Chinese span's linked characters linked inside the pair
    "inside",  # log2(1 + English words linked inside the pair)
    "stray",  # words and characters of the pair strongly linked only outside it
    "bounded",  # share of the Chinese span's two ends that meet a boundary
    "whole",  # the English span is a name at its full extent
    "acronym",
    "quoted",
    "phrase",  # lower-case words
    "unlinked",  # no word link at all: the cosine alone speaks for the pair
    "length",  # |log2(Chinese characters / (2 x English content words))|
    # Dice of the units the two spans occur in (`cooccurrence`), for a pair with no word
    # link: like the cosine, it speaks where the dictionary is silent (施政報告, Policy
    # Address); where words link, the nested pieces of a name co-occur as much as it does.
    "together",
)
#: Logistic weights (then the intercept), set by hand on the gold glossaries in
#: data/terms-gold/; weights fitted there (benchmarks/terms.py --fit) did no better.
WEIGHTS = np.array([4.0, 1.0, 1.0, 1.0, -1.5, 1.0, 0.5, 0.0, 0.0, -0.5, -1.0, -0.5, 4.0])
INTERCEPT = -4.0
#: Without any word link, a pair needs at least this cosine, or this Dice of co-occurrence,
#: to be considered at all.
SIM_ALONE = 0.5
COOC_ALONE = 0.5
#: Pairs below this probability are not considered at all (they would only cost time).
MIN_PROBABILITY = 0.2


@dataclass(frozen=True, slots=True)
class Link:
    """A Chinese span linked to the English span that renders it in one unit.

    `score` is the probability (0-1) that the English renders the Chinese.
    """

    zh: ZhSpan
    en: Span
    score: float
    sim: float
    features: tuple[float, ...] = ()


def pair_features(
    zh: str,
    en: str,
    zh_spans: Sequence[ZhSpan],
    en_spans: Sequence[Span],
    vectors: Mapping[str, np.ndarray],
    cooc: Cooccurrence | None = None,
) -> tuple[list[tuple[int, int]], np.ndarray, np.ndarray]:
    """Every candidate pair of one unit with some evidence: (indexes, features, cosines).

    `cooc`: how often the spans occur together in the other units (none: never).
    """
    links = unit_links(zh, en)
    zv = np.stack([vectors[any_to_simplified(z.text)] for z in zh_spans])
    ev = np.stack([vectors[e.text] for e in en_spans])
    sims = zv @ ev.T
    words = [links.words_in(e.start, e.end) for e in en_spans]
    content = [max(1, len(w)) for w in words]
    linked = _linked_pairs(links, zh_spans, words, len(zh))
    dice = cooc.dice(zh_spans, en_spans) if cooc is not None else np.zeros(sims.shape)
    index, rows = [], []
    for i, z in enumerate(zh_spans):
        chars = sum(1 for c in z.text if not c.isspace())
        for j, e in enumerate(en_spans):
            together = float(dice[i, j])
            alone = sims[i, j] < SIM_ALONE and together < COOC_ALONE
            if not linked[i, j] and alone:
                continue  # most pairs: decided without the per-pair evidence
            found = evidence(links, z, words[j])
            if not found.inside and alone:
                continue
            length = abs(math.log2(chars / (2 * content[j])))
            index.append((i, j))
            rows.append(
                _row(float(sims[i, j]), found, bounded(links, z, words[j]), e, length, together)
            )
    features = np.array(rows, dtype=float).reshape(-1, len(FEATURES))
    return index, features, sims


def _row(
    sim: float, found: Evidence, edges: float, e: Span, length: float, together: float
) -> tuple[float, ...]:
    """One pair's features, in the order of `FEATURES`."""
    return (
        sim,
        found.en_cover,
        found.zh_cover,
        math.log2(1 + found.inside),
        found.stray,
        edges,
        float(e.whole),
        float(e.kind == "acronym"),
        float(e.kind == "quoted"),
        float(e.kind == "phrase"),
        float(not found.inside),
        length,
        0.0 if found.inside else together,
    )


def _linked_pairs(
    links: UnitLinks, zh_spans: Sequence[ZhSpan], words: Sequence[list[int]], length: int
) -> np.ndarray:
    """Which (Chinese span, English span) pairs have a word link between them at all."""
    n_words = len(links.en_words)
    chars = np.zeros((len(zh_spans), length), dtype=np.int32)
    for i, z in enumerate(zh_spans):
        chars[i, z.start : z.end] = 1
    link = np.zeros((length, n_words), dtype=np.int32)
    for k, linked in enumerate(links.zh_of):
        for c in linked:
            if c < length:
                link[c, k] = 1
    member = np.zeros((n_words, len(words)), dtype=np.int32)
    for j, ws in enumerate(words):
        member[ws, j] = 1
    return (chars @ link @ member) > 0


def score_unit(
    zh: str,
    en: str,
    zh_spans: Sequence[ZhSpan],
    en_spans: Sequence[Span],
    vectors: Mapping[str, np.ndarray],
    cooc: Cooccurrence | None = None,
) -> list[Link]:
    """Every candidate pair of one unit worth considering, scored, best first."""
    if not zh_spans or not en_spans:
        return []
    index, features, sims = pair_features(zh, en, zh_spans, en_spans, vectors, cooc)
    probability = 1.0 / (1.0 + np.exp(-(features @ WEIGHTS + INTERCEPT)))
    out = [
        Link(zh_spans[i], en_spans[j], float(p), float(sims[i, j]), tuple(f))
        for (i, j), p, f in zip(index, probability, features, strict=True)
        if p >= MIN_PROBABILITY
    ]
    out.sort(key=lambda link: -link.score)
    return out

"""Sentence alignment: overlap embeddings, margin scoring, and a monotone DP over bead types.

`align_sentences` is the whole stage for plain strings.

The search runs in passes (`passes`): a rough path on single-sentence
embeddings, found coarse to fine on long documents (`guide`), then every bead
type in a band around it (`dp`, `band_scores`), with the embeddings of joined
sentences computed only for the beads that could be on the best path (`side`).
Time and memory grow linearly with the document; embedding costs about twice
embedding each sentence once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError
from ..lang import joiner
from ..model import Bead
from .align_config import DEFAULT_BEAD_TYPES, AlignConfig, check_config, check_options
from .lexical import LexicalFeatures, lexical_features
from .passes import align_sides
from .side import Side

if TYPE_CHECKING:
    from ..embed import Encoder
    from ..embed_cache import TextMemo

__all__ = [
    "DEFAULT_BEAD_TYPES",
    "MAX_SENTENCES",
    "AlignConfig",
    "LexicalFeatures",
    "align_sentences",
    "check_config",
    "check_options",
    "check_size",
    "lexical_features",
]

#: Most sentences one side may have to be aligned in one search (see `check_size`).
MAX_SENTENCES = 50_000


def align_sentences(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    encoder: Encoder | None = None,
    config: AlignConfig | None = None,
    src_lang: str = "zh",
    tgt_lang: str = "en",
    src_paragraphs: Sequence[int] | None = None,
    tgt_paragraphs: Sequence[int] | None = None,
    memo: TextMemo | None = None,
    **options: Any,
) -> list[Bead]:
    """Align two lists of sentences; returns beads covering every sentence once, in order.

    `options` override fields of `config` (e.g. ``null_threshold=0.15``).
    `src_paragraphs`/`tgt_paragraphs` give each sentence's paragraph id, used as
    soft anchors. The default encoder is USE-multilingual-v3 (offline). `memo`
    (e.g. a `CachedEncoder`'s ``texts``) keeps the word features for a rerun.
    """
    config = check_config(config, options)
    src, tgt = _sentences(src, "src"), _sentences(tgt, "tgt")
    _check_paragraphs(src_paragraphs, len(src), "src_paragraphs")
    _check_paragraphs(tgt_paragraphs, len(tgt), "tgt_paragraphs")
    if not src or not tgt:
        return [Bead((i,), (), 1.0) for i in range(len(src))] + [
            Bead((), (j,), 1.0) for j in range(len(tgt))
        ]
    check_size(len(src), len(tgt))
    if encoder is None:
        from ..embed import USEEncoder

        encoder = USEEncoder()
    # One encoder call for both sides' sentences; windows are embedded later, on demand.
    vectors = np.asarray(encoder.encode([*src, *tgt]), dtype=np.float32)
    sides = (
        Side.from_texts(src, vectors[: len(src)], config.max_src, joiner(src_lang)),
        Side.from_texts(tgt, vectors[len(src) :], config.max_tgt, joiner(tgt_lang)),
    )
    lexical = None
    if config.lexical_weight:
        lexical = lexical_features(
            src,
            tgt,
            src_lang,
            tgt_lang,
            dictionary=config.lexical_dictionary,
            names=config.lexical_names,
            memo=memo,
        )
    return align_sides(*sides, config, (src_paragraphs, tgt_paragraphs), lexical, encoder)


def check_size(n: int, m: int) -> None:
    """Refuse a document pair too long to align in one search.

    The search runs in a band around a coarse-to-fine path, so time and memory
    grow linearly with the sentences (docs/benchmarks.md, "A long document").
    `MAX_SENTENCES` per side keeps a runaway input (a 50 MB text) from taking
    gigabytes and hours.
    """
    if max(n, m) > MAX_SENTENCES:
        raise InputError(
            f"{n} x {m} sentences is too long to align in one piece "
            f"(limit {MAX_SENTENCES:,} sentences per side); split the document"
        )


def _sentences(texts: Sequence[str], name: str) -> list[str]:
    if isinstance(texts, str):
        raise TypeError(f"{name} must be a sequence of sentences, not one string")
    return list(texts)


def _check_paragraphs(ids: Sequence[int] | None, n: int, name: str) -> None:
    if ids is not None and len(ids) != n:
        raise ValueError(f"{name} has {len(ids)} ids for {n} sentences")

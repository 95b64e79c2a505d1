"""Aligned units for the term base, from an alignment, a TMX file or a memory.

A wrong pair must not teach a wrong rendering, but a term asks less of its
unit than a memory does of a pair: that the unit holds the translation, not
that it is exactly right. A pair's score is the chance of the latter (a
sentence merged in, or left out, costs it), so a release gives its pairs at or
above `TERM_MIN_SCORE`, more likely right than not, and not only those the TMX
export takes (`bitext.model.EXPORT_MIN_SCORE`): long sentences that name many
bodies are the ones most often held back. A memory gives its exported and
approved units unless asked for more; a TMX file every unit with both
languages, as `bitext tm import` takes them. The Chinese is kept as written (Traditional
stays Traditional): the glossary speaks the text's own script.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from bitext.lang import DEFAULT_EN_TAG
from bitext.model import Alignment, join_sentences

from .termbase import TermUnit

if TYPE_CHECKING:
    from bitext.tm import TranslationMemory

__all__ = ["TERM_MIN_SCORE", "units_from_alignment", "units_from_memory", "units_from_tmx"]

#: The confidence an aligned pair needs to be read for terms: more likely right than not
#: (measured against the export threshold in docs/benchmarks.md, "Term extraction").
TERM_MIN_SCORE = 0.5


def units_from_alignment(
    alignment: Alignment, *, min_score: float = TERM_MIN_SCORE
) -> list[TermUnit]:
    """The pairs of `alignment` scoring at least `min_score`, one unit per bead.

    `document` is `alignment.source`; `id` is the bead's index in
    `alignment.beads` (from 0), so a unit can be found in the review page
    (bead ``id + 1``) and in a held pair's place.
    """
    units = []
    for index, bead in enumerate(alignment.beads):
        if not bead.is_pair or bead.score < min_score:
            continue
        zh = join_sentences([alignment.src[i] for i in bead.src])
        en = join_sentences([alignment.tgt[j] for j in bead.tgt])
        units.append(TermUnit(zh, en, alignment.source, index))
    return units


def units_from_tmx(
    path: str | os.PathLike[str],
    *,
    src_lang: str | None = None,
    tgt_lang: str = DEFAULT_EN_TAG,
) -> list[TermUnit]:
    """The units of a TMX file (1.1-1.4, or .tmx.gz) holding both Chinese and English.

    The variants are picked as `bitext.tm.import_tmx` picks them: `src_lang`
    None takes every Chinese variant of a unit (a unit with zh-HK and zh-TW
    gives two); `tgt_lang` the English. `document` is the file's name, `id`
    the unit's position in the file (from 0). Raises `InputError` for a file
    the TMX reader refuses.
    """
    from bitext import tmx
    from bitext._names import file_label, printable
    from bitext.tm.tmxio import variant_pairs

    name = printable(os.fspath(path))
    document = tmx.read(path, name=name)
    label = file_label(path) or name
    return [
        TermUnit(src.text, tgt.text, label, index)
        for index, unit in enumerate(document.units)
        for src, tgt in variant_pairs(unit, src_lang=src_lang, tgt_lang=tgt_lang)
    ]


def units_from_memory(memory: TranslationMemory, **filters: Any) -> list[TermUnit]:
    """The units of `memory` an export would write: exported and approved, not held.

    `filters` are those of `bitext.tm.TranslationMemory.units` (``min_score``,
    ``document``, ``since``...; ``min_score=0`` takes every unit) and
    ``zh_lang``. `document` is the path of the first release the unit came
    from, `id` the memory's unit id (what ``bitext tm search`` shows).
    """
    from bitext.lang import primary
    from bitext.tm.tmxio import exported_units

    out = []
    for u in memory.with_origins(exported_units(memory, **filters)):
        # A memory stores what a TMX called its source: an English-source file's units
        # have their Chinese as the target.
        zh, en = (u.src, u.tgt) if primary(u.src_lang) == "zh" else (u.tgt, u.src)
        out.append(TermUnit(zh, en, u.origins[0].path if u.origins else None, u.id))
    return out

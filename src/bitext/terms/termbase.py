"""What a term base is made of: aligned units in, terms with their renderings out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

#: Terms below this confidence are left out by default (`extract`, `bitext terms
#: extract`): on the gold glossaries the renderings kept are 0.90 right (0.89 with none
#: left out) for 1% less recall (docs/benchmarks.md, "Term extraction").
MIN_CONFIDENCE = 0.5
#: The kinds of term, in the order a glossary lists them.
TERM_TYPES = ("person", "organisation", "place", "title", "event", "term")


@dataclass(frozen=True, slots=True)
class TermUnit:
    """One aligned pair a term can be drawn from: a TMX unit, a memory unit, a bead.

    `document` names the release (a path, a TMX file's name) and `id` the unit
    within the memory or file (a memory unit id, a bead's index), so that a
    reviser can find it again.
    """

    zh: str
    en: str
    document: str | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A term found in one unit, with the English that unit renders it as.

    `en` is the rendering as the unit writes it (case kept); `zh` the Chinese
    form the unit uses (a short form or an abbreviation can differ from the
    term's headword).
    """

    unit: TermUnit
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Variant:
    """Another form under the same entry: an abbreviation, a short form, another rendering.

    `kind` is ``abbreviation`` (AFCD, LegCo), ``short form`` (a Chinese short
    form such as 漁護署), or ``rendering`` (the same Chinese rendered another way).
    """

    zh: str
    en: str
    kind: str
    count: int


@dataclass(frozen=True, slots=True)
class Term:
    """One entry of the term base: a Chinese term and its English rendering.

    `count` is the number of units it was found in with this rendering;
    `confidence` (0-1) how sure the extractor is of the pairing; `occurrences`
    the units it comes from; `variants` the other forms kept under this entry.
    """

    zh: str
    en: str
    type: str
    count: int
    confidence: float
    occurrences: tuple[Occurrence, ...] = ()
    variants: tuple[Variant, ...] = field(default=())

    @property
    def documents(self) -> tuple[str, ...]:
        """The releases the term was found in, each once, in the order first seen."""
        seen = dict.fromkeys(o.unit.document for o in self.occurrences if o.unit.document)
        return tuple(d for d in seen if d is not None)


def to_pandas(terms: Sequence[Term]) -> Any:
    """A data frame with one row per term (pandas from the ``analysis`` extra).

    Columns: zh, en, type, count, confidence, documents (``; ``-joined),
    variants (``zh = en (kind)``, ``; ``-joined).
    """
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "zh": t.zh,
                "en": t.en,
                "type": t.type,
                "count": t.count,
                "confidence": t.confidence,
                "documents": "; ".join(t.documents),
                "variants": "; ".join(f"{v.zh} = {v.en} ({v.kind})" for v in t.variants),
            }
            for t in terms
        ],
        columns=["zh", "en", "type", "count", "confidence", "documents", "variants"],
    )


def units_of(pairs: Iterable[tuple[str, str]], document: str | None = None) -> list[TermUnit]:
    """TermUnits from (zh, en) pairs, numbered in order."""
    return [TermUnit(zh, en, document, i) for i, (zh, en) in enumerate(pairs)]

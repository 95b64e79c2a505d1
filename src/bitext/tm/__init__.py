"""A translation memory that grows with every release: SQLite store, batch, lookups.

    from bitext.tm import TranslationMemory, batch_align
    report = batch_align(["releases/"], "office.sqlite", jobs=2)
    with TranslationMemory("office.sqlite") as tm:
        for match in tm.search("国际传播中心的记者采访了他。"):
            print(match.percent, match.unit.src, match.unit.tgt)
        tm.concordance("国际传播")
        tm.semantic("international communication")

Merging TMX files without a store is `bitext.tmx.merge`.
"""

from __future__ import annotations

from .batch import (
    BatchReport,  # noqa: F401 (former name of BatchRun, kept importable)
    BatchRun,
    BatchSettings,
    DocumentOutcome,
    batch_align,
    find_inputs,
    iter_batch,
)
from .lookup import match_percent
from .records import DocumentRecord, Match, Origin, StoredDocument, StoredPair, Unit
from .store import AddResult, TranslationMemory
from .tmxio import export_tmx, export_tmx_files, import_tmx, units_to_tmx

__all__ = [
    "AddResult",
    "BatchRun",
    "BatchSettings",
    "DocumentOutcome",
    "DocumentRecord",
    "Match",
    "Origin",
    "StoredDocument",
    "StoredPair",
    "TranslationMemory",
    "Unit",
    "batch_align",
    "export_tmx",
    "export_tmx_files",
    "find_inputs",
    "import_tmx",
    "iter_batch",
    "match_percent",
    "units_to_tmx",
]

"""Translation memories in TMX: read any CAT tool's file safely, write it back.

    from bitext import tmx
    memory = tmx.read("office.tmx")           # TMX 1.1-1.4; XXE and entity bombs refused
    for zh, en in memory.pairs("zh-CN", "en-US"):
        ...
    data = tmx.to_bytes(memory)                # TMX 1.4, inline tags kept
    merged, reports = tmx.merge([memory, tmx.read("vendor.tmx")], names=["office", "vendor"])

Writing aligned documents as TMX is `bitext.write_tmx` (the export stage).
"""

from __future__ import annotations

from bitext.tmx._merge import MergeReport, language_key, merge
from bitext.tmx._reader import MAX_BYTES, TMXDocument, TranslationUnit, Variant, read_tmx
from bitext.tmx._writer import tmx_units_to_bytes

read = read_tmx
to_bytes = tmx_units_to_bytes

__all__ = [
    "MAX_BYTES",
    "MergeReport",
    "TMXDocument",
    "TranslationUnit",
    "Variant",
    "language_key",
    "merge",
    "read",
    "read_tmx",
    "tmx_units_to_bytes",
    "to_bytes",
]

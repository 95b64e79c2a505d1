"""Translation memories in TMX: read any CAT tool's file safely, write it back.

    from bitext import tmx
    memory = tmx.read("office.tmx")           # TMX 1.1-1.4; XXE and entity bombs refused
    for zh, en in memory.pairs("zh-CN", "en-US"):
        ...
    data = tmx.to_bytes(memory)                # TMX 1.4, inline tags kept
    merged, reports = tmx.merge([memory, tmx.read("vendor.tmx")], names=["office", "vendor"])

This package owns the format: the model, the safe reader, the DTD check
(`validate_tmx`) and the one header writer. Turning aligned documents into TMX
is `bitext.write_tmx` (the export stage), which builds on it.
"""

from __future__ import annotations

from bitext.tmx._merge import MergeCounts, MergeReport, language_key, merge  # noqa: F401
from bitext.tmx._reader import MAX_BYTES, TMXDocument, TranslationUnit, Variant, read_tmx
from bitext.tmx._writer import tmx_units_to_bytes
from bitext.tmx._xml import clean_xml_text, safe_parser, validate_tmx

read = read_tmx
to_bytes = tmx_units_to_bytes

__all__ = [
    "MAX_BYTES",
    "MergeCounts",
    "TMXDocument",
    "TranslationUnit",
    "Variant",
    "clean_xml_text",
    "language_key",
    "merge",
    "read",
    "read_tmx",
    "safe_parser",
    "tmx_units_to_bytes",
    "to_bytes",
    "validate_tmx",
]

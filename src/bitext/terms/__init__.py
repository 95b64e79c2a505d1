"""A term base drawn from aligned units: names, organisations, places, titles.

`extract` pairs the Chinese terms of aligned units with the English each unit
renders them as; `check` finds terms rendered differently across a memory or
against a glossary; the writers give TBX (TBX-Basic), TSV and OmegaT glossaries.
"""

from __future__ import annotations

from .check import Finding, Rendering, check
from .extract import extract
from .glossary import read_glossary, tbx_bytes, write_glossary
from .model import TERM_TYPES, Occurrence, Term, TermUnit, Variant, to_pandas, units_of
from .report import check_report_html, check_report_tsv, write_check_report
from .same import normalise, same_rendering
from .units import units_from_alignment, units_from_memory, units_from_tmx

__all__ = [
    "TERM_TYPES",
    "Finding",
    "Occurrence",
    "Rendering",
    "Term",
    "TermUnit",
    "Variant",
    "check",
    "check_report_html",
    "check_report_tsv",
    "extract",
    "normalise",
    "read_glossary",
    "same_rendering",
    "tbx_bytes",
    "to_pandas",
    "units_from_alignment",
    "units_from_memory",
    "units_from_tmx",
    "units_of",
    "write_check_report",
    "write_glossary",
]

"""A term base drawn from aligned units: names, organisations, places, titles.

`extract` pairs the Chinese terms of aligned units with the English each unit
renders them as; `check` finds terms rendered differently across a memory or
against a glossary; the writers give TBX (TBX-Basic), TSV and OmegaT glossaries.
"""

from __future__ import annotations

from .extract import extract
from .glossary import read_glossary, tbx_bytes, write_glossary
from .model import TERM_TYPES, Occurrence, Term, TermUnit, Variant, to_pandas, units_of

__all__ = [
    "TERM_TYPES",
    "Occurrence",
    "Term",
    "TermUnit",
    "Variant",
    "extract",
    "read_glossary",
    "tbx_bytes",
    "to_pandas",
    "units_of",
    "write_glossary",
]

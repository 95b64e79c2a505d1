"""A term base drawn from aligned units: names, organisations, places, titles.

`extract` pairs the Chinese terms of aligned units with the English each unit
renders them as; `check` finds terms rendered differently across a memory or
against a glossary; the writers give TBX (TBX-Basic), TSV and OmegaT glossaries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bitext._lazy import lazy_names

if TYPE_CHECKING:  # what a type checker sees; at run time `__getattr__` imports on first use
    from .check_report import check_report_html, check_report_tsv, write_check_report
    from .consistency import Finding, Rendering, check
    from .extraction import extract
    from .glossary import read_glossary, tbx_bytes, write_glossary
    from .same import normalise, same_rendering
    from .termbase import TERM_TYPES, Occurrence, Term, TermUnit, Variant, to_pandas, units_of
    from .units import TERM_MIN_SCORE, units_from_alignment, units_from_memory, units_from_tmx

#: Where each public name lives. Imported when first used (PEP 562): the command line
#: reads `bitext.terms.termbase` at start-up, and must not pay for jieba, numpy and the
#: encoder's modules that the extractor imports.
_HOME = {
    "Finding": ".consistency",
    "Rendering": ".consistency",
    "check": ".consistency",
    "extract": ".extraction",
    "read_glossary": ".glossary",
    "tbx_bytes": ".glossary",
    "write_glossary": ".glossary",
    "TERM_TYPES": ".termbase",
    "Occurrence": ".termbase",
    "Term": ".termbase",
    "TermUnit": ".termbase",
    "Variant": ".termbase",
    "to_pandas": ".termbase",
    "units_of": ".termbase",
    "check_report_html": ".check_report",
    "check_report_tsv": ".check_report",
    "write_check_report": ".check_report",
    "normalise": ".same",
    "same_rendering": ".same",
    "TERM_MIN_SCORE": ".units",
    "units_from_alignment": ".units",
    "units_from_memory": ".units",
    "units_from_tmx": ".units",
}

__all__ = [
    "TERM_MIN_SCORE",
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


__getattr__, __dir__ = lazy_names(__name__, _HOME, globals())

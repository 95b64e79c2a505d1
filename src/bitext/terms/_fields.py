"""How a term's facts are spelled in the glossary files, and read back.

The three formats (TBX notes, the TSV's columns, OmegaT's comment column) spell
counts, confidences and variants the same way, so that one parser reads all
three and a reviser sees the same words in each.
"""

from __future__ import annotations

import re

from bitext.terms.termbase import Term, Variant

#: Unit references listed in a TBX note before "and N more": a term found in
#: hundreds of units would otherwise bury the entry under its sources.
MAX_SOURCES = 20

_SPACE = re.compile(r"\s+")
# "漁護署 = AFCD (short form, 4 units)"; the kind is letters and spaces only, so a
# rendering that itself holds " = " or parentheses is still split at the right place.
_VARIANT = re.compile(r"(?P<zh>.+?) = (?P<en>.+) \((?P<kind>[a-z][a-z ]*), (?P<count>\d+) units?\)")
# A Term as its confidence is written: at most three decimals, no trailing zeros.
_CONFIDENCE_PLACES = 3


def one_line(text: str) -> str:
    """`text` on one line: tabs, line breaks and runs of spaces become one space.

    A tab or a line break inside a term would split a TSV or OmegaT record, and
    neither format has an escape for them; in a term they carry no meaning.
    """
    return _SPACE.sub(" ", text).strip()


def units(count: int) -> str:
    return f"{count} unit" if count == 1 else f"{count} units"


def confidence_text(value: float) -> str:
    """``0.9`` → ``"0.9"``, ``0.93456`` → ``"0.935"``, ``1.0`` → ``"1"``."""
    return f"{value:.{_CONFIDENCE_PLACES}f}".rstrip("0").rstrip(".") or "0"


def variant_label(variant: Variant) -> str:
    """``漁護署 = AFCD (short form, 4 units)``: one variant, readable and parseable."""
    return (
        f"{one_line(variant.zh)} = {one_line(variant.en)} "
        f"({one_line(variant.kind)}, {units(variant.count)})"
    )


def parse_variant(text: str) -> Variant | None:
    """The Variant that `variant_label` wrote as `text`, or None if it is not one."""
    match = _VARIANT.fullmatch(text.strip())
    if match is None:
        return None
    return Variant(match["zh"], match["en"], match["kind"], int(match["count"]))


def variants_cell(term: Term) -> str:
    """All of a term's variants in one cell, ``; ``-separated."""
    return "; ".join(variant_label(v) for v in term.variants)


def parse_variants_cell(cell: str) -> tuple[Variant, ...] | None:
    """The variants of a `variants_cell`, or None when some part is not a variant."""
    if not cell.strip():
        return ()
    # Split only right after a variant's "(kind, n units)": a "; " inside an
    # English rendering is not followed by that and stays in its variant.
    parts = re.split(r"(?<=units\)); |(?<=unit\)); ", cell.strip())
    found = [parse_variant(p) for p in parts]
    return None if any(v is None for v in found) else tuple(v for v in found if v is not None)


def source_refs(term: Term) -> list[str]:
    """``document #id`` for each unit the term was found in, in order, each once."""
    refs: dict[str, None] = {}
    for occurrence in term.occurrences:
        unit = occurrence.unit
        where = one_line(unit.document) if unit.document else "(no document)"
        refs[f"{where} #{unit.id}" if unit.id is not None else where] = None
    return list(refs)


def sources_note(term: Term) -> str:
    """``found in 12 units (confidence 0.93): doc #3; doc #5; ...``."""
    head = f"found in {units(term.count)} (confidence {confidence_text(term.confidence)})"
    refs = source_refs(term)
    if not refs:
        return head
    shown = "; ".join(refs[:MAX_SOURCES])
    more = f"; and {len(refs) - MAX_SOURCES} more" if len(refs) > MAX_SOURCES else ""
    return f"{head}: {shown}{more}"


_SOURCES = re.compile(
    r"found in (?P<count>\d+) units? \(confidence (?P<confidence>[0-9.]+)\)(?::.*)?", re.S
)


def parse_sources_note(text: str) -> tuple[int, float] | None:
    """(count, confidence) from a `sources_note`, or None if `text` is not one."""
    match = _SOURCES.fullmatch(text.strip())
    if match is None:
        return None
    try:
        return int(match["count"]), float(match["confidence"])
    except ValueError:
        return None

"""Glossary files: a term base as TBX-Basic, TSV or an OmegaT glossary, and back.

- TBX-Basic (``.tbx``, see `bitext.terms._tbx`) for terminology tools and CAT
  tools that read ISO 30042:2019;
- TSV (``.tsv``) for spreadsheets: a header row ``zh en type count confidence
  variants documents``, one term per row;
- OmegaT's glossary format (``.txt``, ``.utf8``): UTF-8 lines of
  ``source<TAB>target<TAB>comment``, no header, read from a project's
  ``glossary/`` folder. Each variant is a line of its own, so that OmegaT
  proposes AFCD for 漁農自然護理署 and for 漁護署 alike; its comment names the
  headword it belongs to, which is how `read_glossary` puts it back.

Neither text format can escape a tab or a line break, so both become spaces
(a term never needs them). A glossary holds no unit text, so terms read back
have no `occurrences`.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from bitext.atomic import atomic_write
from bitext.errors import InputError, OutputError
from bitext.lang import DEFAULT_ZH_TAG
from bitext.terms._fields import (
    confidence_text,
    one_line,
    parse_variants_cell,
    units,
    variants_cell,
)
from bitext.terms._tbx import parse_tbx, tbx_bytes
from bitext.terms.termbase import Term, Variant

__all__ = [
    "FORMATS",
    "TSV_COLUMNS",
    "omegat_bytes",
    "read_glossary",
    "tbx_bytes",
    "tsv_bytes",
    "write_glossary",
]

TSV_COLUMNS = ("zh", "en", "type", "count", "confidence", "variants", "documents")
#: Format name -> the suffixes that select it.
FORMATS = {"tbx": (".tbx",), "tsv": (".tsv",), "omegat": (".txt", ".utf8")}
#: Glossaries larger than this are refused, as TMX input is: far more than any term base.
MAX_BYTES = 200 * 1024 * 1024
_SEP = "; "
# OmegaT comment of a variant line: "organisation; short form of 漁農自然護理署; 4 units".
_VARIANT_COMMENT = re.compile(
    r"(?P<type>[^;]*); (?P<kind>[a-z][a-z ]*) of (?P<zh>.+); (?P<n>\d+) units?"
)
_MAIN_COMMENT = re.compile(r"(?P<type>[^;]*); (?P<n>\d+) units?; confidence (?P<c>\d+(?:\.\d+)?)")


def _line(fields: Sequence[str]) -> str:
    return "\t".join(one_line(f) for f in fields) + "\n"


def tsv_bytes(terms: Sequence[Term]) -> bytes:
    """The terms as UTF-8 TSV: the header row (first columns ``zh``, ``en``), one row each."""
    rows = [_line(TSV_COLUMNS)]
    for t in terms:
        cells = (t.zh, t.en, t.type, str(t.count), confidence_text(t.confidence))
        rows.append(_line((*cells, variants_cell(t), _SEP.join(t.documents))))
    return "".join(rows).encode("utf-8")


def omegat_bytes(terms: Sequence[Term]) -> bytes:
    """The terms as an OmegaT glossary: ``zh<TAB>en<TAB>comment``, UTF-8, no header.

    The comment carries the type, the count and the confidence; each variant
    follows its term as a line of its own.
    """
    lines = []
    for t in terms:
        kind = one_line(t.type)
        comment = f"{kind}; {units(t.count)}; confidence {confidence_text(t.confidence)}"
        lines.append(_line((t.zh, t.en, comment)))
        for v in t.variants:
            of = f"{one_line(v.kind)} of {one_line(t.zh)}"
            lines.append(_line((v.zh, v.en, f"{kind}; {of}; {units(v.count)}")))
    return "".join(lines).encode("utf-8")


def glossary_format(path: str | os.PathLike[str], format: str | None = None) -> str:
    """The format name for `path`: `format` if given, else from the suffix.

    Raises `OutputError` naming the known formats when neither says.
    """
    if format is not None:
        if format.lower() not in FORMATS:
            raise OutputError(f"{path}: unknown glossary format {format!r}; known: {_known()}")
        return format.lower()
    suffix = Path(path).suffix.lower()
    for name, suffixes in FORMATS.items():
        if suffix in suffixes:
            return name
    raise OutputError(f"{path}: cannot tell the glossary format from its suffix; known: {_known()}")


def _known() -> str:
    return ", ".join(f"{n} ({' '.join(s)})" for n, s in FORMATS.items())


def write_glossary(
    terms: Sequence[Term],
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    force: bool = False,
    zh_lang: str = DEFAULT_ZH_TAG,
    en_lang: str = "en",
) -> Path:
    """Write `terms` to `path` atomically as TBX, TSV or an OmegaT glossary; return the path.

    The format is `format` (``tbx``, ``tsv``, ``omegat``) or comes from the
    suffix (``.tbx``, ``.tsv``, ``.txt``/``.utf8``). An existing file
    is never replaced without `force`, and a failed write leaves no partial file
    (`bitext.atomic`). `zh_lang` and `en_lang` tag the TBX's language sections.
    Raises `OutputError` for an unknown format, a refused or unwritable path,
    and an empty `terms` written as TBX (its schema needs an entry);
    `ValueError` for an invalid language tag.
    """
    name = glossary_format(path, format)
    data = glossary_bytes(terms, name, zh_lang=zh_lang, en_lang=en_lang, label=str(path))
    return atomic_write(path, data, force=force)


def glossary_bytes(
    terms: Sequence[Term],
    format: str,
    *,
    zh_lang: str = DEFAULT_ZH_TAG,
    en_lang: str = "en",
    label: str = "glossary",
) -> bytes:
    """`terms` as the bytes of a ``tbx``, ``tsv`` or ``omegat`` glossary (`label` names it
    in the error an empty TBX raises)."""
    if format == "tbx":
        if not terms:
            raise OutputError(f"{label}: no terms to write; a TBX-Basic file needs one entry")
        return tbx_bytes(terms, zh_lang=zh_lang, en_lang=en_lang)
    return tsv_bytes(terms) if format == "tsv" else omegat_bytes(terms)


# --- reading --------------------------------------------------------------------------------


def _read_bytes(path: str | os.PathLike[str]) -> bytes:
    label = os.fspath(path)
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{label}: is a directory, not a glossary")
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block, a device never end
            raise InputError(f"{label}: not a regular file")
        if info.st_size > MAX_BYTES:
            raise InputError(f"{label}: {info.st_size} bytes, over the {MAX_BYTES}-byte limit")
        with open(path, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{label}: no such file") from None
    except OSError as exc:
        raise InputError(f"{label}: cannot read: {exc.strerror or exc}") from None


def _decode(data: bytes, label: str) -> str:
    try:
        return data.decode("utf-8").removeprefix("\ufeff")  # a spreadsheet's BOM
    except UnicodeDecodeError as exc:
        raise InputError(f"{label}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def _sniff(text: str, path: str) -> str:
    """The format of a glossary: XML or a ``zh en`` header say it; else the suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".tbx" or text.lstrip().startswith("<"):
        return "tbx"
    first = text.split("\n", 1)[0].rstrip("\r").split("\t")
    if [c.strip().lower() for c in first[:2]] == ["zh", "en"] or suffix == ".tsv":
        return "tsv"  # a .tsv without that header is refused, not taken for OmegaT's
    return "omegat"


def read_glossary(path: str | os.PathLike[str]) -> list[Term]:
    """The terms of a glossary file: TBX (ISO 30042:2019), TSV or OmegaT, as written above.

    The format comes from the content (XML is TBX, a ``zh``, ``en`` header row
    a TSV), then from the suffix (``.tbx``, ``.tsv``; anything else is OmegaT's).
    Files from other tools are read too: a TBX's other forms and a TSV's or
    OmegaT file's extra rows become terms with type ``term``, count 0 and
    confidence 1 (a glossary a person made is taken as sure). Raises
    `InputError` (one line naming the file and the problem) for a missing,
    unreadable, oversized or non-UTF-8 file, XML that is not TBX 2019, a TSV
    whose first two columns are not ``zh`` and ``en``, a line without a tab,
    and a glossary with no term.
    """
    label = os.fspath(path)
    data = _read_bytes(path)
    text = _decode(data, label)
    name = _sniff(text, label)
    if name == "tbx":
        return parse_tbx(data, label)
    if not text.strip():
        raise InputError(f"{label}: empty file, no terms")
    terms = _parse_tsv(text, label) if name == "tsv" else _parse_omegat(text, label)
    if not terms:
        raise InputError(f"{label}: no terms")
    return terms


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, fields) of each line that is not blank."""
    return [
        (n, line.rstrip("\r").split("\t"))
        for n, line in enumerate(text.split("\n"), start=1)
        if line.strip()
    ]


def _count(cell: str, where: str) -> int:
    try:
        count = int(cell) if cell else 0
    except ValueError:
        count = -1
    if count < 0:
        raise InputError(f"{where}: count {cell!r} is not a whole number")
    return count


def _confidence(cell: str, where: str) -> float:
    try:
        value = float(cell) if cell else 1.0
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:  # NaN fails this too
        raise InputError(f"{where}: confidence {cell!r} is not a number from 0 to 1")
    return value


def _parse_tsv(text: str, label: str) -> list[Term]:
    rows = _rows(text)
    header = [c.strip().lower() for c in rows[0][1]]
    if header[:2] != ["zh", "en"]:
        raise InputError(
            f"{label}: the header's first two columns are not zh and en: not a glossary"
        )
    terms = []
    for n, fields in rows[1:]:
        cell = dict(zip(header, (f.strip() for f in fields), strict=False))
        if not cell.get("zh") or not cell.get("en"):
            raise InputError(f"{label}: line {n}: no zh or no en term")
        variants = parse_variants_cell(cell.get("variants", ""))
        if variants is None:
            raise InputError(f"{label}: line {n}: variants not as 'zh = en (kind, N units)'")
        count = _count(cell.get("count", ""), f"{label}: line {n}")
        confidence = _confidence(cell.get("confidence", ""), f"{label}: line {n}")
        kind = cell.get("type") or "term"
        terms.append(Term(cell["zh"], cell["en"], kind, count, confidence, (), variants))
    return terms


def _parse_omegat(text: str, label: str) -> list[Term]:
    terms: list[Term] = []
    for n, fields in _rows(text):
        if fields[0].startswith("#"):
            continue  # OmegaT's own comment lines
        if len(fields) < 2 or not fields[0].strip() or not fields[1].strip():
            raise InputError(f"{label}: line {n}: not 'source<TAB>target': not an OmegaT glossary")
        zh, en = fields[0].strip(), fields[1].strip()
        comment = fields[2].strip() if len(fields) > 2 else ""
        variant = _VARIANT_COMMENT.fullmatch(comment)
        if variant is not None and terms and terms[-1].zh == variant["zh"]:
            added = Variant(zh, en, variant["kind"], int(variant["n"]))
            terms[-1] = replace(terms[-1], variants=(*terms[-1].variants, added))
            continue
        main = _MAIN_COMMENT.fullmatch(comment)
        if main is not None:
            terms.append(Term(zh, en, main["type"] or "term", int(main["n"]), float(main["c"])))
        else:
            terms.append(Term(zh, en, "term", 0, 1.0))
    return terms

"""A memory in and out of TMX: import any CAT tool's file, export filtered units.

Imports go through the safe TMX reader (`bitext.tmx.read`) and are stored as
documents of kind ``tmx``, so importing the same file twice adds nothing and
every imported unit keeps the file it came from. Exports are TMX 1.4 checked
against the DTD, written atomically.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bitext import tmx
from bitext._names import file_label, printable
from bitext.atomic import atomic_write
from bitext.errors import InputError
from bitext.lang import normalize_tag, primary
from bitext.model import FLAG_DAMAGED
from bitext.read import load_file
from bitext.tmx._prolog import gunzip_bounded

from .model import DocumentRecord, StoredPair, Unit
from .store import AddResult, TranslationMemory

__all__ = ["export_tmx", "import_tmx", "units_to_tmx"]

#: Paths listed in one unit's x-document props at most: boilerplate lines occur
#: in hundreds of releases, and a CAT tool shows every prop.
MAX_DOCUMENT_PROPS = 20
_IMPORT_SETTINGS = {"import": "tmx"}


def import_tmx(
    memory: TranslationMemory,
    path: str | os.PathLike[str],
    *,
    src_lang: str = "zh-CN",
    tgt_lang: str = "en-US",
) -> AddResult:
    """Add the `src_lang`/`tgt_lang` pairs of a TMX file (1.1-1.4) to `memory`.

    A unit lacking either language is left out. Scores, bead types, flags and
    counts that bitext wrote as props (x-score, x-bead, x-flags, x-count) are
    kept. Raises `InputError` for a file the TMX reader refuses, and for one
    holding no unit with both languages (nothing is stored then). A file is
    stored under its file name, not the folders above it.
    """
    name = printable(str(path))
    # Inflated here, not only in the reader: the identity (content hash) of a
    # .tmx.gz is that of the TMX inside, so importing both adds nothing twice.
    data = gunzip_bounded(load_file(path, name, tmx.MAX_BYTES), name, tmx.MAX_BYTES)
    document = tmx.read(data, name=name)
    pairs = []
    langs: tuple[str, str] | None = None
    for unit in document.units:
        src, tgt = _variant(unit, src_lang), _variant(unit, tgt_lang)
        if src is None or tgt is None or not src.text.strip() or not tgt.text.strip():
            continue
        langs = langs or (src.lang, tgt.lang)
        pairs.append(
            StoredPair(
                src=src.text,
                tgt=tgt.text,
                kind=_first(unit.props.get("x-bead")) or "1-1",
                score=_number(_first(unit.props.get("x-score"))),
                flags=tuple(f for v in unit.props.get("x-flags", ()) for f in v.split(",") if f),
                count=max(int(_number(_first(unit.props.get("x-count"))) or 1), 1),
            )
        )
    if not pairs:
        # Storing nothing while saying "0 pairs" reads as success; a file of other
        # languages (or of none) is almost always the wrong file or the wrong --src-lang.
        found = sorted({lang for unit in document.units for lang in unit.variants})
        raise InputError(
            f"{name}: no unit with both {src_lang} and {tgt_lang} text "
            f"({len(document.units)} units; languages in it: {', '.join(found) or 'none'}); "
            "nothing imported"
        )
    src_tag, tgt_tag = langs or (normalize_tag(src_lang), normalize_tag(tgt_lang))
    record = DocumentRecord(
        path=file_label(path) or name,  # exports name the file, not where it sat here
        content_hash=hashlib.sha256(data).hexdigest(),
        settings={**_IMPORT_SETTINGS, "src_lang": src_tag, "tgt_lang": tgt_tag},
        pairs=tuple(pairs),
        src_lang=src_tag,
        tgt_lang=tgt_tag,
        kind="tmx",
    )
    return memory.add(record)


def _variant(unit: tmx.TranslationUnit, lang: str) -> tmx.Variant | None:
    return unit.variant(lang) or unit.variant(primary(normalize_tag(lang)))


def _first(values: Sequence[str] | None) -> str | None:
    return values[0] if values else None


def _number(text: str | None) -> Any:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def units_to_tmx(memory: TranslationMemory, units: Sequence[Unit]) -> tmx.TMXDocument:
    """`units` (with origins) as a TMX document: provenance in props, damage in a note."""
    units = memory.with_origins(units)
    langs = {u.src_lang for u in units}
    header = {"srclang": langs.pop() if len(langs) == 1 else "*all*", "o-tmf": "bitext-tm"}
    out = []
    for unit in units:
        props: dict[str, tuple[str, ...]] = {"x-count": (str(unit.count),)}
        if unit.score is not None:
            props["x-score"] = (f"{unit.score:.4f}",)
        kinds = tuple(dict.fromkeys(o.kind for o in unit.origins if o.kind))
        if kinds:
            props["x-bead"] = kinds
        paths = tuple(dict.fromkeys(o.path for o in unit.origins))[:MAX_DOCUMENT_PROPS]
        if paths:
            props["x-document"] = paths
        if unit.flags:
            props["x-flags"] = (",".join(unit.flags),)
        notes = ()
        if FLAG_DAMAGED in unit.flags:
            notes = ("Encoding damage in the source document: check this unit against it.",)
        out.append(
            tmx.TranslationUnit(
                tuid=str(unit.id),
                variants={
                    unit.src_lang: tmx.Variant.plain(unit.src_lang, unit.src),
                    unit.tgt_lang: tmx.Variant.plain(unit.tgt_lang, unit.tgt),
                },
                props=props,
                notes=notes,
                creationdate=unit.created,
                changedate=unit.changed,
            )
        )
    return tmx.TMXDocument(header=header, units=tuple(out), version="1.4")


def export_tmx(
    memory: TranslationMemory,
    path: str | os.PathLike[str],
    *,
    force: bool = False,
    **filters: Any,
) -> int:
    """Write the units passing `filters` as TMX 1.4; returns how many were written.

    `filters` are those of `TranslationMemory.units` (min_score, since, until,
    document, flag, unflagged). The file appears complete or not at all, and
    an existing one is replaced only with `force`.
    """
    units = memory.units(**filters)
    atomic_write(Path(path), tmx.to_bytes(units_to_tmx(memory, units)), force=force)
    return len(units)

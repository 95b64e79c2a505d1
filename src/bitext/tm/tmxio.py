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
from bitext.atomic import atomic_write, check_target
from bitext.errors import InputError
from bitext.export.tmx import tag_path
from bitext.lang import DEFAULT_EN_TAG, DEFAULT_ZH_TAG, normalize_tag, primary
from bitext.model import EXPORT_MIN_SCORE, FLAG_DAMAGED
from bitext.read import load_file
from bitext.tmx._prolog import gunzip_bounded

from .records import DocumentRecord, StoredPair, Unit, status
from .store import AddResult, TranslationMemory

__all__ = [
    "export_tmx",
    "export_tmx_bytes",
    "export_tmx_files",
    "exported_units",
    "import_tmx",
    "units_to_tmx",
    "variant_pairs",
]

#: Paths listed in one unit's x-document props at most: boilerplate lines occur
#: in hundreds of releases, and a CAT tool shows every prop.
MAX_DOCUMENT_PROPS = 20
_IMPORT_SETTINGS = {"import": "tmx"}


class MixedVariantsError(ValueError):
    """Units of several language pairs asked for as one TMX (a stream has no file per tag)."""


def import_tmx(
    memory: TranslationMemory,
    path: str | os.PathLike[str],
    *,
    src_lang: str | None = None,
    tgt_lang: str = DEFAULT_EN_TAG,
) -> AddResult:
    """Add the `src_lang`/`tgt_lang` pairs of a TMX file (1.1-1.4) to `memory`.

    `src_lang` None takes each unit's Chinese, whichever variant it is, and
    stores it under the unit's own tag: a file of zh-HK and zh-TW units stays
    two variants. A given tag takes that variant only (a bare ``zh``: the
    unit's only Chinese). A unit lacking either language is left out. Scores,
    bead types, flags, counts and approvals that bitext wrote as props
    (x-score, x-bead, x-flags, x-count, x-status) are kept. Raises `InputError`
    for a file the TMX reader refuses, and for one holding no unit with both
    languages (nothing is stored then). A file is stored under its file name,
    not the folders above it.
    """
    name = printable(str(path))
    # Inflated here, not only in the reader: the identity (content hash) of a
    # .tmx.gz is that of the TMX inside, so importing both adds nothing twice.
    data = gunzip_bounded(load_file(path, name, tmx.MAX_BYTES), name, tmx.MAX_BYTES)
    document = tmx.read(data, name=name)
    pairs = [
        _pair(unit, src, tgt)
        for unit in document.units
        for src, tgt in variant_pairs(unit, src_lang=src_lang, tgt_lang=tgt_lang)
    ]
    if not pairs:
        # Storing nothing while saying "0 pairs" reads as success; a file of other
        # languages (or of none) is almost always the wrong file or the wrong --src-lang.
        found = sorted({lang for unit in document.units for lang in unit.variants})
        raise InputError(
            f"{name}: no unit with both {src_lang or 'Chinese'} and {tgt_lang} text "
            f"({len(document.units)} units; languages in it: {', '.join(found) or 'none'}); "
            "nothing imported"
        )
    src_tag, tgt_tag = pairs[0].src_lang, pairs[0].tgt_lang
    record = DocumentRecord(
        path=file_label(path) or name,  # exports name the file, not where it sat here
        content_hash=hashlib.sha256(data).hexdigest(),
        settings={**_IMPORT_SETTINGS, "src_lang": src_lang or "any zh", "tgt_lang": tgt_tag},
        pairs=tuple(pairs),
        src_lang=src_tag or DEFAULT_ZH_TAG,
        tgt_lang=tgt_tag or DEFAULT_EN_TAG,
        kind="tmx",
    )
    return memory.add(record)


def variant_pairs(
    unit: tmx.TranslationUnit, *, src_lang: str | None = None, tgt_lang: str = DEFAULT_EN_TAG
) -> list[tuple[tmx.Variant, tmx.Variant]]:
    """The (Chinese, English) variants of `unit` that `import_tmx` would store, non-empty.

    `src_lang` None: every Chinese variant, each paired with the target; a tag:
    that variant only (a bare ``zh``: the unit's only Chinese). Also what
    `bitext.terms.units_from_tmx` reads, so a term base and a memory made from
    one TMX see the same pairs.
    """
    tgt = _variant(unit, tgt_lang)
    if tgt is None or not tgt.text.strip():
        return []
    return [(src, tgt) for src in _sources(unit, src_lang) if src.text.strip()]


def _sources(unit: tmx.TranslationUnit, lang: str | None) -> list[tmx.Variant]:
    """The variants to pair with the target: every Chinese one when `lang` is None."""
    if lang is None:
        return [v for tag, v in unit.variants.items() if primary(tag) == "zh"]
    found = _variant(unit, lang)
    return [] if found is None else [found]


def _pair(unit: tmx.TranslationUnit, src: tmx.Variant, tgt: tmx.Variant) -> StoredPair:
    return StoredPair(
        src=src.text,
        tgt=tgt.text,
        kind=_first(unit.props.get("x-bead")) or "1-1",
        score=_number(_first(unit.props.get("x-score"))),
        flags=tuple(f for v in unit.props.get("x-flags", ()) for f in v.split(",") if f),
        count=max(int(_number(_first(unit.props.get("x-count"))) or 1), 1),
        src_lang=src.lang,
        tgt_lang=tgt.lang,
        # A reviewer's approval travels with the unit: a memory exported and imported
        # elsewhere keeps it approved, whatever its score.
        status="approved" if _first(unit.props.get("x-status")) == "approved" else "auto",
    )


def _variant(unit: tmx.TranslationUnit, lang: str) -> tmx.Variant | None:
    return unit.variant(lang) or unit.variant(primary(normalize_tag(lang)))


def _first(values: Sequence[str] | None) -> str | None:
    return values[0] if values else None


def _number(text: str | None) -> Any:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def units_to_tmx(
    memory: TranslationMemory, units: Sequence[Unit], *, review_below: float = EXPORT_MIN_SCORE
) -> tmx.TMXDocument:
    """`units` (with origins) as a TMX document: provenance in props, damage in a note.

    A unit scoring below `review_below` and not approved gets a note saying why
    the aligner doubted it: what a reviewer reads in the CAT tool.
    """
    units = memory.with_origins(units)
    langs = {u.src_lang for u in units}
    header = {"srclang": langs.pop() if len(langs) == 1 else "*all*", "o-tmf": "bitext-tm"}
    out = []
    for unit in units:
        # x-status: approved (by a reviewer, or a CAT tool's import) or as the aligner left it.
        props: dict[str, tuple[str, ...]] = {
            "x-count": (str(unit.count),),
            "x-status": ("approved" if unit.approved else "auto",),
        }
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
        notes: tuple[str, ...] = ()
        if FLAG_DAMAGED in unit.flags:
            notes = ("Encoding damage in the source document: check this unit against it.",)
        if status(unit.score, unit.approved, review_below) == "held":
            notes = (*notes, _held_note(unit, review_below))
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


def _held_note(unit: Unit, below: float) -> str:
    why = f": {unit.doubt}" if unit.doubt else ""
    return (
        f"Held back by default (confidence {unit.score:.2f} < {below:g}){why}. "
        "Check it against the source before use."
    )


def _review_below(filters: dict[str, Any]) -> float:
    """The threshold the notes name: the one asked for when listing held units."""
    asked = filters.get("min_score")
    return asked if filters.get("held") and asked is not None else EXPORT_MIN_SCORE


def export_tmx(
    memory: TranslationMemory,
    path: str | os.PathLike[str],
    *,
    force: bool = False,
    zh_lang: str | None = None,
    **filters: Any,
) -> int:
    """Write the units passing `filters` as TMX 1.4; returns how many were written.

    Only units at or above `EXPORT_MIN_SCORE` (0.96), or approved (imported
    without a score), are written unless `min_score` says otherwise
    (``min_score=0``: every unit). Units of several Chinese variants go to one
    file each (see `export_tmx_files`).
    """
    return sum(export_tmx_files(memory, path, force=force, zh_lang=zh_lang, **filters).values())


def export_tmx_files(
    memory: TranslationMemory,
    path: str | os.PathLike[str],
    *,
    force: bool = False,
    zh_lang: str | None = None,
    **filters: Any,
) -> dict[str, int]:
    """Write the units passing `filters` as TMX 1.4; returns each file written and its units.

    A TMX has one source language and CAT tools file its units by their tags
    (Trados skips zh-CN units for a zh-HK memory), so units of several
    language pairs (zh-CN and zh-HK ones) are never mixed: each pair goes to a
    file named by its Chinese tag, ``out.zh-HK.tmx`` beside ``out.zh-CN.tmx``;
    a memory of one pair is written to `path` itself. `zh_lang` keeps the units
    whose Chinese has that tag only, written to `path`. `filters` are those of
    `TranslationMemory.units` (min_score, since, until, document, flag,
    unflagged, approved_only: only units a reviewer approved or imported
    without a score). Pairs a reviewer rejected are in no unit, so never
    written. Every target is checked before any is written; each file appears
    complete or not at all, and an existing one is replaced only with `force`.

    `min_score` defaults to `bitext.model.EXPORT_MIN_SCORE`: pairs the aligner
    is not confident of are held back for review (`TranslationMemory.units`
    with ``held=True`` lists them; ``held=True`` here writes them, each with
    a note saying why), never exported silently. Units imported from a TMX
    without a score count as approved and are written. ``min_score=0`` (or
    None) writes every unit, as the export did by default before this policy.
    """
    targets = _targets(path, _selected(memory, zh_lang, filters))
    for target in targets:
        check_target(target, force=force, kind="tmx")
    for target, group in targets.items():
        document = units_to_tmx(memory, group, review_below=_review_below(filters))
        atomic_write(Path(target), tmx.to_bytes(document), force=force)
    return {target: len(group) for target, group in targets.items()}


def export_tmx_bytes(
    memory: TranslationMemory, *, zh_lang: str | None = None, **filters: Any
) -> tuple[bytes, int]:
    """The units passing `filters` as one TMX 1.4 document, and how many it holds.

    The same units `export_tmx_files` writes (held-back ones only on request).

    For a stream (``-o -``) there is one file only: units of several language
    pairs raise `MixedVariantsError` naming them, instead of a file mislabelled ``*all*``.
    """
    groups = _groups(_selected(memory, zh_lang, filters))
    if len(groups) > 1:
        tags = ", ".join(sorted({_zh_tag(g[0]) for g in groups.values()}))
        raise MixedVariantsError(f"units of several Chinese variants ({tags}) cannot share one TMX")
    units = next(iter(groups.values()), [])
    document = units_to_tmx(memory, units, review_below=_review_below(filters))
    return tmx.to_bytes(document), len(units)


def count_held(memory: TranslationMemory, *, zh_lang: str | None = None, **filters: Any) -> int:
    """How many of the units passing `filters` an export holds back (below `min_score`)."""
    return len(_selected(memory, zh_lang, {**filters, "held": True}))


def exported_units(
    memory: TranslationMemory, *, zh_lang: str | None = None, **filters: Any
) -> list[Unit]:
    """The units an export with `filters` writes: held-back ones only if asked for.

    `filters` are those of `TranslationMemory.units`; `min_score` defaults to
    `EXPORT_MIN_SCORE` (approved units always pass). `zh_lang` keeps the units
    whose Chinese has that tag.
    """
    return _selected(memory, zh_lang, filters)


def _selected(memory: TranslationMemory, zh_lang: str | None, filters: dict) -> list[Unit]:
    # The export policy: what the aligner is not confident of stays in the memory,
    # for review, unless the caller asks for it (min_score=0, or held=True).
    if not filters.get("held"):
        filters = {"min_score": EXPORT_MIN_SCORE, **filters}
    units = memory.units(**filters)
    if zh_lang is None:
        return units
    want = normalize_tag(zh_lang)
    return [u for u in units if _zh_tag(u) == want]


def _groups(units: list[Unit]) -> dict[tuple[str, str], list[Unit]]:
    groups: dict[tuple[str, str], list[Unit]] = {}
    for unit in units:
        groups.setdefault((unit.src_lang, unit.tgt_lang), []).append(unit)
    return groups


def _targets(path: str | os.PathLike[str], units: list[Unit]) -> dict[str, list[Unit]]:
    """Where each unit goes: `path` for one language pair, else a file per Chinese tag."""
    groups = _groups(units)
    if len(groups) < 2:
        return {str(path): units}
    names = [_zh_tag(group[0]) for group in groups.values()]
    if len(set(names)) < len(names):  # en-US and en-GB beside one Chinese tag
        names = [f"{src}_{tgt}" for src, tgt in groups]
    return {tag_path(path, n): g for n, g in zip(names, groups.values(), strict=True)}


def _zh_tag(unit: Unit) -> str:
    return unit.tgt_lang if primary(unit.src_lang) != "zh" else unit.src_lang

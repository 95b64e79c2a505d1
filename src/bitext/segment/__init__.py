"""Segmentation stage: cut each paragraph into sentences.

`split_sentences` works on one string and returns spans; `segment` runs it over
a language's paragraphs and makes `Sentence`s whose offsets point into
`Document.text`. Language rules live in `zh` (punctuation rules) and `en`
(Punkt with shipped parameters); this module only turns their candidate cuts
into clean spans, so both languages share the same guarantees: spans are in
order, never overlap, carry no surrounding whitespace, together cover every
non-whitespace character, and never cut inside a protected span.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from bitext.errors import LanguageError
from bitext.lang import primary
from bitext.model import EN, FLAG_DAMAGED, FLAG_REPAIRED, ZH, Damage, Paragraph, Sentence
from bitext.segment import en, zh
from bitext.segment.srx import SrxRules, default_rules, read_srx

if TYPE_CHECKING:
    from bitext.embed_cache import TextMemo

__all__ = ["SEGMENTATIONS", "primary_language", "resolve_rules", "segment", "split_sentences"]

#: Named segmentation modes: bitext's own rules, or the shipped SRX rules (`srx`).
SEGMENTATIONS = ("bitext", "srx")


def primary_language(lang: str) -> str:
    """``"zh"`` or ``"en"`` for a tag such as ``"zh-CN"``, ``"en_US"`` or ``"ZH"``.

    Raises `LanguageError` for any other language: there are no sentence rules for it.
    """
    code = primary(lang)
    if code not in (ZH, EN):
        raise LanguageError(f"cannot segment language {lang!r}: only zh and en are supported")
    return code


def _strip(text: str, start: int, end: int) -> tuple[int, int] | None:
    """`text[start:end]` without surrounding whitespace, or None if nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _spans(
    text: str, cuts: Sequence[int], protected: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Turn candidate cut offsets into stripped sentence spans covering `text`."""
    # A damaged span may hold stray "?!" or lose a "。"; whatever the rules made
    # of it, the sentence must not end inside it, so such cuts are dropped.
    kept = sorted(
        {c for c in cuts if 0 < c < len(text) and not any(a < c < b for a, b in protected)}
    )
    spans: list[tuple[int, int]] = []
    prev = 0
    for cut in [*kept, len(text)]:
        span = _strip(text, prev, cut)
        if span is not None:
            spans.append(span)
        prev = cut
    return spans


def resolve_rules(segmentation: str | os.PathLike[str] | SrxRules | None) -> SrxRules | None:
    """SRX rules for a segmentation choice: None (bitext's own rules) for ``"bitext"``.

    ``"srx"`` is the shipped rule file; any other string or path is read as an
    SRX file (`InputError` if it cannot be).
    """
    if segmentation is None or isinstance(segmentation, SrxRules):
        return segmentation
    if segmentation == "bitext":
        return None
    if segmentation == "srx":
        return default_rules()
    return _read_srx_file(os.fspath(segmentation))


def _read_srx_file(path: str) -> SrxRules:
    """`read_srx(path)`, parsed once per version of the file.

    A run over many documents names the same file for each (settings carry
    the path, not the parsed rules); a file changed in between is read again.
    """
    try:
        stat = os.stat(path)
    except OSError:
        return read_srx(path)  # its error names the file
    return _parsed_srx(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _parsed_srx(path: str, mtime_ns: int, size: int) -> SrxRules:
    return read_srx(path)


def split_sentences(
    text: str,
    lang: str,
    *,
    protected: Sequence[tuple[int, int]] = (),
    rules: SrxRules | None = None,
    memo: TextMemo | None = None,
) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of `text`, in order.

    `lang` is ``"zh"`` or ``"en"`` (any ``"zh-CN"``-style tag is reduced to its
    primary subtag). No span is cut inside any of the `protected` ``(start,
    end)`` spans. With `rules` (see `resolve_rules`) the cuts are the SRX
    rules', as a CAT tool would make them; otherwise bitext's own. `memo`
    (see `bitext.embed_cache.TextMemo`) keeps bitext's English cuts for a rerun.
    Raises `LanguageError` for any other language.
    """
    code = primary_language(lang)
    if rules is not None:
        cuts = rules.cuts(text, code)
    else:
        cuts = zh.cuts(text) if code == ZH else en.cuts(text, memo=memo)
    return _spans(text, cuts, protected)


def _flags(damage: Sequence[Damage], start: int, end: int) -> tuple[str, ...]:
    """Flags for the paragraph span ``[start, end)``: each touching span's kind, then repaired."""
    hits = [
        d
        for d in damage
        # An empty damage span marks characters lost at one point; it belongs
        # to the sentence(s) touching that point.
        if (d.start < end and start < d.end) or (d.start == d.end and start <= d.start <= end)
    ]
    # Encoding damage first and repaired right after it, as before other kinds existed.
    kinds = [d.kind for d in hits]
    flags = [FLAG_DAMAGED] if FLAG_DAMAGED in kinds else []
    flags += [FLAG_REPAIRED] if any(d.repaired for d in hits) else []
    return tuple(dict.fromkeys([*flags, *kinds]))


def _raw_end(p: Paragraph, b: int) -> int:
    """Offset in `Document.text` where a sentence ending at `p.text[b]` ends.

    Normalization can make two characters of one input character (``．`` becomes
    ``. `` before a new English sentence), so ``raw_offset(b)`` may be the offset
    of the sentence's own last character: the end is then the next offset past it.
    """
    last = p.raw_offset(b - 1)
    for j in range(b, len(p.text) + 1):
        end = p.raw_offset(j)
        if end > last:
            return end
    return max(p.end, last + 1)


def segment(
    paragraphs: Sequence[Paragraph],
    lang: str,
    rules: SrxRules | None = None,
    *,
    memo: TextMemo | None = None,
) -> list[Sentence]:
    """The sentences of `paragraphs` in order; no sentence crosses a paragraph.

    `rules`: SRX rules to cut by instead of bitext's own (see `split_sentences`);
    `memo`: where bitext's own English cuts are kept for a rerun (`split_sentences`).
    Offsets are mapped back to `Document.text` with `Paragraph.raw_offset`, and a
    sentence touching a `Damage` span is flagged with its kind (`FLAG_DAMAGED`,
    plus `FLAG_REPAIRED` when that damage was repaired; `FLAG_BIDI`).
    """
    code = primary_language(lang)
    sentences: list[Sentence] = []
    for p in paragraphs:
        protected = [(d.start, d.end) for d in p.damage]
        for a, b in split_sentences(p.text, code, protected=protected, rules=rules, memo=memo):
            sentences.append(
                Sentence(
                    text=p.text[a:b],
                    lang=code,
                    paragraph=p.id,
                    start=p.raw_offset(a),
                    end=_raw_end(p, b),
                    flags=_flags(p.damage, a, b),
                )
            )
    return sentences

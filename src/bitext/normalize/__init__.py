"""NORMALIZE stage: clean paragraph text so that it segments, embeds and aligns well.

`normalize` returns a new `Document` whose paragraphs went through
`normalize_paragraph`, in this order:

1. Unicode: NFC, invisible characters dropped (zero-width, BOM, soft hyphen,
   bidi marks; a zero-width joiner inside an emoji sequence is kept),
   control characters but tab and line breaks dropped (C0, DEL, C1) and so
   are noncharacters (U+FFFE, U+FFFF, ...), bidi embeddings, overrides and
   isolates dropped and flagged (`FLAG_BIDI`, an empty `Damage` span where
   they stood), fullwidth letters/digits folded to ASCII, every kind of space
   made U+0020.
2. Encoding damage found, flagged as `Damage` and repaired where evidence
   allows (see `bitext.normalize.damage`).
3. Pinyin annotations after Han characters removed (``落實(shí)`` → ``落實``).
4. Punctuation width by context (see `chars.width_edits`).
5. Whitespace: runs collapsed, ends trimmed, none between Han characters or
   CJK punctuation (after step 4, so ``中文 , 英文`` loses its spaces too).
6. Chinese script: Simplified (default), Traditional, or kept.

Each step decides from neighbouring characters only: paragraph languages are
not known yet. `Paragraph.origin` stays exact through all steps, so sentences
cut from the normalized text still point at the bytes they came from.
"""

from __future__ import annotations

from dataclasses import replace

from bitext.charclass import HAN_RE, HAN_RUN_RE, is_cjk_punct, is_han
from bitext.lang import SIMPLIFIED
from bitext.model import Document, Paragraph
from bitext.normalize._text import Tracked
from bitext.normalize.chars import cleanup_edits, nfc_edits, whitespace_edits, width_edits
from bitext.normalize.damage import damage_edits, find_marks
from bitext.normalize.pinyin import annotation_edits, strip_pinyin, toned_pinyin_syllables
from bitext.normalize.zh_script import (
    ZH_SCRIPTS,
    check_zh_script,
    script_edits,
    to_simplified,
    to_traditional,
)

__all__ = [
    "HAN_RE",
    "HAN_RUN_RE",
    "ZH_SCRIPTS",
    "find_marks",
    "is_cjk_punct",
    "is_han",
    "normalize",
    "normalize_paragraph",
    "normalize_text",
    "strip_pinyin",
    "to_simplified",
    "to_traditional",
    "toned_pinyin_syllables",
]


def normalize(doc: Document, *, zh_script: str = SIMPLIFIED) -> Document:
    """A copy of `doc` with every paragraph normalized (text, source, format, encoding kept).

    `zh_script` is a key of `ZH_SCRIPTS` (``"simplified"``, ``"traditional"``,
    ``"hongkong"``, ``"taiwan"``, ``"taiwan-phrases"`` or ``"keep"``); anything
    else raises ValueError.
    """
    check_zh_script(zh_script)
    paragraphs = tuple(normalize_paragraph(p, zh_script=zh_script) for p in doc.paragraphs)
    return replace(doc, paragraphs=paragraphs)


def normalize_paragraph(p: Paragraph, *, zh_script: str = SIMPLIFIED) -> Paragraph:
    """A copy of `p` with normalized `text`, its `origin` and its `damage` spans.

    `origin[i]` is the offset in `Document.text` of the input character that
    produced character `i` (through `p.origin` when `p` was already
    normalized); `origin[len(text)]` is the raw end of `p`. Damage already on
    `p` is kept; new damage is added in normalized-text coordinates.
    Normalizing a normalized paragraph changes nothing.
    """
    check_zh_script(zh_script)
    t = Tracked.from_paragraph(p)
    # Clean-up before NFC: folding Ａ to A or dropping a zero-width joiner can bring
    # a letter and a combining mark together, which NFC must then compose.
    t = t.apply(cleanup_edits(t.text))
    t = t.apply(nfc_edits(t.text))
    t = t.apply(damage_edits(t))
    t = t.apply(annotation_edits(t.text))
    t = t.apply(width_edits(t.text, t.labels))
    t = t.apply(whitespace_edits(t.text))
    t = t.apply(script_edits(t.text, t.labels, zh_script))
    return t.to_paragraph(p)


def normalize_text(text: str, *, zh_script: str = SIMPLIFIED) -> str:
    """`text` normalized as one paragraph, for callers without a `Document` (tests, evaluation)."""
    return normalize_paragraph(Paragraph(0, text, 0, len(text)), zh_script=zh_script).text

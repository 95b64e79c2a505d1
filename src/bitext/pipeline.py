"""The whole pipeline on one document: read → normalize → split → segment → align.

Each step is a public function of its own module; this module only wires them
together and decides which sentences face which (all Chinese against all
English, or block by block when the file interleaves the languages).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from . import align as align_stage
from ._names import file_label
from .align import align_sentences, check_size
from .config import PipelineConfig
from .embed import Encoder, load_encoder
from .embed_cache import CachedEncoder, TextMemo
from .errors import InputError
from .langsplit import raise_if_not_bilingual, split_languages
from .model import EN, ZH, Alignment, Bead, Block, Document, LanguageSplit, Sentence
from .normalize import normalize, to_simplified
from .normalize.variant import decide_variant
from .read import read, read_text
from .segment import resolve_rules, segment
from .segment.srx import SrxRules

if TYPE_CHECKING:
    from .align.align_config import AlignConfig

__all__ = [
    "MAX_PARAGRAPH_CHARS",
    "DocumentAligner",
    "align_document",
    "align_text",
    "refuse_if_too_long",
    "sentence_sides",
]

# A letter or digit: normalization never takes a paragraph's last one away (it drops
# only invisible and control characters, spaces, and pinyin glued to Han it keeps).
_CONTENT_RE = re.compile(r"[^\W_]")
#: Longest paragraph aligned, in characters: twice the 100,000-character line
#: that aligns in bounded memory (docs/reliability.md row 34), far beyond prose.
MAX_PARAGRAPH_CHARS = 200_000


def align_document(
    source: str | os.PathLike[str] | Document,
    *,
    config: PipelineConfig | None = None,
    encoder: Encoder | None = None,
    name: str | None = None,
    memo: TextMemo | None = None,
) -> Alignment:
    """Align a bilingual file (path) or an already read `Document`.

    `config` says how (`PipelineConfig`: script and tags, segmentation, the
    aligner's settings; the defaults without one). `encoder` is a loaded
    encoder to use, shared by a caller aligning many documents; without one,
    the encoder `config.encoder` names is loaded.

    `name` is what outputs call the document (`Alignment.source`: the TMX's
    x-document, the TSV's document column, the report's heading); by default
    the file name of the path, never the folders above it.

    `memo` keeps what the stages derive from texts (English sentence cuts, word
    features) for a rerun; by default the text store of `encoder` when it is a
    `CachedEncoder`, so that with an on-disk cache a rerun recomputes nothing.

    Raises InputError/LanguageError (one line, naming the file) on bad input,
    or on a script and tag that contradict each other. A caller aligning many
    documents with one config prepares a `DocumentAligner` once instead.
    """
    aligner = DocumentAligner.prepare(config, encoder=encoder, memo=memo)
    return aligner.align(source, name=name)


@dataclass(frozen=True, slots=True)
class DocumentAligner:
    """`align_document` with what a config needs made once: the encoder and the parsed
    segmentation rules, so that every document of a run is cut by the same rules (an
    SRX file edited or deleted mid-run changes nothing) and no file is read again."""

    config: PipelineConfig
    encoder: Encoder
    rules: SrxRules | None
    memo: TextMemo | None = None

    @classmethod
    def prepare(
        cls,
        config: PipelineConfig | None = None,
        *,
        encoder: Encoder | None = None,
        memo: TextMemo | None = None,
    ) -> DocumentAligner:
        """Parse the rules and load the encoder `config` names (unless `encoder` is given);
        InputError at once for an SRX file that cannot be read."""
        config = PipelineConfig() if config is None else config
        rules = resolve_rules(config.segmentation)
        encoder = load_encoder(config.encoder) if encoder is None else encoder
        if memo is None and isinstance(encoder, CachedEncoder):
            memo = encoder.texts
        return cls(config, encoder, rules, memo)

    def align(
        self, source: str | os.PathLike[str] | Document, *, name: str | None = None
    ) -> Alignment:
        """One document's alignment: see `align_document`."""
        config = self.config
        doc = source if isinstance(source, Document) else _read_path(source)
        refuse_if_too_long(doc)
        try:
            text = "\n".join(p.text for p in doc.paragraphs)
            variant = decide_variant(config.zh_script, config.src_lang, text)
        except ValueError as exc:
            where = doc.source or "input"
            cli = getattr(exc, "cli", None)  # OptionConflict: the flags' spelling too
            raise InputError(f"{where}: {exc}", cli=cli and f"{where}: {cli}") from None
        doc = normalize(doc, zh_script=variant.zh_script)
        split = split_languages(doc)
        raise_if_not_bilingual(split, doc.source)
        tags = variant.tag, config.tgt_lang
        found = _align_split(doc, split, self.rules, self.encoder, config.align, *tags, self.memo)
        # Outputs are sent to others: they name the file, not where it sat on this machine.
        return replace(found, source=file_label(doc.source) if name is None else name)


def _read_path(path: str | os.PathLike[str]) -> Document:
    """`read(path)`, or, for a string that is text rather than a missing file's name,
    an error that points to `align_text` instead of "no such file"."""
    if isinstance(path, str) and _reads_like_text(path) and not os.path.lexists(path):
        flat = " ".join(path.split())  # the error stays one line
        shown = flat if len(flat) <= 24 else flat[:20] + "…"
        raise InputError(
            f"{shown}: no such file; this reads like text, and align_document takes a "
            "path: to align text in memory, call align_text(text)"
        )
    return read(path)


#: Chinese sentence punctuation: no file name carries it, every Chinese paragraph does.
_TEXT_MARKS_RE = re.compile(r"[。！？；，]")


def _reads_like_text(value: str) -> bool:
    # Longer than a file name may be (255 bytes), or Chinese prose. Not a newline
    # alone: a file name may hold one, and its error must still be "no such file".
    return len(value.encode("utf-8", "surrogatepass")) > 255 or bool(_TEXT_MARKS_RE.search(value))


def _align_split(
    doc: Document,
    split: LanguageSplit,
    rules: SrxRules | None,
    encoder: Encoder,
    config: AlignConfig,
    src_lang: str,
    tgt_lang: str,
    memo: TextMemo | None,
) -> Alignment:
    src: list[Sentence] = []
    tgt: list[Sentence] = []
    beads: list[Bead] = []
    for zh_blocks, en_blocks in _facing_blocks(split):
        zh = sentence_sides(zh_blocks, ZH, rules, memo)
        en = sentence_sides(en_blocks, EN, rules, memo)
        try:
            found = align_sentences(
                # The encoder reads Simplified far better (docs/benchmarks.md,
                # "Normalization and the encoder"), whatever script the output keeps.
                [to_simplified(s.text) for s in zh],
                [s.text for s in en],
                encoder=encoder,
                config=config,
                src_paragraphs=[s.paragraph for s in zh],
                tgt_paragraphs=[s.paragraph for s in en],
                memo=memo,
            )
        except InputError as exc:  # a document too long to align: name the file
            raise InputError(f"{doc.source or 'input'}: {exc}") from None
        beads.extend(_shift(found, len(src), len(tgt)))
        src.extend(zh)
        tgt.extend(en)
    return Alignment(
        src=tuple(src),
        tgt=tuple(tgt),
        beads=tuple(beads),
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        source=doc.source,
        document=doc,
    )


def refuse_if_too_long(doc: Document) -> None:
    """Raise InputError now if `doc`, once segmented, would have too many sentences to align.

    Normalizing and segmenting a 50 MB text takes long and gigabytes before the
    aligner's sentence limit (`bitext.align.check_size`) can refuse it. Counting
    paragraphs needs neither: every paragraph with a letter or digit becomes at
    least one sentence, so the paragraphs each side of the alignment would get
    (the same language split and the same facing blocks as `align_document`'s,
    on the text as read) bound its sentences from below. Not all paragraphs of
    a language: an interleaved document is aligned block pair by block pair.
    Normalization edits characters within paragraphs, so the split can differ
    only by a paragraph whose two scripts nearly tie. A document missing a
    language is left for `raise_if_not_bilingual`, whose message says more.

    A paragraph over `MAX_PARAGRAPH_CHARS` is refused here too, with its line.
    """
    _refuse_giant_paragraph(doc)
    if len(doc.paragraphs) <= align_stage.MAX_SENTENCES:
        return  # no side can be longer: spare the split
    split = split_languages(doc)
    if not (split.paragraphs(ZH) and split.paragraphs(EN)):
        return
    for zh_blocks, en_blocks in _facing_blocks(split):
        try:
            check_size(_side_paragraphs(zh_blocks, ZH), _side_paragraphs(en_blocks, EN))
        except InputError as exc:
            raise InputError(f"{doc.source or 'input'}: at least {exc}") from None


def _refuse_giant_paragraph(doc: Document) -> None:
    """Raise InputError naming the first paragraph longer than `MAX_PARAGRAPH_CHARS`.

    Such a paragraph is a file whose line breaks were lost, not prose: one
    such line was normalized, cut into tens of thousands of sentences and
    aligned at length, and nothing said a word about the line.
    """
    giant = next((p for p in doc.paragraphs if p.end - p.start > MAX_PARAGRAPH_CHARS), None)
    if giant is None:
        return
    if doc.format == "txt":  # a paragraph is a line: say which, as an editor counts them
        line = doc.text.count("\n", 0, giant.start) + 1
        where = f"line {line}"
    else:
        where = f"paragraph {giant.id + 1}"
    raise InputError(
        f"{doc.source or 'input'}: {where} has {giant.end - giant.start:,} characters, over the "
        f"{MAX_PARAGRAPH_CHARS:,} a paragraph may have (were its line breaks lost?); "
        "split it into paragraphs"
    )


def _side_paragraphs(blocks: Sequence[Block], lang: str) -> int:
    """Paragraphs of `blocks` that `sentence_sides` keeps and that hold a sentence for sure."""
    return sum(
        1
        for b in blocks
        for p in b.paragraphs
        if p.lang in (lang, None) and _CONTENT_RE.search(p.text)
    )


def align_text(
    text: str,
    *,
    source: str | None = None,
    config: PipelineConfig | None = None,
    encoder: Encoder | None = None,
    name: str | None = None,
    memo: TextMemo | None = None,
) -> Alignment:
    """`align_document` on a string already in memory (`source`: the name it reads as)."""
    document = read_text(text, source=source)
    return align_document(document, config=config, encoder=encoder, name=name, memo=memo)


def sentence_sides(
    blocks: Sequence[Block],
    lang: str,
    rules: SrxRules | None = None,
    memo: TextMemo | None = None,
) -> list[Sentence]:
    """The sentences of `lang` in `blocks`, skipping paragraphs of another language.

    `rules` and `memo` are `segment`'s.

    A short island of the other language inside a block (a photo credit in
    English within the Chinese text) has no counterpart and would only pollute
    the side it sits in.
    """
    paragraphs = [p for b in blocks for p in b.paragraphs if p.lang in (lang, None)]
    return segment(paragraphs, lang, rules, memo=memo)


def _facing_blocks(split: LanguageSplit) -> list[tuple[list[Block], list[Block]]]:
    """Which Chinese blocks are aligned against which English blocks.

    An interleaved file whose Chinese and English blocks alternate one for one
    is aligned pair by pair: the layout itself is the best anchor there is.
    Anything else is aligned as one Chinese side against one English side.
    """
    zh = [b for b in split.blocks if b.lang == ZH]
    en = [b for b in split.blocks if b.lang == EN]
    alternating = all(a.lang != b.lang for a, b in itertools.pairwise(split.blocks))
    if split.layout == "interleaved" and alternating and len(zh) == len(en):
        return [([z], [e]) for z, e in zip(zh, en, strict=True)]
    return [(zh, en)]


def _shift(beads: Sequence[Bead], di: int, dj: int) -> list[Bead]:
    if not di and not dj:
        return list(beads)
    return [
        replace(b, src=tuple(i + di for i in b.src), tgt=tuple(j + dj for j in b.tgt))
        for b in beads
    ]

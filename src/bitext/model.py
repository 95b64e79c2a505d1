"""The small typed data model every pipeline stage reads and writes.

Stages never hand each other anything else: a reader makes a `Document`,
normalization returns a new `Document`, language splitting returns a
`LanguageSplit`, segmentation makes `Sentence`s, the aligner makes `Bead`s, and
an `Alignment` ties sentences and beads together for the exporters.

Offsets always point into `Document.text`, the decoded input as read, so a
sentence can be traced back to the file even after normalization rewrote it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from bitext.lang import DEFAULT_EN_TAG, DEFAULT_ZH_TAG, joiner

#: Sentence/paragraph flag: characters were lost or garbled by encoding damage.
FLAG_DAMAGED = "encoding-damage"
#: Flag: a damaged span was repaired from surviving evidence (pinyin, context).
FLAG_REPAIRED = "encoding-repaired"
#: Flag: bidirectional overrides, embeddings or isolates (U+202E...) were removed here.
FLAG_BIDI = "bidi-control"

ZH = "zh"
EN = "en"


@dataclass(frozen=True, slots=True)
class Damage:
    """A span of `Paragraph.text` that encoding damage (or another flagged change) touched.

    `start`/`end` index the normalized paragraph text; `raw` is what the input
    held there and `repaired` says whether the span was reconstructed (its text
    is then a best guess, still worth a translator's look). `kind` is the flag
    a sentence touching the span carries: `FLAG_DAMAGED`, or `FLAG_BIDI` for
    removed bidi controls, an empty span (``start == end``) where they stood.
    """

    start: int
    end: int
    raw: str
    repaired: bool = False
    kind: str = FLAG_DAMAGED


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph: a line (txt), a `<p>`/block (html) or a paragraph (docx).

    `start`/`end` are its offsets in `Document.text`. `origin` maps the text back
    to the input: `origin[i]` is the offset in `Document.text` of character `i`
    of `text`, and `origin[len(text)]` is `end`. Readers leave it `None` (the
    text is the input itself); normalization fills it in. `page` is the 1-based
    page of a PDF on which the paragraph starts (None for formats without
    pages): a PDF's text is rebuilt from positioned glyphs, so an offset alone
    cannot lead a reader back to the place in the file.
    """

    id: int
    text: str
    start: int
    end: int
    lang: str | None = None
    origin: tuple[int, ...] | None = None
    damage: tuple[Damage, ...] = ()
    page: int | None = None

    def raw_offset(self, i: int) -> int:
        """Offset in `Document.text` of position `i` (0..len(text)) of `text`."""
        if self.origin is None:
            return self.start + i
        return self.origin[i]


@dataclass(frozen=True, slots=True)
class Document:
    """A file as read: its decoded text and its paragraphs, in reading order."""

    text: str
    paragraphs: tuple[Paragraph, ...]
    source: str | None = None
    format: str = "text"
    encoding: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """A run of consecutive paragraphs assigned to one language.

    A paragraph's own `lang` may differ inside a block: a short island of the
    other language (an English photo credit in the Chinese text) is absorbed
    into the block around it but keeps its own language.
    """

    lang: str
    paragraphs: tuple[Paragraph, ...]

    @property
    def start(self) -> int:
        return self.paragraphs[0].start

    @property
    def end(self) -> int:
        return self.paragraphs[-1].end


@dataclass(frozen=True, slots=True)
class LanguageSplit:
    """A document cut into language blocks.

    `layout` is one of ``"zh_then_en"``, ``"en_then_zh"``, ``"interleaved"``,
    ``"zh_only"``/``"en_only"`` when one language is missing, or ``"none"``
    when no paragraph has decisive letters. Paragraphs whose language cannot be
    decided (a bare number, a date) join the block around them; only when there
    is no block at all are they kept in `neutral`.
    """

    layout: str
    blocks: tuple[Block, ...]
    neutral: tuple[Paragraph, ...] = ()

    def paragraphs(self, lang: str) -> tuple[Paragraph, ...]:
        return tuple(p for b in self.blocks if b.lang == lang for p in b.paragraphs)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence; `start`/`end` are offsets in `Document.text`."""

    text: str
    lang: str
    paragraph: int
    start: int
    end: int
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Bead:
    """A minimal aligned unit: source and target sentence indices (0-based).

    Either side may be empty (a sentence with no counterpart). `score` is the
    probability that the bead is exactly right; for an empty side, that the
    sentence really has no counterpart. `doubt` says why the aligner doubts a
    pair: always below `EXPORT_MIN_SCORE`, above it only where one reason
    really lowered the score ("" otherwise); it is not part of the bead's identity.
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float = 0.0
    doubt: str = field(default="", compare=False)

    def __repr__(self) -> str:
        # The doubt only where there is one: most beads have none, and a list of
        # beads is what users print first.
        doubt = f", doubt={self.doubt!r}" if self.doubt else ""
        return f"Bead(src={self.src!r}, tgt={self.tgt!r}, score={self.score!r}{doubt})"

    @property
    def kind(self) -> str:
        """Bead type as ``"1-2"``: source count, target count."""
        return f"{len(self.src)}-{len(self.tgt)}"

    @property
    def is_pair(self) -> bool:
        """True when both sides hold sentences, i.e. the bead is a translation unit."""
        return bool(self.src) and bool(self.tgt)


#: The confidence a pair needs to be exported by default (`bitext align --min-score`):
#: `Bead.score` is the probability that the bead is exactly right, and this is the
#: lowest threshold at which the exported pairs of every gold set (news, biomedical
#: and literary) are at least 98% right, each document scored by a model fitted
#: without it. Literary text, whose pairs are less certain, has the most held back;
#: held pairs are counted in the summary and listed for review, never dropped. The
#: figures per set, and other thresholds, are in docs/benchmarks.md ("Export threshold").
EXPORT_MIN_SCORE = 0.96
#: Why a pair is doubted when no single reason lowered its score by much (`Bead.doubt`).
SMALL_SHORTFALLS = "no single reason: several small shortfalls against a right pair"


@dataclass(frozen=True, slots=True)
class Pair:
    """A bead resolved to text: what becomes one translation unit."""

    src: str
    tgt: str
    score: float
    kind: str
    flags: tuple[str, ...] = ()
    src_sentences: tuple[Sentence, ...] = ()
    tgt_sentences: tuple[Sentence, ...] = ()


def join_sentences(sentences: Sequence[Sentence]) -> str:
    """Join sentences of one side the way that language writes them."""
    if not sentences:
        return ""
    return joiner(sentences[0].lang).join(s.text for s in sentences)


@dataclass(frozen=True, slots=True)
class Alignment:
    """The aligned document: both sides' sentences and the beads between them.

    `source` is the document's name as outputs show it (its file name, or the
    name the caller gave); where it was read from is `document.source`.
    """

    src: tuple[Sentence, ...]
    tgt: tuple[Sentence, ...]
    beads: tuple[Bead, ...]
    src_lang: str = DEFAULT_ZH_TAG
    tgt_lang: str = DEFAULT_EN_TAG
    source: str | None = None
    document: Document | None = field(default=None, compare=False, repr=False)

    def pairs(self, min_score: float | None = None) -> Iterator[Pair]:
        """The beads that have both sides, as text, in document order.

        With `min_score`, beads scoring below it are left out.
        """
        for bead in self.beads:
            if not bead.is_pair or (min_score is not None and bead.score < min_score):
                continue
            src = tuple(self.src[i] for i in bead.src)
            tgt = tuple(self.tgt[j] for j in bead.tgt)
            yield Pair(
                src=join_sentences(src),
                tgt=join_sentences(tgt),
                score=bead.score,
                kind=bead.kind,
                flags=self.bead_flags(bead),
                src_sentences=src,
                tgt_sentences=tgt,
            )

    def bead_flags(self, bead: Bead) -> tuple[str, ...]:
        """The flags of `bead`'s sentences, both sides, each once, in order."""
        sentences = [self.src[i] for i in bead.src] + [self.tgt[j] for j in bead.tgt]
        return tuple(dict.fromkeys(f for s in sentences for f in s.flags))

    def flagged(self) -> list[Bead]:
        """The beads to review for a flag (encoding damage, a bidi control...): every
        bead holding a flagged sentence, paired or not.

        The one definition of "flagged" that every count uses (the command line's
        summary, the review page): a damaged sentence left without counterpart
        needs review as much as a damaged pair, often it is why it found none.
        """
        return [bead for bead in self.beads if self.bead_flags(bead)]

    def to_pandas(self) -> Any:
        """One row per bead as a pandas DataFrame (needs ``bitext[analysis]``).

        See `bitext.analysis.to_frame`; `Alignment.from_pandas` reads it back.
        """
        from bitext.analysis import to_frame

        return to_frame(self)

    @classmethod
    def from_pandas(cls, frame: Any, **options: Any) -> Alignment:
        """The alignment a `to_pandas` frame holds (see `bitext.analysis.from_frame`)."""
        from bitext.analysis import from_frame

        return from_frame(frame, **options)

    def plot(self, kind: str = "heatmap", **options: Any) -> Any:
        """A matplotlib figure of the alignment (needs ``bitext[analysis]``).

        ``"heatmap"``: sentence similarities with the chosen path drawn on them
        (`bitext.plot.plot_alignment`); ``"scores"``: the histogram of bead
        confidences (`bitext.plot.plot_scores`). Returns the matplotlib Axes.
        """
        from bitext import plot

        if kind == "heatmap":
            return plot.plot_alignment(self, **options)
        if kind == "scores":
            return plot.plot_scores(self, **options)
        raise ValueError(f"unknown plot kind {kind!r} (expected 'heatmap' or 'scores')")

    def unaligned(self) -> Iterator[Sentence]:
        """Sentences of either side that the aligner left without a counterpart."""
        for bead in self.beads:
            if not bead.is_pair:
                yield from (self.src[i] for i in bead.src)
                yield from (self.tgt[j] for j in bead.tgt)

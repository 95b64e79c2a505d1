"""What a translation memory holds and what its lookups give back."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bitext.lang import DEFAULT_EN_TAG, DEFAULT_ZH_TAG


@dataclass(frozen=True, slots=True)
class Origin:
    """Where one occurrence of a unit came from: a release (`path`) or an imported TMX."""

    path: str
    paragraph: int | None = None
    kind: str | None = None
    score: float | None = None
    added: str | None = None


@dataclass(frozen=True, slots=True)
class Unit:
    """One distinct translation pair of the memory.

    `count` is how often the pair occurred over every document and import;
    `score` the best aligner confidence it was given; `flags` the union of the
    flags its occurrences carried (``encoding-damage`` ...); `created` and
    `changed` when it was first and last seen (TMX date format, UTC).

    Its review status follows from its occurrences: `approved` when one of
    them came from an imported TMX without a score (a CAT tool's memory,
    which translators have approved) or from a bead a reviewer approved
    (`bitext.review`), else by its best confidence: ``held``
    below `bitext.model.EXPORT_MIN_SCORE` (kept for review, not exported by
    default), ``exported`` at or above it. `doubt` is why the aligner doubted
    its best occurrence ("" when it did not).
    """

    id: int
    src: str
    tgt: str
    src_lang: str
    tgt_lang: str
    count: int
    score: float | None
    flags: tuple[str, ...]
    created: str
    changed: str
    origins: tuple[Origin, ...] = ()
    approved: bool = False
    doubt: str = ""

    @property
    def status(self) -> str:
        """``approved``, ``exported`` or ``held``: see the class docstring."""
        from bitext.model import EXPORT_MIN_SCORE

        return status(self.score, self.approved, EXPORT_MIN_SCORE)

    @property
    def held(self) -> bool:
        """Held back for review: below the export threshold, and not approved."""
        return self.status == "held"


def status(score: float | None, approved: bool, min_score: float) -> str:
    """A unit's review status against `min_score` (see `Unit`)."""
    if approved or score is None:
        return "approved"
    return "exported" if score >= min_score else "held"


@dataclass(frozen=True, slots=True)
class Match:
    """A lookup result: the unit, how well it matched (0-100) and on which side.

    `how` is ``"fuzzy"`` (edit-distance match percentage, as CAT tools rank
    them), ``"semantic"`` (cosine of the embeddings x 100) or ``"concordance"``
    (the term occurs in the unit: always 100).
    """

    unit: Unit
    percent: float
    side: str
    how: str


@dataclass(frozen=True, slots=True)
class StoredPair:
    """One translation pair of a document, as it goes into the store."""

    src: str
    tgt: str
    kind: str
    score: float
    paragraph: int | None = None
    flags: tuple[str, ...] = ()
    count: int = 1
    #: Why the aligner doubted the pair (`Bead.doubt`; "" when it did not).
    doubt: str = ""
    #: The pair's own tags, when not the document's: one TMX may hold zh-HK and zh-TW units.
    src_lang: str | None = None
    tgt_lang: str | None = None
    #: ``approved`` for a pair a reviewer approved (a TMX's ``x-status``), else ``auto``.
    status: str = "auto"


#: A bead's review status: as the aligner left it, or decided by a reviewer.
BEAD_STATUSES = ("auto", "approved", "rejected")


@dataclass(frozen=True, slots=True)
class ReviewSentence:
    """One sentence of a stored document, as the review shows and corrects it.

    `side` is ``src`` or ``tgt``, `index` its place on that side (0-based).
    `original` is the aligner's text when a reviewer corrected `text` (None
    while it is unedited), so a correction never loses what the release said.
    """

    side: str
    index: int
    text: str
    paragraph: int | None = None
    flags: tuple[str, ...] = ()
    original: str | None = None


@dataclass(frozen=True, slots=True)
class ReviewBead:
    """One bead of a stored document: sentence indices of each side, in order.

    `score` is the aligner's confidence, None for a bead a reviewer reshaped
    (merged, split, moved: no aligner has scored it); `status` is one of
    `BEAD_STATUSES`.
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float | None = None
    doubt: str = ""
    status: str = "auto"

    @property
    def kind(self) -> str:
        return f"{len(self.src)}-{len(self.tgt)}"

    @property
    def is_pair(self) -> bool:
        return bool(self.src) and bool(self.tgt)


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """Everything the store keeps of one aligned document, ready to add in one transaction.

    `vectors` holds one embedding per pair (the normalized sum of its two
    sides' embeddings) for semantic lookup, or None to store none.
    `settings` names what produced the alignment; with `content_hash` it is
    what makes a rerun skip the document.
    """

    path: str
    content_hash: str
    settings: dict[str, object]
    pairs: tuple[StoredPair, ...]
    src_lang: str = DEFAULT_ZH_TAG
    tgt_lang: str = DEFAULT_EN_TAG
    kind: str = "release"
    layout: str | None = None
    src_sentences: int = 0
    tgt_sentences: int = 0
    vectors: np.ndarray | None = field(default=None, compare=False, repr=False)
    embed_model: str | None = None
    #: The alignment itself, kept for review: both sides' sentences and every bead
    #: (pairs and sentences without counterpart). None for a TMX import (no document).
    sentences: tuple[ReviewSentence, ...] = field(default=(), compare=False, repr=False)
    beads: tuple[ReviewBead, ...] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document row of the store."""

    id: int
    path: str
    kind: str
    content_hash: str
    settings_hash: str
    added: str
    pairs: int
    src_sentences: int
    tgt_sentences: int

"""bitext: bilingual Chinese/English press releases in, sentence-aligned TMX out.

The pipeline is read → normalize → split languages → segment → embed → align →
export; each stage is a module with pure functions over the data model in
`bitext.model`. The names below are the public API::

    import bitext
    alignment = bitext.align_document("release.txt")
    bitext.write_tmx([alignment], "release.tmx")
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .align import AlignConfig, align_sentences
from .embed import Encoder, SentenceTransformerEncoder, USEEncoder, load_encoder
from .errors import BitextError, EncoderError, InputError, LanguageError, OutputError
from .evaluate import Report, Scores, compare, evaluate
from .export import get_exporter, tmx_bytes, validate_tmx, write_tmx
from .langsplit import classify, split_languages
from .model import (
    Alignment,
    Bead,
    Block,
    Damage,
    Document,
    LanguageSplit,
    Pair,
    Paragraph,
    Sentence,
)
from .normalize import normalize
from .pipeline import align_document, align_text
from .read import read, read_bytes, read_text
from .segment import segment, split_sentences
from .segment.srx import SrxRules, read_srx
from .tm import TranslationMemory, batch_align

try:
    __version__ = version("bitext")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = [
    "AlignConfig",
    "Alignment",
    "Bead",
    "BitextError",
    "Block",
    "Damage",
    "Document",
    "Encoder",
    "EncoderError",
    "InputError",
    "LanguageError",
    "LanguageSplit",
    "OutputError",
    "Pair",
    "Paragraph",
    "Report",
    "Scores",
    "Sentence",
    "SentenceTransformerEncoder",
    "SrxRules",
    "TranslationMemory",
    "USEEncoder",
    "__version__",
    "align_document",
    "align_sentences",
    "align_text",
    "batch_align",
    "classify",
    "compare",
    "evaluate",
    "get_exporter",
    "load_encoder",
    "normalize",
    "read",
    "read_bytes",
    "read_srx",
    "read_text",
    "segment",
    "split_languages",
    "split_sentences",
    "tmx_bytes",
    "validate_tmx",
    "write_tmx",
]

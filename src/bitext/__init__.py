"""bitext: bilingual Chinese/English press releases in, sentence-aligned TMX out.

The pipeline is read → normalize → split languages → segment → embed → align →
export; each stage is a module with pure functions over the data model in
`bitext.model`; a cache reaches a stage only as an argument (``memo=``, see
`bitext.embed_cache`), never through module state. The names in `__all__` are
the public API::

    import bitext
    alignment = bitext.align_document("release.txt")
    bitext.write_tmx([alignment], "release.tmx")

They are imported when first used (PEP 562), so that `import bitext` and
`bitext --version` do not pay for numpy, scipy, pypinyin and python-docx.
Names that left `__all__` (`Block`, `USEEncoder`, `tmx_bytes`, ...) still
resolve here, and every one is importable from its own module.
"""

from __future__ import annotations

import sys
import types
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from ._lazy import lazy_names

if TYPE_CHECKING:  # what a type checker and an IDE see; at run time `__getattr__` imports
    from .align import AlignConfig, align_sentences
    from .config import PipelineConfig
    from .embed import Encoder, SentenceTransformerEncoder, USEEncoder, load_encoder  # noqa: F401
    from .errors import BitextError, EncoderError, InputError, LanguageError, OutputError
    from .evaluate import Evaluation, Report, Scores, compare, evaluate  # noqa: F401
    from .export import get_exporter, tmx_bytes, validate_tmx, write_tmx  # noqa: F401
    from .langsplit import classify, split_languages  # noqa: F401
    from .model import (  # noqa: F401 (the names out of __all__, kept for type checkers)
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
    from .read import read, read_bytes, read_text  # noqa: F401
    from .segment import segment, split_sentences  # noqa: F401
    from .segment.srx import SrxRules, read_srx  # noqa: F401
    from .tm import TranslationMemory, batch_align

try:
    __version__ = version("bitext")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

#: Where each name lives: the public ones (`__all__`) and those kept for old code.
_HOME = {
    "AlignConfig": ".align",
    "PipelineConfig": ".config",
    "align_sentences": ".align",
    "Encoder": ".embed",
    "SentenceTransformerEncoder": ".embed",
    "USEEncoder": ".embed",
    "load_encoder": ".embed",
    "BitextError": ".errors",
    "EncoderError": ".errors",
    "InputError": ".errors",
    "LanguageError": ".errors",
    "OutputError": ".errors",
    "Evaluation": ".evaluate",
    "Report": ".evaluate",
    "Scores": ".evaluate",
    "compare": ".evaluate",
    "evaluate": ".evaluate",
    "get_exporter": ".export",
    "tmx_bytes": ".export",
    "validate_tmx": ".export",
    "write_tmx": ".export",
    "classify": ".langsplit",
    "split_languages": ".langsplit",
    "Alignment": ".model",
    "Bead": ".model",
    "Block": ".model",
    "Damage": ".model",
    "Document": ".model",
    "LanguageSplit": ".model",
    "Pair": ".model",
    "Paragraph": ".model",
    "Sentence": ".model",
    "normalize": ".normalize",
    "align_document": ".pipeline",
    "align_text": ".pipeline",
    "read": ".read",
    "read_bytes": ".read",
    "read_text": ".read",
    "segment": ".segment",
    "split_sentences": ".segment",
    "SrxRules": ".segment.srx",
    "read_srx": ".segment.srx",
    "TranslationMemory": ".tm",
    "batch_align": ".tm",
}

# What a user needs: the pipeline end to end, each stage's entry point, the data
# model an alignment is made of, TMX out, the memory, and the errors to catch.
# Helpers (read_bytes, split_sentences, tmx_bytes, ...), the concrete encoders
# (load_encoder picks one) and evaluation's result types stay in their modules.
__all__ = [
    "AlignConfig",
    "Alignment",
    "Bead",
    "BitextError",
    "Document",
    "Encoder",
    "EncoderError",
    "InputError",
    "LanguageError",
    "OutputError",
    "Pair",
    "Paragraph",
    "PipelineConfig",
    "Sentence",
    "TranslationMemory",
    "__version__",
    "align_document",
    "align_sentences",
    "align_text",
    "batch_align",
    "evaluate",
    "get_exporter",
    "load_encoder",
    "normalize",
    "read",
    "segment",
    "split_languages",
    "write_tmx",
]


#: Functions named like the submodule that holds them: `bitext.read` is the function.
_SHADOWED = ("evaluate", "normalize", "read", "segment")


class _Package(types.ModuleType):
    """The bitext package, whose function names win over its submodules' names.

    Importing a submodule sets it as an attribute of its package, so once
    anything had imported `bitext.read` the function `bitext.read` would be the
    module. When the import system sets one of those names, the function of the
    same name from that module is kept instead, as the eager imports did.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


# Cached as a module global once read. A submodule of the same name as its function
# (bitext.normalize, bitext.segment, bitext.read, bitext.evaluate) is replaced by the
# function, as the eager import did (`_Package` above).
__getattr__, __dir__ = lazy_names(__name__, _HOME, globals())

"""`PipelineConfig`: every setting of one document's alignment, in one frozen object.

The command line builds one from its flags (its defaults are this class's),
`align_document` and `align_text` take one, and a batch hands one to every
worker and records its `identity` beside each stored document. Settings travel
in nothing else, so a new one is added here once and reaches every caller.

What is *not* here, and why: the encoder object (a loaded model is state, not a
setting: `align_document(encoder=...)` takes it beside the config, and a caller
aligning many documents loads it once), and what a batch does with the results
(`vectors`, the embedding `cache`: `bitext.tm.BatchSettings`), since neither
changes an alignment. The encoder's *spec* is here: which model embeds decides
the result, so it is part of a batch's identity.

This module loads nothing heavy: the command line reads its defaults to build
its parser, and the aligner's settings (`bitext.align.align_config`, which needs
numpy) are imported only when a config is made.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .lang import DEFAULT_EN_TAG, DEFAULT_ZH_TAG, SIMPLIFIED

if TYPE_CHECKING:
    from .align.align_config import AlignConfig

__all__ = ["PipelineConfig"]

#: The `segmentation` values that name rules rather than an SRX file.
_NAMED_RULES = ("bitext", "srx")


def _default_align() -> AlignConfig:
    from .align.align_config import AlignConfig

    return AlignConfig()


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    """How a document is aligned, from reading to the beads.

    - `zh_script`, `src_lang`: the script the Chinese side is written in and
      its tag, decided per document from both (`bitext.normalize.variant`);
      None and None give Simplified, zh-CN.
    - `tgt_lang`: the English side's tag.
    - `segmentation`: ``"bitext"`` (own rules, best for alignment), ``"srx"``
      (the shipped SRX rules, cut as CAT tools cut), or an SRX file's path
      (read once per version of the file however many documents use it).
    - `encoder`: a `bitext.load_encoder` spec (None: USE-multilingual-v3), used
      when `align_document` is given no encoder object.
    - `align`: the aligner's settings (`AlignConfig`), checked and coerced when
      the config is made (``knn=4.0`` is ``knn=4``).
    """

    zh_script: str | None = None
    src_lang: str | None = None
    tgt_lang: str = DEFAULT_EN_TAG
    segmentation: str | os.PathLike[str] = "bitext"
    encoder: str | None = None
    align: AlignConfig = field(default_factory=_default_align)

    def __post_init__(self) -> None:
        from .align.align_config import check_config

        # Equal settings compare equal, and a bad value fails here, before any work.
        object.__setattr__(self, "align", check_config(self.align))

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> PipelineConfig:
        """The defaults with `options` applied: see `with_overrides`."""
        return cls().with_overrides(**options)

    def with_overrides(self, **changes: Any) -> PipelineConfig:
        """A copy with `changes` applied, each a field of this class or of `AlignConfig`.

        ``with_overrides(zh_script="keep", trim_gain=None)``. Raises TypeError
        naming an unknown setting, ValueError a bad aligner value (one line).
        """
        from .align.align_config import check_config

        align = changes.pop("align", self.align)
        own = {f.name for f in fields(self)}
        mine = {k: v for k, v in changes.items() if k in own}
        aligner = {k: v for k, v in changes.items() if k not in own}
        return replace(self, **mine, align=check_config(align, aligner))

    def identity(self) -> dict[str, Any]:
        """What an alignment made with this config depends on: a batch stores it with
        each document and realigns a stored document whose identity differs.

        An SRX file counts by its content, not its name. Keys and values are
        those of the batch settings of earlier versions, so that a memory they
        built is not realigned for nothing.
        """
        seg = self.segmentation
        if seg not in _NAMED_RULES:
            try:
                content = Path(seg).read_bytes()
            except OSError as exc:
                why = exc.strerror or exc
                raise InputError(f"{seg}: cannot read the SRX file: {why}") from None
            seg = "srx:" + hashlib.sha256(content).hexdigest()[:16]
        return {
            **self._script_identity(),
            "segmentation": seg,
            "encoder": self.encoder or "usem3",
            "tgt_lang": self.tgt_lang,
            "aligner": asdict(self.align),
        }

    def _script_identity(self) -> dict[str, Any]:
        """The effective script and tag, so that what the output holds decides a rerun.

        Settings that come out as before are spelled as before (Simplified is
        ``simplified``/zh-CN however given), so a memory built by an older bitext
        is not realigned for nothing; a script whose conversion or tag changed
        (``traditional``, once OpenCC's generic s2t tagged zh-CN, now regional and
        tagged as written) names its rule, so those documents are realigned.
        """
        from .normalize.variant import check_variant_options, decide_variant

        check_variant_options(self.zh_script, self.src_lang)
        if self.zh_script in (SIMPLIFIED, None) and (
            self.src_lang is None or decide_variant(None, self.src_lang, "").zh_script == SIMPLIFIED
        ):
            return {"zh_script": SIMPLIFIED, "src_lang": self.src_lang or DEFAULT_ZH_TAG}
        rule = "keep: tag from the text" if self.zh_script == "keep" else "regional, author's forms"
        return {
            "zh_script": self.zh_script or "from-tag",
            "src_lang": self.src_lang or "from-text",
            "zh_variant": rule,
        }

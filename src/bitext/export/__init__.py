"""Export stage: aligned pairs to files (TMX for CAT tools, TSV for people).

Exporters share one small interface so the CLI can pick one from a format name
or from the output file's suffix, and every exporter writes atomically.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import PurePath
from typing import Any, Protocol

from bitext.errors import OutputError
from bitext.export.tmx import (
    LONG_UNIT_CHARS,
    TMXExporter,
    long_units,
    tmx_bytes,
    validate_tmx,
    write_tmx,
)
from bitext.export.tsv import TSVExporter
from bitext.model import Alignment

__all__ = [
    "EXPORTERS",
    "LONG_UNIT_CHARS",
    "Exporter",
    "TMXExporter",
    "TSVExporter",
    "exporter_factory",
    "get_exporter",
    "long_units",
    "tmx_bytes",
    "validate_tmx",
    "write_tmx",
]


class Exporter(Protocol):
    """What the pipeline needs from an output format."""

    name: str
    suffixes: tuple[str, ...]

    def write(
        self, alignments: Sequence[Alignment], path: str | os.PathLike[str], *, force: bool = False
    ) -> int:
        """Write `alignments` to `path` atomically; refuse an existing file unless `force`.

        Returns the number of translation units (pairs) the file holds.
        """
        ...

    def dumps(self, alignments: Sequence[Alignment]) -> bytes:
        """The file content for `alignments`."""
        ...


#: Format name -> exporter factory; the factory takes the exporter's options.
EXPORTERS: dict[str, Callable[..., Exporter]] = {
    TMXExporter.name: TMXExporter,
    TSVExporter.name: TSVExporter,
}


def exporter_factory(name_or_path: str) -> Callable[..., Exporter]:
    """The factory for a format name (``"tmx"``) or an output path's suffix (``"out.tsv"``).

    Its `name` tells the caller which options the format takes before it builds
    one. Raises `OutputError` naming the known formats when neither matches.
    """
    key = name_or_path.strip().lower()
    if key in EXPORTERS:
        return EXPORTERS[key]
    suffix = PurePath(key).suffix
    for factory in EXPORTERS.values():
        if suffix and suffix in getattr(factory, "suffixes", ()):
            return factory
    known = ", ".join(
        f"{name} ({' '.join(getattr(f, 'suffixes', ()))})" for name, f in EXPORTERS.items()
    )
    raise OutputError(f"unknown output format for {name_or_path!r}; known formats: {known}")


def get_exporter(name_or_path: str, **options: Any) -> Exporter:
    """The exporter for a format name (``"tmx"``) or an output path's suffix (``"out.tsv"``).

    `options` go to the exporter's constructor. Raises `OutputError` naming the
    known formats when neither matches.
    """
    return exporter_factory(name_or_path)(**options)

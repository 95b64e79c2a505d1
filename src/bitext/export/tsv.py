"""Tab-separated export of aligned pairs, for spreadsheets and quick analysis.

One header line, then one line per pair: source, target, score, bead type,
flags and document. Every record is exactly one line with six fields, so the
file loads with any TSV reader (``pandas.read_csv(sep="\\t", quoting=3)``,
``cut``, ``awk``); characters that would break that are backslash-escaped and
`unescape_field` reverses it. Unlike the TMX, every pair is kept, duplicates
included, because analysts count and filter rows themselves.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence

from bitext.atomic import atomic_open
from bitext.model import Alignment, Pair

__all__ = ["COLUMNS", "TSVExporter", "escape_field", "unescape_field"]

COLUMNS = ("src", "tgt", "score", "bead", "flags", "document")

_NAMED = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNNAMED = {v: k for k, v in _NAMED.items()}
# The backslash itself, every control character (tab, NUL, and the line breaks
# str.splitlines() honours: raw, any of them splits or truncates a record for
# some reader) and lone surrogates from damaged input, which are not UTF-8.
_SPECIAL = re.compile("[\\\\\x00-\x1f\x7f\x85\u2028\u2029\ud800-\udfff]")
_ESCAPE = re.compile(r"\\(?:[\\tnr]|u[0-9a-fA-F]{4})")


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or f"\\u{ord(char):04x}"


def _unescape_char(match: re.Match[str]) -> str:
    code = match.group()
    return _UNNAMED.get(code) or chr(int(code[2:], 16))


def escape_field(text: str) -> str:
    """`text` as one TSV field: ``\\`` → ``\\\\``, tab → ``\\t``, LF → ``\\n``, CR → ``\\r``.

    Other control characters, line separators (U+2028, ...) and lone surrogates
    become ``\\uXXXX``.
    """
    return _SPECIAL.sub(_escape_char, text)


def unescape_field(field: str) -> str:
    """The text that `escape_field` turned into `field`."""
    return _ESCAPE.sub(_unescape_char, field)


class TSVExporter:
    """Writes aligned pairs as UTF-8 TSV with a header line (no BOM)."""

    name = "tsv"
    suffixes: tuple[str, ...] = (".tsv", ".tab")

    def __init__(self, min_score: float | None = None, max_chars: int | None = None) -> None:
        self.min_score = min_score
        self.max_chars = max_chars

    def count(self, alignments: Sequence[Alignment]) -> int:
        """The number of rows (pairs) `write` would write, header not counted."""
        return sum(1 for _ in self._kept(alignments))

    def _kept(self, alignments: Sequence[Alignment]) -> Iterator[tuple[Alignment, Pair]]:
        for alignment in alignments:
            for pair in alignment.pairs(self.min_score):
                if self.max_chars is None or max(len(pair.src), len(pair.tgt)) <= self.max_chars:
                    yield alignment, pair

    def lines(self, alignments: Sequence[Alignment]) -> list[str]:
        """The file's lines, header first, without line terminators."""
        out = ["\t".join(COLUMNS)]
        for alignment, pair in self._kept(alignments):
            fields = (
                pair.src,
                pair.tgt,
                f"{pair.score:.4f}",
                pair.kind,
                ",".join(pair.flags),
                alignment.source or "",
            )
            out.append("\t".join(escape_field(f) for f in fields))
        return out

    def dumps(self, alignments: Sequence[Alignment]) -> bytes:
        """The TSV document for `alignments`, as UTF-8 bytes."""
        return _encode(self.lines(alignments))

    def write(
        self, alignments: Sequence[Alignment], path: str | os.PathLike[str], *, force: bool = False
    ) -> int:
        """Write the TSV for `alignments` to `path` atomically; returns the rows written.

        The header line is not counted: the result is the number of pairs in the file.
        """
        with atomic_open(path, force=force) as handle:
            lines = self.lines(alignments)
            handle.write(_encode(lines))
        return len(lines) - 1


def _encode(lines: Sequence[str]) -> bytes:
    """The file content: every line, header included, ends with ``\\n``; UTF-8 without BOM."""
    return "".join(f"{line}\n" for line in lines).encode("utf-8")

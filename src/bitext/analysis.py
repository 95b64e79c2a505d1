"""Alignments as pandas data frames, one row per bead, and back.

`to_frame` gives analysts a frame to filter, sort and plot; `from_frame` turns
such a frame (possibly saved and read back) into the `Alignment` it came from,
so a frame is also a way to store an alignment. Sentences live in the rows of
the beads that hold them, so every sentence must sit in exactly one bead: the
aligner's output always does.

Columns (every list column holds one entry per sentence of that side, in bead
order; "src" is the Chinese side of a bitext alignment):

=================  ===========  ==================================================
column             type         meaning
=================  ===========  ==================================================
bead               int          bead index in the alignment (rows are rebuilt in
                                this order)
kind               str          ``"1-2"``, ``"1-0"``... (source count, target count)
score              float        the aligner's confidence
is_pair            bool         both sides hold sentences (a translation unit)
src_ids/tgt_ids    list[int]    sentence indices
src_text/tgt_text  str          the side's sentences joined as `Pair` joins them
flags              list[str]    the sentences' flags, merged as `Pair.flags`
src_sentences      list[str]    per-sentence texts (likewise ``tgt_``...)
src_paragraphs     list[int]    paragraph ids
src_starts/_ends   list[int]    offsets in `Document.text`
src_langs          list[str]    sentence languages (``"zh"``, ``"en"``)
src_flags          list[list]   per-sentence flags
=================  ===========  ==================================================

The alignment's languages and source go in ``frame.attrs``; `kind`, `is_pair`,
the joined texts and `flags` are derived and ignored when reading back. Tested
round trips, each rebuilding an equal alignment:

- ``to_pickle`` → ``read_pickle``: everything, ``attrs`` included;
- ``to_json(orient="records")`` → ``read_json(orient="records", precise_float=True)``
  (without `precise_float` a score may come back one ulp off), and
  ``to_dict("records")`` through the `json` module;
- ``to_csv(index=False)`` → ``read_csv``: list cells come back as their Python
  repr and are parsed safely (`ast.literal_eval`).

JSON and CSV drop ``attrs``: pass `source` (and the languages, if not the
defaults) to `from_frame`. Parquet is not tested (it needs pyarrow).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Sequence
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

from bitext.model import Alignment, Bead, Sentence, join_sentences

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLUMNS", "REQUIRED", "from_frame", "to_frame"]

_SIDE = ("ids", "sentences", "paragraphs", "starts", "ends", "langs", "flags")
COLUMNS = (
    "bead",
    "kind",
    "score",
    "is_pair",
    "src_ids",
    "tgt_ids",
    "src_text",
    "tgt_text",
    "flags",
    *(f"{side}_{name}" for name in _SIDE[1:] for side in ("src", "tgt")),
)
#: What `from_frame` needs; the other columns are derived from these.
REQUIRED = ("bead", "score", *(f"{side}_{name}" for side in ("src", "tgt") for name in _SIDE))
_META = ("src_lang", "tgt_lang", "source")


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ImportError("bitext.analysis needs pandas: pip install 'bitext[analysis]'") from None
    return pandas


def to_frame(alignment: Alignment) -> pd.DataFrame:
    """One row per bead of `alignment`, in order (columns: see the module docstring).

    Raises ValueError when a sentence is in no bead or in several, or a bead
    points past the sentences: such a frame could not rebuild the alignment.
    """
    pd = _pandas()
    _check_coverage(alignment)
    rows = []
    for index, bead in enumerate(alignment.beads):
        src = [alignment.src[i] for i in bead.src]
        tgt = [alignment.tgt[j] for j in bead.tgt]
        row: dict[str, Any] = {
            "bead": index,
            "kind": bead.kind,
            "score": bead.score,
            "is_pair": bead.is_pair,
            "src_ids": list(bead.src),
            "tgt_ids": list(bead.tgt),
            "src_text": join_sentences(src),
            "tgt_text": join_sentences(tgt),
            "flags": list(dict.fromkeys(f for s in src + tgt for f in s.flags)),
        }
        row.update(_side_columns("src", src))
        row.update(_side_columns("tgt", tgt))
        rows.append(row)
    frame = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    frame.attrs.update({key: getattr(alignment, key) for key in _META})
    return frame


def _side_columns(side: str, sentences: Sequence[Sentence]) -> dict[str, list[Any]]:
    return {
        f"{side}_sentences": [s.text for s in sentences],
        f"{side}_paragraphs": [s.paragraph for s in sentences],
        f"{side}_starts": [s.start for s in sentences],
        f"{side}_ends": [s.end for s in sentences],
        f"{side}_langs": [s.lang for s in sentences],
        f"{side}_flags": [list(s.flags) for s in sentences],
    }


def _check_coverage(alignment: Alignment) -> None:
    for side, sentences in (("src", alignment.src), ("tgt", alignment.tgt)):
        seen: dict[int, int] = {}
        for index, bead in enumerate(alignment.beads):
            for i in getattr(bead, side):
                if not 0 <= i < len(sentences):
                    raise ValueError(
                        f"bead {index} points at {side} sentence {i}, "
                        f"but the alignment has {len(sentences)}"
                    )
                if i in seen:
                    raise ValueError(f"{side} sentence {i} is in beads {seen[i]} and {index}")
                seen[i] = index
        if len(seen) < len(sentences):
            missing = min(set(range(len(sentences))) - seen.keys())
            raise ValueError(
                f"{side} sentence {missing} is in no bead: a frame rebuilds sentences from beads"
            )


def from_frame(
    frame: Any,
    *,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    source: str | None = None,
) -> Alignment:
    """The `Alignment` a `to_frame` frame holds (rows taken in `bead` order).

    `frame` is a DataFrame, or records that `pandas.DataFrame` accepts (a list
    of dicts, as ``json.load`` gives back). Languages and source come from the
    arguments, else from ``frame.attrs``, else the `Alignment` defaults. The
    document itself is not in a frame (`Alignment.document` is None).

    Raises ValueError (one line) when columns are missing, a cell is not what
    its column holds, or sentence ids are duplicated or out of range.
    """
    pd = _pandas()
    if not isinstance(frame, pd.DataFrame):
        try:
            frame = pd.DataFrame(frame)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"not a bead frame: {_first_line(exc)}") from None
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise ValueError(
            f"frame is missing column(s) {', '.join(missing)}; expected a frame made by to_frame"
        )
    records = frame.loc[:, list(REQUIRED)].to_dict("records")
    order = [_integer(r["bead"], "bead", i) for i, r in enumerate(records)]
    if len(set(order)) < len(order):
        raise ValueError("frame has duplicate values in column 'bead'")
    src: dict[int, Sentence] = {}
    tgt: dict[int, Sentence] = {}
    beads = []
    for row, record in sorted(zip(order, records, strict=True), key=lambda pair: pair[0]):
        beads.append(
            Bead(
                src=_read_side(record, "src", row, src),
                tgt=_read_side(record, "tgt", row, tgt),
                score=_score(record["score"], row),
            )
        )
    options = {key: frame.attrs[key] for key in _META if key in frame.attrs}
    given = {"src_lang": src_lang, "tgt_lang": tgt_lang, "source": source}
    options.update({key: value for key, value in given.items() if value is not None})
    return Alignment(
        src=_in_order(src, "src"), tgt=_in_order(tgt, "tgt"), beads=tuple(beads), **options
    )


def _read_side(
    record: dict[str, Any], side: str, row: int, found: dict[int, Sentence]
) -> tuple[int, ...]:
    """The side's sentence ids of one row; its sentences go into `found`."""
    cells = {name: _as_list(record[f"{side}_{name}"], f"{side}_{name}", row) for name in _SIDE}
    sizes = {len(values) for values in cells.values()}
    if len(sizes) > 1:
        raise ValueError(f"bead {row}: the {side}_* lists differ in length")
    ids = tuple(_integer(i, f"{side}_ids", row) for i in cells["ids"])
    for k, i in enumerate(ids):
        if i in found:
            raise ValueError(f"bead {row}: {side} sentence {i} is in an earlier bead too")
        found[i] = Sentence(
            text=_string(cells["sentences"][k], f"{side}_sentences", row),
            lang=_string(cells["langs"][k], f"{side}_langs", row),
            paragraph=_integer(cells["paragraphs"][k], f"{side}_paragraphs", row),
            start=_integer(cells["starts"][k], f"{side}_starts", row),
            end=_integer(cells["ends"][k], f"{side}_ends", row),
            flags=tuple(
                _string(f, f"{side}_flags", row)
                for f in _as_list(cells["flags"][k], f"{side}_flags", row)
            ),
        )
    return ids


def _in_order(found: dict[int, Sentence], side: str) -> tuple[Sentence, ...]:
    """The side's sentences by id; ids must run from 0 with no gap."""
    if found and min(found) < 0:
        raise ValueError(f"{side} sentence id {min(found)} out of range: ids count from 0")
    if found and max(found) >= len(found):
        gap = min(set(range(len(found))) - found.keys())
        raise ValueError(
            f"{side} sentence id {max(found)} out of range: no row holds {side} sentence {gap} "
            "(a filtered frame cannot be rebuilt)"
        )
    return tuple(found[i] for i in range(len(found)))


def _as_list(value: Any, column: str, row: int) -> list[Any]:
    """A list cell as a list: lists, tuples, numpy arrays (parquet) and CSV's repr strings."""
    cell = value
    if isinstance(value, str):
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            value = None
    if hasattr(value, "tolist") and not isinstance(value, Real):
        value = value.tolist()
    if not isinstance(value, list | tuple):
        raise ValueError(f"bead {row}: column {column!r} holds {_show(cell)}, not a list")
    return list(value)


def _integer(value: Any, column: str, row: int) -> int:
    if isinstance(value, Integral) and not isinstance(value, bool):
        return int(value)
    # CSV and JSON readers may widen an integer column to float (NaN elsewhere).
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValueError(f"bead {row}: column {column!r} holds {_show(value)}, not an integer")


def _string(value: Any, column: str, row: int) -> str:
    if not isinstance(value, str):
        raise ValueError(f"bead {row}: column {column!r} holds {_show(value)}, not a string")
    return value


def _score(value: Any, row: int) -> float:
    if isinstance(value, Real) and not isinstance(value, bool) and not math.isnan(value):
        return float(value)
    raise ValueError(f"bead {row}: column 'score' holds {_show(value)}, not a number")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__

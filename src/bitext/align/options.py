"""Aligner settings given by name: each value checked against its field's type.

Keyword options to `align_sentences` and `--set KEY=VALUE` on the command line
arrive as whatever a caller typed (``knn=4.0``, ``bead_types=[[1, 1]]``). Each
is turned into its field's type, or refused with a message naming the field,
before any work: a wrong type would otherwise fail deep in the search with a
traceback, and an equal value of another type (``4.0`` for ``4``) would give
a batch a different settings identity and realign stored documents for nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any


def coerce(name: str, kind: str, value: Any) -> Any:
    """`value` as the type `kind` (a field annotation, as a string); ValueError if it is not one."""
    if kind.endswith(" | None"):
        return None if value is None else coerce(name, kind.removesuffix(" | None"), value)
    if kind == "bool":
        if isinstance(value, bool) or (isinstance(value, Integral) and value in (0, 1)):
            return bool(value)
        raise ValueError(f"{name} must be True or False, not {value!r}")
    if kind == "int":
        if _number(value) and float(value).is_integer():
            return int(value)
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    if kind == "float":
        if _number(value):
            return float(value)
        raise ValueError(f"{name} must be a number, not {value!r}")
    if kind == "tuple[float, float]":
        if _sequence(value) and len(value) == 2 and all(_number(v) for v in value):
            return (float(value[0]), float(value[1]))
        raise ValueError(f"{name} must be two numbers, not {value!r}")
    if kind == "tuple[float, ...]":
        if _sequence(value) and len(value) and all(_number(v) for v in value):
            return tuple(float(v) for v in value)
        raise ValueError(f"{name} must be a list of numbers, not {value!r}")
    if kind == "tuple[tuple[int, int], ...]":
        return _bead_types(name, value)
    raise TypeError(f"{name}: no check for values of type {kind}")  # a new field's type


def _bead_types(name: str, value: Any) -> tuple[tuple[int, int], ...]:
    pairs = list(value) if _sequence(value) else None
    ok = pairs is not None and all(
        _sequence(p) and len(p) == 2 and all(_number(x) and float(x).is_integer() for x in p)
        for p in pairs
    )
    types = tuple((int(a), int(b)) for a, b in pairs) if ok and pairs is not None else ()
    if not types or (1, 1) not in types or any(a < 1 or b < 1 for a, b in types):
        raise ValueError(
            f"{name} must include (1, 1) and hold only pairs of sentence counts of at least 1 "
            f"(1-0 and 0-1 are always allowed), not {value!r}"
        )
    return types


def _number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _sequence(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str)

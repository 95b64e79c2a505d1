"""When two English renderings of one Chinese term count as the same.

They do when they are equal after `normalise`: case, spacing, punctuation
around words, "the" and plural endings do not count (``Red Flags`` = ``red
flag``; ``Conceptual Outline of the Development Plan`` = ``Conceptual Outline
of Development Plan``). Nor does an abbreviation standing for words of the
other (`abbreviates`: ``AFCD`` = ``Agriculture, Fisheries and Conservation
Department``, ``LegCo``, ``DoJ``, ``DEVB`` = ``Development Bureau``,
``C&SD``, ``UBWs`` = ``unauthorised building works``, ``HKSAR Government`` =
``Hong Kong Special Administrative Region Government``), nor, for a person, the
surname alone (``Mr Tse`` = ``Tse Chin-wan``). Spelling is not normalised:
``Centre``/``Center``, ``organise``/``organize``, ``Kam-ching``/``Kam Ching``
and word order are an office's style decisions, and stay different.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache

__all__ = ["abbreviates", "normalise", "same_rendering", "surnames"]

# Words an abbreviation may leave out (Department *of* Justice: DoJ), titles before a name.
_STOP_WORDS = frozenset({"and", "of", "the", "for", "in", "on", "at", "to", "&"})
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "hon"})
_WORD = re.compile(r"[\w'’]+(?:-[\w'’]+)*|&")
_SHORT = re.compile(r"[A-Za-z&]+")
# Words as written, case kept, "&" inside one (C&SD).
_TOKEN = re.compile(r"[\w'’&]+(?:-[\w'’]+)*")


def normalise(text: str) -> str:
    """`text` as renderings are compared: lower case, words only, singular, no "the"."""
    return " ".join(_singular(w) for w in words(text).split(" ") if w and w != "the")


@cache
def words(text: str) -> str:
    """The words of `text`, lower case, space-separated; hyphenated words kept whole."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    return " ".join(_WORD.findall(text.replace("\u2010", "-").replace("\u2011", "-")))


def _singular(word: str) -> str:
    """A plural English word's singular, roughly: consistent, which is what matters here."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s")):
        return word[:-1]
    return word


def _is_short(token: str) -> bool:
    """Shaped like an abbreviation: letters (and &), two capitals at least: AFCD, LegCo, C&SD."""
    return bool(_SHORT.fullmatch(token)) and sum(c.isupper() for c in token) >= 2


def _letters(token: str) -> str:
    """An abbreviation's letters, lower case: without ``&`` or a plural ``s`` (UBWs, PTs)."""
    token = token.replace("&", "")
    if len(token) > 2 and token.endswith("s") and token[-2].isupper():
        token = token[:-1]
    return token.casefold()


def _spells(letters: str, run: Sequence[str]) -> bool:
    """Whether `letters` split into pieces, in order, each starting a word of `run`."""
    if not run:
        return not letters
    first = run[0]
    return any(
        first.startswith(letters[:n]) and _spells(letters[n:], run[1:])
        for n in range(1, min(len(letters) - len(run) + 1, len(first)) + 1)
    )


def _stands_for(token: str, run: Sequence[str]) -> bool:
    """Whether the abbreviation `token` stands for the words `run` (two at least).

    Its letters start the words with or without the small ones (AFCD skips
    "and"; OTOE is On The Other Earth).
    """
    if len(run) < 2 or run[0] in _STOP_WORDS or run[-1] in _STOP_WORDS:
        return False
    letters = _letters(token)
    content = [w for w in run if w not in _STOP_WORDS]
    return _spells(letters, content) or (content != list(run) and _spells(letters, run))


def abbreviates(short: str, full: str) -> bool:
    """Whether `short` is `full` with some runs of words written as abbreviations.

    Word for word equal (as `normalise` compares them) but where `short` has an
    abbreviation (AFCD, HKSAR, LegCo: two capitals at least) for two or more
    words of `full`: ``HKSAR Government`` abbreviates ``Hong Kong Special
    Administrative Region Government``, ``15th NG`` ``15th National Games``.
    """
    tokens = _TOKEN.findall(unicodedata.normalize("NFKC", short))
    tokens = [t for t in tokens if t.casefold() != "the"]
    targets = [w for w in words(full).split(" ") if w and w != "the"]
    if not any(_is_short(t) for t in tokens) or len(tokens) >= len(targets):
        return False
    return _match(tuple(tokens), tuple(targets))


@cache
def _match(tokens: tuple[str, ...], targets: tuple[str, ...]) -> bool:
    if not tokens or not targets:
        return not tokens and not targets
    head = tokens[0]
    if _singular(head.casefold()) == _singular(targets[0]) and _match(tokens[1:], targets[1:]):
        return True
    return _is_short(head) and any(
        _stands_for(head, targets[:k]) and _match(tokens[1:], targets[k:])
        for k in range(2, len(targets) + 1)
    )


def surnames(renderings: Iterable[str]) -> set[str]:
    """The first and last words of names (a Chinese name starts with the surname, others end)."""
    names = [[w for w in normalise(r).split() if w not in _TITLES] for r in renderings]
    return {w for parts in names if len(parts) > 1 for w in (parts[0], parts[-1])}


def _is_surname(short: str, full: str) -> bool:
    """`Mr Wong` or `Wong` beside `Wong Kam-ching` (or `Lee` beside `John Lee`)."""
    mine = [w for w in normalise(short).split() if w not in _TITLES]
    return len(mine) == 1 and mine[0] in surnames([full])


def same_rendering(a: str, b: str, *, person: bool = False) -> bool:
    """Whether renderings `a` and `b` (as written) name the same thing the same way.

    `person`: the term names a person, so a surname alone is the same rendering.
    """
    if normalise(a) == normalise(b) or abbreviates(a, b) or abbreviates(b, a):
        return True
    return person and (_is_surname(a, b) or _is_surname(b, a))

"""How a Chinese name is spelt in English: pinyin, Hong Kong Cantonese, Wade–Giles.

A mainland office writes 章勇武 as Zhang Yongwu; Hong Kong and Macao write
李家超 as Lee Ka-chiu (the Hong Kong Government's Cantonese romanisation, as
the `cantonese-romanisation` package ships it); Taiwan writes 侯友宜 as Hou
You-yi, in Wade–Giles-style spellings (Hsieh, Chiang, Tsai) or pinyin. Each
character gets every spelling it may have; an English word is matched
against the characters' spellings, whole (Lee) or as consecutive syllables run
together (Yongwu, Kachiu).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

#: Wade–Giles initials and finals written for pinyin ones, as Taiwan's names use them.
_WG_INITIALS = (
    ("zh", "ch"),
    ("ch", "ch"),
    ("q", "ch"),
    ("j", "ch"),
    ("x", "hs"),
    ("z", "ts"),
    ("c", "ts"),
    ("r", "j"),
    ("b", "p"),
    ("d", "t"),
    ("g", "k"),
    ("p", "p"),
    ("t", "t"),
    ("k", "k"),
)
_WG_FINALS = (("ong", "ung"), ("ian", "ien"), ("ie", "ieh"), ("e", "e"), ("i", "i"), ("uo", "o"))
#: Longest run of characters one English word may spell (Kachiu: two; a rare three).
MAX_RUN = 3


def _wade_giles(syllable: str) -> set[str]:
    out = {syllable}
    for py, wg in _WG_INITIALS:
        if syllable.startswith(py):
            rest = syllable[len(py) :]
            out.add(wg + rest)
            for pf, wf in _WG_FINALS:
                if rest.endswith(pf):
                    out.add(wg + rest[: len(rest) - len(pf)] + wf)
            break
    for pf, wf in _WG_FINALS:
        if syllable.endswith(pf):
            out.add(syllable[: len(syllable) - len(pf)] + wf)
    if syllable.startswith("x"):
        out.add("hs" + syllable[1:])
    return out


@cache
def _cantonese() -> object | None:
    try:
        from cantoroman import Cantonese
    except ImportError:  # an optional spelling: pinyin still works without it
        return None
    return Cantonese()


@cache
def spellings(char: str) -> frozenset[str]:
    """Every lower-case spelling of one character: pinyin, Cantonese, Wade–Giles."""
    from pypinyin import Style, pinyin

    from bitext.normalize.zh_script import any_to_simplified

    out: set[str] = set()
    for form in {char, any_to_simplified(char)}:
        for reading in pinyin(form, style=Style.NORMAL, heteronym=True, errors="ignore")[:1]:
            for syllable in reading:
                syllable = syllable.replace("ü", "u").replace("v", "u")
                if syllable.isalpha():
                    out |= _wade_giles(syllable)
        canto = _cantonese()
        if canto is not None:
            for options in canto.getRoman(form):  # type: ignore[attr-defined]
                out.update(s for s in options if s.isalpha())
    return frozenset(out)


def spelled_chars(chars: str, word: str) -> set[int]:
    """Positions of `chars` that `word` spells, run together or alone (empty: none).

    `word` is one English word or one hyphen-part of it, lower-cased: "yongwu"
    against 章勇武 gives {1, 2}; "lee" against 李家超 gives {0}.
    """
    word = "".join(c for c in word.lower() if c.isalpha())
    if not word:
        return set()
    for start in range(len(chars)):
        for size in range(1, MAX_RUN + 1):
            if start + size > len(chars):
                break
            if _spells(chars[start : start + size], word):
                return set(range(start, start + size))
    return set()


def _spells(chars: str, word: str) -> bool:
    """Whether `word` is one spelling of each of `chars`, concatenated."""
    if not chars:
        return not word
    for option in spellings(chars[0]):
        if word.startswith(option) and _spells(chars[1:], word[len(option) :]):
            return True
    return False


def name_words(words: Sequence[str]) -> list[str]:
    """The romanisation pieces of English words: hyphen-parts, lower-cased (Ka-chiu: ka, chiu)."""
    return [part.lower() for w in words for part in w.replace("’", "'").split("-") if part]

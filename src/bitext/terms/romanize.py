"""How a Chinese name is spelt in English: pinyin, Cantonese, Wade–Giles.

A mainland office writes 章勇武 as Zhang Yongwu; Hong Kong writes 李家超 as Lee
Ka-chiu (the Hong Kong Government's Cantonese romanisation, as the
`cantonese-romanisation` package ships it), Macao 賀一誠 as Ho Iat Seng (the same
sounds in Portuguese-based spellings, derived from Hong Kong's); Taiwan writes
侯友宜 as Hou You-yi and 蔡英文 as Tsai Ing-wen, in Wade–Giles-style spellings or pinyin. Each
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
    if syllable.startswith("yi"):
        out.add(syllable[1:])  # Taiwan writes 英 Ing (Tsai Ing-wen), 宜 I
    return out


#: Macao's Cantonese romanisation, from Hong Kong's: Portuguese-based spellings of the same
#: sounds (梁 Leung / Leong, 一 Yat / Iat, 誠 Shing / Seng, 李 Lee / Lei, 益 Yik / Iek).
_MACAO = (("eung", "eong"), ("ing", "eng"), ("ik", "ek"), ("ee", "ei"), ("oo", "u"))


#: Vowels Hong Kong's own registers spell two ways where the package lists one
#: (周 Chow / Chau, 鮑 Pau / Pou).
_HK_VOWELS = (("ow", "au"), ("au", "ou"))


def _macao(syllable: str) -> set[str]:
    out = set()
    for hk, mo in _MACAO:
        if hk in syllable:
            out.add(syllable.replace(hk, mo))
    if syllable.startswith("y") and len(syllable) > 1 and syllable[1] != "i":
        out.add("i" + syllable[1:])
    if syllable.startswith("sh"):
        out.add("s" + syllable[2:])
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
    """Every lower-case spelling of one character: pinyin, Wade–Giles, Hong Kong and Macao
    Cantonese."""
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
                for hk in (s for s in options if s.isalpha()):
                    out.add(hk)
                    out |= _macao(hk)
                    out |= {hk.replace(a, b) for a, b in _HK_VOWELS if hk.endswith(a)}
    # Hong Kong writes the Gw- of Cantonese Kw- (觀塘 Kwun Tong, 葵涌 Kwai Chung).
    return frozenset(out | {"k" + s[1:] for s in out if s.startswith("gw")})


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


#: Sound classes of consonants, for foreign names written in characters: Chinese keeps a
#: name's consonants (特朗普 t-l-p, Trump t-r-m-p) and little else; r is written l.
_CLASSES = (
    ("zh", "C"),
    ("ch", "C"),
    ("sh", "S"),
    ("ph", "F"),
    ("th", "T"),
    ("ck", "K"),
    ("ng", "N"),
    ("b", "P"),
    ("p", "P"),
    ("d", "T"),
    ("t", "T"),
    ("g", "K"),
    ("k", "K"),
    ("h", "K"),
    ("q", "C"),
    ("j", "C"),
    ("z", "C"),
    ("c", "K"),
    ("x", "S"),
    ("s", "S"),
    ("l", "L"),
    ("r", "L"),
    ("m", "M"),
    ("n", "N"),
    ("f", "F"),
    ("v", "W"),
    ("w", "W"),
)
#: How alike two consonant skeletons must be (rapidfuzz's normalized similarity, 0-100).
MIN_SOUND_SIMILARITY = 75.0


def _skeleton(letters: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(letters):
        for spelling, sound in _CLASSES:
            if letters.startswith(spelling, i):
                if not out or out[-1] != sound:
                    out.append(sound)
                i += len(spelling)
                break
        else:
            i += 1  # a vowel, or y: Chinese transliteration blurs them
    return "".join(out)


@cache
def _chinese_skeleton(chars: str) -> str:
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(chars, errors="ignore")
    # Pinyin's c is ts (肖尔茨 Scholz), unlike English c; er is an l (默克尔 Merkel).
    syllables = ["l" if s == "er" else "z" + s[1:] if s.startswith("c") else s for s in syllables]
    return _skeleton("".join(syllables))


def sounds_like(chars: str, word: str) -> bool:
    """Whether `chars` could transliterate the foreign name `word` (特朗普, Trump).

    Compared as consonant skeletons; at least three consonants each side, so
    that two short words do not match by chance.
    """
    from rapidfuzz.fuzz import ratio

    a = _chinese_skeleton(chars)
    b = _skeleton("".join(c for c in word.lower() if c.isalpha()))
    if min(len(a), len(b)) < 3 and not (len(chars) >= 2 and a == b and len(a) >= 2):
        return False
    return ratio(a, b) >= MIN_SOUND_SIMILARITY

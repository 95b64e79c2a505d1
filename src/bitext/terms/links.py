"""Word-level links inside one aligned unit: what evidence a candidate pair stands on.

Each English content word is linked to the Chinese characters that can
render it: the words whose CC-CEDICT glosses contain it, the head that names
its kind (署 for Department), the characters its letters spell (Lee 李, Yongwu
勇武), the same Latin word (H5N1). A missing word's characters' glosses are
kept apart as weak links: single characters gloss widely (赤 "red" in 赤柱,
Stanley), so a weak link may support a pair but never counts against one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from bitext.align.word_keys import english_keys, translations
from bitext.normalize.zh_script import any_to_simplified

from .chinese import ZhSpan, is_function_word, joins_inside
from .chinese_words import lexical_words, tagged_words
from .english import CONNECTORS, LETTERS
from .heads import head_of
from .romanize import name_words, sounds_like, spelled_chars

#: An English word; a possessive 's is matched apart (Aaron Kwok's: Kwok spells 郭).
_EN_WORD = re.compile(rf"[{LETTERS}](?:[{LETTERS}'’.]*[{LETTERS}])?(?<!['’]s)(['’]s)?")
#: jieba tags of words whose characters may be spelt out in English (names, places,
#: abbreviations); any word CC-CEDICT does not know is tried too.
_NAME_TAGS = ("nr", "ns", "nt", "nz", "j", "x", "eng", "ng")


@lru_cache(maxsize=200_000)
def _char_keys(word: str) -> frozenset[str]:
    """The glosses of a word's characters, each alone (for words CC-CEDICT lacks)."""
    return frozenset().union(*(translations(c) for c in any_to_simplified(word)))


@dataclass(frozen=True, slots=True)
class UnitLinks:
    """Which Chinese characters of a unit each English word is linked to, and back."""

    en_words: tuple[tuple[int, int], ...]  # (start, end) of each English content word
    zh_of: tuple[frozenset[int], ...]  # per English word: the characters it is linked to
    en_of: Mapping[int, frozenset[int]]  # per character: the English words linked to it
    strong: Mapping[int, frozenset[int]]  # per character: the words linked not only weakly
    stops: frozenset[int]  # characters no term reaches over (punctuation, particles, verbs)
    conjunctions: frozenset[int]  # characters of 及, 和, 與, 、 (inside a name or between two)
    length: int

    def words_in(self, start: int, end: int) -> list[int]:
        return [k for k, (a, b) in enumerate(self.en_words) if a >= start and b <= end]


def unit_links(zh: str, en: str) -> UnitLinks:
    """Word-level links of one unit: dictionary glosses, heads, spellings, shared Latin words."""
    words = [
        (m.start(), m.end() - len(m.group(1) or ""), m.group().removesuffix(m.group(1) or ""))
        for m in _EN_WORD.finditer(en)
        if m.group().lower() not in CONNECTORS
    ]
    keys = [(english_keys(w) or [w.lower()])[0] for _, _, w in words]
    strong: list[set[int]] = [set() for _ in words]
    weak: list[set[int]] = [set() for _ in words]
    spellable: list[tuple[str, int]] = []
    for word, tag, at in lexical_words(zh):
        span = range(at, at + len(word))
        glosses = translations(any_to_simplified(word))
        fallback = _char_keys(word) if not glosses and len(word) > 1 else frozenset()
        head = head_of(any_to_simplified(word), whole=True)
        for k, (_, _, w) in enumerate(words):
            if keys[k] in glosses:
                strong[k].update(span)
            elif keys[k] in fallback:
                weak[k].update(span)
            if head is not None and w.lower() in head[1]:
                # The head's characters only: 事務署 links Department through 署.
                strong[k].update(range(at + len(word) - len(head[0]), at + len(word)))
            if word.isascii() and word.strip() and w.lower() == word.strip().lower():
                strong[k].update(span)
        if not word.isascii() and (tag.startswith(_NAME_TAGS) or not glosses):
            spellable.append((word, at))
    _spelling_links([w for _, _, w in words], spellable, strong)
    stops, conjunctions = _stops(zh)
    for start, end, latin in _bracket_glosses(zh, stops):
        for k, (_, _, w) in enumerate(words):
            if w.lower() in latin:
                strong[k].update(range(start, end))
    zh_of = [a | b for a, b in zip(strong, weak, strict=True)]
    return UnitLinks(
        tuple((a, b) for a, b, _ in words),
        tuple(frozenset(c) for c in zh_of),
        _inverse(zh_of),
        _inverse(strong),
        stops,
        conjunctions,
        len(zh),
    )


def _spelling_links(
    words: list[str], spellable: list[tuple[str, int]], strong: list[set[int]]
) -> None:
    """Link each capitalised word the dictionary explains nowhere in the unit to the
    characters it spells (Lee 李) or, failing that, to the name it sounds like (特朗普,
    Trump).

    Spelling comes last: "Hong" of Hong Kong (香港) would otherwise spell 康 in
    康樂及文化事務署.
    """
    for k, w in enumerate(words):
        if not w[0].isupper() or strong[k]:
            continue
        for word, at in spellable:
            for part in name_words([w]):
                strong[k].update(at + i for i in spelled_chars(word, part))
            if not strong[k] and len(word) >= 2 and sounds_like(word, w):
                strong[k].update(range(at, at + len(word)))


#: The longest stretch of Chinese taken as one name glossed in brackets.
MAX_TERM_CHARS = 18
_BRACKET_GLOSS = re.compile(r"\s*[（(]\s*([A-Za-z][A-Za-z .'’\-&]{0,60}?)\s*[）)]")


def _bracket_glosses(zh: str, stops: frozenset[int]) -> list[tuple[int, int, set[str]]]:
    """Names the Chinese glosses in brackets: 利兹·特拉斯 (Liz Truss), 漁護署（AFCD）.

    The characters before the bracket, back to a stop or punctuation (at most
    `MAX_TERM_CHARS`), with the lower-cased Latin words inside it.
    """
    out = []
    for m in _BRACKET_GLOSS.finditer(zh):
        end = start = m.start()
        while start > 0 and end - start < MAX_TERM_CHARS:
            char = zh[start - 1]
            if start - 1 in stops or not (char.isalnum() or char in "·•‧．-"):
                break
            start -= 1
        if start < end and not zh[start:end].isascii():
            out.append((start, end, {w.lower() for w in m.group(1).split()}))
    return out


def _stops(zh: str) -> tuple[frozenset[int], frozenset[int]]:
    """Characters a name does not reach over, and the conjunctions (which a name may)."""
    stops: set[int] = set()
    conjunctions: set[int] = set()
    for word, tag, at in tagged_words(zh):
        span = range(at, at + len(word))
        if tag == "c" or word in "、":
            conjunctions.update(span)
        elif not word.strip() or not word[0].isalnum() or is_function_word(word, tag):
            stops.update(span)
        elif tag.startswith(("v", "d", "t", "m", "q")) and translations(any_to_simplified(word)):
            stops.update(span)  # a known verb or adverb: 出席, 宣布; not 創興 in a bank's name
    return frozenset(stops), frozenset(conjunctions)


def bounded(links: UnitLinks, zh: ZhSpan, en_words: list[int]) -> float:
    """How many of the span's two ends (0, 0.5, 1) meet a boundary of what it names.

    An end is bounded by the sentence's edge, a stop, a character linked to
    another English word, or a conjunction between two names; not by a
    conjunction inside one (the 及 of 康樂及文化事務署 when the span is
    文化事務署), nor by a character that nothing links (赤柱 before 正灘泳灘).
    """
    targets = set(en_words)
    internal = joins_inside(zh.text)

    def edge(pos: int) -> bool:
        if pos < 0 or pos >= links.length or pos in links.stops:
            return True
        if pos in links.conjunctions:
            return not internal
        strong = links.strong.get(pos, frozenset())
        return bool(strong) and not strong & targets

    return (edge(zh.start - 1) + edge(zh.end)) / 2


def _inverse(links: list[set[int]]) -> dict[int, frozenset[int]]:
    out: dict[int, set[int]] = {}
    for k, chars in enumerate(links):
        for c in chars:
            out.setdefault(c, set()).add(k)
    return {c: frozenset(ks) for c, ks in out.items()}


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the word links say of one candidate pair."""

    en_cover: float  # of the span's linked English words, the share linked inside the pair
    zh_cover: float  # of the span's linked characters, the share linked inside the pair
    inside: int  # English words linked inside the pair
    stray: float  # words and characters of the pair strongly linked only outside it


def evidence(links: UnitLinks, zh: ZhSpan, en_words: list[int]) -> Evidence:
    """The evidence for pairing `zh` with the English span made of `en_words`."""
    chars = set(range(zh.start, zh.end))
    targets = set(en_words)
    inside_en = [k for k in en_words if links.zh_of[k] & chars]
    linked_en = [k for k in en_words if links.zh_of[k]]
    linked_zh = [c for c in chars if c in links.en_of]
    inside_zh = [c for c in linked_zh if links.en_of[c] & targets]
    stray_en = sum(
        1
        for k in en_words
        if k not in inside_en and any(k in links.strong.get(c, ()) for c in links.zh_of[k])
    )
    stray_zh = sum(1 for c in chars if c in links.strong and c not in inside_zh)
    return Evidence(
        len(inside_en) / len(linked_en) if linked_en else 0.0,
        len(inside_zh) / len(linked_zh) if linked_zh else 0.0,
        len(inside_en),
        stray_en + stray_zh / 2,
    )

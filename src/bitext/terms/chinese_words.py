"""Chinese words as jieba cuts and tags them, and what CC-CEDICT says they are.

jieba's dictionary is Simplified: Traditional text is segmented as its
Simplified conversion, whose characters stand one for one with the original
(OpenCC's character conversion keeps length; a sentence where it does not is
segmented as written).
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from bitext._jieba import tokenizer
from bitext.normalize.zh_script import any_to_simplified

#: Conjunctions between two nouns (jieba tags 與 a preposition).
CONJUNCTIONS = frozenset("及和与與、")


@cache
def _posseg() -> Any:
    import jieba.posseg

    from bitext._jieba import tokenizer

    return jieba.posseg.POSTokenizer(tokenizer())


@lru_cache(maxsize=20_000)
def _tagged_cut(source: str, hmm: bool) -> tuple[tuple[str, str], ...]:
    """jieba's cut of `source` with part-of-speech tags: (word, tag) for each word.

    Both `tagged_words` and `lexical_words` read a sentence's statistical cut: cut once.
    """
    return tuple((pair.word, pair.flag) for pair in _posseg().cut(source, HMM=hmm))


@lru_cache(maxsize=20_000)
def tagged_words(text: str) -> tuple[tuple[str, str, int], ...]:
    """(word as written, jieba tag, offset) for each word of `text`.

    jieba's statistical (HMM) cut glues unknown words to their neighbours
    (大埔區放馬莆公廁 gives 區放馬); its dictionary-only cut splits them at
    other places. A word is cut wherever either cut ends one, so that a term
    can start where either sees a boundary; the pieces keep their word's tag.
    """
    simple = any_to_simplified(text)
    source = simple if len(simple) == len(text) else text
    cuts, at = set(), 0
    for word in tokenizer().cut(source, HMM=False):
        at += len(word)
        cuts.add(at)
    out, at = [], 0
    for word, tag in _tagged_cut(source, True):
        if word in CONJUNCTIONS:
            tag = "c"  # jieba tags 與 a preposition; between two nouns it joins them
        start = at
        for end in [*sorted(c for c in cuts if at < c < at + len(word)), at + len(word)]:
            if _glued_conjunction(source[start:end]):
                out.append((text[start], "c", start))
                start += 1
            out.append((text[start:end], tag, start))
            start = end
        at += len(word)
    return tuple(out)


def _glued_conjunction(word: str) -> bool:
    """A conjunction jieba's dictionary glues to the next word (和政制 in 提問和政制及...).

    Its rare entry loses to the word after the conjunction when that is far more common.
    """
    if len(word) < 3 or word[0] not in CONJUNCTIONS:
        return False
    freq = tokenizer().FREQ
    return freq.get(word[1:], 0) > 10 * freq.get(word, 0)


@lru_cache(maxsize=20_000)
def lexical_words(text: str) -> tuple[tuple[str, str, int], ...]:
    """The words of jieba's two cuts and of CC-CEDICT's own, each (word, tag, offset) once,
    for dictionary lookups.

    `tagged_words` cuts at every boundary either of jieba's cuts sees, which
    splits some words CC-CEDICT knows whole (觀塘 in 觀塘協和街); they are
    looked up as either cut has them, and as the dictionary cuts the text
    (a word there takes the tag of the jieba word it starts in).
    """
    simple = any_to_simplified(text)
    source = simple if len(simple) == len(text) else text
    seen: dict[tuple[int, int], tuple[str, str, int]] = {}
    tags = [""] * len(source)  # per character, the tag of the statistical cut's word
    for hmm in (True, False):
        at = 0
        for word, tag in _tagged_cut(source, hmm):
            seen.setdefault((at, len(word)), (text[at : at + len(word)], tag, at))
            if hmm:
                tags[at : at + len(word)] = [tag] * len(word)
            at += len(word)
    if len(simple) == len(text):  # CC-CEDICT's words are Simplified
        for start, end in _dictionary_cut(simple):
            seen.setdefault((start, end - start), (text[start:end], tags[start], start))
    return tuple(seen.values())


#: The longest word looked up in CC-CEDICT when cutting by it.
LONGEST_WORD = 8


def _dictionary_cut(text: str) -> list[tuple[int, int]]:
    """The words of `text` CC-CEDICT knows, longest first from the left (大灣區 where
    jieba cuts 大灣 + 區; 香港 + 海關 where jieba keeps 香港海關, which CC-CEDICT lacks)."""
    from bitext.align.word_keys import cedict

    known = cedict()
    out, at = [], 0
    while at < len(text) - 1:
        longest = min(len(text), at + LONGEST_WORD)
        end = next((e for e in range(longest, at + 1, -1) if text[at:e] in known), 0)
        if end:
            out.append((at, end))
        at = end or at + 1
    return out


def is_word(text: str) -> bool:
    """Whether CC-CEDICT has `text` as a word."""
    from bitext.align.word_keys import cedict

    return any_to_simplified(text) in cedict()


def dictionary_verb(word: str) -> bool:
    """Whether CC-CEDICT lists `word` first as a verb ("to ..."), whatever jieba tags it."""
    from bitext.align.word_keys import cedict

    senses = cedict().get(any_to_simplified(word), ())
    return bool(senses) and senses[0].startswith("to ")


@cache
def _surnames() -> frozenset[str]:
    from bitext.align.word_keys import cedict

    return frozenset(
        w
        for w, senses in cedict().items()
        if len(w) == 1 and senses and senses[0].startswith("surname ")
    )


@lru_cache(maxsize=10_000)
def may_be_surname(char: str) -> bool:
    """Whether any CC-CEDICT sense of `char` is a surname (梁 is first the Liang Dynasty)."""
    from bitext.align.word_keys import cedict

    senses = cedict().get(any_to_simplified(char), ()) or cedict().get(char, ())
    return any(sense.startswith("surname ") for sense in senses)


def is_surname(char: str) -> bool:
    """Whether CC-CEDICT's first sense of `char` is a surname (向 "surname Xiang")."""
    return any_to_simplified(char) in _surnames() or char in _surnames()

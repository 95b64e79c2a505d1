"""Lexical similarity of window pairs: how much of each side the other side's words explain.

Each Chinese sentence is a bag of words that have candidate English keys (see
`word_keys`), each English sentence a bag of keys, both weighted by idf within
the document. For a window pair, a Chinese word counts as explained if one of
its keys occurs in the English window, an English key if some Chinese word of
the window reaches it; the similarity is the explained share of both sides'
weight (a Dice-like score in [0, 1]). A sentence merged into a bead without a
counterpart adds unexplained weight, so the score falls, which the window
cosine barely shows. Matrices are sparse: nothing is dense in the vocabulary.

Finding a Chinese sentence's words takes jieba (whose dictionary is slow to
load) and CC-CEDICT; given a `memo` (a cache's text store, see
`bitext.embed_cache`) each sentence's words and keys are kept in the cache
file, so a rerun over the same sentences loads neither.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from .._jieba import tokenizer
from . import word_keys
from .word_keys import (
    DIGITS,
    cedict,
    chinese_number,
    dictionaries_fingerprint,
    english_keys,
    latin_key,
    name_candidates,
    number_key,
    stem,
    translations,
)

if TYPE_CHECKING:
    from ..embed_cache import TextMemo

__all__ = ["LexicalFeatures", "chinese_keys", "lexical_features"]

#: Source windows scored per block: the sparse products are nearly dense
#: (windows x windows), so a block bounds their memory on long documents.
_BLOCK = 512
_MAX_NAME_TOKENS = 3  # a name is at most three jieba tokens (surname, given name split)


class LexicalFeatures:
    """Sparse word features of one document pair (build with `lexical_features`).

    `zh_bags`/`en_bags` count each sentence's Chinese words and English keys;
    `word_keys` gives the keys a Chinese word may translate to. Only words with
    a key the English side uses enter the matrices: `zh` (sentences x words) and
    `en` (sentences x keys) hold idf-weighted counts, `links` (words x keys)
    the possible translations. `zh_is_src` tells which side the aligner calls source.
    """

    def __init__(
        self,
        zh_bags: list[Counter],
        en_bags: list[Counter],
        word_keys: dict[str, frozenset[str]],
        zh_is_src: bool = True,
    ) -> None:
        self.zh_bags, self.en_bags, self.word_keys = zh_bags, en_bags, word_keys
        self.zh_is_src = zh_is_src
        key_ids = _ids(k for bag in en_bags for k in bag)
        word_ids = _ids(w for w, keys in word_keys.items() if any(k in key_ids for k in keys))
        self.zh = _weighted(zh_bags, word_ids)
        self.en = _weighted(en_bags, key_ids)
        pairs = [
            (word_ids[w], key_ids[k])
            for w, keys in word_keys.items()
            if w in word_ids
            for k in keys
            if k in key_ids
        ]
        self.links = _incidence(pairs, (len(word_ids), len(key_ids)))
        self._windows: dict[str, sparse.csr_matrix] = {}
        self._sums: dict[tuple[str, int], np.ndarray] = {}

    def similarity(self, a: int, b: int) -> np.ndarray:
        """Score of every (source window of a, target window of b) pair, float32."""
        n_src, n_tgt = self._sizes()
        out = np.empty((max(n_src - a + 1, 0), max(n_tgt - b + 1, 0)), dtype=np.float32)
        for lo in range(0, out.shape[0], _BLOCK):
            out[lo : lo + _BLOCK] = self.blocks([(a, b)], lo, lo + _BLOCK, 0, out.shape[1])[a, b]
        return out

    def blocks(
        self, pairs: Sequence[tuple[int, int]], r0: int, r1: int, c0: int, c1: int
    ) -> dict[tuple[int, int], np.ndarray]:
        """`similarity(a, b)[r0:r1, c0:c1]` for each (a, b) of `pairs`, for that block only.

        The English weights of a window are the sums of its sentences', and so
        are the Chinese ones: the keys a Chinese window reaches, scored against
        single English sentences, give every English window width by box sums
        along the columns, and the English words' hits on single Chinese
        sentences every Chinese width along the rows. So a block costs one
        sparse product per window width, not per pair of widths.
        """
        if self.zh_is_src:
            return self._blocks(pairs, r0, r1, c0, c1)
        flipped = self._blocks([(b, a) for a, b in pairs], c0, c1, r0, r1)
        return {(a, b): flipped[b, a].T for a, b in pairs}

    def _sizes(self) -> tuple[int, int]:
        zh, en = self.zh.shape[0], self.en.shape[0]
        return (zh, en) if self.zh_is_src else (en, zh)

    def _blocks(
        self, pairs: Sequence[tuple[int, int]], z0: int, z1: int, e0: int, e1: int
    ) -> dict[tuple[int, int], np.ndarray]:
        n_zh, n_en = self.zh.shape[0], self.en.shape[0]
        top_a, top_b = max(a for a, _ in pairs), max(b for _, b in pairs)
        zs, es = min(z1 + top_a - 1, n_zh), min(e1 + top_b - 1, n_en)  # single sentences needed
        # keys[a]: keys each Chinese window of width a reaches, against single English sentences;
        # words[b]: single Chinese sentences' words hit by each English window of width b.
        en, zh = self.en[e0:es].T, self.zh[z0:zs]
        reach_zh = self._reach("zh", {a for a, _ in pairs}, z0, z1)
        reach_en = self._reach("en", {b for _, b in pairs}, e0, e1)
        keys = {a: _box((reach @ en).toarray(), 1) for a, reach in reach_zh.items()}
        words = {b: _box((zh @ reach.T).toarray(), 0) for b, reach in reach_en.items()}
        out = {}
        for a, b in pairs:
            nz, ne = max(min(z1, n_zh - a + 1) - z0, 0), max(min(e1, n_en - b + 1) - e0, 0)
            covered = keys[a][:nz, b : b + ne] - keys[a][:nz, :ne]
            covered += words[b][a : a + nz, :ne] - words[b][:nz, :ne]
            total = (
                self._totals("zh", a)[z0 : z0 + nz, None]
                + self._totals("en", b)[None, e0 : e0 + ne]
            )
            out[a, b] = (covered / np.maximum(total, 1e-9)).astype(np.float32)
        return out

    def _totals(self, side: str, width: int) -> np.ndarray:
        """Weight of each window of one side (what the explained share is taken of)."""
        mat = self.zh if side == "zh" else self.en
        key = (side, width)
        if key not in self._sums:
            sums = np.concatenate([[0.0], np.cumsum(np.asarray(mat.sum(axis=1)).ravel())])
            self._sums[key] = (sums[width:] - sums[:-width]).astype(np.float32)
        return self._sums[key]

    def _reach(
        self, side: str, widths: set[int], start: int, stop: int
    ) -> dict[int, sparse.csr_matrix]:
        """What each window of one side starting in [start, stop) reaches on the other (0/1).

        For Chinese windows: the keys their words may translate to; for English
        windows: the Chinese words one of their keys translates. A window
        reaches the union of what its sentences reach; only the sentences' own
        sets are kept, so memory stays linear whatever the window widths. Each
        width is the one before plus one more sentence: scipy's per-call
        overhead, not the arithmetic, is what these small matrices cost.
        """
        if side not in self._windows:
            mat = self.zh if side == "zh" else self.en
            links = self.links if side == "zh" else self.links.T
            self._windows[side] = _binary(_binary(mat) @ links)
        single = self._windows[side]
        union = sparse.csr_matrix((0, single.shape[1]), dtype=np.float32)
        out = {}
        for width in range(1, max(widths) + 1):
            end = min(stop, single.shape[0] - width + 1)
            if end <= start:
                union = sparse.csr_matrix((0, single.shape[1]), dtype=np.float32)
            elif width == 1:
                union = single[start:end]
            else:
                union = _binary(union[: end - start] + single[start + width - 1 : end + width - 1])
            if width in widths:
                out[width] = union
        return out


def _box(values: np.ndarray, axis: int) -> np.ndarray:
    """Cumulative sums along `axis` with a leading zero: box sums are differences of it."""
    shape = list(values.shape)
    shape[axis] += 1
    out = np.zeros(shape)
    np.cumsum(values, axis=axis, dtype=np.float64, out=out[1:] if axis == 0 else out[:, 1:])
    return out


def _ids(items: Iterable[str]) -> dict[str, int]:
    return {k: i for i, k in enumerate(dict.fromkeys(items))}


def _incidence(pairs: list[tuple[int, int]], shape: tuple[int, int]) -> sparse.csr_matrix:
    rows = np.fromiter((r for r, _ in pairs), dtype=np.int64, count=len(pairs))
    cols = np.fromiter((c for _, c in pairs), dtype=np.int64, count=len(pairs))
    data = np.ones(len(pairs), dtype=np.float32)
    return sparse.csr_matrix((data, (rows, cols)), shape=shape)


def _binary(mat: sparse.spmatrix) -> sparse.csr_matrix:
    return (mat > 0).astype(np.float32).tocsr()


def chinese_keys(
    text: str, names: frozenset[str] = frozenset(), *, dictionary: bool = True
) -> list[tuple[str, frozenset[str]]]:
    """(word, candidate English keys) for each content word of a Chinese sentence.

    Numbers map to their value, Latin tokens to themselves, runs of up to three
    tokens whose pinyin spells one of `names` (陈清扬 -> chen, qingyang) to that
    name, and with `dictionary` every word to its CC-CEDICT glosses. Words with
    no candidate key are left out: they could never be explained.
    """
    words, tokens = _word_keys(text, dictionary)
    return words + _name_keys(tokens, names) if names else words


_WordKeys = tuple[list[tuple[str, frozenset[str]]], list[str]]


def _word_keys(text: str, dictionary: bool) -> _WordKeys:
    """`chinese_keys` without names, and the jieba tokens names are looked for in."""
    # jieba splits 2,000 at the comma: numbers in digits are taken out first.
    out = [(n, frozenset([number_key(chinese_number(n) or 0.0)])) for n in DIGITS.findall(text)]
    tokens = [t for t in tokenizer().lcut(DIGITS.sub(" ", text)) if t.strip()]
    for token in tokens:
        keys: set[str] = set()
        known = dictionary and token in cedict()
        value = chinese_number(token)
        if value is not None and not known:
            keys.add(number_key(value))
        elif token.isascii():
            latin = latin_key(token)
            keys.update([latin] if latin else [])
        elif known:
            keys.update(translations(token))
        if keys:
            out.append((token, frozenset(keys)))
    return out, tokens


@lru_cache(maxsize=65536)
def _syllables(span: str) -> tuple[str, ...]:
    from pypinyin import lazy_pinyin

    return tuple(lazy_pinyin(span))


def _name_keys(tokens: list[str], names: frozenset[str]) -> list[tuple[str, frozenset[str]]]:
    found = []
    for k in range(len(tokens)):
        for size in range(1, _MAX_NAME_TOKENS + 1):
            span = "".join(tokens[k : k + size])
            if k + size > len(tokens) or len(span) > 4 or span.isascii():
                break
            syllables = _syllables(span)
            spelled = "".join(syllables)
            if spelled in names:
                found.append((span, frozenset([stem(spelled)])))
            # A full name in one token: surname and given name are two English words.
            given = "".join(syllables[1:])
            if size == 1 and len(syllables) > 1 and syllables[0] in names and given in names:
                found.append((span, frozenset([stem(syllables[0]), stem(given)])))
    return found


def lexical_features(
    src: Sequence[str],
    tgt: Sequence[str],
    src_lang: str = "zh",
    tgt_lang: str = "en",
    *,
    dictionary: bool = True,
    names: bool = True,
    memo: TextMemo | None = None,
) -> LexicalFeatures | None:
    """Features of a document pair for `LexicalFeatures.similarity`; None unless zh-en.

    `memo` keeps each Chinese sentence's words for a rerun (same features either way).
    """
    if {src_lang, tgt_lang} != {"zh", "en"}:
        return None
    zh_is_src = src_lang == "zh"
    zh_texts, en_texts = (src, tgt) if zh_is_src else (tgt, src)
    en_bags = [Counter(english_keys(t)) for t in en_texts]
    name_set = name_candidates(en_texts) if names else frozenset()
    zh_words = _chinese_words(zh_texts, name_set, dictionary, memo)
    word_keys: dict[str, frozenset[str]] = {}
    for bag in zh_words:
        for word, keys in bag:
            word_keys[word] = word_keys.get(word, frozenset()) | keys
    zh_bags = [Counter(w for w, _ in bag) for bag in zh_words]
    return LexicalFeatures(zh_bags, en_bags, word_keys, zh_is_src)


def _weighted(bags: Sequence[Counter], ids: dict[str, int]) -> sparse.csr_matrix:
    """Sentence x vocabulary counts times idf (log(1 + N / df)); items not in `ids` dropped."""
    df = Counter(k for bag in bags for k in bag)
    n = max(len(bags), 1)
    rows, cols, vals = [], [], []
    for r, bag in enumerate(bags):
        for k, count in bag.items():
            if k in ids:
                rows.append(r)
                cols.append(ids[k])
                vals.append(count * np.log1p(n / df[k]))
    return sparse.csr_matrix(
        (np.array(vals, dtype=np.float32), (rows, cols)), shape=(len(bags), len(ids))
    )


# -- the per-sentence cache (see `bitext.embed_cache.TextMemo.per_text`) --------------------


def _chinese_words(
    texts: Sequence[str], names: frozenset[str], dictionary: bool, memo: TextMemo | None
) -> list[list[tuple[str, frozenset[str]]]]:
    """`chinese_keys` of each text; the part without names kept in `memo` if given."""
    if memo is None:
        found = [_word_keys(t, dictionary) for t in texts]
    else:
        namespace = b"zh-word-keys:" + _fingerprint() + (b"d" if dictionary else b"n")
        compute = partial(_word_keys, dictionary=dictionary)
        found = memo.per_text(namespace, texts, compute, _encode, _decode)
    return [words + _name_keys(tokens, names) if names else words for words, tokens in found]


def _encode(entry: _WordKeys) -> bytes:
    words, tokens = entry
    return json.dumps([[[w, sorted(k)] for w, k in words], tokens]).encode("ascii")


def _decode(blob: bytes) -> _WordKeys | None:
    """A stored entry, or None when it is not what `_encode` wrote."""
    try:
        words, tokens = json.loads(blob)
        # `w + ""` and the join raise TypeError unless they hold strings, as written.
        entry = [(w + "", frozenset(k)) for w, k in words], tokens
        "".join(tokens)
    except (ValueError, TypeError, RecursionError):
        return None
    return entry if isinstance(tokens, list) else None


@cache
def _fingerprint() -> bytes:
    """What word features depend on besides the text: the dictionaries and this code."""
    digest = hashlib.sha256(dictionaries_fingerprint())
    for module in (word_keys, sys.modules[__name__]):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.digest()[:16]

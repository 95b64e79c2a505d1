"""Lexical similarity of window pairs: how much of each side the other side's words explain.

Each Chinese sentence is a bag of words that have candidate English keys (see
`lexicon`), each English sentence a bag of keys, both weighted by idf within
the document. For a window pair, a Chinese word counts as explained if one of
its keys occurs in the English window, an English key if some Chinese word of
the window reaches it; the similarity is the explained share of both sides'
weight (a Dice-like score in [0, 1]). A sentence merged into a bead without a
counterpart adds unexplained weight, so the score falls, which the window
cosine barely shows. Matrices are sparse: nothing is dense in the vocabulary.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse

from .._jieba import tokenizer
from .lexicon import (
    DIGITS,
    cedict,
    chinese_number,
    english_keys,
    latin_key,
    name_candidates,
    number_key,
    stem,
    translations,
)

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
        self._windows: dict[tuple[str, int], tuple[sparse.csr_matrix, sparse.csr_matrix]] = {}

    def similarity(self, a: int, b: int) -> np.ndarray:
        """Score of every (source window of a, target window of b) pair, float32."""
        if not self.zh_is_src:
            return self._similarity(b, a).T.copy()
        return self._similarity(a, b)

    def _similarity(self, zh_width: int, en_width: int) -> np.ndarray:
        z, zb = self._window(self.zh, "zh", zh_width)
        e, eb = self._window(self.en, "en", en_width)
        e_t = e.T.tocsc()
        hit = _binary(self.links @ eb.T)  # which Chinese words each English window explains
        en_total = np.asarray(e.sum(axis=1), dtype=np.float32).T
        out = np.empty((z.shape[0], e.shape[0]), dtype=np.float32)
        for lo in range(0, z.shape[0], _BLOCK):
            zz, zzb = z[lo : lo + _BLOCK], zb[lo : lo + _BLOCK]
            reach = _binary(zzb @ self.links)  # keys each Chinese window can reach
            covered = (reach @ e_t).toarray() + (zz @ hit).toarray()
            total = np.asarray(zz.sum(axis=1), dtype=np.float32) + en_total
            out[lo : lo + _BLOCK] = covered / np.maximum(total, 1e-9)
        return out

    def _window(self, mat: sparse.csr_matrix, side: str, width: int) -> tuple:
        key = (side, width)
        if key not in self._windows:
            n = mat.shape[0]
            count = max(n - width + 1, 0)
            rows = np.repeat(np.arange(count), width)
            cols = (np.arange(count)[:, None] + np.arange(width)[None, :]).ravel()
            win = (_incidence(list(zip(rows, cols, strict=True)), (count, n)) @ mat).tocsr()
            self._windows[key] = (win, _binary(win))
        return self._windows[key]


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
    if names:
        out.extend(_name_keys(tokens, names))
    return out


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
) -> LexicalFeatures | None:
    """Features of a document pair for `LexicalFeatures.similarity`; None unless zh-en."""
    if {src_lang, tgt_lang} != {"zh", "en"}:
        return None
    zh_is_src = src_lang == "zh"
    zh_texts, en_texts = (src, tgt) if zh_is_src else (tgt, src)
    en_bags = [Counter(english_keys(t)) for t in en_texts]
    name_set = name_candidates(en_texts) if names else frozenset()
    zh_words = [chinese_keys(t, name_set, dictionary=dictionary) for t in zh_texts]
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

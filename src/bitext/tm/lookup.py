"""Looking things up in a memory: fuzzy matches, concordance and semantic neighbours.

Fuzzy matches are ranked the way CAT tools rank them: a percentage from the
edit distance, ``100 * (1 - distance / longer length)``, counted in characters
for Chinese and in words for English (a one-character typo in an English word
costs a whole word, as in Trados and OmegaT). 100% is kept for a segment equal
to the query; anything else tops out at 99%.

The texts of the memory are held in memory once (built on the first lookup,
then extended as units are added) and scored by rapidfuzz's
bit-parallel Levenshtein; English words are mapped to one code point each so
the same character-level routine counts word edits.

A memory may hold Chinese of several scripts (zh-CN units beside zh-HK or
zh-TW ones, each unit tagged as its text is written). Chinese is compared in
one folded form, Simplified, on both sides, so a query in either script finds
units of both; 100% is for a query equal to the unit as written, or equal once
converted to the unit's own script (a Simplified query on a zh-CN unit, a
Traditional one on a zh-HK unit). Folding costs the index build one OpenCC
pass over the memory's Chinese.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bitext.charclass import is_han
from bitext.errors import InputError
from bitext.lang import SIMPLIFIED, primary
from bitext.normalize.variant import zh_script_for_tag
from bitext.normalize.zh_script import to_simplified

if TYPE_CHECKING:
    from bitext.embed import Encoder

from .records import Match

__all__ = ["LookupIndex", "Lookups", "match_percent", "query_language"]

_WORD = re.compile(r"\w+|[^\w\s]")
_SPACES = re.compile(r"\s+")
# Word codes start in plane 1 so they never collide with a real character of a query.
_FIRST_CODE = 0x10000


def query_language(text: str) -> str:
    """``"zh"`` when the text has any Han character, else ``"en"``."""
    return "zh" if any(is_han(ch) for ch in text) else "en"


def _clean(text: str, lang: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    return text if lang == "zh" else text.lower()


def match_percent(a: str, b: str, lang: str | None = None) -> float:
    """CAT-style fuzzy match percentage of two segments (0-100, 100 only when equal).

    Chinese counts character edits, English word edits (case and spacing are
    ignored for the distance; a segment that differs only in them scores 99).
    """
    lang = lang or query_language(a + b)
    if a == b:
        return 100.0
    ca, cb = _clean(a, lang), _clean(b, lang)
    if lang == "zh":
        sim = Levenshtein.normalized_similarity(ca, cb)
    else:
        sim = Levenshtein.normalized_similarity(_WORD.findall(ca), _WORD.findall(cb))
    return _percent(sim)


def _percent(similarity: float) -> float:
    # One decimal, rounded down, never 100 for a segment that is not the query.
    return min(math.floor(similarity * 1000) / 10, 99.0)


@dataclass
class LookupIndex:
    """The texts of a memory, ready for fuzzy and concordance lookups on both sides.

    `zh[k]`/`en[k]` are unit `ids[k]`'s Chinese (folded to Simplified, what
    matching compares) and English text ("" when the unit lacks that language);
    `zh_written[k]` its Chinese as stored and `zh_tags[k]` its tag; `vectors`
    (filled by `load_vectors`) are the units' embeddings for semantic lookup.
    """

    ids: np.ndarray
    zh: list[str]
    en: list[str]
    zh_written: list[str] = field(default_factory=list, repr=False)
    zh_tags: list[str] = field(default_factory=list, repr=False)
    _vocab: dict[str, str] = field(default_factory=dict, repr=False)
    _en_codes: list[str] = field(default_factory=list, repr=False)
    _en_lower: list[str] = field(default_factory=list, repr=False)
    vector_rows: np.ndarray | None = field(default=None, repr=False)
    vectors: np.ndarray | None = field(default=None, repr=False)
    embed_model: str | None = None

    @classmethod
    def build(cls, rows: Sequence[tuple[int, str, str, str, str]]) -> LookupIndex:
        """From (id, src, tgt, src_lang, tgt_lang) rows, whatever the direction of each."""
        index = cls(np.zeros(0, dtype=np.int64), [], [])
        index.extend(rows)
        return index

    def extend(self, rows: Sequence[tuple[int, str, str, str, str]]) -> None:
        """Add units (with ids above every id held): a store that only grew is not re-read."""
        ids, written = [], []
        for unit_id, src, tgt, src_lang, tgt_lang in rows:
            sides = {primary(src_lang): src, primary(tgt_lang): tgt}
            ids.append(unit_id)
            written.append(_clean(sides.get("zh", ""), "zh"))
            self.zh_tags.append(src_lang if primary(src_lang) == "zh" else tgt_lang)
            en = sides.get("en", "")
            self.en.append(en)
            self._en_lower.append(_clean(en, "en"))
            self._en_codes.append(self._code(self._en_lower[-1]))
        self.zh_written.extend(written)
        self.zh.extend(_fold_all(written))
        self.ids = np.concatenate([self.ids, np.asarray(ids, dtype=np.int64)])
        self.vector_rows = self.vectors = None  # loaded again on the next semantic lookup

    @property
    def last_id(self) -> int:
        return int(self.ids.max()) if len(self.ids) else 0

    def _code(self, lowered: str, *, grow: bool = True) -> str:
        """An English text as one code point per word, so Levenshtein counts words.

        A query's unknown words get codes of their own for this call only
        (`grow=False`), so a long-running process's vocabulary grows with the
        memory, not with what users typed.
        """
        vocab = self._vocab
        unknown: dict[str, str] = {}
        out = []
        for word in _WORD.findall(lowered):
            code = vocab.get(word)
            if code is None and grow:
                code = vocab[word] = chr(_FIRST_CODE + len(vocab))
            elif code is None:
                code = unknown.setdefault(word, chr(_FIRST_CODE + len(vocab) + len(unknown)))
            out.append(code)
        return "".join(out)

    def fuzzy(
        self, query: str, *, limit: int | None = 10, min_percent: float = 70.0
    ) -> list[tuple[int, float, str]]:
        """Best fuzzy matches as (unit id, percent, side), best first."""
        lang = query_language(query)
        written = _clean(query, lang)
        if lang == "zh":
            choices, needle = self.zh, to_simplified(written)
        else:
            choices, needle = self._en_codes, self._code(_clean(query, "en"), grow=False)
        if not needle:
            return []
        texts = self.zh if lang == "zh" else self.en
        cutoff = max(min_percent / 100.0 - 1e-9, 0.0)
        found = process.extract(
            needle,
            choices,
            scorer=Levenshtein.normalized_similarity,
            score_cutoff=cutoff,
            limit=None if limit is None else limit * 2 + 5,
        )
        out = []
        for _, sim, k in found:
            exact = self._same_zh(k, written) if lang == "zh" else texts[k] == query
            percent = 100.0 if exact else _percent(sim)
            if percent >= min_percent:
                out.append((int(self.ids[k]), percent, lang))
        out.sort(key=lambda m: (-m[1], m[0]))
        return out if limit is None else out[:limit]

    def _same_zh(self, k: int, written: str) -> bool:
        """Is the Chinese query `written` unit `k`'s text, as is or in the unit's own script?"""
        from bitext.normalize import normalize_text

        if self.zh_written[k] == written:
            return True
        script = zh_script_for_tag(self.zh_tags[k])
        return script is not None and self.zh_written[k] == normalize_text(
            written, zh_script=script
        )

    def concordance(self, term: str, *, limit: int | None = None) -> list[tuple[int, str]]:
        """Every unit whose text holds `term` (Chinese in either script, English in any case)."""
        lang = query_language(term)
        needle = _clean(term, lang)
        if lang == "zh":
            needle = to_simplified(needle)
        if not needle:
            return []
        texts = self.zh if lang == "zh" else self._en_lower
        hits = [(int(self.ids[k]), lang) for k, t in enumerate(texts) if needle in t]
        return hits if limit is None else hits[:limit]

    def load_vectors(self, ids: np.ndarray, vectors: np.ndarray, model: str | None) -> None:
        self.vector_rows, self.vectors, self.embed_model = ids, vectors, model

    def semantic(
        self, query: str, encoder: Encoder, *, limit: int = 10, min_percent: float = 0.0
    ) -> list[tuple[int, float, str]]:
        """Nearest units by the cosine of the query's embedding with each unit's vector."""
        if self.vectors is None or self.vector_rows is None or not len(self.vector_rows):
            return []
        q = np.asarray(encoder.encode([query])[0], dtype=np.float32)
        q /= np.linalg.norm(q) or 1.0
        sims = self.vectors @ q
        k = min(limit, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        lang = query_language(query)
        return [
            (int(self.vector_rows[t]), round(float(sims[t]) * 100, 1), lang)
            for t in top
            if sims[t] * 100 >= min_percent
        ]


def _fold_all(texts: list[str]) -> list[str]:
    """`texts` converted to Simplified in one OpenCC call (a call each costs more than the work)."""
    if not texts:
        return []
    # Cleaned texts hold no newline, and OpenCC's phrases never span one.
    folded = to_simplified("\n".join(texts)).split("\n")
    if len(folded) != len(texts):  # never seen; stay correct if OpenCC ever merged lines
        return [to_simplified(t) for t in texts]
    return folded


class Lookups:
    """Lookup methods of `TranslationMemory`, over an index kept up to date with the store.

    The host provides `path`, `version()`, `rows(after=)`, `vectors()`,
    `__len__`, `units(ids=...)` and `with_origins()`.
    """

    path: Any
    _index: LookupIndex | None
    _index_key: tuple[int, int] | None

    def _lookup_index(self: Any, *, vectors: bool = False) -> LookupIndex:
        """The in-memory index of every unit's text, brought up to date after any commit.

        A store that only grew (a batch adding documents) is read from the last
        indexed id on; one that lost units (a document realigned) is read again.
        """
        key = self.version()
        index = self._index
        if index is None or self._index_key != key:
            new = self.rows(after=index.last_id) if index is not None else []
            if index is not None and len(index.ids) + len(new) == len(self):
                index.extend(new)
            else:
                index = LookupIndex.build(self.rows())
            self._index, self._index_key = index, key
        if vectors and index.vectors is None:
            index.load_vectors(*self.vectors())
        return index

    def _matches(self: Any, found: Sequence[tuple[int, float, str]], how: str) -> list[Match]:
        units = {u.id: u for u in self.with_origins(self.units(ids=[f[0] for f in found]))}
        return [Match(units[i], pct, side, how) for i, pct, side in found if i in units]

    def search(self, query: str, *, limit: int = 10, min_percent: float = 70.0) -> list[Match]:
        """Fuzzy matches of `query` (either language), best first, at or above `min_percent`.

        The query is normalized as documents are (full-width forms, spaces) and
        its Chinese compared in either script: a sentence stored in Traditional
        is found verbatim at 100%, a Simplified query finds it at 99%.
        """
        from bitext.normalize import normalize_text

        query = normalize_text(query, zh_script="keep")
        found = self._lookup_index().fuzzy(query, limit=limit, min_percent=min_percent)
        return self._matches(found, "fuzzy")

    def concordance(self, term: str, *, limit: int | None = None) -> list[Match]:
        """Every unit holding `term` (Chinese in either script, English in any case), oldest first.

        Each hit is fetched from the store with its origins: a term found in tens
        of thousands of units takes a while; `limit` keeps the first ones.
        """
        found = self._concordance_hits(term)
        found = found if limit is None else found[:limit]
        return self._matches([(i, 100.0, side) for i, side in found], "concordance")

    def concordance_count(self, term: str) -> int:
        """How many units hold `term`, without fetching them."""
        return len(self._concordance_hits(term))

    def _concordance_hits(self: Any, term: str) -> list[tuple[int, str]]:
        from bitext.normalize import normalize_text

        return self._lookup_index().concordance(normalize_text(term, zh_script="keep"))

    def semantic(
        self, query: str, *, encoder: Encoder | None = None, limit: int = 10
    ) -> list[Match]:
        """Units nearest in meaning to `query` (either language), by stored embeddings.

        `encoder` must be the model the batch stored vectors with (default: USE-m3).
        """
        from bitext.embed import USEEncoder
        from bitext.normalize import normalize_text

        index = self._lookup_index(vectors=True)
        encoder = encoder or USEEncoder()
        if index.embed_model and encoder.name != index.embed_model:
            raise InputError(
                f"{self.path}: vectors were made by {index.embed_model}, not {encoder.name}"
            )
        # Simplified, as the units' vectors were made (the encoder reads it best).
        query = normalize_text(query, zh_script=SIMPLIFIED)
        return self._matches(index.semantic(query, encoder, limit=limit), "semantic")

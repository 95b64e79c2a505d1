"""Which English span renders which Chinese term, inside one aligned unit.

Every candidate pair (a Chinese span, an English span of the same unit) is
scored on three kinds of evidence, none enough alone:

- the multilingual sentence encoder's cosine of the two spans: it knows
  康樂及文化事務署 is a cultural services department, but likes a part of a
  name (Beach, Rosanna) as much as the whole;
- dictionary coverage (CC-CEDICT): how much of each side the other explains,
  word by word; that is what makes the whole name win over its parts;
- spelling: the English words a name's characters spell in pinyin, Hong Kong
  Cantonese or Wade–Giles (Zhang Yongwu, Lee Ka-chiu, Hsieh).

The pairs of a unit are then linked best first, each stretch of text used
once on each side (competitive linking), so that 文化體育及旅遊局局長羅淑佩
yields a title and a name, not one pair claiming both.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bitext.normalize.zh_script import any_to_simplified

from .chinese import ZhSpan, dictionary_verb, may_be_surname, tagged_words
from .cooccurrence import Cooccurrence
from .english import Span
from .heads import head_of
from .links import Evidence, UnitLinks, bounded, evidence, unit_links
from .romanize import spelled_chars
from .types import term_type

#: The features of a candidate pair, in the order `WEIGHTS` weighs them.
FEATURES = (
    "sim",  # the encoder's cosine of the two spans
    "en_cover",  # share of the English span's linked words linked inside the pair
    "zh_cover",  # share of the Chinese span's linked characters linked inside the pair
    "inside",  # log2(1 + English words linked inside the pair)
    "stray",  # words and characters of the pair strongly linked only outside it
    "bounded",  # share of the Chinese span's two ends that meet a boundary
    "whole",  # the English span is a name at its full extent
    "acronym",
    "quoted",
    "phrase",  # lower-case words
    "unlinked",  # no word link at all: the cosine alone speaks for the pair
    "length",  # |log2(Chinese characters / (2 x English content words))|
    # Dice of the units the two spans occur in (`cooccurrence`), for a pair with no word
    # link: like the cosine, it speaks where the dictionary is silent (施政報告, Policy
    # Address); where words link, the nested pieces of a name co-occur as much as it does.
    "together",
)
#: Logistic weights (then the intercept), set by hand on the gold glossaries in
#: data/terms-gold/; weights fitted there (benchmarks/terms.py --fit) did no better.
WEIGHTS = np.array([4.0, 1.0, 1.0, 1.0, -1.5, 1.0, 0.5, 0.0, 0.0, -0.5, -1.0, -0.5, 4.0])
INTERCEPT = -4.0
#: Without any word link, a pair needs at least this cosine, or this Dice of co-occurrence,
#: to be considered at all.
SIM_ALONE = 0.5
COOC_ALONE = 0.5
#: Pairs below this probability are not considered at all (they would only cost time).
MIN_PROBABILITY = 0.2


@dataclass(frozen=True, slots=True)
class Link:
    """A Chinese span linked to the English span that renders it in one unit.

    `score` is the probability (0-1) that the English renders the Chinese.
    """

    zh: ZhSpan
    en: Span
    score: float
    sim: float
    features: tuple[float, ...] = ()


def pair_features(
    zh: str,
    en: str,
    zh_spans: Sequence[ZhSpan],
    en_spans: Sequence[Span],
    vectors: Mapping[str, np.ndarray],
    cooc: Cooccurrence | None = None,
) -> tuple[list[tuple[int, int]], np.ndarray, np.ndarray]:
    """Every candidate pair of one unit with some evidence: (indexes, features, cosines).

    `cooc`: how often the spans occur together in the other units (none: never).
    """
    links = unit_links(zh, en)
    zv = np.stack([vectors[any_to_simplified(z.text)] for z in zh_spans])
    ev = np.stack([vectors[e.text] for e in en_spans])
    sims = zv @ ev.T
    words = [links.words_in(e.start, e.end) for e in en_spans]
    content = [max(1, len(w)) for w in words]
    linked = _linked_pairs(links, zh_spans, words, len(zh))
    dice = cooc.dice(zh_spans, en_spans) if cooc is not None else np.zeros(sims.shape)
    index, rows = [], []
    for i, z in enumerate(zh_spans):
        chars = sum(1 for c in z.text if not c.isspace())
        for j, e in enumerate(en_spans):
            together = float(dice[i, j])
            alone = sims[i, j] < SIM_ALONE and together < COOC_ALONE
            if not linked[i, j] and alone:
                continue  # most pairs: decided without the per-pair evidence
            found = evidence(links, z, words[j])
            if not found.inside and alone:
                continue
            length = abs(math.log2(chars / (2 * content[j])))
            index.append((i, j))
            rows.append(
                _row(float(sims[i, j]), found, bounded(links, z, words[j]), e, length, together)
            )
    features = np.array(rows, dtype=float).reshape(-1, len(FEATURES))
    return index, features, sims


def _row(
    sim: float, found: Evidence, edges: float, e: Span, length: float, together: float
) -> tuple[float, ...]:
    """One pair's features, in the order of `FEATURES`."""
    return (
        sim,
        found.en_cover,
        found.zh_cover,
        math.log2(1 + found.inside),
        found.stray,
        edges,
        float(e.whole),
        float(e.kind == "acronym"),
        float(e.kind == "quoted"),
        float(e.kind == "phrase"),
        float(not found.inside),
        length,
        0.0 if found.inside else together,
    )


def _linked_pairs(
    links: UnitLinks, zh_spans: Sequence[ZhSpan], words: Sequence[list[int]], length: int
) -> np.ndarray:
    """Which (Chinese span, English span) pairs have a word link between them at all."""
    n_words = len(links.en_words)
    chars = np.zeros((len(zh_spans), length), dtype=np.int32)
    for i, z in enumerate(zh_spans):
        chars[i, z.start : z.end] = 1
    link = np.zeros((length, n_words), dtype=np.int32)
    for k, linked in enumerate(links.zh_of):
        for c in linked:
            if c < length:
                link[c, k] = 1
    member = np.zeros((n_words, len(words)), dtype=np.int32)
    for j, ws in enumerate(words):
        member[ws, j] = 1
    return (chars @ link @ member) > 0


def score_unit(
    zh: str,
    en: str,
    zh_spans: Sequence[ZhSpan],
    en_spans: Sequence[Span],
    vectors: Mapping[str, np.ndarray],
    cooc: Cooccurrence | None = None,
) -> list[Link]:
    """Every candidate pair of one unit worth considering, scored, best first."""
    if not zh_spans or not en_spans:
        return []
    index, features, sims = pair_features(zh, en, zh_spans, en_spans, vectors, cooc)
    probability = 1.0 / (1.0 + np.exp(-(features @ WEIGHTS + INTERCEPT)))
    out = [
        Link(zh_spans[i], en_spans[j], float(p), float(sims[i, j]), tuple(f))
        for (i, j), p, f in zip(index, probability, features, strict=True)
        if p >= MIN_PROBABILITY
    ]
    out.sort(key=lambda link: -link.score)
    return out


def link_unit(candidates: Sequence[Link], en: str | None = None) -> list[Link]:
    """Competitive linking: best pair first, each stretch of either side used once.

    With the unit's English `en`, a pair made of two others is taken as its parts.
    """
    taken_zh: list[tuple[int, int]] = []
    taken_en: list[tuple[int, int]] = []
    out = []
    # Names English writes at their full extent are linked first: a part of one
    # (Cultural, Beach) often matches a part of the Chinese better than the whole does.
    # Latin the Chinese copies (唐纳德·特朗普 (Donald Trump)) goes last: it names no
    # term, and linked first it would take the English from the Chinese name beside it.
    ordered = sorted(
        candidates, key=lambda link: (_copied(link), not _anchored(link.en), -link.score)
    )
    for link in ordered:
        link = _with_given_name(_tightest(link, candidates), candidates)
        z = (link.zh.start, link.zh.end)
        e = (link.en.start, link.en.end)
        if _overlaps(z, taken_zh) or _overlaps(e, taken_en):
            continue
        for part in _parts(link, candidates, en) or [link]:
            taken_zh.append((part.zh.start, part.zh.end))
            taken_en.append((part.en.start, part.en.end))
            out.append(part)
    return out


#: A part of a compound pair is taken when at least this sure, and at most
#: `SPLIT_SLACK` less sure than the compound.
MIN_PART = 0.5
SPLIT_SLACK = 0.2
#: English words a compound's two names may leave between them ("Director of the Unit").
_BETWEEN = frozenset(("of", "the", "for", "in", "at", ","))
_JOINS = frozenset(("of", "for", "in", "at"))


def _parts(
    link: Link, candidates: Sequence[Link], en: str | None, slack: float = SPLIT_SLACK
) -> list[Link]:
    """A title and the body it is of, when `link` is the two together.

    香港特別行政區政府駐天津聯絡處主任 "Director of the Tianjin Liaison Unit of the
    ... Government" is two terms, the liaison unit and its director; so are
    金管局總裁 "Chief Executive of the HKMA". English puts the title first, the
    mirror of the Chinese, joined by "of" (or "for", "in", "at"); the two
    Chinese spans fill the whole span (so 康樂及文化事務署 is never cut at 及),
    and the English ones leave only "of", "the", "for" and the like. Names
    built the same way stay whole (Museum of Liverpool, 利物浦博物館).
    """
    if en is None:
        return []
    inner = [
        c
        for c in candidates
        if c is not link
        and c.score >= max(MIN_PART, link.score - slack)
        and link.zh.start <= c.zh.start
        and c.zh.end <= link.zh.end
        and link.en.start <= c.en.start
        and c.en.end <= link.en.end
    ]
    for a in inner:
        for b in inner:
            if a.zh.end != b.zh.start or (a.zh.start, b.zh.end) != (link.zh.start, link.zh.end):
                continue
            first, second = b, a  # the mirror order
            if first.en.end > second.en.start or term_type(b.zh.text, b.en.text) != "title":
                continue
            gaps = (
                en[link.en.start : first.en.start],
                en[first.en.end : second.en.start],
                en[second.en.end : link.en.end],
            )
            words = [w.lower() for gap in gaps for w in gap.replace(",", " , ").split()]
            # Two names are joined by "of" ("Green Finance" is one name; "Culture,
            # Sports and Tourism Bureau" one list).
            middle = gaps[1].lower().split()
            if set(middle) & _JOINS and all(w in _BETWEEN for w in words):
                return [a, b]
    return []


#: A shorter Chinese extent of the same pair is taken when at most this much less sure:
#: if what it leaves off is a verb (`VERB_SLACK`), or anything but a head (`TIE`).
VERB_SLACK = 0.1
TIE = 0.01
_INSIDE = FEATURES.index("inside")


def _tightest(link: Link, candidates: Sequence[Link]) -> Link:
    """The pair with the least Chinese after the term that renders the same English as well.

    jieba does not always tag a verb a verb: 香港特別行政區政府主辦 ("hosted by the
    Government of the HKSAR") ends in 主辦, tagged a distinguishing word, and
    pairs "Government of the Hong Kong Special Administrative Region" as well as
    香港特別行政區政府 does. A name does not end in a verb (CC-CEDICT says what
    is one). Other words after a name go when the pair is no surer with them
    (大埔區放馬莆 / "Tai Po District"), unless the longer span ends in a head
    (北部都會區: the head is the name's, whatever the English says).
    """
    best = link
    headed = head_of(any_to_simplified(link.zh.text)) is not None
    for c in candidates:
        if c is link or (c.en.start, c.en.end) != (link.en.start, link.en.end):
            continue
        if c.zh.start != link.zh.start or c.zh.end >= best.zh.end:
            continue
        if c.features[_INSIDE] < link.features[_INSIDE]:
            continue  # the words left off render some of the English
        verb = _verbs(link.zh.text[len(c.zh.text) :])
        if c.score >= link.score - (VERB_SLACK if verb else TIE) and (verb or not headed):
            best = c
    return best


#: A person's whole English name is taken over the surname alone when at most this much less sure.
NAME_SLACK = 0.1


def _with_given_name(link: Link, candidates: Sequence[Link]) -> Link:
    """A Chinese name with the English given name before its surname (黃德斌 "Kenny Wong").

    Hong Kong people often go by an English given name the Chinese does not
    write: only the surname links, and "Wong" alone pairs better than "Kenny
    Wong". A name of two to four characters opening with a surname takes the
    whole English name that ends in the linked surname, one word longer.
    """
    zh = link.zh.text
    if link.en.kind != "name" or len(link.en.words) != 1 or not 2 <= len(zh) <= 4:
        return link
    if not may_be_surname(zh[0]) or spelled_chars(zh, link.en.text.lower()) != {0}:
        return link  # the one English word must spell the surname (肖爾茨 "Scholz" does not)
    for c in candidates:
        if (c.zh.start, c.zh.end) != (link.zh.start, link.zh.end) or c.en.kind != "name":
            continue
        if c.en.end != link.en.end or len(c.en.words) != len(link.en.words) + 1:
            continue
        if c.score >= link.score - NAME_SLACK:
            return c
    return link


def _verbs(text: str) -> bool:
    """Whether `text` is one or more words CC-CEDICT knows first as verbs (主辦, 存款 is not)."""
    words = [w for w, _, _ in tagged_words(text)]
    return bool(words) and all(len(w) >= 2 and dictionary_verb(w) for w in words)


def _copied(link: Link) -> bool:
    """Whether the Chinese span is Latin the English repeats (no Chinese to render).

    A name the Chinese writes only in Latin letters (kind ``latin``) is a term.
    """
    if link.zh.kind == "latin" or not link.zh.text.isascii():
        return False
    return link.zh.text.casefold() in link.en.text.casefold()


def _anchored(span: Span) -> bool:
    return span.whole or span.kind == "acronym"


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in taken)

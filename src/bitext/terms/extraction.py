"""Terms out of aligned units: candidates, links inside each unit, entries across units."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from bitext._jieba import tokenizer
from bitext.normalize.zh_script import any_to_simplified

from .abbreviations import defined_pairs
from .chinese import ZhSpan, chinese_spans
from .chinese_words import is_word, tagged_words
from .cooccurrence import cooccurrence
from .english import Span, english_spans, is_acronym
from .heads import head_of
from .linking import link_unit
from .pairing import Link, score_unit
from .termbase import MIN_CONFIDENCE, TERM_TYPES, Occurrence, Term, TermUnit, Variant
from .types import term_type

if TYPE_CHECKING:
    from bitext.embed import Encoder


@dataclass(frozen=True, slots=True)
class Found:
    """One occurrence with the score of the link behind it and how it was found."""

    occurrence: Occurrence
    score: float
    how: str  # "" (a link) or "abbreviation" (a definition's short form)
    kind: str = "name"  # the English span's kind: name, acronym, quoted, phrase


def extract(
    units: Sequence[TermUnit],
    *,
    min_count: int = 1,
    min_confidence: float = MIN_CONFIDENCE,
    types: Collection[str] = TERM_TYPES,
    encoder: Encoder | None = None,
) -> list[Term]:
    """The terms of `units` with their English renderings, most frequent first.

    `min_count`: leave out terms found in fewer units; `min_confidence`: leave
    out terms less sure than this (0 keeps every one); `types`: keep only
    these kinds (``{"person", "organisation", "title"}`` for names, bodies and
    titles). `encoder`: the sentence encoder that compares spans (default: the
    multilingual USE). Raises ValueError for a type not in `TERM_TYPES`.
    """
    unknown = set(types) - set(TERM_TYPES)
    if unknown:
        raise ValueError(f"unknown term type(s) {sorted(unknown)}; known: {', '.join(TERM_TYPES)}")
    linked = unit_links(units, encoder=encoder)
    found = entries(occurrences(linked), min_count=min_count)
    return [t for t in found if t.confidence >= min_confidence and t.type in types]


def span_vectors(
    units: Sequence[TermUnit], encoder: Encoder | None = None
) -> tuple[list[tuple[list[ZhSpan], list[Span]]], dict[str, np.ndarray]]:
    """Each unit's candidate spans, and every span's vector (one encoder call for all)."""
    if encoder is None:
        from bitext.embed import load_encoder

        encoder = load_encoder()
    spans = [(chinese_spans(u.zh), english_spans(u.en)) for u in units]
    texts = sorted(
        {any_to_simplified(z.text) for zs, _ in spans for z in zs}
        | {e.text for _, es in spans for e in es}
    )
    vectors = dict(zip(texts, np.asarray(encoder.encode(texts)), strict=True)) if texts else {}
    return spans, vectors


def unit_links(
    units: Sequence[TermUnit], *, encoder: Encoder | None = None
) -> list[tuple[TermUnit, list[Link]]]:
    """Each unit with the term links found in it.

    Vocabulary (公園 "parks") and dates are left out before the linking, so
    that they do not take the words of a term they are part of (郊野公園,
    "country parks").
    """
    spans, vectors = span_vectors(units, encoder)
    together = cooccurrence(spans)
    out = []
    for u, (zs, es) in zip(units, spans, strict=True):
        scored = score_unit(u.zh, u.en, zs, es, vectors, together)
        candidates = [c for c in scored if not _vocabulary(c)]
        out.append((u, link_unit(candidates, u.en, together)))
    return out


def _key(en: str) -> str:
    return " ".join(en.casefold().split())


#: A Chinese "term" made only of these is a date, a time or a number, not a term.
_NUMERIC = re.compile(
    r"[0-9０-９零〇一二三四五六七八九十百千萬万億亿兩两年月日時时分秒號号第點点.%／/]+"
)


def occurrences(linked: Sequence[tuple[TermUnit, list[Link]]]) -> list[Found]:
    """Every term occurrence: the links, and the short forms the units' definitions pair."""
    found = [
        Found(Occurrence(unit, link.zh.text, link.en.text), link.score, "", link.en.kind)
        for unit, links in linked
        for link in links
        if _term_like(link)
    ]
    by_document: dict[str | None, list[tuple[TermUnit, list[Link]]]] = defaultdict(list)
    for unit, links in linked:
        by_document[unit.document].append((unit, links))
    for group in by_document.values():
        found.extend(_abbreviated(group))
    return _agreed_extents(found)


def _agreed_extents(found: list[Found]) -> list[Found]:
    """Each English name given the Chinese extent its document agrees on.

    A name the release writes several times is linked unit by unit, and a unit
    may cut it short (正灘 for Stanley Main Beach where another unit has
    赤柱正灘泳灘). Among the Chinese strings a document links to one English
    name, each occurrence takes the best-supported one (total score) that its
    own unit's Chinese holds and that overlaps what it was linked to; a short
    form the release defines in brackets (食物環境衞生署（食環署）) is the
    extent, however many units linked a cut of it (環署, FEHD).
    """
    support: dict[tuple[str | None, str], dict[str, float]] = defaultdict(
        lambda: defaultdict(float)
    )
    defined: set[tuple[str | None, str, str]] = set()
    for f in found:
        key = (f.occurrence.unit.document, _key(f.occurrence.en))
        support[key][f.occurrence.zh] += f.score
        if f.how == "abbreviation":
            defined.add((*key, f.occurrence.zh))
    out = []
    for f in found:
        o = f.occurrence
        options = support[(o.unit.document, _key(o.en))]
        fitting = [z for z in options if _overlapping(o.unit.zh, o.zh, z)]
        whole = [z for z in fitting if not _cuts_a_word(o.unit.zh, z)] or fitting
        best = max(
            whole,
            key=lambda z: ((o.unit.document, _key(o.en), z) in defined, options[z], len(z)),
            default=o.zh,
        )
        out.append(f if best == o.zh else replace(f, occurrence=replace(o, zh=best)))
    return out


def _cuts_a_word(text: str, zh: str) -> bool:
    """Whether `zh` starts or ends inside a two-character word CC-CEDICT knows wherever
    `text` has it (金有限公司 in 香港年金有限公司: 年金, annuity; 重庆 in 为重庆 is also
    in 做好重庆, where it cuts nothing)."""
    places = [m.start() for m in re.finditer(re.escape(zh), text)]
    return bool(places) and all(_cut_at(text, at, at + len(zh)) for at in places)


def _cut_at(text: str, at: int, end: int) -> bool:
    return (at > 0 and is_word(text[at - 1 : at + 1])) or (
        end < len(text) and is_word(text[end - 1 : end + 1])
    )


def _overlapping(text: str, a: str, b: str) -> bool:
    """Whether `b` occurs in `text` where it overlaps, contains or is inside an `a`."""
    return b == a or (b in text and (a in b or b in a))


def _abbreviated(linked: Sequence[tuple[TermUnit, list[Link]]]) -> list[Found]:
    """The occurrences of a document's defined short forms, in every unit that uses both."""
    defined: dict[tuple[str, str], float] = {}
    for unit, links in linked:
        pairs = [(link.zh.text, link.en.text) for link in links]
        scores = {(link.zh.text, link.en.text): link.score for link in links}
        names = [link.en.text for link in links] + [s.text for s in english_spans(unit.en)]
        for zh, en, _ in defined_pairs(unit.zh, unit.en, pairs, names):
            best = max((v for (z, _), v in scores.items() if zh in z or z in zh), default=0.5)
            defined[(zh, en)] = max(defined.get((zh, en), 0.0), best)
    out = []
    for unit, _ in linked:
        for (zh, en), score in defined.items():
            if zh in unit.zh and re.search(rf"\b{re.escape(en)}\b", unit.en):
                out.append(Found(Occurrence(unit, zh, en), score, "abbreviation", "acronym"))
    return out


def entries(found: Sequence[Found], *, min_count: int = 1) -> list[Term]:
    """One Term per Chinese term: its most frequent rendering, the others as variants.

    A full name beats an abbreviation of it found as often (漁農自然護理署 is
    Agriculture, Fisheries and Conservation Department, with AFCD a variant).
    """
    by_zh: dict[str, list[Found]] = defaultdict(list)
    for f in found:
        by_zh[f.occurrence.zh].append(f)
    terms = []
    for zh, items in by_zh.items():
        by_en: dict[str, list[Found]] = defaultdict(list)
        for f in items:
            by_en[_key(f.occurrence.en)].append(f)
        ranked = sorted(
            by_en.values(),
            key=lambda g: (-len(g), is_acronym(g[0].occurrence.en), -sum(f.score for f in g)),
        )
        main = ranked[0]
        if len(main) < min_count:
            continue
        en = main[0].occurrence.en
        variants = tuple(
            Variant(zh, g[0].occurrence.en, _variant_kind(en, g[0].occurrence.en), len(g))
            for g in ranked[1:]
        )
        agreement = len(main) / len(items)
        # Each unit that links the same rendering is more evidence (Scholz, found
        # three times by the encoder's cosine alone): the chance that any of them is right.
        confidence = (1 - float(np.prod([1 - f.score for f in main]))) * agreement**0.5
        terms.append(
            Term(
                zh=zh,
                en=en,
                type=term_type(zh, en, quoted=main[0].kind == "quoted"),
                count=len(main),
                confidence=round(confidence, 3),
                occurrences=tuple(f.occurrence for f in items),
                variants=variants,
            )
        )
    terms.sort(key=lambda t: (-t.count, -t.confidence, t.zh))
    return terms


#: jieba tags of the last word of a lower-case term: a noun phrase (not 留意天氣狀況).
_NOUN_TAGS = ("n", "vn", "an", "j", "l", "i", "g", "nz", "eng")


#: A lower-case rendering of a single Chinese word this common (jieba's dictionary count)
#: is vocabulary, not a term: 工作 work, 故事 stories (紅旗 red flag is under it).
COMMON_WORD = 2000


def _vocabulary(link: Link) -> bool:
    """A date, a number or one common word in lower case (not a title): never a term.

    A title stays (主任 "director"): linked, it keeps the name after it to itself.
    """
    if _NUMERIC.fullmatch(link.zh.text):
        return True
    if link.en.kind != "phrase" or link.zh.kind == "quoted" or len(link.zh.words) > 1:
        return False
    return _common(link.zh.text) and term_type(link.zh.text, link.en.text) != "title"


def _common(word: str) -> bool:
    return tokenizer().FREQ.get(any_to_simplified(word), 0) >= COMMON_WORD


def _term_like(link: Link) -> bool:
    """Names are terms; a lower-case phrase only when its Chinese is a noun phrase.

    That is: it ends in a noun, does not open with a verb or an adverb (加強國際
    "strengthening international"), and is not one common word.
    """
    if link.en.kind != "phrase" or link.zh.kind == "quoted":
        return True
    head = head_of(any_to_simplified(link.zh.text), whole=True)
    if head is not None and head[2] == "title":
        return True  # 執行董事 "executive director": a title, whatever jieba tags 執行
    words = tagged_words(link.zh.text)
    if not words or len(link.en.words) > 4 or not words[-1][1].startswith(_NOUN_TAGS):
        return False
    if words[0][1].startswith(("v", "d", "a", "p", "c")) and words[0][1] not in ("vn", "an"):
        return False
    return len(words) > 1 or not _common(link.zh.text)


def _variant_kind(main: str, other: str) -> str:
    return "abbreviation" if is_acronym(other) and not is_acronym(main) else "rendering"

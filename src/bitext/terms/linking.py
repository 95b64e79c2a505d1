"""Which of a unit's scored pairs are its terms: competitive linking, then the extent.

The pairs of a unit are linked best first, each stretch of text used once on
each side, so that 文化體育及旅遊局局長羅淑佩 yields a title and a name, not one
pair claiming both. Before a pair is taken its extent is settled
(`bitext.terms.extents`): the Chinese loses the verbs jieba glued to it
(舉行五味亞洲電影節), a person's name takes the English given name (黃德斌
"Kenny Wong"); a title with the body it is of becomes two terms.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from .cooccurrence import Cooccurrence
from .english import Span
from .extents import (
    compound,
    has_head,
    tightest,
    to_the_head,
    with_given_name,
    without_loose_words,
)
from .pairing import Link
from .types import term_type


def link_unit(
    candidates: Sequence[Link], en: str | None = None, cooc: Cooccurrence | None = None
) -> list[Link]:
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
    # The extent rules below compare a pair with the others that share its English span
    # (or, for a given name, its Chinese one): indexed, so a unit costs no square of them.
    by_en: dict[tuple[int, int], list[Link]] = defaultdict(list)
    by_zh: dict[tuple[int, int], list[Link]] = defaultdict(list)
    for c in candidates:
        by_en[(c.en.start, c.en.end)].append(c)
        by_zh[(c.zh.start, c.zh.end)].append(c)
    phrases = [c for c in candidates if c.en.kind == "phrase"]

    def same_en(link: Link) -> list[Link]:
        return by_en[(link.en.start, link.en.end)]

    for link in ordered:
        link = tightest(link, same_en(link))
        link = with_given_name(link, by_zh[(link.zh.start, link.zh.end)])
        if cooc is not None:
            link = without_loose_words(link, same_en(link), cooc)
        link = to_the_head(link, same_en(link))
        link = compound(link, phrases)
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
_ACRONYM_IN_BRACKETS = re.compile(r"\(\s*[A-Za-z0-9&]+\s*\)")


def _parts(
    link: Link, candidates: Sequence[Link], en: str | None, slack: float = SPLIT_SLACK
) -> list[Link]:
    """A title and the body it is of, when `link` is the two together.

    香港特別行政區政府駐天津聯絡處主任 "Director of the Tianjin Liaison Unit of the
    ... Government" is two terms, the liaison unit and its director; so are
    金管局總裁 "Chief Executive of the HKMA". English puts the title first, the
    mirror of the Chinese, joined by "of" (or "for", "in", "at"); the two
    Chinese spans fill the whole span (so 康樂及文化事務署 is never cut at 及),
    and the English ones leave only "of", "the", "for" and the like. A place
    in a place splits the same way when both have heads and English says "of"
    (香港中央圖書館演講廳, "Lecture Theatre of the Hong Kong Central Library").
    Names built the same way stay whole (Museum of Liverpool, 利物浦博物館).
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
            if first.en.end > second.en.start:
                continue
            gaps = tuple(
                _ACRONYM_IN_BRACKETS.sub(" ", gap)  # "Centre for Food Safety (CFS) of the ..."
                for gap in (
                    en[link.en.start : first.en.start],
                    en[first.en.end : second.en.start],
                    en[second.en.end : link.en.end],
                )
            )
            words = [w.lower() for gap in gaps for w in gap.replace(",", " , ").split()]
            # Two names are joined by "of" ("Green Finance" is one name; "Culture,
            # Sports and Tourism Bureau" one list).
            middle = gaps[1].lower().split()
            if not set(middle) & (_JOINS if _title(b) else {"of"}) or not _of_kind(a, b):
                continue
            if all(w in _BETWEEN for w in words):
                return [a, b]
    return []


def _of_kind(body: Link, part: Link) -> bool:
    """Whether `part` is a title, or a place with a head of its own "of" a headed `body`
    (演講廳 of 香港中央圖書館; not 博物館 of 利物浦: Museum of Liverpool is one name)."""
    return _title(part) or (has_head(part.zh.text) and has_head(body.zh.text))


def _title(link: Link) -> bool:
    return term_type(link.zh.text, link.en.text) == "title"


def _copied(link: Link) -> bool:
    """Whether the Chinese span is Latin the English repeats (no Chinese to render).

    A name the Chinese writes only in Latin letters (kind ``latin``, or quoted) is a term.
    """
    if link.zh.kind in ("latin", "quoted") or not link.zh.text.isascii():
        return False
    return link.zh.text.casefold() in link.en.text.casefold()


def _anchored(span: Span) -> bool:
    return span.whole or span.kind == "acronym"


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in taken)

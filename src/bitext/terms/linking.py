"""Which of a unit's scored pairs are its terms: competitive linking, then the extent.

The pairs of a unit are linked best first, each stretch of text used once on
each side, so that 文化體育及旅遊局局長羅淑佩 yields a title and a name, not one
pair claiming both. Before a pair is taken its extent is settled: the Chinese
loses the verbs jieba glued to it (舉行五味亞洲電影節), a person's name takes the
English given name (黃德斌 "Kenny Wong"), and a title with the body it is of
becomes two terms.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from bitext.normalize.zh_script import any_to_simplified

from .chinese import ZhSpan
from .chinese_words import dictionary_verb, may_be_surname, tagged_words
from .cooccurrence import Cooccurrence
from .english import Span, word_set
from .heads import head_of
from .pairing import FEATURES, Link
from .romanize import name_words, spelled_chars
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
        link = _tightest(link, same_en(link))
        link = _with_given_name(link, by_zh[(link.zh.start, link.zh.end)])
        if cooc is not None:
            link = _without_loose_words(link, same_en(link), cooc)
        link = _to_the_head(link, same_en(link))
        link = _compound(link, phrases)
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
    return _title(part) or (_headed(part.zh.text) and _headed(body.zh.text))


def _title(link: Link) -> bool:
    return term_type(link.zh.text, link.en.text) == "title"


def _headed(text: str) -> bool:
    return head_of(any_to_simplified(text)) is not None


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
    headed = _headed(link.zh.text)
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


#: A shorter Chinese extent of the same pair, left of loose words, is taken when at most this
#: much less sure.
EXTENT_SLACK = 0.1
#: jieba tags of words a name does not open with (舉行, 獲, 到, 作為; not 第四屆 nor 北部)
#: and does not end with (承保, 附近).
_LOOSE_OPENING = ("v", "p", "d", "r", "t", "m")
_LOOSE_CLOSING = ("v", "p", "d", "f", "t", "m")


def _without_loose_words(link: Link, candidates: Sequence[Link], cooc: Cooccurrence) -> Link:
    """The pair without the verbs, prepositions or adverbs its Chinese picked up at the ends.

    獲立法會 "Legislative Council": jieba glued the verb 獲 to the name. The
    shorter extent renders the same English and loses no word linked to it
    (the 調 of 調景嶺 spells Tiu). A verb or a locative after the name goes
    (香港年金有限公司承保, 南丫島附近); other words after it, and the verbs
    CC-CEDICT knows that jieba tags otherwise (因應, but also the 精進 of
    精進建築有限公司), go only where the release writes the shorter extent in
    more units.
    """
    if link.zh.kind == "quoted":
        return link
    best = link
    units = len(cooc.zh.get(any_to_simplified(link.zh.text), ()))
    for c in candidates:
        if (c.en.start, c.en.end) != (link.en.start, link.en.end) or c.zh.text == link.zh.text:
            continue
        if not link.zh.start <= c.zh.start <= c.zh.end <= link.zh.end:
            continue
        if c.features[_INSIDE] < link.features[_INSIDE] or c.score < link.score - EXTENT_SLACK:
            continue
        before = link.zh.text[: c.zh.start - link.zh.start]
        after = link.zh.text[c.zh.end - link.zh.start :]
        if not (_loose(before, _LOOSE_OPENING, True) and _loose(after, _LOOSE_CLOSING, True)):
            continue
        tagged = _loose(before, _LOOSE_OPENING) and _loose(after, ("f", "v"))
        if not tagged and len(cooc.zh.get(any_to_simplified(c.zh.text), ())) <= units:
            continue
        if _spelled(before + after, c.en):
            continue
        if best is link or len(c.zh.text) > len(best.zh.text):
            best = c  # of the shorter extents, the longest
    return best


def _spelled(chars: str, en: Span) -> bool:
    return any(spelled_chars(chars, w) for w in name_words(en.words))


def _loose(text: str, tags: tuple[str, ...], verbs: bool = False) -> bool:
    """Whether every word of `text` has one of jieba's `tags` (or, with `verbs`, is a verb to
    CC-CEDICT, whatever jieba tags it: 因應, 通報, but also the 精進 of 精進建築有限公司)."""
    return all(
        (t.startswith(tags) and t != "vn" and not w.startswith("第"))
        or (verbs and len(w) > 1 and dictionary_verb(w))
        for w, t, _ in tagged_words(text)
    )


#: A longer Chinese extent that ends in the head the English ends in is taken when at most
#: this much less sure.
HEAD_SLACK = 0.1


def _to_the_head(link: Link, candidates: Sequence[Link]) -> Link:
    """The pair with the Chinese extended to the head the English name ends in.

    醫院管理局 / "Hospital Authority Head Office" ends in 局, Authority, where the
    English ends in Office: 醫院管理局總辦事處 ends in 辦事處, and is the name.
    """
    if link.en.kind == "phrase" or _head_agrees(link):
        return link
    best = link
    for c in candidates:
        if (c.en.start, c.en.end) != (link.en.start, link.en.end):
            continue
        if not c.zh.start <= link.zh.start <= link.zh.end <= c.zh.end or c.zh.text == link.zh.text:
            continue
        if c.score < link.score - HEAD_SLACK or not _head_agrees(c):
            continue
        if best is link or c.score > best.score:
            best = c
    return best


def _head_agrees(link: Link) -> bool:
    head = head_of(any_to_simplified(link.zh.text), whole=True)
    words = link.en.words
    return head is not None and bool(words) and words[-1].lower() in head[1]


#: A lower-case pair is taken with the words around it on both sides when that is at most
#: this much less sure and explains more English.
COMPOUND_SLACK = 0.05
#: English words that make a lower-case stretch a clause ("sensors have been installed").
_AUXILIARIES = word_set(
    "is are was were be been being has have had will would shall should can could may might must"
)
#: jieba tags of words no compound noun holds: verbs, time words, adverbs, prepositions,
#: pronouns (外長周六警告 is a clause), personal names.
_CLAUSE_TAGS = ("v", "t", "d", "p", "r", "nr")


def _compound(link: Link, candidates: Sequence[Link]) -> Link:
    """A lower-case pair grown to the compound noun it is part of on both sides.

    外科 "surgical" and 口罩 "masks" each pair a little better than 外科口罩
    "surgical masks" does, and linked best first the parts would win. The
    compound (at most four English words, its Chinese ending in a noun and
    holding no verb) is taken when it explains more English words.
    """
    if link.en.kind != "phrase":
        return link
    best = link
    for c in candidates:
        if c.en.kind != "phrase" or c.score < link.score - COMPOUND_SLACK:
            continue
        if not (_inside(link.zh, c.zh) and _inside(link.en, c.en)) or len(c.en.words) > 4:
            continue
        if c.features[_INSIDE] <= link.features[_INSIDE] or not _noun_compound(c):
            continue
        if best is link or c.score > best.score:
            best = c
    return best


def _inside(a: ZhSpan | Span, b: ZhSpan | Span) -> bool:
    """Whether `a` lies inside `b` and is shorter."""
    return b.start <= a.start <= a.end <= b.end and (a.start, a.end) != (b.start, b.end)


def _noun_compound(link: Link) -> bool:
    words = tagged_words(link.zh.text)
    if not words or not words[-1][1].startswith("n"):
        return False
    if any((g.startswith(_CLAUSE_TAGS) and g != "vn") or dictionary_verb(w) for w, g, _ in words):
        return False
    if any(not w.islower() for w in link.en.words):
        return False  # "president Xiang": a title and a name, not one compound
    return not {w.lower() for w in link.en.words} & _AUXILIARIES


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

    A name the Chinese writes only in Latin letters (kind ``latin``, or quoted) is a term.
    """
    if link.zh.kind in ("latin", "quoted") or not link.zh.text.isascii():
        return False
    return link.zh.text.casefold() in link.en.text.casefold()


def _anchored(span: Span) -> bool:
    return span.whole or span.kind == "acronym"


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in taken)

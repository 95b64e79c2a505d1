"""Where a linked pair's Chinese starts and ends: the extent rules of `bitext.terms.linking`.

Each rule compares a pair with the others of its unit that share its English
span (or, for a given name, its Chinese one) and may hand back one of them:
the Chinese without the verb jieba glued to it, up to the head the English
ends in, grown to the compound noun it is part of, or a person's name with
the English given name the Chinese does not write.
"""

from __future__ import annotations

from collections.abc import Sequence

from bitext.normalize.zh_script import any_to_simplified

from .chinese import ZhSpan
from .chinese_words import dictionary_verb, may_be_surname, tagged_words
from .cooccurrence import Cooccurrence
from .english import CONNECTORS, Span, word_set
from .heads import head_of
from .pairing import FEATURES, Link
from .romanize import name_words, spelled_chars


def has_head(text: str) -> bool:
    """Whether `text` ends in a head (局, 泳灘, 局長) with something before it."""
    return head_of(any_to_simplified(text)) is not None


#: A shorter Chinese extent of the same pair is taken when at most this much less sure:
#: if what it leaves off is a verb (`VERB_SLACK`), or anything but a head (`TIE`).
VERB_SLACK = 0.1
TIE = 0.01
_INSIDE = FEATURES.index("inside")


def tightest(link: Link, candidates: Sequence[Link]) -> Link:
    """The pair with the least Chinese after the term that renders the same English as well.

    jieba does not always tag a verb a verb: 香港特別行政區政府主辦 ("hosted by the
    Government of the HKSAR") ends in 主辦, tagged a distinguishing word, and
    pairs "Government of the Hong Kong Special Administrative Region" as well as
    香港特別行政區政府 does. A name does not end in a verb (CC-CEDICT says what
    is one). Other words after a name go when the pair is no surer with them
    (大埔區放馬莆 / "Tai Po District"), unless the longer span ends in a head
    (北部都會區: the head is the name's, whatever the English says), or the
    English has a word nothing in the pair links and the words are nouns that
    may render it (香港可持續金融分類目錄, "Hong Kong Taxonomy for Sustainable
    Finance": 分類目錄 is the Taxonomy the dictionary does not gloss).
    """
    best = link
    headed = has_head(link.zh.text)
    for c in candidates:
        if c is link or (c.en.start, c.en.end) != (link.en.start, link.en.end):
            continue
        if c.zh.start != link.zh.start or c.zh.end >= best.zh.end:
            continue
        if c.features[_INSIDE] < link.features[_INSIDE]:
            continue  # the words left off render some of the English
        rest = link.zh.text[len(c.zh.text) :]
        verb = _verbs(rest)
        if not verb and _unexplained(link) and _nominal(rest):
            continue  # 分類目錄 of 香港可持續金融分類目錄 may render the Taxonomy nothing links
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


def without_loose_words(link: Link, candidates: Sequence[Link], cooc: Cooccurrence) -> Link:
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


def to_the_head(link: Link, candidates: Sequence[Link]) -> Link:
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


#: jieba tags of words that may be part of a name: nouns, names, abbreviations, modifiers.
_NOMINAL = ("n", "j", "b", "g", "l", "i", "eng")


def _nominal(text: str) -> bool:
    """Whether every word of `text` may be part of a name (not 的, 舉行)."""
    return all(
        (t.startswith(_NOMINAL) or t in ("vn", "an")) and not (len(w) > 1 and dictionary_verb(w))
        for w, t, _ in tagged_words(text)
    )


def _unexplained(link: Link) -> bool:
    """Whether the English span has a content word that the pair links to nothing."""
    content = [w for w in link.en.words if w.lower() not in CONNECTORS]
    return len(content) > round(2 ** link.features[_INSIDE]) - 1


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


def compound(link: Link, candidates: Sequence[Link]) -> Link:
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


def with_given_name(link: Link, candidates: Sequence[Link]) -> Link:
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

"""What kind of thing a term names: person, organisation, place, title, event or term.

The head of either side says most (…署 / …Department: an organisation;
…局長 / Secretary for…: a title; …泳灘 / …Beach: a place); a person is a name
whose English spells some of its characters (章勇武, Zhang Yongwu; 李家超, John
Lee Ka-chiu); jieba's name tags decide the rest.
"""

from __future__ import annotations

from functools import cache

from .english import is_acronym, word_set
from .heads import head_of
from .romanize import name_words, spelled_chars

#: English words that open a title (Secretary for ..., Director of ...).
_TITLE_WORDS = word_set(
    "secretary director chairman chairperson chair commissioner minister president controller "
    "mayor ambassador consul principal dean head chief premier governor spokesman "
    "spokesperson judge magistrate coroner commander superintendent"
)
#: English head words of events (last word of the name).
_EVENT_WORDS = word_set(
    "festival exhibition expo fair gala games championship championships cup forum conference "
    "summit ceremony show week race marathon competition contest award awards campaign "
    "challenge concert carnival tour"
)


@cache
def _english_types() -> dict[str, str]:
    from .heads import HEADS

    types: dict[str, str] = {}
    for _, en, kind in HEADS:
        if kind in ("organisation", "place", "term"):
            for word in en.split():
                types.setdefault(word, kind)
    types.update(dict.fromkeys(_EVENT_WORDS, "event"))
    return types


def term_type(zh: str, en: str, *, quoted: bool = False) -> str:
    """The type of the term `zh` rendered `en` (one of `bitext.terms.TERM_TYPES`).

    `quoted`: the English was found in quotation marks (a programme, a show).
    """
    from bitext.normalize.zh_script import any_to_simplified

    from .chinese_words import tagged_words

    words = [w.strip(".,'’\"") for w in en.split()]
    words = [w for w in words if w]
    first = words[0].lower() if words else ""
    if first in _TITLE_WORDS or first in ("acting", "deputy", "assistant", "under", "permanent"):
        return "title"
    head = head_of(any_to_simplified(zh))
    if head is not None and head[2] == "title":
        return "title"
    if quoted:  # a programme, a show, a campaign in quotation marks
        return "event"
    english = _english_types().get(words[-1].lower()) if words else None
    if english is not None:
        return english
    tagged = tagged_words(zh)
    tag = tagged[0][1] if len(tagged) == 1 else ""
    if tag.startswith("ns"):
        return "place"
    if tag.startswith("nt"):
        return "organisation"
    if head is None and _is_person(zh, words):
        return "person"
    capitalised = bool(words) and all(w[:1].isupper() for w in words)
    if head is not None and capitalised:
        return head[2]
    if is_acronym(en):
        return "organisation"
    return "place" if capitalised and len(words) <= 2 else "term"


def _is_person(zh: str, words: list[str]) -> bool:
    """A Chinese name of two to four characters whose English spells one of them."""
    if not 2 <= len(zh) <= 4 or not words or len(words) > 5:
        return False
    if not all(w[:1].isupper() for w in words) or any(is_acronym(w) for w in words):
        return False
    spelled = set()
    for part in name_words(words):
        spelled |= spelled_chars(zh, part)
    # The surname (first character) spelt, or most of the name.
    return 0 in spelled or len(spelled) * 2 >= len(zh)

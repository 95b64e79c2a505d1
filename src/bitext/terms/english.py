"""Where a term can sit in an English sentence: names, acronyms, quoted titles, noun phrases.

A term's English rendering is found among these spans; which span renders
which Chinese term is `bitext.terms.pairing`'s job. Capitalisation is the
strongest boundary English gives: "the Leisure and Cultural Services
Department" names its own extent, so a name is offered whole, and cut where
English joins two names (a comma, an honorific: "Secretary for Culture,
Sports and Tourism, Ms Rosanna Law").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .heads import english_heads


def word_set(text: str) -> frozenset[str]:
    """The words of `text` (a word list kept readable as prose in the source)."""
    return frozenset(text.split())


#: Words a capitalised name may hold in lower case between two capitalised words.
CONNECTORS = word_set("of and for the de da du des la le van von der den y & on in della del di et")
#: Words that precede a person's name; never part of a rendering.
HONORIFICS = word_set("mr mrs ms miss mdm the madam dr prof professor sir dame hon honourable")
#: Capitalised words that open sentences or headlines without naming anything.
_OPENERS = word_set(
    "a an the this that these those it its he she they we i in on at for from with to by "
    "of as after before during while when where if but and or also today yesterday "
    "tomorrow meanwhile however according under about speaking addressing photo photos then"
)
#: Words a phrase neither starts nor ends with (it would be a fragment of a clause),
#: the clause adverbs among them (especially high-risk groups).
_EDGE_STOPWORDS = word_set(
    "a an the and or but if of to in on at by for with from into as than then so not no "
    "is am are was were be been being have has had do does did will would shall should "
    "can could may might must this that these those there here who whom whose which what "
    "when where why how all any both each more most other some such only own same just "
    "also up out over under again once today said says its their his her our your my it "
    "they he she we you i between through during before after about against within "
    "without per via while especially particularly currently recently previously "
    "subsequently closely actively promptly immediately respectively successfully "
    "separately finally mainly namely jointly fully further strongly greatly "
    "approximately accordingly one two three four five six seven eight nine ten eleven "
    "twelve new"
)
#: Letters of a word: ASCII and the accented Latin of foreign names (Belém, Fédération).
LETTERS = "A-Za-z0-9À-ÖØ-öø-ÿĀ-ž"
_TOKEN = re.compile(
    rf"[{LETTERS}][{LETTERS}'’.\-]*[{LETTERS}]|[{LETTERS}]|[,&]|[()\[\]\"“”:;!?/]|\.(?=\s|$)"
)
#: Tokens that end every span: brackets, quotation marks, clause punctuation.
_BREAKS = frozenset('()[]"“”:;!?/.')
_QUOTED = re.compile(r"[\"“]([^\"“”]{2,80})[\"”]")
MAX_NAME_TOKENS = 16
MAX_PHRASE_TOKENS = 5


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of an English sentence that may render a term.

    `kind`: ``name`` (capitalised words), ``acronym`` (AFCD, LegCo),
    ``quoted`` (a title in quotation marks) or ``phrase`` (lower-case words).
    `whole` marks a name offered at its full extent (not a cut of a longer one).
    """

    text: str
    start: int
    end: int
    kind: str
    whole: bool = False

    @property
    def words(self) -> list[str]:
        return [t for t in _TOKEN.findall(self.text) if t not in (",", "&") and t not in _BREAKS]


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def is_acronym(word: str) -> bool:
    """AFCD, HKMA, LegCo, COP30: mostly capitals, no vowel-led lower-case tail of a word."""
    letters = [c for c in word if c.isalpha()]
    if len(letters) < 2 or not word[0].isupper():
        return False
    capitals = sum(c.isupper() for c in letters)
    return capitals >= 2 and capitals * 2 >= len(letters)


def _capitalised(word: str) -> bool:
    if word in _BREAKS:
        return False
    if word[0].isdigit():
        return any(c.isalpha() for c in word)
    # Names in camel case open in lower case (iAM Smart, eHealth); then-President does not.
    return word[0].isupper() or ("-" not in word and any(c.isupper() for c in word[1:]))


#: Calendar words are capitalised but name nothing ("Kowloon Park November 16");
#: May is left out, a surname as often (Theresa May).
_CALENDAR = word_set(
    "january february march april june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday"
)


def _name_word(word: str) -> bool:
    return _capitalised(word) and word not in (",", "&") and word.lower() not in _CALENDAR


def _in_a_place(tokens: list[tuple[str, int, int]], j: int, k: int) -> bool:
    """Whether "in" joins a name to the place it is in, not a name of its own.

    "Hong Kong Chamber of Commerce in Guangdong" is one name; "Ma Liu Shui
    Public Toilet in Sha Tin District" and "Emmanuel Macron in Paris" are two.
    A name goes on over "in" only from a body (Chamber, Office) and only to one
    capitalised word that ends it (a city, a province).
    """
    if "in" not in {t[0].lower() for t in tokens[j:k]}:
        return False
    if k + 1 < len(tokens) and _name_word(tokens[k + 1][0]):
        return True
    start = j
    while start > 0 and (
        _name_word(tokens[start - 1][0]) or tokens[start - 1][0].lower() in CONNECTORS
    ):
        start -= 1
    bodies = english_heads("organisation")
    return not any(t[0].lower() in bodies for t in tokens[start:j])


def _bracketed_acronym(tokens: list[tuple[str, int, int]], j: int) -> bool:
    """An acronym in brackets inside a name, a name word or "of (the)" and one after it:
    "Legislative Council (LegCo) General Election", "Centre for Health Protection (CHP) of
    the Department of Health"."""
    words = [t[0] for t in tokens[j : j + 6]]
    short = len(words) > 1 and sum(c.isupper() for c in words[1]) >= 2  # HKSAR, LegCo
    if len(words) < 4 or words[0] != "(" or not short or words[2] != ")":
        return False
    rest = words[3:]
    if rest[0] == "of":
        rest = rest[2:] if rest[1:2] == ["the"] else rest[1:]
    return bool(rest) and _name_word(rest[0])


def _possessive_measure(tokens: list[tuple[str, int, int]], j: int) -> bool:
    """A possessive before a measure: "Angela Merkel's 16-year tenure" (not People's Government)."""
    word = tokens[j][0]
    return tokens[j - 1][0].endswith(("'s", "’s")) and word[0].isdigit() and "-" in word


def _chains(tokens: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """Token ranges of capitalised runs, joined over connectors and commas."""
    chains: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if not _name_word(tokens[i][0]):
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and not _possessive_measure(tokens, j):
            word = tokens[j][0]
            if _name_word(word):
                j += 1
                continue
            if _bracketed_acronym(tokens, j):
                j += 3  # Legislative Council (LegCo) General Election: one name
                continue
            # A connector run counts only when a capitalised word follows it.
            if word.lower() == "and" and tokens[j - 1][0].lower() in english_heads():
                break  # "Stanley Main Beach and Big Wave Bay Beach": two names
            k = j
            while k < len(tokens) and (tokens[k][0].lower() in CONNECTORS or tokens[k][0] == ","):
                k += 1
            if k > j and k < len(tokens) and _name_word(tokens[k][0]):
                if _in_a_place(tokens, j, k):
                    break
                j = k
                continue
            break
        chains.append((i, j))
        i = j
    return chains


#: Titles English writes right before a name ("Prime Minister Boris Johnson").
TITLES = word_set(
    "president minister chancellor premier secretary governor mayor ambassador leader "
    "chairman chairperson director commissioner envoy spokesman spokesperson king queen prince"
)


_TITLE_GOES_ON = CONNECTORS | {"general"}


def _pieces(tokens: list[tuple[str, int, int]], lo: int, hi: int) -> list[tuple[int, int]]:
    """A chain cut at honorifics and "the" (dropped), sentence-opening words, appositions."""
    pieces: list[tuple[int, int]] = []
    start = lo
    heads = english_heads()
    for k in range(lo, hi):
        low = tokens[k][0].lower().rstrip(".")
        if (
            low == ","
            and k > start
            and (tokens[k - 1][0].lower() in heads or _name_follows(tokens, k + 1, hi))
        ):
            # "Hip Wo Street, Kwun Tong": a place and where it lies, two names.
            pieces.append((start, k))
            start = k + 1
            continue
        if low in TITLES and k + 1 < hi and tokens[k + 1][0].lower() not in _TITLE_GOES_ON:
            # "US President Donald Trump": a title, then the person who holds it
            # ("Secretary General" is one title).
            pieces.append((start, k + 1))
            start = k + 1
            continue
        if (
            low == "the"
            and k > lo
            and (
                tokens[k - 1][0].lower() in ("of", "for", "on") or tokens[k - 1][0].endswith("ing")
            )
        ):
            # Political Bureau of the CPC Central Committee, Recommendations for Formulating
            # the 15th Five-Year Plan: one name
            continue
        if low in HONORIFICS or (k == start and low in _OPENERS):
            if k > start:
                pieces.append((start, k))
            start = k + 1
    if start < hi:
        pieces.append((start, hi))
    return pieces


def _sub_ranges(tokens: list[tuple[str, int, int]], lo: int, hi: int) -> list[tuple[int, int]]:
    """Every stretch of a piece that starts and ends on a capitalised word."""
    out = []
    for a in range(lo, hi):
        if not _capitalised(tokens[a][0]) or tokens[a][0].lower() in CONNECTORS:
            continue
        for b in range(a + 1, min(hi, a + MAX_NAME_TOKENS) + 1):
            last = tokens[b - 1][0]
            brackets = [t[0] for t in tokens[a:b] if t[0] in "()"]
            if brackets not in ([], ["(", ")"]):
                continue  # a bracketed acronym inside a name is the name's whole or none of it
            if _capitalised(last) and last not in (",", "&") and last.lower() not in CONNECTORS:
                out.append((a, b))
    return out


def _span(
    text: str, tokens: list[tuple[str, int, int]], a: int, b: int, kind: str, whole: bool
) -> Span:
    start, end = tokens[a][1], tokens[b - 1][2]
    piece = text[start:end].rstrip(".")
    if piece.endswith(("'s", "’s")):
        piece, end = piece[:-2], end - 2  # Aaron Kwok's film: the name is Aaron Kwok
    return Span(piece.strip(), start, end, kind, whole)


def _joins_names(words: list[str]) -> bool:
    """Whether "and" joins two names ("Slovenia and Switzerland") rather than sits in one.

    Inside a name, "and" comes before the head that ends it (Food and
    Environmental Hygiene Department), or that ends it before the place it
    is in (Economic and Trade Office in London), or after a title that opens
    it (Secretary for Culture, Sports and Tourism).
    """
    if "and" not in words and "&" not in words:
        return False
    if "in" in words[1:]:
        words = words[: len(words) - 1 - words[::-1].index("in")]
    heads = english_heads()
    return words[-1].lower() not in heads and words[0].lower() not in _TITLE_OPENERS


_TITLE_OPENERS = word_set(
    "secretary minister director commissioner chairman chairperson president head"
)


#: Words no lower-case phrase starts or ends with: stop words, and the connectors of
#: names in other languages (de la, della).
_PHRASE_EDGES = _EDGE_STOPWORDS | CONNECTORS


def english_spans(text: str) -> list[Span]:
    """The spans of `text` that may render a term, each (text, kind) once."""
    tokens = _tokens(text)
    spans: dict[tuple[str, str], Span] = {}

    def add(span: Span) -> None:
        key = (span.text, span.kind)
        if span.text and (key not in spans or (span.whole and not spans[key].whole)):
            spans[key] = span

    for lo, hi in _chains(tokens):
        # "Red flag lowered at ...": a headline's capital, not a name; but "President,"
        # alone (addressed in a LegCo answer) is one.
        alone = not any(t[0][0].isalnum() for t in tokens[hi:])
        if (
            hi == lo + 1
            and _opens_sentence(tokens, lo)
            and _common_word(tokens[lo][0])
            and not alone
        ):
            continue
        for plo, phi in _pieces(tokens, lo, hi):
            for a, b in _sub_ranges(tokens, plo, phi):
                whole = (a, b) == (plo, phi) or _between_commas(tokens, a, b, plo, phi)
                if _joins_names([t[0] for t in tokens[a:b]]):
                    continue
                kind = "acronym" if b == a + 1 and is_acronym(tokens[a][0]) else "name"
                add(_span(text, tokens, a, b, kind, whole))
    for m in _QUOTED.finditer(text):
        add(Span(m.group(1).strip(), m.start(1), m.end(1), "quoted", True))
    for a in range(len(tokens)):
        for b in range(a + 1, min(len(tokens), a + MAX_PHRASE_TOKENS) + 1):
            words = [t[0] for t in tokens[a:b]]
            if any(w in (",", "&") or w in _BREAKS for w in words):
                break
            if words[0].lower() in _PHRASE_EDGES or words[-1].lower() in _PHRASE_EDGES:
                continue
            if all(_capitalised(w) for w in words):
                continue  # a name, offered above
            if _capitalised(words[0]) and not _opens_sentence(tokens, a):
                continue  # "Angela Merkel's 16-year": a name and what follows it
            if any(w.endswith(("'s", "’s")) for w in words[:-1]):
                continue
            add(_span(text, tokens, a, b, "phrase", False))
    return list(spans.values())


_HK_GIVEN_NAME = re.compile(r"[A-Z][a-z]+-[a-z]+")


def _name_follows(tokens: list[tuple[str, int, int]], k: int, hi: int) -> bool:
    """A Hong Kong style name after the comma: "..., So Ping-chi" (title, then holder)."""
    for word, _, _ in tokens[k:hi]:
        if word == ",":
            return False
        if _HK_GIVEN_NAME.fullmatch(word):
            return True
    return False


def _opens_sentence(tokens: list[tuple[str, int, int]], k: int) -> bool:
    return k == 0 or tokens[k - 1][0] in _BREAKS


def _common_word(word: str) -> bool:
    """A word CC-CEDICT uses in its English glosses: ordinary English (red, today)."""
    return word.lower() in _gloss_words()


@cache
def _gloss_words() -> frozenset[str]:
    from bitext.align.word_keys import cedict

    words: set[str] = set()
    for senses in cedict().values():
        for sense in senses[:2]:
            words.update(w for w in re.findall(r"[a-z]+", sense) if len(w) > 2)
    return frozenset(words)


def _between_commas(tokens: list[tuple[str, int, int]], a: int, b: int, lo: int, hi: int) -> bool:
    """A part of a piece that stands between its commas (a name in a list), or before the
    acronym in brackets that abbreviates it (Hong Kong Special Administrative Region (HKSAR))."""
    before = a == lo or tokens[a - 1][0] == "," or _after_bracketed_acronym(tokens, a, lo)
    after = b == hi or tokens[b][0] == "," or _bracketed_acronym(tokens, b)
    return before and after


def _after_bracketed_acronym(tokens: list[tuple[str, int, int]], a: int, lo: int) -> bool:
    """Whether the name at `a` follows "(ACRONYM) of (the)" inside the piece."""
    for back in (3, 4, 5):
        if a - back >= lo and tokens[a - back][0] == "(" and _bracketed_acronym(tokens, a - back):
            skipped = [t[0].lower() for t in tokens[a - back + 3 : a]]
            return skipped in ([], ["of"], ["of", "the"])
    return False

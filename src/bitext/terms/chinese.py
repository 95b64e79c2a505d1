"""Where a term can sit in a Chinese sentence: word runs that could name something.

Chinese has no capitals to mark a name's extent, so every run of up to
`MAX_TOKENS` jieba words inside a clause that starts and ends on a content
word is a candidate (康樂及文化事務署, 赤柱正灘泳灘 are several jieba words
each); the English side decides which run is a term and where it ends.
Quoted titles (「解鎖港島徑」, 《施政報告》) are offered whole.

jieba's dictionary is Simplified: Traditional text is segmented as its
Simplified conversion, whose characters stand one for one with the original
(OpenCC's character conversion keeps length; a sentence where it does not is
segmented as written).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bitext.normalize.zh_script import any_to_simplified

from .chinese_words import (
    dictionary_verb,
    is_surname,
    may_be_surname,
    tagged_words,
)
from .english import word_set
from .heads import head_of

MAX_TOKENS = 7
MAX_CHARS = 18
#: jieba tags a term never starts or ends with: particles, prepositions, conjunctions,
#: pronouns, punctuation. jieba's tags are too rough for more (站 and 處長 come out verbs).
_EDGE_TAGS = ("u", "p", "c", "r", "y", "e", "o", "w", "x", "ul")
#: Words no term starts or ends with whatever jieba tags them.
_EDGE_WORDS = word_set(
    "先生 女士 小姐 太太 博士 教授 太平绅士 的 之 在 和 与 及 或 "
    "等 为 将 是 了 把 被 由 向 对 从 于 并 也 都 已 今日 今天 昨日 "
    "明日 今年 去年 明年 本 该 此 其 各 每 有关 相关 所有 一些 一个 这 "
    "那 我们 他们 他 她 其他 进行 表示 指出 称 说 包括 透过 通过 以及 "
    "以 就 会 可 能 要 更 再 亦 又 即 如 若 但 而"
)
#: Tags inside a term that break it (a particle or a preposition joins clauses, not names).
_INNER_BREAKS = ("u", "p", "y", "uj", "ul", "w")
# Spaces stay inside a clause (HOY TV, Saiful Adib Bin Abdul Munaff); a term does not
# start or end on one.
_CLAUSE = re.compile(r"[^，。、；：！？,;:!?（）()\[\]「」『』《》〈〉“”\"‘’\n]+")
_QUOTED = re.compile(r"[「『《〈“]([^「」『』《》〈〉“”]{1,40})[」』》〉”]")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9'’&.\-]*(?: [A-Za-z0-9][A-Za-z0-9'’&.\-]*)+")


@dataclass(frozen=True, slots=True)
class ZhSpan:
    """A stretch of a Chinese sentence that may be a term; `words` its jieba words."""

    text: str
    start: int
    end: int
    kind: str  # "quoted", "latin" (a name written in Latin letters) or "run"
    words: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@lru_cache(maxsize=100_000)
def joins_inside(text: str) -> bool:
    """Whether a conjunction inside `text` can belong to one name (康樂及文化事務署).

    Bodies and titles join words under one head; places do not (泳灘及大浪灣泳灘 is two).
    """
    head = head_of(any_to_simplified(text))
    return head is not None and head[2] != "place"


def is_function_word(word: str, tag: str) -> bool:
    """A particle, preposition, pronoun or the like: never the first or last word of a term."""
    if word.isascii():
        return not (word.strip().isalnum() and not word.isdigit())
    return tag.startswith(_EDGE_TAGS) or any_to_simplified(word) in _EDGE_WORDS


#: Characters that, as a word of their own, end no term: where jieba glues a particle, a
#: locative or a measure word to a name (大灣區內, 發展局後, 項誤殺罪), it is cut off here.
_EDGE_CHARS = frozenset(
    "好做後后內内則则項项下上中時时前等經经於于由向將将把被給给讓让並并也亦已均皆各該该此其之的了着過过為为以在從从對对就會会可能要須须需應应所而但卻却又再更最很都還还即如若間间搗捣共約约逾"
)


def _edge_ok(word: str, tag: str) -> bool:
    if len(word) == 1 and word in _EDGE_CHARS:
        return False
    return bool(word.strip()) and not is_function_word(word, tag)


#: Measure words: a numeral with one of these counts things (五個郊野公園, 一支香煙);
#: an ordinal (第四屆) may open a name, a count may not.
_MEASURES = frozenset("個个條条名支宗項项件位隻只間间座所家份張张架輛辆艘批幅棵")


_DATE = re.compile(r"[0-9０-９零〇一二三四五六七八九十百千兩两]+[年月日時时號号]")


def _counted(word: str, tag: str) -> bool:
    """A numeral and its measure word (五個, 兩名): what follows is counted, not named.

    An ordinal (第四屆) may open a name; a count never sits in one.
    """
    return tag.startswith("m") and not word.startswith("第") and word[-1] in _MEASURES


def _opens_no_name(word: str, tag: str) -> bool:
    """A count, a measure word or a date (十二月): a name does not start with one."""
    return tag.startswith("q") or bool(_DATE.fullmatch(word)) or _counted(word, tag)


def _known_verb(word: str, tag: str) -> bool:
    """A verb the dictionary knows (參訪, 借助, 帶隊): it opens a clause, not a name.

    jieba tags unknown words of names as verbs too (創興 of 創興銀行), and
    titles (處長, department head): only a word CC-CEDICT lists, and first as a
    verb ("to ..."), counts.
    """
    return tag.startswith("v") and tag != "vn" and dictionary_verb(word)


def _headed(piece: str) -> bool:
    return head_of(any_to_simplified(piece)) is not None


def _surname_start(words: Sequence[tuple[str, str, int]], a: int) -> bool:
    """A one-character word that is a surname, before a given name jieba split off (向|澤映)."""
    first = words[a][0]
    if len(first) != 1 or a + 1 >= len(words) or not 1 <= len(words[a + 1][0]) <= 2:
        return False
    return is_surname(first)


_NAME_DOTS = frozenset("·•‧・．")
#: The most characters jieba's pieces of one part of a dotted name add up to (米哈伊洛维奇).
_NAME_PART = 5


def _name_part(word: str, tag: str) -> bool:
    if word.isascii() or word in _NAME_DOTS or not _edge_ok(word, tag):
        return False
    return not _known_verb(word, tag) and not tag.startswith(("m", "q", "t", "f"))


def _dotted_names(words: Sequence[tuple[str, str, int]]) -> list[tuple[int, int]]:
    """(start, end) of each foreign name the Chinese writes with dots: 安東尼·布林肯.

    The name is the word before the first dot through the words after the last
    that jieba cut out of one transliteration (布|林肯), up to `_NAME_PART` characters.
    """
    names: list[tuple[int, int]] = []
    for i in range(1, len(words) - 1):
        if words[i][0] not in _NAME_DOTS:
            continue
        start = words[i - 1][2]
        for _, tag, at in reversed(words[: i - 1]):  # 安娜|琳娜·貝伯克, 埃|馬|紐埃|爾·馬克龍
            if not tag.startswith(("nr", "ns")) or words[i][2] - at > _NAME_PART:
                break
            start = at
        end = words[i + 1][2] + len(words[i + 1][0])
        for word, tag, at in words[i + 2 :]:
            if at + len(word) - words[i + 1][2] > _NAME_PART or not _name_part(word, tag):
                break
            end = at + len(word)
        if names and names[-1][1] >= start:
            start = names.pop()[0]  # a third part: 約翰·菲茨傑拉德·肯尼迪
        names.append((start, end))
    return names


def _person_names(words: Sequence[tuple[str, str, int]]) -> list[tuple[int, int]]:
    """(start, end) of each Chinese personal name jieba spells out character by character.

    jieba's statistical cut tags an unknown name's characters one by one (梁|子|康,
    all ``nr``); such a run of two to four, opening with a surname, is one name.
    """
    names = []
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and len(words[j][0]) == 1 and words[j][1].startswith("nr"):
            if words[j][0] in _EDGE_CHARS:
                break  # 何|詩|蓓|於 all come out names; 於 ("at") is not one
            j += 1
        if 2 <= j - i <= 4 and may_be_surname(words[i][0]):
            names.append((words[i][2], words[j - 1][2] + 1))
        i = max(j, i + 1)
    return names


def _cuts_a_name(start: int, end: int, names: Sequence[tuple[int, int]], headed: bool) -> bool:
    """Whether a span overlaps a name other than as the name, or the name and a head.

    A name is one term: a span may not cut it, nor carry a title or a verb
    with it (時任總統唐納德·特朗普 is a title and a name, two terms). A `headed`
    span may go on after it: 莫納亨郡 is a county named like a person.
    """
    return any(
        start < b and a < end and (start, end) != (a, b) and not (start == a and headed)
        for a, b in names
    )


def _quoted_and_noun(text: str, spans: dict[str, ZhSpan]) -> None:
    """A quoted name and the nouns after it: 「十五五」規劃, 『一帶一路』綠色發展香港合作平台.

    The quotation marks mark the name inside a longer one; the run after them
    stops at a verb, a count or a particle.
    """
    for m in _QUOTED.finditer(text):
        rest = _CLAUSE.match(text, m.end())
        words = tagged_words(rest.group()) if rest is not None else ()
        for b, (word, tag, off) in enumerate(words[:MAX_TOKENS], 1):
            if tag.startswith((*_INNER_BREAKS, "m", "q")) or _known_verb(word, tag):
                break
            if not _edge_ok(word, tag):  # a particle or a word no term ends with
                break
            if tag.startswith("n"):
                end = m.end() + off + len(word)
                piece = text[m.start() : end]
                tail = words[:b]
                spans.setdefault(
                    piece,
                    ZhSpan(
                        piece,
                        m.start(),
                        end,
                        "run",
                        (m.group(), *(w for w, _, _ in tail)),
                        ("nz", *(t for _, t, _ in tail)),
                    ),
                )


def chinese_spans(text: str) -> list[ZhSpan]:
    """The candidate terms of one Chinese sentence, each (text, kind) once."""
    spans: dict[str, ZhSpan] = {}
    for m in _QUOTED.finditer(text):
        spans[m.group(1)] = ZhSpan(m.group(1), m.start(1), m.end(1), "quoted")
    _quoted_and_noun(text, spans)
    for m in _LATIN.finditer(text):
        # A name the Chinese writes in Latin letters (Saiful Adib Bin Abdul Munaff) is
        # one candidate, however many words it has; in brackets, it glosses the name
        # before it (唐納德·特朗普 (Donald Trump)).
        glossed = text[: m.start()].rstrip().endswith(("(", "（"))
        kind = "run" if glossed else "latin"
        spans.setdefault(m.group(), ZhSpan(m.group(), m.start(), m.end(), kind))
    for clause in _CLAUSE.finditer(text):
        words = tagged_words(clause.group())
        base = clause.start()
        dotted = _dotted_names(words)
        # 貝|伯|克 of 安娜琳娜·貝伯克 looks like a Chinese name; the dotted one holds it.
        names = dotted + [
            p for p in _person_names(words) if not any(p[0] < b and a < p[1] for a, b in dotted)
        ]
        for a, (first, tag_a, off) in enumerate(words):
            # A verb opens a clause, unless what follows ends in a name's head
            # (創新科技及工業局, 調景嶺體育館): then it is the name's first word.
            verb = _known_verb(first, tag_a)
            # jieba tags some surnames measure words (章 of 章勇武, 一章 a chapter).
            by_surname = not _edge_ok(first, tag_a) or _opens_no_name(first, tag_a)
            if by_surname and not _surname_start(words, a):
                continue
            for b in range(a + 1, min(len(words), a + MAX_TOKENS) + 1):
                word, tag, _ = words[b - 1]
                if b - 1 > a and (tag.startswith(_INNER_BREAKS) or _counted(word, tag)):
                    break
                if b - 1 > a and tag == "c" and head_of(words[b - 2][0], whole=True):
                    break  # 泳灘及大浪灣泳灘: two names joined, not one
                end = words[b - 1][2] + len(word)
                if end - off > (4 if by_surname else MAX_CHARS):
                    break
                piece = clause.group()[off:end]
                if len(piece) < 2 or not _edge_ok(word, tag) or tag.startswith(("m", "q")):
                    continue
                if tag == "b" and head_of(any_to_simplified(word), whole=True) is None:
                    continue  # 海事處高級: a modifier (高級, 甲型) ends no name; 主任 is a title
                if b - 1 > a and len(word) > 1 and _known_verb(word, tag) and not _headed(piece):
                    continue  # 特拉斯宣布: a name, then what she did (立法會選舉: an event)
                if piece in spans or (verb and b - 1 == a):
                    continue
                head = head_of(any_to_simplified(piece)) if verb or names else None
                # A name goes on into a place's or a body's head (莫納亨郡), not a title's:
                # 陳曼琪議員 is the member and her title.
                named = head is not None and head[2] != "title"
                if (verb and head is None) or _cuts_a_name(off, end, names, named):
                    continue
                joined = any(t == "c" for _, t, _ in words[a:b])
                if joined and not joins_inside(piece):
                    continue  # 斯洛文尼亞和瑞士 is two names; 康樂及文化事務署 is one
                spans[piece] = ZhSpan(
                    piece,
                    base + off,
                    base + end,
                    "run",
                    tuple(w for w, _, _ in words[a:b]),
                    tuple(t for _, t, _ in words[a:b]),
                )
    return list(spans.values())

"""Lines of a PDF's text layer to paragraphs: where one ends, how lines join, what glyphs mean.

- A paragraph ends where the next line is further down than the text's usual
  line pitch, changes size, is indented, or where the line above left room
  for the next line's first word (so it ended short on purpose).
- Lines join by script: without a space in Chinese (also around the ASCII
  punctuation and the pinyin a Chinese line carries, so ``學習時`` +
  ``(shí)就加強`` is ``學習時(shí)就加強``), with one in English.
- A hyphen at a line end: a soft hyphen always goes; a hyphen between letters
  goes when the document itself, or an English vocabulary (the glosses of
  CC-CEDICT, shipped with bitext), has the word whole (``impl-`` + ``ement``)
  and stays otherwise (``cutting-`` + ``edge``).
- Fonts that share one glyph between a CJK radical and its ideograph make the
  text layer say the radical (``⼊`` U+2F0A for ``入``): Kangxi radicals,
  radical supplement forms and compatibility ideographs are mapped to the
  unified ideographs, as are Latin ligatures (``ﬁ``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from itertools import pairwise

from bitext.read._pdf_lines import Line, is_wide

#: Unicode's EquivalentUnifiedIdeograph data for the CJK Radicals Supplement, which
#: NFKC leaves alone (two of its 115 code points have a decomposition).
_SUPPLEMENT = {
    chr(int(radical, 16)): chr(int(ideograph, 16))
    for radical, ideograph in re.findall(
        r"(\w+):(\w+)",
        "2E80:51AB 2E81:5382 2E82:4E5B 2E83:4E5A 2E84:4E59 2E85:4EBB 2E86:5182 2E89:5202 "
        "2E8A:535C 2E8B:353E 2E8E:5140 2E8F:5C23 2E90:5C22 2E92:5DF3 2E93:5E7A 2E94:5F51 "
        "2E95:5F50 2E96:5FC4 2E97:38FA 2E98:624C 2E99:6535 2E9B:65E1 2E9D:6708 2E9E:6B7A "
        "2E9F:6BCD 2EA0:6C11 2EA1:6C35 2EA2:6C3A 2EA3:706C 2EA5:722B 2EA6:4E2C 2EA8:72AD "
        "2EAB:7F52 2EAC:793A 2EAD:793B 2EAF:7CF9 2EB0:7E9F 2EB1:7F53 2EB3:34C1 2EB4:34C1 "
        "2EB9:8002 2EBA:8080 2EBC:6708 2EBD:81FC 2EBE:8279 2EBF:8279 2EC0:8279 2EC1:864E "
        "2EC2:8864 2EC3:8980 2EC4:897F 2EC5:89C1 2EC8:8BA0 2EC9:8D1D 2ECB:8F66 2ECD:8FB6 "
        "2ECF:961D 2ED0:9485 2ED1:9577 2ED2:9578 2ED3:957F 2ED6:961D 2ED8:9752 2ED9:97E6 "
        "2EDA:9875 2EDB:98CE 2EDC:98DE 2EDD:98DF 2EDF:98E0 2EE0:9963 2EE2:9A6C 2EE3:9AA8 "
        "2EE4:9B3C 2EE5:9C7C 2EE6:9E1F 2EE7:5364 2EE8:9EA6 2EE9:9EC4 2EEA:9EFE 2EEB:6589 "
        "2EEC:9F50 2EED:6B6F 2EEE:9F7F 2EEF:7ADC 2EF0:9F99 2EF1:9F9C 2EF2:4E80 2EF3:9F9F",
    )
}
#: Kangxi radicals, compatibility ideographs (both planes) and Latin ligatures: NFKC maps them.
_NFKC_GLYPHS = re.compile("[\u2f00-\u2fd5\uf900-\ufaff\ufb00-\ufb06\U0002f800-\U0002fa1f]")
_SUPPLEMENT_GLYPHS = re.compile("[\u2e80-\u2eff]")
_LATIN_END = re.compile(r"[A-Za-z0-9]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9]")
_HYPHENS = "-\u2010"
_WORD_END = re.compile(r"([A-Za-z]+)[-\u2010]$")
_WORD_START = re.compile(r"^([a-z]+)")
_HYPHEN_END = re.compile(r"[A-Za-z0-9][-\u2010]$")
_WORDS = re.compile(r"[A-Za-z]+(?:[-\u2010][A-Za-z]+)*")
#: A page break after a full line ending in these ends the paragraph: on the Hong Kong
#: releases printed by benchmarks/pdf_read.py this is right more often than going on
#: (figures in docs/benchmarks.md, "Reading PDFs").
_CLOSING = tuple("。！？；：.!?;:")
_QUOTES = "」』”’\"')）"
#: A paragraph ends where a line is further below the previous one than this many usual pitches.
PITCH_BREAK = 1.35


def unified_glyphs(text: str) -> str:
    """Radical and compatibility code points as the ideographs (and letters) they draw."""
    text = _NFKC_GLYPHS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    # Noto CJK draws a doubled em dash as one glyph the text layer calls a two-em dash,
    # and names its em dash's glyph by the horizontal bar that shares it.
    text = text.replace("\u2e3a", "\u2014\u2014").replace("\u2e3b", "\u2014" * 3)
    text = text.replace("\u2015", "\u2014")
    return _SUPPLEMENT_GLYPHS.sub(lambda m: _SUPPLEMENT.get(m.group(), m.group()), text)


def build_paragraphs(lines: Sequence[Line]) -> list[tuple[str, int]]:
    """The lines, in reading order, as (paragraph text, page it starts on)."""
    lines = [replace(line, text=unified_glyphs(line.text)) for line in lines]
    if not lines:
        return []
    edges = _column_edges(lines)
    pitch = _usual_pitch(lines)
    words = _document_words(lines)
    groups: list[list[Line]] = [[lines[0]]]
    for line in lines[1:]:
        if _continues(groups[-1][-1], line, edges, pitch):
            groups[-1].append(line)
        else:
            groups.append([line])
    return [(_join(group, words), group[0].page) for group in groups]


def _column_edges(lines: Sequence[Line]) -> dict[tuple[int, str], tuple[float, float]]:
    """Each page column's left edge (where its lines start) and right edge (where full
    lines end: a tenth of the lines may overrun it, as a URL that cannot break does)."""
    ends: dict[tuple[int, str], tuple[list[float], list[float]]] = {}
    for line in lines:
        starts, stops = ends.setdefault((line.page, line.column), ([], []))
        starts.append(line.x0)
        stops.append(line.x1)
    return {
        key: (min(starts), sorted(stops, reverse=True)[len(stops) // 10])
        for key, (starts, stops) in ends.items()
    }


def _usual_pitch(lines: Sequence[Line]) -> dict[float, float]:
    """The distance from one line's top to the next's inside a paragraph, per font size."""
    steps: dict[float, list[float]] = {}
    for a, b in pairwise(lines):
        step = b.top - a.top
        same = (a.page, a.column) == (b.page, b.column) and abs(a.size - b.size) < 0.5
        if same and 0 < step < 3 * a.size:
            steps.setdefault(round(a.size), []).append(step)
    # A low quantile, not the median: in a release of one-line paragraphs (figures,
    # contacts) most steps cross a paragraph gap; the lines of one paragraph are closest.
    return {size: sorted(found)[len(found) // 5] for size, found in steps.items()}


def _continues(
    a: Line,
    b: Line,
    edges: dict[tuple[int, str], tuple[float, float]],
    pitch: dict[float, float],
) -> bool:
    """Whether line `b` goes on the paragraph that line `a` is in."""
    if a.column != b.column or abs(a.size - b.size) > 0.15 * a.size:
        return False
    left, right = edges[(a.page, a.column)]
    # The line above had room for this line's first word: it ended its paragraph.
    if right - a.x1 > b.first_word + 0.3 * a.size:
        return False
    b_left = edges[(b.page, b.column)][0]
    if b.x0 > b_left + a.size and a.x0 <= left + 0.5 * a.size:
        return False  # a first-line indent
    if a.page != b.page:
        # A full line at a page's end goes on at the next page's top, unless it ends
        # a sentence or a list item: there the page break hides the paragraph break.
        return not a.text.rstrip().rstrip(_QUOTES).endswith(_CLOSING)
    usual = pitch.get(round(a.size), 1.5 * a.size)
    return 0 < b.top - a.top <= PITCH_BREAK * usual


def _join(group: Sequence[Line], words: Counter[str]) -> str:
    text = group[0].text
    for line in group[1:]:
        text = join_lines(text, line.text, words)
    return text


def join_lines(a: str, b: str, words: Counter[str] | None = None) -> str:
    """Two lines of one paragraph as one: by script, across a hyphen where the word is whole."""
    a, b = a.rstrip(), b.lstrip()
    if a.endswith("\u00ad"):
        return a[:-1] + b
    end, start = _WORD_END.search(a), _WORD_START.match(b)
    if end and start:
        if _hyphen_breaks_word(end.group(1), start.group(1), a[-1], words or Counter()):
            return a[:-1] + b
        return a[:-1] + "-" + b  # a real hyphen, in the one form the other formats write
    if _HYPHEN_END.search(a) and _LATIN_START.match(b):
        # Before a capital or a digit the hyphen is the text's own (Guangdong-Hong Kong,
        # end-September, 2024-2025): only a soft hyphen would break a word there.
        return a[:-1] + "-" + b
    if _chinese(a):
        # In Chinese only two Latin words side by side keep a space between them.
        return a + (" " if _LATIN_END.search(a) and _LATIN_START.match(b) else "") + b
    return a + ("" if is_wide(b[:1]) or is_wide(a[-1:]) else " ") + b


def _chinese(line: str) -> bool:
    wide = sum(1 for ch in line if is_wide(ch))
    return wide > 0 and wide >= sum(1 for ch in line if ch.isascii() and ch.isalpha()) / 3


def _document_words(lines: Sequence[Line]) -> Counter[str]:
    """Every Latin word of the document (hyphenated ones whole too), lower case, counted."""
    found: Counter[str] = Counter()
    for line in lines:
        for word in _WORDS.findall(line.text):
            low = word.lower().replace("\u2010", "-")
            found[low] += 1
            found.update(low.split("-"))
    return found


def _hyphen_breaks_word(left: str, right: str, hyphen: str, words: Counter[str]) -> bool:
    """Whether the hyphen between `left` and `right` at a line end only breaks a word.

    The document decides first: the word seen whole (``implement``) or hyphenated
    (``cross-border``) elsewhere in it. Then how the hyphen was written: Chromium
    writes the hyphen it adds at a soft hyphen as U+2010 and keeps the text's own
    as ``-``. A ``-`` goes only where the word is in the vocabulary and a half is
    no word (``impl-ement``); ``semi-conductors``, ``multi-dimensional`` and
    ``co-operation`` keep theirs.
    """
    whole = (left + right).lower()
    if words[whole]:
        return True
    if words[f"{left}-{right}".lower()]:
        return False
    if hyphen == "\u2010":
        return True
    vocabulary = english_vocabulary()
    if not _base_forms(whole) & vocabulary:
        return False
    return not (_base_forms(left.lower()) & vocabulary and _base_forms(right.lower()) & vocabulary)


def _base_forms(word: str) -> set[str]:
    forms = set()
    # CC-CEDICT glosses in American spelling; Hong Kong writes British (organising).
    for spelling in {
        word,
        word.replace("is", "iz"),
        word.replace("our", "or"),
        word.replace("ce", "se"),
    }:
        forms.add(spelling)
        for suffix, ending in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e")):
            if spelling.endswith(suffix) and len(spelling) > len(suffix) + 2:
                forms.add(spelling[: -len(suffix)] + ending)
        for suffix in ("ing", "ly", "ment", "ness"):
            if spelling.endswith(suffix) and len(spelling) > len(suffix) + 3:
                forms |= {spelling[: -len(suffix)], spelling[: -len(suffix)] + "e"}
    return forms


@cache
def english_vocabulary() -> frozenset[str]:
    """The words of CC-CEDICT's English glosses, lower case."""
    # Imported here: only a PDF with a doubtful line-end hyphen needs the dictionary.
    from bitext.align.word_keys import cedict

    return frozenset(
        word.lower()
        for senses in cedict().values()
        for sense in senses
        for word in re.findall(r"[A-Za-z]+", sense)
    )

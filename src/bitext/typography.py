"""Typography: which language's writing a stretch of letters is set in.

A name crosses scripts; its typography does not. Chinese sets a Latin name
without spaces against the Han characters and full-width marks around it
(``（一）Białobrzegi區``, ``及WWD Fashion Loves Culture時``); English spaces
its words and glosses a Chinese name in ASCII brackets after a space
(``Lo Wu (羅湖)``). `bitext.langsplit` weighs letters by the writing they sit
in, so that a list of foreign names in a Chinese release is Chinese text and
an English list of glossed Chinese names is English text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from bitext.charclass import HAN_CLASS

__all__ = ["chinese_framed", "english_framed", "has_chinese_mark"]

# Chinese typography: Han characters and full-width / CJK punctuation (（）「」《》、，。：).
# Full-width letters and digits are not marks of either language: they are left out.
_ZH_MARK = (
    f"{HAN_CLASS}\u3001-\u303f\ufe30-\ufe4f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
)
# Latin letters (accented and full-width ones too) and digits.
_ALNUM = "0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1effＡ-Ｚａ-ｚ０-９"
# A Latin stretch set *inside* Chinese typography, with no space between:
# enclosed on both sides (（Wayne McGregor: On The Other Earth）, 及WWD Fashion
# Loves Culture時) or, one side only, the one token glued to a mark
# (（一）Białobrzegi區, EnsembleTX建基於). English typography always spaces a word
# from a neighbouring name, so neither ever occurs in English prose; and the
# glued end must be a letter or digit, so a bracketed gloss `頻道(International
# Exchange)` keeps counting as English, as an English phrase in brackets should.
# The last branch starts only where a token starts: tried at every position, a
# long token with no mark after it would be rescanned from each: quadratic.
_ZH_FRAMED_RE = re.compile(
    f"(?<=[{_ZH_MARK}])(?=[{_ALNUM}])[^{_ZH_MARK}]+(?<=[{_ALNUM}])(?=[{_ZH_MARK}])"
    f"|(?<=[{_ZH_MARK}])[{_ALNUM}][^\\s{_ZH_MARK}]*"
    f"|(?<![^\\s{_ZH_MARK}])[^\\s{_ZH_MARK}]*[{_ALNUM}](?=[{_ZH_MARK}])"
)
# Han set inside English typography: a gloss in ASCII brackets or quotes right
# after an English word and a space (Lo Wu (羅湖), the slogan "同心"). Chinese
# typography mostly glues its brackets to the characters around them; mainland
# style may space one (使用 iPhone (苹果手机)), which is why `script_weights`
# takes glosses as English only when they are all the Han in the paragraph.
_EN_FRAMED_RE = re.compile(f"[A-Za-z\u00c0-\u024f][,:]? [(\"']([{HAN_CLASS}][^()\"'\n]*?)[)\"']")


_ZH_MARK_RE = re.compile(f"[{_ZH_MARK}]")


def has_chinese_mark(text: str) -> bool:
    """Whether `text` holds a Han character or a full-width / CJK punctuation mark."""
    return _ZH_MARK_RE.search(text) is not None


def chinese_framed(text: str) -> Callable[[int], bool]:
    """Whether position i of `text` lies in Latin text set in Chinese typography."""
    return _inside([m.span() for m in _ZH_FRAMED_RE.finditer(text)])


def english_framed(text: str) -> Callable[[int], bool]:
    """Whether position i of `text` lies in Han text glossed in English typography."""
    return _inside([m.span(1) for m in _EN_FRAMED_RE.finditer(text)])


def _inside(spans: list[tuple[int, int]]) -> Callable[[int], bool]:
    starts = [a for a, _ in spans]

    def test(i: int) -> bool:
        k = bisect.bisect_right(starts, i) - 1
        return k >= 0 and i < spans[k][1]

    return test

"""Word evidence for repairs: which character reads best between its neighbours.

A unigram word model over jieba's dictionary (Simplified Chinese, so every
lookup goes through `to_simplified`) scores a short window; the candidate that
gives the most probable segmentation wins. Scoring the whole window, rather
than asking "does it form a word with a neighbour", keeps frequent function
characters (就, 在) from losing to a rare word that happens to exist (时滞).
The dictionary loads on first use, i.e. only for paragraphs with damage.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import cache

from bitext._jieba import tokenizer
from bitext.charclass import HAN_RUN_RE, is_han
from bitext.normalize.pinyin import strip_pinyin
from bitext.normalize.zh_script import is_traditional, to_simplified

CONTEXT = 4  # Han characters of context each side: jieba words rarely run longer
_MAX_WORD = 6
#: Log probability of one common punctuation mark: about one token in fifty in news.
PUNCT_LOG_PROB = math.log(0.02)
#: Punctuation Chinese and English prose actually use; rarer marks (＂ ﹁ ︱) cost
#: like unknown characters, or every garble byte pair would "decode" to them.
COMMON_PUNCT = frozenset("、，。：；！？“”‘’《》〈〉（）「」『』【】—…·,.;:!?()\"'-")


@cache
def _dictionary() -> tuple[dict[str, int], float]:
    dt = tokenizer()
    return dt.FREQ, math.log(dt.total)


def word_freq(word: str) -> int:
    """jieba frequency of `word` (any script); 0 when unknown."""
    return _dictionary()[0].get(to_simplified(word), 0) or 0


def log_prob(text: str) -> float:
    """Log probability of `text` under jieba's unigram word model.

    Han runs take their best segmentation; common punctuation costs
    `PUNCT_LOG_PROB` (jieba's dictionary has none); anything else, like an
    unknown character, costs as much as a word seen once.
    """
    total = 0.0
    pos = 0
    for m in HAN_RUN_RE.finditer(text):
        total += sum(map(_other_log_prob, text[pos : m.start()])) + _han_log_prob(m.group())
        pos = m.end()
    return total + sum(map(_other_log_prob, text[pos:]))


def _other_log_prob(ch: str) -> float:
    if ch in COMMON_PUNCT:
        return PUNCT_LOG_PROB
    return -_dictionary()[1]


def _han_log_prob(text: str) -> float:
    freq, log_total = _dictionary()
    s = to_simplified(text)
    best = [0.0] + [-math.inf] * len(s)
    for end in range(1, len(s) + 1):
        for start in range(max(0, end - _MAX_WORD), end):
            f = freq.get(s[start:end], 0) or (1 if end - start == 1 else 0)
            if f:
                best[end] = max(best[end], best[start] + math.log(f) - log_total)
    return best[-1]


def left_context(text: str, i: int) -> str:
    """Up to `CONTEXT` Han characters ending at `i`, pinyin annotations ignored."""
    window = strip_pinyin(text[max(0, i - 8 * CONTEXT) : i])
    j = len(window)
    while j > 0 and len(window) - j < CONTEXT and is_han(window[j - 1]):
        j -= 1
    return window[j:]


def right_context(text: str, i: int) -> str:
    """Up to `CONTEXT` Han characters starting at `i`, pinyin annotations ignored."""
    window = strip_pinyin(text[i : i + 8 * CONTEXT])
    j = 0
    while j < min(len(window), CONTEXT) and is_han(window[j]):
        j += 1
    return window[:j]


def best_char(candidates: Iterable[str], left: str, right: str) -> str | None:
    """The candidate that makes ``left + candidate + right`` most probable; None without any.

    Ties between the Traditional and the Simplified form of one character go
    to the script of the context, so that a repair does not mix scripts when
    the caller keeps the script (``zh_script="keep"``).
    """
    context_traditional = is_traditional(left + right)
    scored = [
        (log_prob(left + c + right), is_traditional(c) == context_traditional, word_freq(c), c)
        for c in dict.fromkeys(candidates)
    ]
    return max(scored)[-1] if scored else None

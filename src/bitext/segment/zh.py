"""Chinese sentence boundaries: punctuation rules tuned for alignment against English.

A sentence ends after 。！？ (or a run of them, with ellipses), plus any closing
quotes and brackets right after it (``。”``, ``！」``, ``。）``). ；，： never end a
sentence. ASCII ``!?`` end one only in Chinese context, and ASCII ``.`` only
after a Han character and before whitespace, so ``3.5``, ``U.S.`` and
``www.cq.gov.cn`` stay whole.

Quotes. Bertalign and most aligners split after every ``。”``. We split there
too, except when what follows is an attribution that closes the sentence
(``“……。”他说。``, ``“……！”她问道，“……”``) or a word bound to the quote
(``“……？”的问题``, ``“……！”、“……！”``). English writes the first as one
sentence (``"...," he said.``), so splitting would leave a tiny ``他说。`` that
no English sentence matches and the aligner must glue back with a weak 1-2
bead. Terminators *inside* a quote still split (``“甲。乙。”``), as in English,
where Punkt splits ``"A. B."`` the same way. Measured with
``benchmarks/segment_gold.py``: on wmt22-news, whose Chinese units were
translated segment by segment from English, this rule matches the gold units
better than splitting after every ``。”``; on mac-dev, segmented by a tool in
Bertalign's convention, plain splitting matches a few more.

Ellipses. A bare ``……`` mostly trails off inside a sentence, so it ends one
only before an opening quote or bracket, or when 。！？ or a closing quote
joins it. ASCII ``?`` between ideographs near another ``?`` is taken for
encoding damage (the paragraph's damage spans, passed as protected spans,
settle the rest).
"""

from __future__ import annotations

import re

from bitext.charclass import is_han

_STRONG = "。！？｡"
_ELLIPSIS = "…⋯"
# Characters that continue a terminator run ("？！", "……。", "!!!", "...").
_RUN = _STRONG + _ELLIPSIS + "!?.．"
_FW_CLOSERS = "”’」』）》〉】〕〗］｝"
_CLOSERS = _FW_CLOSERS + ")]}»›"
_QUOTE_CLOSERS = '”’」』»›"'
_OPENERS = '“‘「『（《〈【〔〖［｛([{«‹"'
# A terminator directly followed by one of these is not the end of a sentence.
_CONTINUATION = "，、,；;：:"
# Words glued to a quoted exclamation or question: “为什么？”的问题, “……！”等口号.
_BOUND = "的等之和与與及"
# Sentence-final particles: a "?" right after one is a real question mark,
# not a lost character.
_PARTICLES = "吗嗎呢吧么麼嘛啊呀哪哇啦"
# How far (characters) to look for a second "?" that betrays encoding damage.
_DAMAGE_WINDOW = 6
_CLAUSE_END = re.compile(r"[，,：:；;。！？!?…\n]")
_SPEECH = re.compile(
    r"(?:说|說|道|称|稱|表示|指出|强调|強調|介绍|介紹|透露|坦言|问|問|答|回答|补充|補充"
    r"|解释|解釋|写道|寫道|告诉|告訴|宣布|宣佈|认为|認為|感叹|感嘆|呼吁|呼籲|总结|總結"
    r"|回忆|回憶|笑言|直言|提到|谈到|談到)"
    r"(?:记者|記者|我们|我們|大家|他们|他們|她们|她們|他|她|道)?$"
)
# Longest attribution kept with its quote, in characters (spaces around digits
# and Latin words included): "这位参议员 7 月份在推特上写道".
_MAX_ATTRIBUTION = 20


def _is_latin_lower(ch: str) -> bool:
    # Pinyin debris after mojibake ("日?qǐng)") starts with a lower-case Latin
    # letter, tone marks included; a real sentence never does in Chinese text.
    return ch.islower() and ord(ch) < 0x0250


def _ascii_ends(text: str, i: int) -> bool:
    """Whether the ASCII ``!``/``?`` at `i` ends a Chinese sentence."""
    prev = text[i - 1] if i else ""
    if not (is_han(prev) or prev in _FW_CLOSERS):
        return False  # "Yahoo!", "what?" inside Latin text
    j = i
    while j < len(text) and text[j] in _RUN:
        j += 1
    nxt = text[j] if j < len(text) else ""
    if nxt and _is_latin_lower(nxt):
        return False
    # "出?!保涸趯?duì": decoders put "?" for bytes they cannot map, so a "?"
    # between ideographs with another "?" a few characters away is encoding
    # damage, not a question mark (one right after 吗/呢/... is always real).
    if text[i] == "?" and is_han(prev) and is_han(nxt) and prev not in _PARTICLES:
        near = text[max(0, i - _DAMAGE_WINDOW) : i] + text[j : j + _DAMAGE_WINDOW]
        return "?" not in near
    return True


def _terminator(text: str, i: int) -> str | None:
    """``"strong"``/``"ellipsis"`` when a sentence may end at `i`, else None."""
    ch = text[i]
    if ch in _STRONG:
        return "strong"
    if ch in _ELLIPSIS:
        return "ellipsis"
    if ch in "!?":
        return "strong" if _ascii_ends(text, i) else None
    if ch == "." and i and is_han(text[i - 1]):
        if text.startswith("...", i):
            return "ellipsis"
        if i + 1 == len(text) or text[i + 1].isspace():
            return "strong"
    return None


def _extend(text: str, i: int) -> tuple[int, bool, bool]:
    """End of the terminator run and closers from `i`; whether it held 。！？ and a quote."""
    j, strong, quoted = i, False, False
    while j < len(text):
        ch = text[j]
        if ch in _RUN:
            strong = strong or ch in _STRONG or ch in "!?"
        elif ch in _CLOSERS or (ch == '"' and text.count('"', 0, j) % 2 == 1):
            quoted = quoted or ch in _QUOTE_CLOSERS
        else:
            break
        j += 1
    return j, strong, quoted


def _next_char(text: str, j: int) -> str:
    """The first non-whitespace character at or after `j`, or ``""``."""
    return text[j:].lstrip()[:1]


def _attribution_follows(text: str, j: int) -> bool:
    """Whether `text[j:]` starts with "他说。" or "他说，“" (speaker tail of a quote)."""
    if text[j].isspace():
        return False  # Chinese puts no space before an attribution; a new sentence follows
    m = _CLAUSE_END.search(text, j)
    end = m.start() if m else len(text)
    clause = text[j:end].rstrip()
    if not (0 < len(clause) <= _MAX_ATTRIBUTION and _SPEECH.search(clause)):
        return False
    if clause[0] in "没沒不无無未别別":
        return False  # "“为何？”没人回答。" reports silence, a new sentence
    if end == len(text) or text[end] in "。！？!?…":
        return True
    # “……。”他说，“……。”: the quote resumes, one sentence in English. With a
    # colon (他说：“……”) the verb introduces a new quote, a new sentence.
    return text[end] in "，," and _next_char(text, end + 1) in ("“", "「", "『", '"')


def _is_boundary(text: str, j: int, strong: bool, quoted: bool) -> bool:
    """Whether a sentence ends at `j`, right after a terminator run and its closers."""
    if j >= len(text):
        return False
    ch = text[j]
    if ch in _CONTINUATION:
        return False
    if quoted and (ch in _BOUND or _attribution_follows(text, j)):
        return False
    if not strong and not quoted:
        # A bare "……" is mostly a trailing-off inside a sentence ("等等……",
        # "我…… 我……", even with a space after it): end only where a new
        # quote or bracket opens.
        nxt = _next_char(text, j)
        return nxt != "" and nxt in _OPENERS
    return True


def cuts(text: str) -> list[int]:
    """Offsets in `text` where a new Chinese sentence begins."""
    out: list[int] = []
    i = 0
    while i < len(text):
        kind = _terminator(text, i)
        if kind is None:
            i += 1
            continue
        j, strong, quoted = _extend(text, i)
        if _is_boundary(text, j, strong or kind == "strong", quoted):
            out.append(j)
        i = max(j, i + 1)
    return out

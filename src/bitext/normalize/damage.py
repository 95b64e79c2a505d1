"""Encoding damage: find garbled spans, flag them, and repair them where evidence allows.

Press releases copied through a wrong code page arrive with marks like
``借船出?!保涸趯?duì)外`` (GBK bytes read one byte off, from ``借船出海”：在對(duì)外``)
or ``重慶日?qǐng)?bào)報業`` (a character lost, its pinyin annotation orphaned).
What counts as a mark:

- U+FFFD, always;
- an orphan pinyin ``?bào)``: a lost character whose reading survived;
- a ``?`` that continues a Han clause (followed by Han, kana or a GBK symbol,
  ``!``, ``?``, a comma-like mark, U+FFFD or an orphan pinyin) and follows Han
  that is not a question particle (吗, 呢, ...) or a clause mark (、，): a real
  question mark ends the clause, a lost character sits inside a word.

Marks separated by a short gap that is garble too (it undoes as a GBK shift,
or holds a rare character, a symbol, a stray ``!``) form one damaged span,
widened over adjacent characters jieba has never seen. Nothing is ever dropped
without being inside a span, whose `raw` keeps the input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TypeGuard

from bitext.charclass import is_han
from bitext.normalize._text import Edit, Label, Tracked
from bitext.normalize.pinyin import SYLLABLE_CHARS, chars_for_reading, toned_pinyin_syllables
from bitext.normalize.word_evidence import (
    best_char,
    left_context,
    log_prob,
    right_context,
    word_freq,
)

_ORPHAN_RE = re.compile(rf"[?\ufffd][(（]?([{SYLLABLE_CHARS}]{{1,8}})[)）]")
#: Clause-final particles after which ``?`` is a real question mark even without a space.
QUESTION_PARTICLES = frozenset("吗嗎呢么麼吧啊呀哪谁誰何啦嘛")
_CLAUSE_OPENERS = frozenset("、，；：（「『《【“")
#: Marks a repair may not introduce: the damaged span has to stay inside one sentence.
SENTENCE_FINAL = frozenset("。！？!?.．｡")
_MAX_GAP = 8  # longest garbled stretch between two marks that still makes them one span
_RARE = 100  # jieba frequency under which a character is unusual in running text
# Natural-log units per character: mojibake pairs bytes into unrelated, mostly
# rare characters or symbols, so a real undo gains several (-5.3 vs -11.1 on the sample).
_MARGIN = 2.0


@dataclass(frozen=True, slots=True)
class Mark:
    """A lost character at `text[start:end]`; `reading` is its pinyin when that survived."""

    start: int
    end: int
    reading: str | None = None


def find_marks(text: str, labels: tuple[Label | None, ...] | None = None) -> list[Mark]:
    """Every lost-character mark in `text`, in order; already flagged characters are skipped."""
    free = [True] * len(text) if labels is None else [lab is None for lab in labels]
    marks: list[Mark] = []
    for m in _ORPHAN_RE.finditer(text):
        if all(free[m.start() : m.end()]) and toned_pinyin_syllables(m.group(1), 1):
            marks.append(Mark(m.start(), m.end(), unicodedata.normalize("NFC", m.group(1))))
    orphan_at = {mark.start: mark for mark in marks}
    covered = {i for mark in marks for i in range(mark.start, mark.end)}
    previous_lost = False
    for i, ch in enumerate(text):
        if i in covered or not free[i]:
            previous_lost = i in covered
            continue
        lost = ch == "\ufffd" or (
            ch == "?" and _continues_clause(text, i, previous_lost, orphan_at)
        )
        if lost:
            marks.append(Mark(i, i + 1))
        previous_lost = lost
    return sorted(marks, key=lambda mark: mark.start)


def _continues_clause(text: str, i: int, previous_lost: bool, orphan_at: dict[int, Mark]) -> bool:
    before = text[i - 1] if i else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    # ?, ?; ?。 never end a question: the ? stands for something lost.
    after_ok = _is_garble_char(after) or after in "?!\ufffd,;:、，；：。" or (i + 1) in orphan_at
    # After 、 or ， a question cannot have been asked yet (the sample writes ， as ",").
    after_comma = before in ",;:" and i > 1 and is_han(text[i - 2])
    opens_clause = before in _CLAUSE_OPENERS or after_comma
    opens_clause = opens_clause or (is_han(before) and before not in QUESTION_PARTICLES)
    return bool(after) and after_ok and (previous_lost or opens_clause)


def _is_garble_char(ch: str) -> bool:
    """Han, or a non-Latin letter/symbol: GBK holds kana, Cyrillic, ⒖, ⑹, so mojibake shows them."""
    latin = ord(ch) < 0x370 or 0x1E00 <= ord(ch) <= 0x1EFF if ch else True
    return is_han(ch) or (not latin and unicodedata.category(ch)[0] in "LNS")


def _belong_together(text: str, a: Mark, b: Mark) -> bool:
    """True when the text between marks `a` and `b` is garble too, so they are one span.

    The gap must be short Han/punctuation and either undo as a GBK shift or
    look unusual (a rare character, a symbol, a stray ``!``): two lost
    characters around ordinary words are two separate damages.
    """
    gap = text[a.end : b.start]
    if not gap:
        return True
    shaped = len(gap) <= _MAX_GAP
    shaped = shaped and all(_is_garble_char(c) or unicodedata.category(c)[0] == "P" for c in gap)
    if not shaped:
        return False
    unusual = any(
        c in "?!" or (is_han(c) and word_freq(c) < _RARE) or (_is_garble_char(c) and not is_han(c))
        for c in gap
    )
    return unusual or undo_gbk_shift(text, [a, b]) is not None


def group_marks(text: str, marks: list[Mark]) -> list[list[Mark]]:
    """Marks that belong to one damaged span (see `_belong_together`), in order."""
    groups: list[list[Mark]] = []
    for mark in marks:
        if groups and _belong_together(text, groups[-1][-1], mark):
            groups[-1].append(mark)
        else:
            groups.append([mark])
    return groups


def _widen(text: str, start: int, end: int, labels: tuple[Label | None, ...]) -> tuple[int, int]:
    """Extend `[start, end)` over adjacent mojibake: Han no dictionary knows, a stray ``!``.

    A ``!`` glued to a lost character is a folded ``！`` byte pair from the
    garble; left outside it would end the sentence in the middle of a word.
    """

    def unknown(i: int) -> bool:
        if labels[i] is not None:
            return False
        return text[i] == "!" or (is_han(text[i]) and word_freq(text[i]) == 0)

    while start > 0 and unknown(start - 1):
        start -= 1
    while end < len(text) and unknown(end):
        end += 1
    return start, end


def damage_edits(t: Tracked) -> list[Edit]:
    """Edits that replace each damaged span by its repair (or itself) under a new label."""
    edits: list[Edit] = []
    groups = group_marks(t.text, find_marks(t.text, t.labels))
    taken = 0
    for k, group in enumerate(groups):
        core_start, core_end = group[0].start, group[-1].end
        start, end = _widen(t.text, core_start, core_end, t.labels)
        # Two groups too far apart to be one span can both widen over the unknown
        # characters between them (found by fuzzing): the earlier group keeps them.
        following = groups[k + 1][0].start if k + 1 < len(groups) else len(t.text)
        start, end = max(start, taken), min(end, following)
        taken = end
        new, repaired = repair_span(t.text, group)
        repaired = repaired and (start, end) == (core_start, core_end)
        new = t.text[start:core_start] + new + t.text[core_end:end]
        edits.append(Edit(start, end, new, Label(t.raw(start, end), repaired)))
    return edits


def repair_span(text: str, group: list[Mark]) -> tuple[str, bool]:
    """Best text for the span of `group` and whether it is a full repair.

    A GBK one-byte shift is undone when the shifted bytes read as common text;
    otherwise each run of adjacent marks with a surviving reading becomes the
    character with that reading that reads best between its neighbours. Runs
    without a reading stay as they are and leave the span unrepaired.
    """
    shifted = undo_gbk_shift(text, group)
    if shifted is not None:
        return shifted, True
    out: list[str] = []
    repaired = True
    cur = group[0].start
    for run in _adjacent_runs(group):
        out.append(text[cur : run[0].start])
        guess = _repair_run(text, run)
        repaired = repaired and guess is not None
        out.append(guess if guess is not None else text[run[0].start : run[-1].end])
        cur = run[-1].end
    return "".join(out), repaired


def _adjacent_runs(group: list[Mark]) -> list[list[Mark]]:
    runs: list[list[Mark]] = []
    for mark in group:
        if runs and runs[-1][-1].end == mark.start:
            runs[-1].append(mark)
        else:
            runs.append([mark])
    return runs


def _repair_run(text: str, run: list[Mark]) -> str | None:
    """One character for a run of adjacent lost marks, or None when no reading survived.

    Web copies turn one annotated character into two orphans (``?qǐng)?bào)`` for
    報), so a run is one character: the one, among those read as any surviving
    reading, that fits best between the neighbours.
    """
    readings = [mark.reading for mark in run if mark.reading is not None]
    candidates = [c for r in readings for c in chars_for_reading(r) if word_freq(c) > 0]
    left, right = left_context(text, run[0].start), right_context(text, run[-1].end)
    return best_char(candidates, left, right)


def _gbk_pair(ch: str) -> bytes | None:
    """The two GBK bytes of `ch`; ASCII punctuation counts as its fullwidth form.

    Pages that went through the shift were later folded to ASCII punctuation
    (the sample's ``!`` is the ``！`` that bytes A3 A1 spell).
    """
    if ch.isascii() and unicodedata.category(ch)[0] == "P":
        ch = chr(ord(ch) + 0xFEE0)
    try:
        encoded = ch.encode("gbk")
    except UnicodeEncodeError:
        return None
    return encoded if len(encoded) == 2 else None


def _gbk_char(pair: bytes) -> str | None:
    try:
        decoded = pair.decode("gbk")
    except UnicodeDecodeError:
        return None
    return decoded if len(decoded) == 1 and not decoded.isascii() else None


def undo_gbk_shift(text: str, group: list[Mark]) -> str | None:
    """Undo a one-byte GBK shift ``?<garble>?reading)``, or None if it does not read well.

    The garble's bytes re-paired one byte later give the middle characters;
    the first character's lead byte and the last one's trail byte were lost,
    so they are chosen among every GBK character with the surviving byte by
    how well they read in context (and by the surviving reading, if any).
    The evidence for the shift itself: the re-paired text reads as clearly
    more probable Chinese than the garble. A result holding sentence-final
    punctuation is refused, so that the span never splits a sentence.
    """
    if len(group) != 2 or group[0].reading is not None:
        return None
    garble = text[group[0].end : group[1].start]
    pairs = [_gbk_pair(c) for c in garble]
    if not garble or None in pairs:
        return None
    data = b"".join(p for p in pairs if p is not None)
    middle = [_gbk_char(data[k : k + 2]) for k in range(1, len(data) - 1, 2)]
    inner = "".join(c for c in middle if c is not None)
    if len(inner) != len(middle) or any(c in SENTENCE_FINAL for c in inner):
        return None
    firsts = [c for x in range(0x81, 0xFF) if _fits(c := _gbk_char(bytes((x, data[0]))))]
    lasts = [c for y in range(0x40, 0xFF) if _fits(c := _gbk_char(bytes((data[-1], y))))]
    if group[1].reading is not None:
        readable = set(chars_for_reading(group[1].reading))
        lasts = [c for c in lasts if c in readable]
    first = best_char(firsts, left_context(text, group[0].start), right_context(inner, 0))
    last = best_char(lasts, left_context(inner, len(inner)), right_context(text, group[1].end))
    if first is None or last is None:
        return None
    repaired = first + inner + last
    return repaired if _reads_better(repaired, garble) else None


def _fits(ch: str | None) -> TypeGuard[str]:
    # A repair must not end a sentence: the segmenter would split the span.
    return ch is not None and ch not in SENTENCE_FINAL


def _reads_better(repaired: str, garble: str) -> bool:
    """True when `repaired` is clearly more probable Chinese per character than `garble`."""
    return log_prob(repaired) / len(repaired) > log_prob(garble) / len(garble) + _MARGIN

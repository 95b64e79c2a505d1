"""Pinyin: the syllable inventory, annotation debris removal, and char-by-reading lookup.

Some web pages annotate every character with its reading, and copying them
yields ``落實(shí)習(xí)``. Those annotations are removed when they follow a Han
character and parse as real toned pinyin; parentheses holding English, numbers
or toneless words (``(Xinhua)``, ``(2024)``, ``(a)``) are not pinyin and stay.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from bitext.charclass import HAN_CLASS
from bitext.normalize._text import Edit

#: Combining tone marks: macron (1st), acute (2nd), caron (3rd), grave (4th).
TONE_MARKS = frozenset("\u0304\u0301\u030c\u0300")
#: Letters a pinyin syllable can be spelt with, decomposed or not.
SYLLABLE_CHARS = r"A-Za-z\u00c0-\u024f\u0300-\u036f\u1e00-\u1eff"
_MAX_SYLLABLE = 6  # zhuang, chuang, shuang

# Any run of spaces before the bracket, not one: a run is collapsed only later, and an
# annotation left behind by a double space would be removed by a second normalization.
_ANNOTATION_RE = re.compile(rf"(?<=[{HAN_CLASS}]) *[(（] ?([{SYLLABLE_CHARS}' -]{{1,40}}) ?[)）]")
_NEXT_ANNOTATION_RE = re.compile(rf" *[(（] ?([{SYLLABLE_CHARS}' -]{{1,40}}) ?[)）]")


@cache
def _pinyin_dict() -> dict[int, str]:
    """pypinyin's readings of every character, imported when first needed.

    Importing pypinyin loads its phrase dictionary too, which bitext never
    uses; paying that on `import bitext` made every command start slowly.
    """
    from pypinyin.pinyin_dict import pinyin_dict

    return pinyin_dict


@cache
def syllable_inventory() -> frozenset[str]:
    """Every toneless pinyin syllable Mandarin uses (``ü`` kept), from pypinyin's data."""
    readings = (r for joined in _pinyin_dict().values() for r in joined.split(","))
    return frozenset(split_tone(reading)[0] for reading in readings)


def split_tone(syllable: str) -> tuple[str, int]:
    """A syllable lower-cased without its tone marks, and how many tone marks it had."""
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    tones = sum(ch in TONE_MARKS for ch in decomposed)
    # Only tone marks go: ü must stay distinct from u (lü ≠ lu), and ê/ḿ/ǹ fold
    # to e/m/n through their tone or circumflex being dropped as well.
    kept = "".join(ch for ch in decomposed if ch not in TONE_MARKS and ch != "\u0302")
    return unicodedata.normalize("NFC", kept), tones


def _segment(letters: str) -> int | None:
    """Fewest valid syllables spelling `letters` exactly, or None."""
    inventory = syllable_inventory()
    best: list[int | None] = [0] + [None] * len(letters)
    for end in range(1, len(letters) + 1):
        for size in range(1, min(_MAX_SYLLABLE, end) + 1):
            prev = best[end - size]
            if prev is not None and letters[end - size : end] in inventory:
                count = prev + 1
                current = best[end]
                best[end] = count if current is None else min(current, count)
    return best[-1]


def toned_pinyin_syllables(text: str, max_syllables: int = 8) -> int | None:
    """Number of syllables if `text` is toned pinyin (``shí``, ``Zhōngguó``, ``zhōng guó``).

    At least one tone mark is required and there can be no more tone marks
    than syllables, which keeps English words, names and toneless romanizations
    (``Xinhua``, ``a``) out.
    """
    count = 0
    tones = 0
    for part in re.split(r"[ '’-]+", text.strip()):
        if not part:
            continue
        letters, part_tones = split_tone(part)
        if not letters.isalpha():
            return None
        n = _segment(letters)
        if n is None:
            return None
        count += n
        tones += part_tones
    if count == 0 or count > max_syllables or not 1 <= tones <= count:
        return None
    return count


def annotation_edits(text: str) -> list[Edit]:
    """Edits removing every parenthesised toned-pinyin annotation that follows a Han character.

    Consecutive annotations (``中(zhōng)(guó)``) go together, so one pass leaves
    nothing for a second pass to find.
    """
    edits: list[Edit] = []
    pos = 0
    while (m := _ANNOTATION_RE.search(text, pos)) is not None:
        if toned_pinyin_syllables(m.group(1)) is None:
            pos = m.start() + 1
            continue
        end = m.end()
        while (nxt := _NEXT_ANNOTATION_RE.match(text, end)) and toned_pinyin_syllables(
            nxt.group(1)
        ):
            end = nxt.end()
        edits.append(Edit(m.start(), end, ""))
        pos = end
    return edits


def strip_pinyin(text: str) -> str:
    """`text` without the pinyin annotations after Han characters: ``落實(shí)`` → ``落實``."""
    out, cur = [], 0
    for e in annotation_edits(text):
        out.append(text[cur : e.start])
        cur = e.end
    out.append(text[cur:])
    return "".join(out)


def reading_key(syllable: str) -> str:
    """The form readings are compared in: NFC lower case, tone marks kept."""
    return unicodedata.normalize("NFC", syllable.lower())


@cache
def _chars_by_reading() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for code, readings in _pinyin_dict().items():
        for reading in readings.split(","):
            index.setdefault(reading_key(reading), []).append(chr(code))
    return {reading: tuple(chars) for reading, chars in index.items()}


def chars_for_reading(syllable: str) -> tuple[str, ...]:
    """Every character that can be read as the toned `syllable` (``bào`` → 报, 報, 抱, ...)."""
    return _chars_by_reading().get(reading_key(syllable), ())

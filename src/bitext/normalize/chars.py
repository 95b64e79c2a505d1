"""Character classes and the context-free clean-up steps: Unicode, whitespace, widths.

Every rule here looks only at neighbouring characters, never at a paragraph
language: languages are split after normalization, and a Chinese paragraph may
hold English names while an English one may quote Chinese.
"""

from __future__ import annotations

import re
import unicodedata

from bitext.charclass import FULLWIDTH_ALNUM as _FULLWIDTH_ALNUM
from bitext.charclass import HAN_RE, is_cjk_punct, is_han
from bitext.model import FLAG_BIDI
from bitext.normalize._text import Edit, Label

#: Bidi marks (LRM, RLM, the Arabic letter mark): zero-width hints that only matter
#: among right-to-left letters, which a Chinese/English release has none of.
BIDI_MARKS = frozenset("\u200e\u200f\u061c")
#: Invisible characters that only get in the way of matching and embedding. The zero-width
#: joiner is one, except inside an emoji sequence (see `joins_emoji`).
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e") | BIDI_MARKS
ZWJ = "\u200d"
#: Bidi embeddings, overrides and isolates. Each changes how everything after it is
#: shown until its terminator: in a TMX ``<seg>`` an unterminated U+202E makes a CAT
#: tool show the rest of the segment reversed. Dropped, and the sentence flagged
#: (`FLAG_BIDI`): their presence in a press release means a paste from somewhere odd,
#: or text made to look other than it reads (the "Trojan Source" trick).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_VARIATION_SELECTOR_16 = "\ufe0f"
# Controls Unicode counts as white space (tab, line breaks, NEL) become a space below:
# dropping them would glue the words they separate.
_SPACE_CONTROLS = frozenset("\t\n\x0b\x0c\r\x85")
#: Characters that are never text: C0 controls but tab and line breaks, DEL, C1 controls
#: but NEL, and the 66 noncharacters (U+FFFE, U+FFFF, U+FDD0..U+FDEF, the last two of every
#: plane). Left in, they hide pinyin annotations (``落實(sh\0í)``), make sentences of their own
#: (``。\ufffe\uffff``) and, for DEL and C1, reach the TMX: XML 1.0 allows them.
JUNK = frozenset(
    [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0)) if chr(c) not in _SPACE_CONTROLS]
    + [chr(c) for c in range(0xFDD0, 0xFDF0)]
    + [chr(plane + c) for plane in range(0, 0x110000, 0x10000) for c in (0xFFFE, 0xFFFF)]
)

_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_FULL_TO_HALF = {"，": ",", "．": ".", "：": ":", "；": ";", "？": "?", "！": "!"}
# Closing quotes sit between a Han clause and its punctuation (“借船出海”:) and
# belong to both scripts, so the width decision looks through them, through
# stray spaces, and through the punctuation before it (?! takes one width).
_TRANSPARENT = frozenset("”’\"' ,;:?!")
_PAREN_RE = re.compile(r"[(（]([^()（）]*)[)）]")


def _cjk_tight(ch: str) -> bool:
    """Characters that never take a space next to Han text."""
    return is_han(ch) or is_cjk_punct(ch)


def nfc_edits(text: str) -> list[Edit]:
    """Compose to NFC, one edit per character cluster that changes.

    A diff of the whole text cannot be trusted with origins: for ``e\u0301é`` it
    matches the unchanged ``é`` to the new first ``é`` and maps the second one
    past the end of the text. Composition never reaches across a boundary where
    composing the two sides separately gives the same result, so the text is cut
    there and each cluster rewritten in place.
    """
    if unicodedata.is_normalized("NFC", text):
        return []
    edits: list[Edit] = []
    for start, end in _clusters(text):
        new = unicodedata.normalize("NFC", text[start:end])
        if new != text[start:end]:
            edits.append(Edit(start, end, new))
    return edits


def _clusters(text: str) -> list[tuple[int, int]]:
    """Spans of `text` that NFC composes independently, in order, covering it."""
    spans: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        # A combining mark always joins the cluster before it (it may be reordered
        # or composed with its base), and so does a character that decomposes into
        # one (Tibetan ཱི); a starter begins a new cluster unless it composes with
        # what precedes it (Hangul jamo, some Indic vowel signs).
        if spans and unicodedata.combining(unicodedata.normalize("NFD", ch)[0]):
            spans[-1] = (spans[-1][0], i + 1)
            continue
        if spans:
            a, b = spans[-1]
            before = unicodedata.normalize("NFC", text[a:b])
            alone = unicodedata.normalize("NFC", ch)
            if unicodedata.normalize("NFC", text[a : i + 1]) != before + alone:
                spans[-1] = (a, i + 1)
                continue
        spans.append((i, i + 1))
    return spans


def _pictographic(ch: str) -> bool:
    """Whether `ch` is an emoji a ZWJ sequence joins (close to Unicode's Extended_Pictographic).

    The emoji planes (U+1F000..U+1FAFF, skin tones included) and the older symbols
    that emoji sequences use (♀ ♂ ⚕ ❤ ✈ ...), which are all ``So`` below U+3300.
    """
    if "\U0001f000" <= ch <= "\U0001faff":
        return True
    return "\u2000" <= ch <= "\u3300" and unicodedata.category(ch) == "So"


def joins_emoji(text: str, i: int) -> bool:
    """Whether the ZWJ at `text[i]` joins two emoji (man, ZWJ, woman, ZWJ, girl: a family).

    Removing it would split the sequence into its parts.
    """
    before = text[i - 1] if i else ""
    if before == _VARIATION_SELECTOR_16 and i > 1:
        before = text[i - 2]
    after = text[i + 1] if i + 1 < len(text) else ""
    return _pictographic(before) and _pictographic(after)


def cleanup_edits(text: str) -> list[Edit]:
    """Drop invisible characters and `JUNK`, fold fullwidth letters/digits to ASCII, unify spaces.

    Every kind of space (NBSP, ideographic space, tabs, line breaks inside a
    paragraph) becomes U+0020 here; `whitespace_edits` then decides how many.
    `BIDI_CONTROLS` are dropped under a `FLAG_BIDI` label, so the sentence that
    held them is flagged; a ZWJ inside an emoji sequence is kept.
    """
    edits: list[Edit] = []
    for i, ch in enumerate(text):
        if ch in BIDI_CONTROLS:
            edits.append(Edit(i, i + 1, "", Label(ch, False, FLAG_BIDI)))
        elif ch == ZWJ and joins_emoji(text, i):
            continue
        # JUNK first: Python's isspace() is true for the separators U+001C..U+001F,
        # which Unicode does not count as white space.
        elif ch in INVISIBLE or ch in JUNK:
            edits.append(Edit(i, i + 1, ""))
        elif ord(ch) in _FULLWIDTH_ALNUM:
            edits.append(Edit(i, i + 1, _FULLWIDTH_ALNUM[ord(ch)]))
        elif ch != " " and (ch.isspace() or unicodedata.category(ch) == "Zs"):
            edits.append(Edit(i, i + 1, " "))
    return edits


def whitespace_edits(text: str) -> list[Edit]:
    """Collapse space runs to one, trim, and drop spaces between Han/CJK punctuation.

    Chinese is written without spaces, so a space between two Han characters
    is layout residue (a wrapped line, an HTML indent) and would otherwise
    reach the encoder and the TMX.
    """
    edits: list[Edit] = []
    for m in re.finditer(" +", text):
        start, end = m.span()
        at_edge = start == 0 or end == len(text)
        if at_edge or (_cjk_tight(text[start - 1]) and _cjk_tight(text[end])):
            edits.append(Edit(start, end, ""))
        elif end - start > 1:
            edits.append(Edit(start + 1, end, ""))
    return edits


def _context_before(text: str, i: int) -> str:
    """The character that decides the width of punctuation at `i`."""
    j = i - 1
    while j >= 0 and text[j] in _TRANSPARENT:
        j -= 1
    return text[j] if j >= 0 else ""


def width_edits(text: str, labels: tuple[Label | None, ...]) -> list[Edit]:
    """Give punctuation the width of its context; damaged characters are left alone.

    - ASCII , ; : ? ! after Han or CJK punctuation (quotes and spaces between
      ignored), or right before Han, become fullwidth, unless a space and a
      Latin letter follow (English typography). Numbers (1,000, 10:30) are
      untouched: digits stand on both sides.
    - A parenthesis pair whose content holds Han and that follows Han, CJK
      punctuation or starts the text becomes fullwidth; one with no Han
      content outside Han context becomes ASCII; any other pair (e.g.
      ``交往(International Exchange)``) keeps the width of its opening
      parenthesis, so both halves always agree.
    - Fullwidth ，．：；？！ after an ASCII letter/digit and not followed by Han
      become ASCII, with a space added before a following letter so English
      sentence splitting still sees ``word, word`` / ``end. Next``.
    """
    edits: list[Edit] = []
    for m in _PAREN_RE.finditer(text):
        if labels[m.start()] is None and labels[m.end() - 1] is None:
            edits.extend(_paren_edits(text, m))
    # Punctuation is judged with the parentheses already in their new width: a ";"
    # after a ")" that became "）" is Chinese, and judged on the old text it would
    # only change in a second normalization. Paren edits are one for one, so
    # offsets into the view are offsets into `text`.
    view = list(text)
    for e in edits:
        view[e.start] = e.new
    text = "".join(view)
    for i, ch in enumerate(text):
        if labels[i] is not None:
            continue
        if ch in _HALF_TO_FULL:
            before = _context_before(text, i)
            after = text[i + 1 : i + 3]
            # Han right after the mark: a clause boundary, never a number separator.
            chinese = _cjk_tight(before) or (is_han(after[:1]) and before != "")
            # "a space, then a Latin word" is English typography: 他说“好”, then left.
            english_next = after[:1] == " " and after[1:].isascii() and after[1:].isalpha()
            if chinese and not english_next:
                edits.append(Edit(i, i + 1, _HALF_TO_FULL[ch]))
        elif ch in _FULL_TO_HALF:
            edit = _latin_punct_edit(text, i)
            if edit is not None:
                edits.append(edit)
    return edits


def _paren_edits(text: str, m: re.Match[str]) -> list[Edit]:
    open_i, close_i = m.start(), m.end() - 1
    han_inside = HAN_RE.search(m.group(1)) is not None
    before = _context_before(text, open_i)
    if han_inside and (before == "" or _cjk_tight(before)):
        want = "（）"
    elif not han_inside and not _cjk_tight(before):
        want = "()"
    else:
        want = "（）" if text[open_i] == "（" else "()"
    edits = []
    if text[open_i] != want[0]:
        edits.append(Edit(open_i, open_i + 1, want[0]))
    if text[close_i] != want[1]:
        edits.append(Edit(close_i, close_i + 1, want[1]))
    return edits


def _latin_punct_edit(text: str, i: int) -> Edit | None:
    before = text[i - 1] if i else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    if not (before.isascii() and before.isalnum()) or _cjk_tight(after):
        return None
    half = _FULL_TO_HALF[text[i]]
    if half == "?" and after == "(":
        # "?(bào)" is how a lost character with its reading looks (see `damage`):
        # made here, after damage was looked for, a second pass would "repair" it.
        return None
    # A full stop takes a space only before a new sentence: not in 3.5, e.g., U.S.
    new_sentence = after.isupper() and not before.isupper()
    needs_space = after.isascii() and after.isalpha() and (half != "." or new_sentence)
    return Edit(i, i + 1, half + " " if needs_space else half)

"""Which script a character belongs to: the one definition every stage shares.

Reading, normalization, language splitting and segmentation all ask "is this a
Han character?"; they must agree, or a character one stage counts as Chinese
would be Latin noise to the next.
"""

from __future__ import annotations

import re

#: Han ideographs: URO, extension A, compatibility ideographs, the astral
#: extensions, and 〇 (a Han numeral, although Unicode files it as a symbol).
HAN_CLASS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAN_RE = re.compile(f"[{HAN_CLASS}]")
HAN_RUN_RE = re.compile(f"[{HAN_CLASS}]+")

FULLWIDTH_ALNUM = {
    c: chr(c - 0xFEE0)
    for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
}
FULLWIDTH_ALNUM_CHARS = frozenset(chr(c) for c in FULLWIDTH_ALNUM)


def is_han(ch: str) -> bool:
    """True for a Han ideograph (simplified or traditional, any CJK extension)."""
    return bool(ch) and HAN_RE.fullmatch(ch) is not None


def is_cjk_punct(ch: str) -> bool:
    """True for CJK symbols and fullwidth punctuation (、。「」《》，：！ ...)."""
    if not ch:
        return False
    o = ord(ch)
    fullwidth_punct = 0xFF01 <= o <= 0xFF65 and ch not in FULLWIDTH_ALNUM_CHARS
    return 0x3001 <= o <= 0x303F or fullwidth_punct or 0xFE30 <= o <= 0xFE4F

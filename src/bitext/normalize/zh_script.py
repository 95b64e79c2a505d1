"""Chinese script conversion (OpenCC) that keeps every character's origin.

Converting Traditional to Simplified matters for alignment: the sentence
encoders saw mostly Simplified Chinese, and true zh/en pairs written in
Traditional score far lower than the same pairs converted (docs/benchmarks.md).
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import opencc

from bitext.charclass import HAN_RUN_RE
from bitext.lang import ZH_SCRIPTS
from bitext.normalize._text import Edit, Label, diff_edits


def check_zh_script(zh_script: str) -> str | None:
    """The OpenCC config for `zh_script`; ValueError (one line) for an unknown value."""
    if zh_script not in ZH_SCRIPTS:
        choices = ", ".join(ZH_SCRIPTS)
        raise ValueError(f"unknown zh_script {zh_script!r}: expected one of {choices}")
    return ZH_SCRIPTS[zh_script]


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """`text` with Traditional Chinese converted to Simplified (OpenCC ``t2s``)."""
    return _converter("t2s").convert(text)


def any_to_simplified(text: str) -> str:
    """`text` in Simplified whichever Traditional standard it follows (OpenCC ``hk2s``).

    Hong Kong's standard forms (衞, 綫) are not in ``t2s``'s tables, which leave
    them as written; ``hk2s`` maps them and every common Traditional form too.
    """
    return _converter("hk2s").convert(text)


def to_traditional(text: str) -> str:
    """`text` with Simplified Chinese converted to Traditional (OpenCC ``s2t``)."""
    return _converter("s2t").convert(text)


def is_traditional(text: str) -> bool:
    """True when `text` holds a character that Simplified Chinese writes differently."""
    return to_simplified(text) != text


@cache
def is_traditional_char(ch: str) -> bool:
    """True for a character only Traditional Chinese writes (說, 臺), not 台 or 说."""
    return to_simplified(ch) != ch


def text_script(text: str) -> str | None:
    """``"Hant"`` or ``"Hans"``: which script's own characters `text` holds more of.

    None when it holds none of either (digits, or only characters both share).
    """
    chars = Counter(ch for m in HAN_RUN_RE.finditer(text) for ch in m.group())
    if not chars:
        return None
    # One character a line: OpenCC's phrase tables then see no context, which is
    # what counting characters wants.
    unique = list(chars)
    joined = "\n".join(unique)
    to_s = _converter("t2s").convert(joined).split("\n")
    to_t = _converter("s2t").convert(joined).split("\n")
    if len(to_s) != len(unique) or len(to_t) != len(unique):
        return None
    trad = sum(chars[c] for c, s in zip(unique, to_s, strict=True) if s != c)
    simp = sum(chars[c] for c, s, t in zip(unique, to_s, to_t, strict=True) if s == c and t != c)
    if trad == simp:
        return None
    return "Hant" if trad > simp else "Hans"


def script_edits(text: str, labels: tuple[Label | None, ...], zh_script: str) -> list[Edit]:
    """Edits converting each run of Han characters to the wanted script.

    Runs are converted whole so that OpenCC's phrase tables see context (乾隆
    vs 乾燥). Unrepaired damaged characters are left as they are: they are
    garbage either way and a reviewer should see exactly what arrived. OpenCC
    is almost always one character for one, but a phrase entry can change the
    length; difflib then aligns the run so unchanged characters keep their
    origin and changed ones map into the span they replaced.

    Towards Traditional, text already Traditional stays as the author wrote
    it: a paragraph (`text`) that is not Simplified by `text_script` is left
    alone, and in one that is, Traditional-only characters are kept. OpenCC's
    tables would otherwise rewrite what Hong Kong government releases write
    (說 → 説, 公布 → 公佈, 葵涌 → 葵湧: s2hk changed 28 of the 35 hk-releases,
    s2t 22), and a memory whose segments differ from the documents to
    translate gives no exact match. None of their 509 paragraphs reads as
    Simplified.
    """
    config = check_zh_script(zh_script)
    if config is None:
        return []
    convert = _converter(config).convert
    keep_traditional = config != "t2s"
    if keep_traditional and text_script(text) != "Hans":
        return []
    edits: list[Edit] = []
    for m in HAN_RUN_RE.finditer(text):
        for start, end in _undamaged_parts(m.start(), m.end(), labels):
            old = text[start:end]
            new = convert(old)
            if new == old:
                continue
            if len(new) == len(old):
                pairs = enumerate(zip(old, new, strict=True))
                edits.extend(
                    Edit(start + k, start + k + 1, b)
                    for k, (a, b) in pairs
                    if a != b and not (keep_traditional and is_traditional_char(a))
                )
            else:
                edits.extend(diff_edits(old, new, offset=start))
    return edits


def _undamaged_parts(
    start: int, end: int, labels: tuple[Label | None, ...]
) -> list[tuple[int, int]]:
    """Split `[start, end)` around characters of unrepaired damage."""
    parts: list[tuple[int, int]] = []
    part_start = start
    for i in range(start, end):
        label = labels[i]
        if label is not None and not label.repaired:
            if part_start < i:
                parts.append((part_start, i))
            part_start = i + 1
    if part_start < end:
        parts.append((part_start, end))
    return parts

"""Language tags: the one place that knows how ``zh_CN``, ``zh-Hant-TW`` or ``EN`` are read.

Tags reach bitext from users (POSIX locales such as ``zh_CN``, any case), from
the data model (``"zh"``, ``"en"``) and from TMX files (BCP 47 ``zh-CN``). Every
stage that compares, prints or writes a tag goes through this module, so that a
spelling accepted in one place cannot be misread in another.

This module imports nothing from bitext: the data model itself depends on it.
"""

from __future__ import annotations

import re

__all__ = [
    "DEFAULT_EN_TAG",
    "DEFAULT_ZH_TAG",
    "SIMPLIFIED",
    "ZH_SCRIPTS",
    "display_name",
    "joiner",
    "normalize_tag",
    "primary",
    "tag_region",
    "tag_script",
]

#: The tag of the Chinese side when nothing says otherwise: Simplified, mainland.
DEFAULT_ZH_TAG = "zh-CN"
#: The tag of the English side when nothing says otherwise.
DEFAULT_EN_TAG = "en-US"
#: The script the Chinese side is written in by default (a `ZH_SCRIPTS` key).
SIMPLIFIED = "simplified"
#: Accepted values of the ``zh_script`` setting, and the OpenCC config that writes
#: each (`bitext.normalize.zh_script` converts with it). Here, not there, so that the
#: command line lists the choices without loading OpenCC. ``traditional`` is
#: OpenCC's generic standard (臺, 說); the pipeline reads a user's ``traditional``
#: as the regional one the language tag names (`bitext.normalize.variant`).
#: ``taiwan-phrases`` also swaps mainland words for Taiwan ones (软件 → 軟體), an
#: explicit choice since it changes wording.
ZH_SCRIPTS: dict[str, str | None] = {
    SIMPLIFIED: "t2s",
    "traditional": "s2t",
    "hongkong": "s2hk",
    "taiwan": "s2tw",
    "taiwan-phrases": "s2twp",
    "keep": None,
}

_SUBTAG = re.compile(r"[A-Za-z0-9]{1,8}")
# Languages whose sentences follow each other with no space between them.
_UNSPACED = frozenset({"zh", "ja"})
_NAMES = {"zh": "Chinese", "en": "English"}
# Regions whose Chinese is written in Simplified, and in Traditional, characters.
_HANS_REGIONS = frozenset({"CN", "SG", "MY"})
_HANT_REGIONS = frozenset({"TW", "HK", "MO"})


def _subtags(tag: str) -> list[str]:
    # POSIX locales write zh_CN; BCP 47 writes zh-CN. Both mean the same.
    return tag.strip().replace("_", "-").split("-")


def normalize_tag(tag: str) -> str:
    """A language tag in canonical BCP 47 case: ``zh_cn`` → ``zh-CN``, ``en_us`` → ``en-US``.

    Underscores (POSIX locales) become hyphens, the language is lower case, a
    four-letter script title case and a region upper case. Raises `ValueError`
    for anything that is not shaped like a language tag (``""``, ``"zh--CN"``).
    """
    subtags = _subtags(tag)
    first = subtags[0]
    if not (
        2 <= len(first) <= 3
        and first.isascii()
        and first.isalpha()
        and all(_SUBTAG.fullmatch(s) for s in subtags[1:])
    ):
        raise ValueError(f"invalid language tag {tag!r}: expected a tag such as 'zh-CN' or 'en-US'")
    out = [first.lower()]
    for sub in subtags[1:]:
        if len(sub) == 4 and sub.isalpha():
            out.append(sub.title())
        elif (len(sub) == 2 and sub.isalpha()) or (len(sub) == 3 and sub.isdigit()):
            out.append(sub.upper())
        else:
            out.append(sub.lower())
    return "-".join(out)


def primary(tag: str) -> str:
    """The primary language subtag in lower case: ``"zh_CN"`` → ``"zh"``, ``"EN-us"`` → ``"en"``.

    Does not validate (``normalize_tag`` does): callers that only need to
    compare or look up a language decide themselves what an unknown one means.
    """
    return _subtags(tag)[0].lower()


def joiner(tag: str) -> str:
    """The text between two sentences of language `tag`: ``""`` for zh and ja, else ``" "``."""
    return "" if primary(tag) in _UNSPACED else " "


def display_name(tag: str) -> str:
    """The English name of `tag`'s language (``"zh-CN"`` → ``"Chinese"``), else `tag` itself."""
    return _NAMES.get(primary(tag), tag)


def tag_script(tag: str) -> str | None:
    """The script a Chinese tag stands for: ``"Hans"`` (zh-CN, zh-SG, zh-Hans-HK),
    ``"Hant"`` (zh-TW, zh-HK, zh-MO, zh-Hant) or None (a bare ``zh``, another language).

    An explicit script subtag wins over the region: zh-Hans-HK is Simplified.
    """
    if primary(tag) != "zh":
        return None
    subtags = normalize_tag(tag).split("-")[1:]
    for sub in subtags:
        if sub in ("Hans", "Hant"):
            return sub
    for sub in subtags:
        if sub in _HANS_REGIONS:
            return "Hans"
        if sub in _HANT_REGIONS:
            return "Hant"
    return None


def tag_region(tag: str) -> str | None:
    """``"HK"``, ``"MO"`` or ``"TW"`` when the tag names one of them, else None."""
    return next((s for s in normalize_tag(tag).split("-")[1:] if s in _HANT_REGIONS), None)

"""Which Chinese a document is written in, and the language tag that says so.

The one place that turns the user's ``zh_script`` and ``src_lang`` (either may
be left out) and a document's text into the script its Chinese side is
written in and the tag every output carries. CAT tools file units by tag:
Trados puts zh-CN text into a zh-CN memory and skips it for a zh-HK one, so a
tag that does not follow the text loses the unit.

Rules (`decide_variant`):

* neither given: Simplified, ``zh-CN``;
* a tag alone: its script (``zh-HK``/``zh-MO`` → Hong Kong forms, ``zh-TW`` →
  Taiwan forms, ``zh-Hant`` → OpenCC's generic Traditional, ``zh-CN``,
  ``zh-SG``, ``zh-Hans`` → Simplified);
* ``traditional`` alone: the region the text's own forms show (Taiwan's 臺,
  裡, 啟, 網路 against Hong Kong's 台, 裏, 啓, 網絡), Hong Kong when they do
  not tip the balance; ``hongkong``/``taiwan``/``taiwan-phrases`` name it;
* ``keep``: the tag of what the text is (Simplified → zh-CN, Traditional → the
  region as above);
* a script and a tag that contradict each other (``simplified`` with zh-TW,
  ``taiwan`` with zh-HK) are refused before any work; ``keep`` with a tag the
  text contradicts is refused for that document.
"""

from __future__ import annotations

from dataclasses import dataclass

from bitext.lang import DEFAULT_ZH_TAG, SIMPLIFIED, normalize_tag, tag_region, tag_script
from bitext.normalize.zh_script import ZH_SCRIPTS, text_script

__all__ = [
    "ZhVariant",
    "check_variant_options",
    "decide_variant",
    "guess_region",
    "text_script",
    "zh_script_for_tag",
]

#: Regional conversions and the region each writes.
_REGION_OF = {"hongkong": "HK", "taiwan": "TW", "taiwan-phrases": "TW"}

# Forms where Hong Kong (and Macao) and Taiwan usage part. Hong Kong government
# releases write 台, 着, 啓, 網絡; Taiwan's standard 臺, 著 (not counted: Hong
# Kong writes 著名 too), 啟, 網路. OpenCC's own HK table (説, 税) is not used:
# the 35 hk-releases write 說 and 稅, as Taiwan does.
_HK_FORMS = ("台", "着", "啓", "裏", "綫", "網絡", "軟件", "數碼", "信息")
_TW_FORMS = ("臺", "裡", "啟", "網路", "軟體", "數位", "訊息")


@dataclass(frozen=True, slots=True)
class ZhVariant:
    """How one document's Chinese is written: a `ZH_SCRIPTS` key and its tag.

    `reason` says how it was decided, for a summary line.
    """

    zh_script: str
    tag: str
    reason: str


def zh_script_for_tag(tag: str) -> str | None:
    """The `ZH_SCRIPTS` key that writes Chinese as `tag` wants it; None for a bare ``zh``."""
    script = tag_script(tag)
    if script == "Hans":
        return SIMPLIFIED
    if script is None:
        return None
    return {"HK": "hongkong", "MO": "hongkong", "TW": "taiwan"}.get(
        tag_region(tag) or "", "traditional"
    )


def guess_region(text: str) -> str:
    """``"TW"`` when `text` writes more Taiwan forms than Hong Kong ones, else ``"HK"``.

    Hong Kong is the fallback: the releases bitext is built for are Hong Kong's,
    and Macao writes as Hong Kong does. Of the 35 hk-releases, 19 show more Hong
    Kong forms and none more Taiwan ones; the same releases converted with
    OpenCC ``s2twp`` show more Taiwan forms in 16, as many of each (mostly
    none) in 18, which fall back: name the region (``--src-lang zh-TW``) when
    it matters.
    """
    hk = sum(text.count(form) for form in _HK_FORMS)
    tw = sum(text.count(form) for form in _TW_FORMS)
    return "TW" if tw > hk else "HK"


def check_variant_options(zh_script: str | None, src_lang: str | None) -> None:
    """Raise ValueError (one line) for an unknown script or a script the tag contradicts."""
    if zh_script is not None and zh_script not in ZH_SCRIPTS:
        choices = ", ".join(ZH_SCRIPTS)
        raise ValueError(f"unknown zh_script {zh_script!r}: expected one of {choices}")
    if zh_script is None or zh_script == "keep" or src_lang is None:
        return
    want = tag_script(src_lang)
    written = "Hans" if zh_script == SIMPLIFIED else "Hant"
    if want is not None and want != written:
        raise _conflict(
            f"{{zh_script}} writes {_NAMES[written]} Chinese, "
            f"but {{src_lang}} is {_NAMES[want]}: give one or make them agree",
            zh_script=zh_script,
            src_lang=src_lang,
        )
    region, named = tag_region(src_lang), _REGION_OF.get(zh_script)
    # Macao writes as Hong Kong does: hongkong serves zh-MO.
    if region and named and {"MO": "HK"}.get(region, region) != named:
        raise _conflict(
            f"{{zh_script}} writes {named} forms, but {{src_lang}} "
            "is another region: give one or make them agree",
            zh_script=zh_script,
            src_lang=src_lang,
        )


_NAMES = {"Hans": "Simplified", "Hant": "Traditional"}


class OptionConflict(ValueError):
    """Options that contradict each other. The message names them as Python
    arguments (``zh_script='simplified'``), `cli` as command-line flags."""

    def __init__(self, message: str, cli: str) -> None:
        super().__init__(message)
        self.cli = cli


def _conflict(template: str, **options: str | None) -> OptionConflict:
    """`template` with each {option} spelt both ways; a None value names the option alone."""
    python = {k: k if v is None else f"{k}={v!r}" for k, v in options.items()}
    flags = {
        k: f"--{k.replace('_', '-')}" + ("" if v is None else f" {v}") for k, v in options.items()
    }
    return OptionConflict(template.format(**python), template.format(**flags))


def decide_variant(zh_script: str | None, src_lang: str | None, text: str) -> ZhVariant:
    """The script and tag of a document whose Chinese reads `text` (see the module rules).

    Raises ValueError (one line) when the options contradict each other, or
    when ``keep`` meets text that contradicts the given tag.
    """
    check_variant_options(zh_script, src_lang)
    tag = normalize_tag(src_lang) if src_lang else None
    if zh_script is None:
        derived = zh_script_for_tag(tag) if tag else None
        if tag is None or derived is None:
            return ZhVariant(SIMPLIFIED, tag or DEFAULT_ZH_TAG, "default")
        return ZhVariant(derived, tag, f"from --src-lang {tag}")
    if zh_script == "keep":
        return _keep(tag, text)
    if zh_script == SIMPLIFIED:
        return ZhVariant(SIMPLIFIED, tag or DEFAULT_ZH_TAG, f"--zh-script {SIMPLIFIED}")
    if tag is not None:
        script = zh_script if zh_script != "traditional" else zh_script_for_tag(tag)
        return ZhVariant(script or "traditional", tag, f"--src-lang {tag}")
    region = _REGION_OF.get(zh_script) or guess_region(text)
    script = zh_script if zh_script != "traditional" else _script_of_region(region)
    how = "the text's regional forms" if zh_script == "traditional" else f"--zh-script {zh_script}"
    return ZhVariant(script, f"zh-{region}", how)


def _script_of_region(region: str) -> str:
    return "taiwan" if region == "TW" else "hongkong"


def _keep(tag: str | None, text: str) -> ZhVariant:
    found = text_script(text)
    if tag is not None:
        want = tag_script(tag)
        if want is not None and found is not None and want != found:
            raise _conflict(
                f"the Chinese is {_NAMES[found]} but {{src_lang}} is {_NAMES[want]}; "
                "convert it with {zh_script}, or give a matching tag",
                zh_script=None,
                src_lang=tag,
            )
        return ZhVariant("keep", tag, f"--src-lang {tag}")
    if found == "Hant":
        return ZhVariant("keep", f"zh-{guess_region(text)}", "Traditional text, its regional forms")
    return ZhVariant("keep", DEFAULT_ZH_TAG, "Simplified text")

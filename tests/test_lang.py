"""Language tags (bitext.lang) and the stages that join, compare or name languages through it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from bitext.align import align_sentences
from bitext.errors import LanguageError
from bitext.export.tmx import normalize_lang
from bitext.lang import display_name, joiner, normalize_tag, primary
from bitext.langsplit import raise_if_not_bilingual, split_languages
from bitext.model import Alignment, Bead, Sentence
from bitext.read import read_text
from bitext.segment import primary_language


@pytest.mark.parametrize(
    ("given", "want"),
    [
        ("zh_cn", "zh-CN"),
        ("zh_CN", "zh-CN"),
        ("ZH-cn", "zh-CN"),
        ("en_us", "en-US"),
        (" en ", "en"),
        ("zh_hant_tw", "zh-Hant-TW"),
        ("es-419", "es-419"),
        ("de-CH-1996", "de-CH-1996"),
    ],
)
def test_normalize_tag(given: str, want: str) -> None:
    assert normalize_tag(given) == want


@pytest.mark.parametrize("bad", ["", "   ", "z", "zh--CN", "中文", "english", "zh_CN!", "12"])
def test_normalize_tag_rejects_malformed_tags(bad: str) -> None:
    with pytest.raises(ValueError, match="invalid language tag") as info:
        normalize_tag(bad)
    assert "\n" not in str(info.value)


def test_old_name_in_tmx_module_is_the_same_function() -> None:
    assert normalize_lang is normalize_tag


@pytest.mark.parametrize(
    ("tag", "want"),
    [("zh", "zh"), ("zh_CN", "zh"), ("ZH-Hant-TW", "zh"), ("en_US", "en"), ("EN", "en")],
)
def test_primary(tag: str, want: str) -> None:
    assert primary(tag) == want


@pytest.mark.parametrize(
    ("tag", "want"),
    [
        ("zh", ""),
        ("zh_CN", ""),  # the POSIX spelling is Chinese too (was joined with spaces)
        ("zh-Hant-TW", ""),
        ("ja_JP", ""),
        ("en", " "),
        ("en_US", " "),
        ("ko-KR", " "),  # Korean writes spaces between sentences
        ("fr", " "),
    ],
)
def test_joiner(tag: str, want: str) -> None:
    assert joiner(tag) == want


@pytest.mark.parametrize(
    ("tag", "want"),
    [("zh", "Chinese"), ("zh_TW", "Chinese"), ("en-GB", "English"), ("fr-FR", "fr-FR")],
)
def test_display_name(tag: str, want: str) -> None:
    assert display_name(tag) == want


# --- stages that use the tags ---------------------------------------------------------


def test_segment_keeps_refusing_unsupported_languages() -> None:
    assert primary_language("zh_Hant_TW") == "zh"
    for tag in ("ja-JP", "fr", ""):
        with pytest.raises(LanguageError) as info:
            primary_language(tag)
        assert "only zh and en" in str(info.value)


def test_pairs_join_sentences_by_their_language_tag() -> None:
    zh = (
        Sentence("雙方簽署合作協議。", "zh-Hant", 0, 0, 9),
        Sentence("將用好外事資源。", "zh-Hant", 0, 9, 17),
    )
    en = (
        Sentence("The parties signed.", "en_US", 0, 18, 37),
        Sentence("They will cooperate.", "en_US", 0, 38, 58),
    )
    alignment = Alignment(src=zh, tgt=en, beads=(Bead((0, 1), (0, 1), 0.8),))
    (pair,) = alignment.pairs()
    assert pair.src == "雙方簽署合作協議。將用好外事資源。"
    assert pair.tgt == "The parties signed. They will cooperate."


class RecordingEncoder:
    """The real default encoder, keeping every text the aligner asks it to embed."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return self.inner.encode(texts)  # type: ignore[attr-defined]


@pytest.mark.parametrize("src_lang", ["zh", "zh-CN", "zh_CN"])
def test_aligner_joins_chinese_windows_without_spaces(src_lang: str, use_encoder: object) -> None:
    encoder = RecordingEncoder(use_encoder)
    zh = ["雙方簽署合作協議。", "將用好外事資源。"]
    en = ["The parties signed an agreement.", "They will use foreign affairs resources."]
    align_sentences(zh, en, encoder=encoder, src_lang=src_lang, tgt_lang="en_US", embed_margin=None)
    assert "雙方簽署合作協議。將用好外事資源。" in encoder.texts
    assert "雙方簽署合作協議。 將用好外事資源。" not in encoder.texts
    assert "The parties signed an agreement. They will use foreign affairs resources." in (
        encoder.texts
    )


def test_missing_language_is_named_in_english() -> None:
    split = split_languages(read_text("只有中文的一段新聞稿。\n第二段也是中文。"))
    with pytest.raises(LanguageError) as info:
        raise_if_not_bilingual(split, "release.txt")
    assert str(info.value) == (
        "release.txt: no English text found; bitext needs both Chinese and English"
    )

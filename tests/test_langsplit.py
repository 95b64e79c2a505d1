"""Language splitting: script classification, blocks, layouts, the bilingual check."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bitext.errors import InputError, LanguageError
from bitext.langsplit import classify, raise_if_not_bilingual, script_weights, split_languages
from bitext.model import Document, LanguageSplit, Paragraph

GOLD_LAYOUT = {
    "zh_then_en": "zh_then_en",
    "en_then_zh": "en_then_zh",
    "interleaved_zh_en": "interleaved",
}


def make_doc(text: str, source: str | None = None) -> Document:
    """One paragraph per non-blank line, offsets of the stripped line (bitext.read is separate)."""
    paragraphs = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        start = m.start() + len(line) - len(line.lstrip())
        end = m.end() - (len(line) - len(line.rstrip()))
        if start < end:
            paragraphs.append(Paragraph(len(paragraphs), text[start:end], start, end))
    return Document(text, tuple(paragraphs), source=source)


def layout_of(split: LanguageSplit) -> list[tuple[str, int]]:
    return [(b.lang, len(b.paragraphs)) for b in split.blocks]


@pytest.fixture(scope="module")
def sample_lines(sample_path: Path) -> tuple[list[str], list[str]]:
    """The sample's Chinese lines (byline first) and English lines, by position in the file."""
    lines = [x.strip() for x in sample_path.read_text(encoding="utf-8").splitlines() if x.strip()]
    assert len(lines) == 17
    return lines[:11], lines[11:]


# --- gold: the 93 mixed-layout records ------------------------------------------------


def test_all_gold_mixed_layouts_are_recovered_exactly(shared_dir: Path) -> None:
    path = shared_dir / "eval" / "mixed-layouts" / "mixed_docs.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 93
    failures = []
    for rec in records:
        split = split_languages(make_doc(rec["text"]))
        blocks = [{"lang": b.lang, "start": b.start, "end": b.end} for b in split.blocks]
        if blocks != rec["blocks"] or split.layout != GOLD_LAYOUT[rec["layout"]]:
            failures.append((rec["id"], rec["layout"], split.layout))
    assert failures == []


# --- classify ------------------------------------------------------------------------


def test_sample_paragraphs_with_english_names_stay_chinese(
    sample_lines: tuple[list[str], list[str]],
) -> None:
    zh, en = sample_lines
    mixed = [p for p in zh if re.search("iChongqing|Facebook|International Exchange", p)]
    assert len(mixed) == 3
    assert [classify(p) for p in mixed] == ["zh"] * 3
    assert [classify(p) for p in zh] == ["zh"] * 11
    assert [classify(p) for p in en] == ["en"] * 6


@pytest.mark.parametrize(
    "text",
    [
        "通过Facebook、Twitter等海外主流社交媒体拉近友城关系。",
        "iChongqing将开设“国际交往(International Exchange)”频道。",
        "发起“重庆@国际友城街头文化季”#streetculture活动。",
        "AASU 首席顾问 Samujjal Kumar Bhattacharya 说:“说反 CAA 运动已经消亡是错误的。",
        "#streetculture #Chongqing #sistercities 活动开始",
        "详见 https://www.ichongqing.info/international-exchange/2024/08/04/agreement",
        "联系：zhang.yongwu@cqfao.gov.cn",
        "重慶(chóng qìng)國際(guójì)",
        "為深入貫徹落實(shí)總書(shū)記講話(huà)",
    ],
)
def test_chinese_with_latin_material_is_chinese(text: str) -> None:
    assert classify(text) == "zh"


@pytest.mark.parametrize(
    "text",
    [
        "The delegation visited Chongqing (重庆) on August 4.",
        "The sign read 重庆欢迎你, which means Chongqing welcomes you.",
        "Officials from 重庆市人民政府外事办公室 (the Foreign Affairs Office) attended.",
        "Chongqing (重庆)",
        "Photo: Xinhua",
        "He denies wrongdoing.",
    ],
)
def test_english_quoting_chinese_is_english(text: str) -> None:
    assert classify(text) == "en"


@pytest.mark.parametrize(
    "text", ["2024-08-04", "—", "http://example.com", "600", "info@example.com", "#streetculture"]
)
def test_lines_without_decisive_letters_are_neutral(text: str) -> None:
    assert classify(text) is None


def test_pinyin_debris_weighs_nothing() -> None:
    # Glued to Han, the glosses would outweigh the characters they annotate.
    assert script_weights("落實(shí)") == (5, 0)
    assert script_weights("重慶日?qǐng)?bào)報業") == (12.5, 0)
    assert script_weights("重慶(chóng qìng)國際(guójì)") == (10, 0)
    # A capitalised English gloss is real English and still counts (6 letters a word at most).
    assert script_weights("頻道(International Exchange)") == (5, 12)


# --- split_languages on the sample and its variants ------------------------------------


def test_sample_is_zh_then_en(sample_path: Path) -> None:
    doc = make_doc(sample_path.read_text(encoding="utf-8"), source=str(sample_path))
    split = split_languages(doc)
    assert split.layout == "zh_then_en"
    assert layout_of(split) == [("zh", 11), ("en", 6)]
    assert split.blocks[0].paragraphs[0].text == "賀煜"
    assert split.neutral == ()
    # Only lang changes: ids, text and offsets are the reader's.
    out = [p for b in split.blocks for p in b.paragraphs]
    assert [(p.id, p.text, p.start, p.end) for p in out] == [
        (p.id, p.text, p.start, p.end) for p in doc.paragraphs
    ]
    assert [p.lang for p in out] == ["zh"] * 11 + ["en"] * 6
    raise_if_not_bilingual(split, str(sample_path))


def test_english_first_variant_is_en_then_zh(sample_lines: tuple[list[str], list[str]]) -> None:
    zh, en = sample_lines
    split = split_languages(make_doc("\n".join(en) + "\n\n" + "\n".join(zh) + "\n"))
    assert split.layout == "en_then_zh"
    assert layout_of(split) == [("en", 6), ("zh", 11)]


def test_interleaved_variant(sample_lines: tuple[list[str], list[str]]) -> None:
    zh, en = sample_lines
    text = "\n\n".join(f"{z}\n\n{e}" for z, e in zip(zh[1:7], en, strict=True))
    split = split_languages(make_doc(text))
    assert split.layout == "interleaved"
    assert layout_of(split) == [("zh", 1), ("en", 1)] * 6
    assert [b.paragraphs[0].text for b in split.blocks[1::2]] == en


def test_english_credit_inside_chinese_block_is_absorbed(
    sample_lines: tuple[list[str], list[str]],
) -> None:
    zh, en = sample_lines
    lines = [*zh[:5], "Photo: Xinhua/Li Ming", *zh[5:], *en]
    split = split_languages(make_doc("\n".join(lines)))
    assert split.layout == "zh_then_en"
    assert layout_of(split) == [("zh", 12), ("en", 6)]
    credit = split.blocks[0].paragraphs[5]
    # The credit keeps its own script so that it can be segmented as English.
    assert (credit.text, credit.lang) == ("Photo: Xinhua/Li Ming", "en")


def test_leading_english_title_is_kept_and_does_not_flip_layout(
    sample_lines: tuple[list[str], list[str]],
) -> None:
    zh, en = sample_lines
    lines = ["Foreign Affairs Office signs agreement with Chongqing Daily", *zh, *en]
    split = split_languages(make_doc("\n".join(lines)))
    assert layout_of(split) == [("en", 1), ("zh", 11), ("en", 6)]
    assert split.layout == "zh_then_en"


def test_interleaved_needs_more_than_one_switch_each_way(
    sample_lines: tuple[list[str], list[str]],
) -> None:
    zh, en = sample_lines
    # zh, en, zh, en: two switches to English but only one back, so not interleaved.
    text = "\n\n".join([zh[1], en[0], "\n".join(zh[2:]), "\n".join(en[1:])])
    split = split_languages(make_doc(text))
    assert layout_of(split) == [("zh", 1), ("en", 1), ("zh", 9), ("en", 5)]
    assert split.layout == "zh_then_en"
    # One more pair makes two switches each way.
    text = "\n\n".join([zh[1], en[0], zh[2], en[1], "\n".join(zh[3:]), "\n".join(en[2:])])
    assert split_languages(make_doc(text)).layout == "interleaved"


# --- neutral paragraphs ---------------------------------------------------------------


def block_texts(split: LanguageSplit) -> list[tuple[str, list[str]]]:
    return [(b.lang, [p.text for p in b.paragraphs]) for b in split.blocks]


def test_neutral_inside_a_block_joins_it_and_takes_its_language() -> None:
    split = split_languages(make_doc("第一段。\n2024-08-04\n第二段。\nFirst.\nSecond.\n"))
    assert block_texts(split) == [
        ("zh", ["第一段。", "2024-08-04", "第二段。"]),
        ("en", ["First.", "Second."]),
    ]
    assert split.blocks[0].paragraphs[1].lang == "zh"


def test_neutral_at_boundary_goes_to_preceding_block() -> None:
    for gap_before, gap_after in (("\n", "\n"), ("\n\n", "\n\n"), ("\n", "\n\n")):
        text = f"中文段落。{gap_before}—{gap_after}English paragraph."
        assert block_texts(split_languages(make_doc(text))) == [
            ("zh", ["中文段落。", "—"]),
            ("en", ["English paragraph."]),
        ]


def test_neutral_after_blank_line_and_right_above_next_block_opens_it() -> None:
    text = "中文段落。\n\n2024-08-04\nhttp://example.com\nEnglish paragraph.\n"
    assert block_texts(split_languages(make_doc(text))) == [
        ("zh", ["中文段落。"]),
        ("en", ["2024-08-04", "http://example.com", "English paragraph."]),
    ]


def test_neutral_at_document_edges_joins_first_and_last_block() -> None:
    text = "2024-08-04\n中文段落。\nEnglish paragraph.\nhttp://example.com\n"
    assert block_texts(split_languages(make_doc(text))) == [
        ("zh", ["2024-08-04", "中文段落。"]),
        ("en", ["English paragraph.", "http://example.com"]),
    ]


def test_document_without_letters_keeps_everything_neutral() -> None:
    split = split_languages(make_doc("2024-08-04\n—\nhttp://example.com\n", source="dates.txt"))
    assert split.blocks == ()
    assert split.layout == "none"
    assert [(p.text, p.lang) for p in split.neutral] == [
        ("2024-08-04", None),
        ("—", None),
        ("http://example.com", None),
    ]
    with pytest.raises(LanguageError, match=r"^dates\.txt: no Chinese or English text found"):
        raise_if_not_bilingual(split, "dates.txt")


# --- one language only ----------------------------------------------------------------


def test_chinese_only_raises_language_error(sample_lines: tuple[list[str], list[str]]) -> None:
    zh, _ = sample_lines
    split = split_languages(make_doc("\n".join(zh)))
    assert split.layout == "zh_only"
    with pytest.raises(LanguageError) as err:
        raise_if_not_bilingual(split, "release.txt")
    message = str(err.value)
    assert message == "release.txt: no English text found; bitext needs both Chinese and English"
    assert isinstance(err.value, InputError)


def test_english_only_raises_language_error(sample_lines: tuple[list[str], list[str]]) -> None:
    _, en = sample_lines
    split = split_languages(make_doc("\n".join(en)))
    assert split.layout == "en_only"
    with pytest.raises(LanguageError, match=r"^input: no Chinese text found;"):
        raise_if_not_bilingual(split, None)


def test_one_chinese_line_inside_english_does_not_make_it_bilingual(
    sample_lines: tuple[list[str], list[str]],
) -> None:
    _, en = sample_lines
    split = split_languages(make_doc("\n".join([*en[:3], "重庆", *en[3:]])))
    assert split.layout == "en_only"
    with pytest.raises(LanguageError, match="no Chinese text found"):
        raise_if_not_bilingual(split, "en.txt")

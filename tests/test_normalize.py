"""NORMALIZE stage: Unicode, pinyin debris, encoding damage, widths, script, origin."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from pathlib import Path

import opencc
import pytest

from bitext.model import Damage, Document, Paragraph
from bitext.normalize import (
    normalize,
    normalize_paragraph,
    normalize_text,
    strip_pinyin,
    to_simplified,
)
from bitext.segment import segment

HAN = "\u3400-\u4dbf\u4e00-\u9fff"
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# A Han character followed by a parenthesised word holding a tone mark: what
# pinyin debris looks like, written independently of the code under test.
ANNOTATION = re.compile(rf"[{HAN}]\s*[(（][a-zü]*[{TONED}][a-zü]*[)）]")
T2S = opencc.OpenCC("t2s")


def paragraphs_of(text: str) -> tuple[Paragraph, ...]:
    """Every non-blank line as a Paragraph with its offsets (what a txt reader makes)."""
    out: list[Paragraph] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip():
            out.append(Paragraph(len(out), body, offset, offset + len(body)))
        offset += len(line)
    return tuple(out)


def doc_of(text: str) -> Document:
    return Document(text, paragraphs_of(text), source="sample.txt", encoding="utf-8")


def para(text: str) -> Paragraph:
    return Paragraph(0, text, 0, len(text))


@pytest.fixture(scope="module")
def sample(sample_path: Path) -> Document:
    return doc_of(sample_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def simplified(sample: Document) -> Document:
    return normalize(sample)


def find(doc: Document, needle: str) -> list[Paragraph]:
    return [p for p in doc.paragraphs if needle in p.text]


# --- the bundled sample ------------------------------------------------------


def test_sample_keeps_document_and_paragraph_identity(sample: Document, simplified: Document):
    assert simplified.text == sample.text
    assert (simplified.source, simplified.format, simplified.encoding) == (
        "sample.txt",
        "text",
        "utf-8",
    )
    assert [p.id for p in simplified.paragraphs] == [p.id for p in sample.paragraphs]
    assert [(p.start, p.end) for p in simplified.paragraphs] == [
        (p.start, p.end) for p in sample.paragraphs
    ]


def test_sample_loses_every_pinyin_annotation(sample: Document, simplified: Document):
    assert len(ANNOTATION.findall(sample.text)) > 200
    whole = "\n".join(p.text for p in simplified.paragraphs)
    assert ANNOTATION.findall(whole) == []
    # The English half has no accented letters, so no toned vowel may survive at all
    # (this catches orphans like "duì)" whose "(" was lost too).
    assert re.findall(f"[{TONED}]", whole) == []


def test_sample_chinese_becomes_simplified(simplified: Document):
    whole = "\n".join(p.text for p in simplified.paragraphs)
    assert "贯彻落实习近平总书记" in whole
    assert "貫徹" not in whole and "重慶" not in whole
    for p in simplified.paragraphs:
        assert T2S.convert(p.text) == p.text


def test_sample_latin_parentheses_survive(simplified: Document):
    whole = "\n".join(p.text for p in simplified.paragraphs)
    for kept in ("国际交往(International Exchange)", "专题(Special)", "要闻(News)"):
        assert kept in whole
    assert "服务(Service)" in whole and "城市(Sister Cities)" in whole


def test_sample_gbk_garble_is_flagged_and_undone(sample: Document, simplified: Document):
    (p,) = find(simplified, "具体而言")
    (d,) = p.damage
    assert d.raw == "?!保涸趯?duì)"
    # The page said 借船出海”：在對(duì)外; the shifted GBK bytes are re-paired.
    assert "借船出海”：在对外交往" in p.text
    assert d.repaired and p.text[d.start : d.end] == "海”：在对"
    assert sample.text[p.origin[d.start] : p.origin[d.end]] == d.raw


def test_sample_orphan_pinyin_is_repaired_to_a_word(sample: Document, simplified: Document):
    papers = find(simplified, "重庆日报报业集团")
    assert len(papers) == 2
    for p in papers:
        (d,) = p.damage
        assert (d.raw, d.repaired, p.text[d.start : d.end]) == ("?qǐng)?bào)", True, "报")
        assert p.text[d.start - 1 : d.end + 2] == "日报报业"
        assert sample.text[p.origin[d.start] : p.origin[d.end]] == d.raw


def test_sample_only_damaged_paragraphs_carry_damage(simplified: Document):
    damaged = [p for p in simplified.paragraphs if p.damage]
    assert len(damaged) == 3
    # Both garbles were repaired, so no stray ? or ! is left to split a sentence on.
    whole = "\n".join(p.text for p in simplified.paragraphs)
    assert "?" not in whole and "!" not in whole


def check_origin(doc: Document, normalized: Document, script_changes: bool) -> None:
    for raw_p, p in zip(doc.paragraphs, normalized.paragraphs, strict=True):
        assert p.origin is not None and len(p.origin) == len(p.text) + 1
        assert p.origin[-1] == raw_p.raw_offset(len(raw_p.text)) == raw_p.end
        assert list(p.origin) == sorted(p.origin)
        assert raw_p.start <= p.origin[0]
        damaged = {i for d in p.damage for i in range(d.start, d.end)}
        for i, ch in enumerate(p.text):
            if i in damaged or ch in " ，；：？！（）":
                continue
            raw = doc.text[p.origin[i]]
            if script_changes and re.match(f"[{HAN}]", ch):
                assert ch in (raw, T2S.convert(raw)), (i, ch, raw)
            else:
                assert raw == ch, (p.id, i, ch, raw)


def test_sample_origin_points_at_the_input(sample: Document, simplified: Document):
    check_origin(sample, simplified, script_changes=True)


def test_sample_origin_is_exact_when_script_is_kept(sample: Document):
    kept = normalize(sample, zh_script="keep")
    check_origin(sample, kept, script_changes=False)
    whole = "\n".join(p.text for p in kept.paragraphs)
    assert "貫徹落實習近平總書記" in whole
    # The repair follows the script around it: 報, not 报, inside 重慶日報報業.
    assert whole.count("重慶日報報業集團") == 2


def test_sample_removes_nothing_outside_debris_and_damage(sample: Document, simplified: Document):
    debris = {
        i
        for m in re.finditer(rf"[(（][a-zü]*[{TONED}][a-zü]*[)）]", sample.text)
        for i in range(m.start(), m.end())
    }
    for raw_p, p in zip(sample.paragraphs, simplified.paragraphs, strict=True):
        used = set(p.origin[:-1])
        flagged = {i for d in p.damage for i in range(p.origin[d.start], p.origin[d.end])}
        for i in range(raw_p.start, raw_p.end):
            if i not in used:
                assert i in debris or i in flagged or sample.text[i].isspace(), (
                    i,
                    sample.text[i - 5 : i + 5],
                )


def test_sample_traditional_and_keep(sample: Document):
    trad = normalize(sample, zh_script="traditional")
    whole = "\n".join(p.text for p in trad.paragraphs)
    assert "貫徹落實習近平總書記" in whole and "重慶日報報業集團" in whole
    assert "借船出海”：在對外交往" in whole
    assert ANNOTATION.findall(whole) == []


def test_normalizing_twice_changes_nothing(sample: Document):
    for script in ("simplified", "traditional", "keep"):
        once = normalize(sample, zh_script=script)
        assert normalize(once, zh_script=script) == once


def test_origin_composes_through_an_earlier_pass(sample: Document):
    direct = normalize(sample)
    via_keep = normalize(normalize(sample, zh_script="keep"))
    for a, b in zip(direct.paragraphs, via_keep.paragraphs, strict=True):
        assert (a.text, a.origin, a.damage) == (b.text, b.origin, b.damage)


def test_origin_composes_through_a_reader_origin():
    # A reader that unescaped "&amp;" gives an origin of its own; ours maps through it.
    raw = "前言\n中&amp;文(wén)　好\n"
    p = Paragraph(0, "中&文(wén)　好", 3, 17, origin=(3, 4, 9, 10, 11, 12, 13, 14, 15, 16, 17))
    out = normalize_paragraph(p)
    assert out.text == "中&文好"
    assert [raw[i] for i in out.origin[:-1]] == ["中", "&", "文", "好"]
    assert out.origin[-1] == 17


def test_unknown_zh_script_is_a_one_line_value_error(sample: Document):
    with pytest.raises(ValueError, match="zh_script") as err:
        normalize(sample, zh_script="cantonese")
    assert "\n" not in str(err.value) and "cantonese" in str(err.value)
    with pytest.raises(ValueError):
        normalize_paragraph(para("中文"), zh_script="")


# --- Unicode and whitespace -----------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("中\u3000文 字\u00a0符  a\u200bb   c ", "中文字符 ab c"),
        ("\ufeff  lead and trail\t\n ", "lead and trail"),
        ("co\u00adoperate\u2060 now", "cooperate now"),
        ("line\nbreak\u2028inside", "line break inside"),
        ("中文 \u3000 English", "中文 English"),
        ("中文 ， 英文。 English", "中文，英文。 English"),
        ("cafe\u0301", "café"),
        ("ＡＢＣ１２３ｘｙ", "ABC123xy"),
    ],
)
def test_unicode_and_whitespace(raw: str, expected: str):
    out = normalize_paragraph(para(raw))
    assert out.text == expected
    assert len(out.origin) == len(out.text) + 1 and out.origin[-1] == len(raw)


def test_nfc_keeps_origin_of_the_base_letter():
    out = normalize_paragraph(para("x cafe\u0301 y"))
    assert out.text == "x café y"
    assert out.origin[:-1] == (0, 1, 2, 3, 4, 5, 7, 8)


# --- control characters and noncharacters -------------------------------------

# Written out here rather than taken from the code: C0 but tab and the line breaks
# (LF, VT, FF, CR), DEL, C1 but NEL, and the noncharacters.
SPACE_CONTROLS = "\t\n\x0b\x0c\r\x85"
JUNK = (
    [chr(c) for c in range(0x20) if chr(c) not in SPACE_CONTROLS]
    + ["\x7f"]
    + [chr(c) for c in range(0x80, 0xA0) if chr(c) != "\x85"]
    + ["\ufffe", "\uffff", "\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff"]
)


@pytest.mark.parametrize("ch", JUNK, ids=[f"U+{ord(c):04X}" for c in JUNK])
def test_controls_and_noncharacters_are_dropped(ch: str):
    # Between letters, Han and at the ends: dropped, not made a space (it is not one).
    out = normalize_paragraph(para(f"{ch}word{ch}s 中{ch}文{ch}"), zh_script="keep")
    assert out.text == "words 中文"
    assert out.origin == (1, 2, 3, 4, 6, 7, 8, 10, 12)


@pytest.mark.parametrize("ch", list(SPACE_CONTROLS))
def test_tab_and_line_breaks_still_separate_words(ch: str):
    assert normalize_text(f"said{ch}that 中{ch}文") == "said that 中文"


def test_no_control_character_survives_normalization():
    every_control = "".join(chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cc")
    out = normalize_text(f"a{every_control}b \ufffe\uffffc")
    assert out == "a b c"  # the white-space controls became one space


def test_nul_inside_an_annotation_no_longer_hides_it():
    assert normalize_text("落實(sh\0í)") == "落实"
    assert normalize_text("他\x7f落實(sh\x00í)了工作(g\x9fōng zuò)") == "他落实了工作"


def test_noncharacters_after_a_full_stop_make_no_sentence():
    raw = "双方合作的起点。\ufffe\uffff\n下一步。\ufffe\uffff好"
    doc = normalize(doc_of(raw), zh_script="keep")
    sentences = segment(doc.paragraphs, "zh")
    assert [s.text for s in sentences] == ["双方合作的起点。", "下一步。", "好"]
    # Each sentence's raw span still starts at its first character in the input.
    assert [raw[s.start] for s in sentences] == ["双", "下", "好"]
    assert raw[sentences[-1].start - 2 : sentences[-1].start] == "\ufffe\uffff"


def test_origin_after_removed_controls_points_at_the_input():
    raw = "重\x00慶\x01\x02日報(bà\x1bo)報業 \x7fGroup\x9f, Chongqing"
    out = normalize_paragraph(para(raw), zh_script="keep")
    assert out.text == "重慶日報報業 Group, Chongqing"
    assert [raw[i] for i in out.origin[:-1]] == list(out.text)
    assert out.origin[-1] == len(raw)
    assert raw[out.origin[out.text.index("Group")] - 1] == "\x7f"


# --- pinyin --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("落實(shí)習(xí)", "落實習"),
        ("總書(shū)記", "總書記"),
        ("中(zhōng)(guó)人", "中人"),
        ("中國(Zhōngguó)好", "中國好"),
        ("中國(zhōng guó)好", "中國好"),
        ("落實（shí）好", "落實好"),
        ("綠(lǜ)色", "綠色"),
        ("交往(International Exchange)", "交往(International Exchange)"),
        ("新華社(Xinhua)電", "新華社(Xinhua)電"),
        ("年份(2024)", "年份(2024)"),
        ("附件(a)", "附件(a)"),
        ("專題(Special)", "專題(Special)"),
        ("咖啡(café)", "咖啡(café)"),
        ("He said (shí) twice", "He said (shí) twice"),
    ],
)
def test_strip_pinyin(raw: str, expected: str):
    assert strip_pinyin(raw) == expected


def test_pinyin_removal_in_paragraph_leaves_no_gap():
    assert normalize_text("落實 (shí) 習(xí)近平") == "落实习近平"


# --- encoding damage -------------------------------------------------------


def test_real_question_marks_are_not_damage():
    out = normalize_paragraph(para("你好吗?我很好。是吗?!他笑了。好?"))
    assert out.damage == ()
    assert out.text == "你好吗？我很好。是吗？！他笑了。好？"


def test_question_mark_inside_a_clause_is_flagged_not_dropped():
    out = normalize_paragraph(para("中文?好的"))
    (d,) = out.damage
    assert (d.raw, d.repaired, out.text[d.start : d.end]) == ("?", False, "?")
    assert out.text == "中文?好的"


def test_replacement_character_is_flagged_everywhere():
    out = normalize_paragraph(para("caf\ufffd 和 中\ufffd文"))
    assert [(d.raw, d.repaired) for d in out.damage] == [("\ufffd", False)] * 2
    assert [out.text[d.start] for d in out.damage] == ["\ufffd", "\ufffd"]


def test_orphan_pinyin_becomes_the_character_that_makes_a_word():
    out = normalize_paragraph(para("他在人民日?bào)社工作"))
    assert out.text == "他在人民日报社工作"
    (d,) = out.damage
    assert d == Damage(5, 6, "?bào)", True)


def gbk_shift(damaged: str, reading: str) -> str:
    """Garble `damaged` the way the sample was: its GBK bytes re-paired one byte late."""
    data = damaged.encode("gbk")[1:-1]
    middle = data.decode("gbk")
    assert len(middle) * 2 == len(data)
    return f"?{middle}?{reading})"


def test_gbk_shift_is_undone_on_other_text():
    before, damaged, after = "上海市人民政府", "新闻办公", "室今天举行发布会。"
    garble = gbk_shift(damaged, "gōng")
    out = normalize_paragraph(para(before + garble + after))
    assert out.text == before + damaged + after
    (d,) = out.damage
    assert d.repaired and d.raw == garble and out.text[d.start : d.end] == damaged


def test_damage_spans_never_hold_a_new_sentence_end():
    # The shift would give 况。会 here: refused, so the span stays one sentence.
    garble = gbk_shift("况。会", "huì")
    out = normalize_paragraph(para("经济运行情" + garble + "议指出，要扩大开放。"))
    assert out.damage
    for d in out.damage:
        assert "。" not in out.text[d.start : d.end]


def test_exclamation_glued_to_a_lost_character_stays_in_the_span():
    out = normalize_paragraph(para("方面借船出?!好的"))
    (d,) = out.damage
    assert out.text[d.start : d.end] == "?!" and not d.repaired
    assert "！" not in out.text


def test_damage_spans_map_to_their_raw_text():
    raw = "前文,与重?bào)集团?qǐng)?bào)报业,完。"
    out = normalize_paragraph(para(raw))
    assert out.damage
    for d in out.damage:
        assert raw[out.origin[d.start] : out.origin[d.end]] == d.raw


def test_existing_damage_is_kept_and_not_found_twice():
    first = normalize_paragraph(para("中文?好的，日?bào)社"))
    assert [(d.raw, d.repaired) for d in first.damage] == [("?", False), ("?bào)", True)]
    assert normalize_paragraph(first) == first
    # Damage handed in by an earlier stage survives, in the new coordinates.
    earlier = replace(para("  中文好"), damage=(Damage(4, 5, "?", True),))
    (d,) = normalize_paragraph(earlier).damage
    assert (d.start, d.end, d.raw, d.repaired) == (2, 3, "?", True)


# --- punctuation width -----------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("时间:10:30,共1,000人,好吗?是!", "时间：10:30，共1,000人，好吗？是！"),
        ("“借船出海”:在", "“借船出海”：在"),
        ("iChongqing,成为", "iChongqing，成为"),
        ("(一)总则", "（一）总则"),
        ("我们(中国)和", "我们（中国）和"),
        ("中国（International）", "中国（International）"),
        ("Latin（English）here", "Latin(English)here"),
        ("Hello，world．Next；x：y！z？", "Hello, world. Next; x: y! z?"),
        ("pi is 3．14, 1，000 and U．S．A", "pi is 3.14, 1,000 and U.S.A"),
        ("Hello, world: yes; no? ok! (fine)", "Hello, world: yes; no? ok! (fine)"),
        ("He wrote 中文, then left.", "He wrote 中文, then left."),
        ("English (中文) gloss", "English (中文) gloss"),
        ("“引号”和‘单引号’", "“引号”和‘单引号’"),
    ],
)
def test_punctuation_width_follows_context(raw: str, expected: str):
    assert normalize_text(raw, zh_script="keep") == expected


def test_width_rules_leave_damaged_spans_alone():
    out = normalize_paragraph(para("中文?好的"), zh_script="keep")
    assert "?" in out.text and "？" not in out.text


# --- script ----------------------------------------------------------------------


def test_script_conversion_both_ways():
    assert normalize_text("國際傳播中心") == "国际传播中心"
    assert normalize_text("国际传播中心", zh_script="traditional") == "國際傳播中心"
    assert normalize_text("國際传播", zh_script="keep") == "國際传播"
    assert to_simplified("貫徹落實") == "贯彻落实"


@pytest.mark.parametrize(
    "raw",
    [
        "中(zhōng)(guó)人 中 (shí) 文",
        "时间:10:30,共1,000人,好吗?是!他说 ?! 好",
        "Hello，world．Next e．g． 3．5",
        "(一)总则 我们(中国)和English (中文) 中文 (中国) Latin（English）",
        "日?qǐng)?bào)報業 出?!保涸趯?duì)外 a\ufffdb",
        "  \u3000\ufeff ",
        "落實(sh\x00í)\x7f\x85。\ufffe\uffff好\x1f e\x00\u0301",
        "",
    ],
)
def test_idempotent_on_tricky_text(raw: str):
    for script in ("simplified", "traditional", "keep"):
        once = normalize_paragraph(para(raw), zh_script=script)
        assert normalize_paragraph(once, zh_script=script) == once


# --- bidi controls and emoji sequences (issue 16) -------------------------------------

# Written out: the embeddings and overrides, the isolates.
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


@pytest.mark.parametrize("ch", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_bidi_controls_are_dropped_and_flag_their_sentence(ch: str):
    text = f"他说{ch}这是假的。他笑了。Then {ch}he left."
    out = normalize_paragraph(para(text), zh_script="keep")
    assert out.text == "他说这是假的。他笑了。Then he left."
    assert out.origin == tuple(i for i in range(len(text) + 1) if text[i : i + 1] != ch)
    assert [(d.start, d.end, d.raw, d.kind) for d in out.damage] == [
        (2, 2, ch, "bidi-control"),
        (16, 16, ch, "bidi-control"),
    ]
    flags = [s.flags for s in segment([out], "zh")]
    assert flags == [("bidi-control",), (), ("bidi-control",)]
    # Normalizing again keeps the flag.
    assert normalize_paragraph(out, zh_script="keep").damage == out.damage


@pytest.mark.parametrize("ch", ["\u200e", "\u200f", "\u061c"])
def test_bidi_marks_are_dropped_quietly(ch: str):
    out = normalize_paragraph(para(f"重庆{ch}日报 Chongqing{ch} Daily"), zh_script="keep")
    assert (out.text, out.damage) == ("重庆日报 Chongqing Daily", ())


@pytest.mark.parametrize(
    "emoji",
    [
        "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # family: man, woman, girl
        "\U0001f3f3\ufe0f\u200d\U0001f308",  # rainbow flag (white flag, VS16, rainbow)
        "\U0001f469\U0001f3fd\u200d\U0001f4bb",  # woman technologist, skin tone
        "\u2764\ufe0f\u200d\U0001f525",  # heart on fire
    ],
)
def test_zero_width_joiner_inside_an_emoji_sequence_is_kept(emoji: str):
    assert normalize_text(f"全家{emoji}出游。") == f"全家{emoji}出游。"
    # Elsewhere it is still removed: between letters, Han, or an emoji and a letter.
    assert normalize_text(f"a\u200db 中\u200d文 {emoji}\u200dx") == f"ab 中文 {emoji}x"

"""Segmentation stage: sentence spans for Chinese and English, offsets and damage flags."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bitext.errors import LanguageError
from bitext.model import FLAG_DAMAGED, FLAG_REPAIRED, Damage, Document, Paragraph
from bitext.segment import primary_language, segment, split_sentences


def _document(text: str) -> Document:
    """Each non-blank line a Paragraph with its offsets (a stand-in for the txt reader)."""
    paragraphs, pos = [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip():
            paragraphs.append(Paragraph(len(paragraphs), body, pos, pos + len(body)))
        pos += len(line)
    return Document(text=text, paragraphs=tuple(paragraphs))


def _sentences(text: str, lang: str, protected: list[tuple[int, int]] | None = None) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text, lang, protected=protected or ())]


@pytest.fixture(scope="module")
def sample_doc(sample_path: Path) -> Document:
    return _document(sample_path.read_text(encoding="utf-8"))


def _damage_span(text: str) -> tuple[int, int]:
    """The encoding-damaged span of the 具體而言 paragraph: first to last "?" of 出?!保涸趯?."""
    at = text.index("出?!保涸趯?")
    chunk = text[at : at + len("出?!保涸趯?")]
    return at + chunk.index("?"), at + chunk.rindex("?") + 1


# --- the bundled sample ------------------------------------------------------------


def test_sample_english_block_gives_the_fourteen_sentences(sample_doc: Document) -> None:
    paragraphs = sample_doc.paragraphs[-6:]
    sentences = segment(paragraphs, "en-US")
    starts = [
        "In order to",
        "The two parties",
        "At the meeting",
        "He said",
        "It is also",
        "In the next step",
        "Zhang Yongwu said",
        "Specifically",
        "Zhao Wujun",
        "Wang Wen used",
        "She hoped",
        "And taking",
        "The Foreign Affairs Office",
        "At the same time",
    ]
    assert len(sentences) == 14
    for sentence, start in zip(sentences, starts, strict=True):
        assert sentence.text.startswith(start), (sentence.text[:40], start)
        assert sentence.lang == "en"
    per_paragraph = [sum(s.paragraph == p.id for s in sentences) for p in paragraphs]
    assert per_paragraph == [1, 1, 4, 2, 1, 5]


def test_sample_chinese_paragraphs_give_thirteen_sentences(sample_doc: Document) -> None:
    paragraphs = []
    for p in sample_doc.paragraphs[1:7]:
        if "具體而言" in p.text:
            a, b = _damage_span(p.text)
            p = Paragraph(p.id, p.text, p.start, p.end, damage=(Damage(a, b, p.text[a:b]),))
        paragraphs.append(p)
    sentences = segment(paragraphs, "zh-TW")
    assert len(sentences) == 13
    per_paragraph = [sum(s.paragraph == p.id for s in sentences) for p in paragraphs]
    assert per_paragraph == [1, 1, 4, 2, 1, 4]
    assert all(s.text.endswith("。") for s in sentences)
    damaged = [s for s in sentences if s.flags]
    assert len(damaged) == 1
    assert damaged[0].text.startswith("具體而言") and damaged[0].flags == (FLAG_DAMAGED,)


def test_damaged_span_of_the_sample_stays_in_one_sentence(sample_doc: Document) -> None:
    text = next(p.text for p in sample_doc.paragraphs if "具體而言" in p.text)
    a, b = _damage_span(text)
    spans = split_sentences(text, "zh", protected=[(a, b)])
    assert [s for s, e in spans if s <= a and b <= e], "the damaged span was cut"
    assert len(spans) == 2


def test_sentence_offsets_point_into_the_document(sample_doc: Document) -> None:
    zh = segment(sample_doc.paragraphs[:11], "zh")
    en = segment(sample_doc.paragraphs[11:], "en")
    assert len(zh) > 11 and len(en) == 14
    by_id = {p.id: p for p in sample_doc.paragraphs}
    for s in zh + en:
        assert sample_doc.text[s.start : s.end] == s.text
        p = by_id[s.paragraph]
        assert p.start <= s.start < s.end <= p.end
    assert [s.start for s in zh + en] == sorted(s.start for s in zh + en)


# --- Chinese rules ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a closing quote or bracket after the terminator stays with the sentence
        ("他说：“我们走吧。”然后离开了。", ["他说：“我们走吧。”", "然后离开了。"]),
        ("她喊：「快跑！」大家都跑了。", ["她喊：「快跑！」", "大家都跑了。"]),
        ("他问：『为何？』众人沉默。", ["他问：『为何？』", "众人沉默。"]),
        ("会议结束。（完）下一条。", ["会议结束。", "（完）下一条。"]),
        ("（会议结束。）下一条新闻。", ["（会议结束。）", "下一条新闻。"]),
        ("他读了《春天。》然后睡了。", ["他读了《春天。》", "然后睡了。"]),
        ("他说‘好的。’她笑了。", ["他说‘好的。’", "她笑了。"]),
        ('他说"我们走吧。"然后离开了。', ['他说"我们走吧。"', "然后离开了。"]),
        # runs of terminators are one end
        ("真的吗？！太好了。", ["真的吗？！", "太好了。"]),
        ("资源共享……。下一步，加强合作。", ["资源共享……。", "下一步，加强合作。"]),
        # semicolons, commas and colons never end a sentence
        (
            "一是加强合作；二是共享资源，三是：共同发展。",
            ["一是加强合作；二是共享资源，三是：共同发展。"],
        ),
        # numbers, acronyms and web addresses keep their ASCII periods
        (
            "经济增长3.5%，美国(U.S.)代表团访问了www.cq.gov.cn网站。下一句。",
            ["经济增长3.5%，美国(U.S.)代表团访问了www.cq.gov.cn网站。", "下一句。"],
        ),
        # inside a quote, sentences still split, as English does
        ("“我们走吧。你们呢？”他问。", ["“我们走吧。", "你们呢？”他问。"]),
    ],
)
def test_chinese_rules(text: str, expected: list[str]) -> None:
    assert _sentences(text, "zh") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an attribution that closes the sentence stays with the quote ("...," he said.)
        ("“我们一定会成功。”他说。大家都笑了。", ["“我们一定会成功。”他说。", "大家都笑了。"]),
        ("“真的吗？”王主任问道。会议继续。", ["“真的吗？”王主任问道。", "会议继续。"]),
        (
            "“我们一定会成功。”他说，“明天再来。”大家都笑了。",
            ["“我们一定会成功。”他说，“明天再来。”", "大家都笑了。"],
        ),
        # a new clause after the quote is a new sentence
        ("“为何？”没人回答。会议继续。", ["“为何？”", "没人回答。", "会议继续。"]),
        ("“我们一定会成功。”会议随后结束。", ["“我们一定会成功。”", "会议随后结束。"]),
        (
            "“我们一定会成功。”他表示，此次签约意义重大。",
            ["“我们一定会成功。”", "他表示，此次签约意义重大。"],
        ),
        # a speaker introducing the next quote starts a new sentence
        ("她说：“好。”他说：“不好！”", ["她说：“好。”", "他说：“不好！”"]),
        # words bound to the quoted phrase
        ("“为什么？”的问题困扰着大家。下一句。", ["“为什么？”的问题困扰着大家。", "下一句。"]),
        (
            "提出“创新！”、“发展！”等口号。会议结束。",
            ["提出“创新！”、“发展！”等口号。", "会议结束。"],
        ),
    ],
)
def test_chinese_quote_continuation(text: str, expected: list[str]) -> None:
    assert _sentences(text, "zh") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("他犹豫了……然后说好。", ["他犹豫了……然后说好。"]),
        ("他说：“我……我……”然后走了。", ["他说：“我……我……”", "然后走了。"]),
        ("大家等待着……“出发！”队长喊道。", ["大家等待着……", "“出发！”队长喊道。"]),
    ],
)
def test_chinese_ellipsis(text: str, expected: list[str]) -> None:
    assert _sentences(text, "zh") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ASCII ?! typed in Chinese text end sentences
        ("你好吗?我很好!谢谢。", ["你好吗?", "我很好!", "谢谢。"]),
        (
            "有什么法子可想的?就有，也只怕他们不理。",
            ["有什么法子可想的?", "就有，也只怕他们不理。"],
        ),
        # ... but not in Latin words or in mojibake
        ("Yahoo!公司今天宣布。下一句。", ["Yahoo!公司今天宣布。", "下一句。"]),
        ("重庆日?qǐng)?bào)集团调研。下一句。", ["重庆日?qǐng)?bào)集团调研。", "下一句。"]),
        ("希望借船出?!保涸趯?对外交往。下一句。", ["希望借船出?!保涸趯?对外交往。", "下一句。"]),
    ],
)
def test_chinese_ascii_marks(text: str, expected: list[str]) -> None:
    assert _sentences(text, "zh") == expected


# --- English rules ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("U.S. officials said the talks would go on.", 1),
        ("U.S. President Joe Biden spoke on Monday.", 1),
        ("The meeting starts at 10 a.m. on Monday in Beijing.", 1),
        ("Students of No. 5 Middle School attended.", 1),
        ("Mr. Zhang and Dr. Wang met Prof. Li in Jan. 2021.", 1),
        ("Chongqing Daily Co., Ltd. and Apple Inc. signed e.g. contracts.", 1),
        ("Visit www.cq.gov.cn for 3.5 percent more.", 1),
        ('"Why not?" he asked.', 1),
        ("It took half her life! - and more.", 1),
        ("He moved to the U.S. The next year he returned.", 2),
        ("The hall opens at 10 p.m. The talks start later.", 2),
        ("Mr. Zhang said. Then he left.", 2),
        ("Is it? Yes! Good.", 3),
        ("It was signed。Then it was published。", 2),
    ],
)
def test_english_sentence_counts(text: str, expected: int) -> None:
    assert len(split_sentences(text, "en")) == expected


def test_english_closing_quote_stays_with_its_sentence() -> None:
    for text in ('He said "go global." Then they left.', "He said “go global.” Then they left."):
        assert _sentences(text, "en") == [text[: text.index("Then") - 1], "Then they left."]
    assert _sentences("(He left.) She stayed.", "en") == ["(He left.)", "She stayed."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He moved to the U.S. The next year he returned.", 2),
        ("He works at Foo Inc. He joined in 2020.", 2),
        ("They met at 9 a.m. Meanwhile, others waited.", 2),
        ("He moved to the U.S. Embassy in Beijing.", 1),
        ("Talks with the U.N. Security Council went on.", 1),
    ],
)
def test_english_abbreviation_before_a_capitalized_word(text: str, expected: int) -> None:
    # After an abbreviation only the next word decides; the shipped statistics
    # (learned sentence starters, orthographic context) know that "The", "He",
    # "Meanwhile" open sentences while "Embassy", "Security" do not. With the
    # curated abbreviations alone, all five would stay one sentence.
    assert len(split_sentences(text, "en")) == expected


def test_shipped_punkt_parameters_load_without_nltk_data() -> None:
    from bitext.segment import en

    params = en.parameters()
    assert {"mr", "u.s", "a.m", "no", "e.g"} <= params.abbrev_types
    assert {"the", "however"} <= params.sent_starters
    assert len(params.ortho_context) > 5000


# --- protection, coverage, languages -----------------------------------------------


def test_protected_span_is_never_cut() -> None:
    zh = "甲说完了。乙来了。"
    assert len(split_sentences(zh, "zh")) == 2
    assert _sentences(zh, "zh", [(3, 6)]) == [zh]
    en = "He left. She stayed. They met."
    assert _sentences(en, "en", [(5, 12)]) == ["He left. She stayed.", "They met."]
    assert len(split_sentences(en, "en", protected=[(0, len(en))])) == 1


def _check_spans(text: str, spans: list[tuple[int, int]], protected: list[tuple[int, int]]) -> None:
    covered = set()
    for i, (a, b) in enumerate(spans):
        assert 0 <= a < b <= len(text)
        assert not text[a].isspace() and not text[b - 1].isspace()
        if i:
            assert spans[i - 1][1] <= a
        covered.update(range(a, b))
    assert covered >= {i for i, c in enumerate(text) if not c.isspace()}
    for p, q in protected:
        owners = {j for j, (a, b) in enumerate(spans) for k in range(p, q) if a <= k < b}
        assert len(owners) <= 1, (text, p, q, spans)


_ALPHABET = (
    list("中文句子测试说他")
    + list("Ab. z1")
    + list("。！？!?…，；：“”「」（）\"' \n\t.")
    + [
        "U.S.",
        "Mr.",
        "3.5",
        "……",
        "。”",
        "！」他说。",
    ]
)


def test_spans_cover_all_text_on_many_inputs(sample_doc: Document, shared_dir: Path) -> None:
    rng = random.Random(20240804)
    texts = [p.text for p in sample_doc.paragraphs]
    for path in sorted((shared_dir / "eval" / "wmt22-news" / "docs").glob("*.json"))[:10]:
        doc = json.loads(path.read_text(encoding="utf-8"))
        texts += ["".join(doc["zh"]), " ".join(doc["en"])]
    texts += ["".join(rng.choices(_ALPHABET, k=rng.randint(0, 60))) for _ in range(400)]
    texts += ["", "   ", "。", "“”", "...", "\n\n"]
    for text in texts:
        for lang in ("zh", "en"):
            protected = []
            if text and rng.random() < 0.5:
                a = rng.randrange(len(text))
                protected.append((a, min(len(text), a + rng.randint(1, 8))))
            _check_spans(text, split_sentences(text, lang, protected=protected), protected)


@pytest.mark.parametrize(
    ("tag", "code"), [("zh", "zh"), ("zh-CN", "zh"), ("zh_Hant_TW", "zh"), ("EN-us", "en")]
)
def test_language_tags_reduce_to_primary_subtag(tag: str, code: str) -> None:
    assert primary_language(tag) == code
    p = Paragraph(0, "第一句。第二句。" if code == "zh" else "One. Two.", 0, 8)
    assert {s.lang for s in segment([p], tag)} == {code}


def test_unsupported_language_is_a_one_line_language_error() -> None:
    with pytest.raises(LanguageError) as err:
        split_sentences("Bonjour. Salut.", "fr-FR")
    assert "fr-FR" in str(err.value) and "\n" not in str(err.value)


# --- Sentence objects: offsets through origin, flags, paragraphs --------------------


def test_offsets_follow_the_normalization_origin() -> None:
    raw = "他說(shuō)好。我們走。"
    text = "他说好。我们走。"
    # 說(shuō) became 说: every kept character points at its raw position.
    origin = (0, 1, 8, 9, 10, 11, 12, 13, 14)
    p = Paragraph(3, text, 0, len(raw), origin=origin)
    doc = Document(raw, (p,))
    first, second = segment(doc.paragraphs, "zh")
    assert (first.text, first.paragraph) == ("他说好。", 3)
    assert doc.text[first.start : first.end] == "他說(shuō)好。"
    assert doc.text[second.start : second.end] == "我們走。"


def test_damage_flags() -> None:
    text = "第一句没有问题。第二句有损坏。第三句已修复。第四句丢字。"
    damage = (
        Damage(text.index("损坏"), text.index("损坏") + 2, "?!"),
        Damage(text.index("修复"), text.index("修复") + 2, "?", repaired=True),
        Damage(text.index("丢字"), text.index("丢字"), "?"),
    )
    p = Paragraph(0, text, 0, len(text), damage=damage)
    flags = [s.flags for s in segment([p], "zh")]
    assert flags == [(), (FLAG_DAMAGED,), (FLAG_DAMAGED, FLAG_REPAIRED), (FLAG_DAMAGED,)]


def test_sentences_never_cross_paragraphs() -> None:
    doc = _document(
        "标题没有句号\n正文第一句。正文第二句\n\nTitle without stop\nBody one. Body two\n"
    )
    zh = segment(doc.paragraphs[:2], "zh")
    assert [(s.paragraph, s.text) for s in zh] == [
        (0, "标题没有句号"),
        (1, "正文第一句。"),
        (1, "正文第二句"),
    ]
    en = segment(doc.paragraphs[2:], "en")
    assert [(s.paragraph, s.text) for s in en] == [
        (2, "Title without stop"),
        (3, "Body one."),
        (3, "Body two"),
    ]

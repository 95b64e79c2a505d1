"""Term extraction (issue 20): real releases aligned by bitext, terms drawn from their units.

The expected renderings below were read by hand from the releases' English
versions (the bundled sample, the Hong Kong releases in ../shared/eval), not
taken from the extractor's output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import bitext
from bitext.config import PipelineConfig
from bitext.model import EXPORT_MIN_SCORE
from bitext.terms import TERM_TYPES, Term, extract, units_of
from bitext.terms.abbreviations import chinese_definitions, english_definitions
from bitext.terms.chinese import chinese_spans
from bitext.terms.english import english_spans
from bitext.terms.extraction import Found, entries
from bitext.terms.romanize import sounds_like, spelled_chars
from bitext.terms.termbase import Occurrence, TermUnit

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "press_release_chongqing.txt"
HK = ROOT.parent / "shared" / "eval" / "hk-releases" / "docs"
NEWS = ROOT.parent / "shared" / "eval" / "wmt22-news" / "docs"


def _terms(text: str, name: str, zh_script: str | None = None) -> list[Term]:
    config = PipelineConfig(zh_script=zh_script) if zh_script else None
    alignment = bitext.align_text(text, source=name, config=config)
    pairs = [(p.src, p.tgt) for p in alignment.pairs(min_score=EXPORT_MIN_SCORE)]
    return extract(units_of(pairs, name))


def _renderings(terms: list[Term]) -> dict[str, tuple[str, str]]:
    return {t.zh: (t.en, t.type) for t in terms}


def _hk_release(stem: str) -> str:
    if not HK.is_dir():
        pytest.skip("../shared/eval/hk-releases is not here")
    zh = (HK / f"{stem}.zh.txt").read_text(encoding="utf-8")
    en = (HK / f"{stem}.en.txt").read_text(encoding="utf-8")
    return f"{zh}\n\n{en}\n"


@pytest.fixture(scope="module")
def sample_terms() -> dict[str, tuple[str, str]]:
    return _renderings(_terms(SAMPLE.read_text(encoding="utf-8"), "sample"))


# The people, bodies and titles of the sample's translated part, as its English renders them.
SAMPLE_TERMS = {
    "章勇武": ("Zhang Yongwu", "person"),
    "王雯": ("Wang Wen", "person"),
    "管洪": ("Guan Hong", "person"),
    "向泽映": ("Xiang Zeying", "person"),
    "赵吾君": ("Zhao Wujun", "person"),
    "重庆国际传播中心": ("Chongqing International Media Center", "organisation"),
    "重庆日报报业集团": ("Chongqing Daily Newspaper Group", "organisation"),
    "中国西部国际传播中心": ("Western China International Media Center", "organisation"),
    "党委副书记": ("deputy Party secretary", "title"),
    "总裁": ("president", "title"),
}


@pytest.mark.parametrize("zh", SAMPLE_TERMS)
def test_the_samples_people_bodies_and_titles_come_out_rendered(sample_terms, zh):
    assert sample_terms.get(zh) == SAMPLE_TERMS[zh]


def test_the_extent_a_release_agrees_on_is_judged_where_the_unit_has_it(sample_terms):
    # 做好重庆品牌建设: one unit linked 做好重庆 to "Chongqing". Its agreed extent 重庆 is
    # also in 为重庆国际传播中心 of the same unit, where it starts inside 为重 (a word); where
    # the link has it, it cuts nothing.
    assert sample_terms["重庆"] == ("Chongqing", "place")
    assert "做好重庆" not in sample_terms


def test_every_term_has_a_type_a_confidence_and_the_units_it_comes_from(sample_terms):
    terms = _terms(SAMPLE.read_text(encoding="utf-8"), "sample")
    assert terms
    for term in terms:
        assert term.type in TERM_TYPES
        assert 0.0 <= term.confidence <= 1.0
        assert term.count >= 1 and len(term.occurrences) >= term.count
        for occurrence in term.occurrences:
            # The unit really holds the term and its rendering.
            assert occurrence.zh in occurrence.unit.zh
            assert occurrence.en in occurrence.unit.en
        assert {o.unit.document for o in term.occurrences} == {"sample"}


def test_a_hong_kong_name_is_paired_through_its_cantonese_spelling():
    terms = _renderings(
        _terms(_hk_release("20260121_cmab_tianjin_liaison_response"), "cmab", "keep")
    )
    # 鄭震生 in Cantonese romanisation; pinyin would be Zheng Zhensheng.
    assert terms["鄭震生"] == ("Ricky Cheng Chun-sang", "person")
    # Traditional stays Traditional when the office writes it.
    assert terms["政制及內地事務局"] == (
        "Constitutional and Mainland Affairs Bureau",
        "organisation",
    )


def test_a_short_form_a_release_defines_is_paired_in_every_unit_that_uses_it():
    terms = {
        t.zh: t
        for t in _terms(_hk_release("20251113_afcd_hong_kong_trail_challenge"), "afcd", "keep")
    }
    # 漁農自然護理署（漁護署） and Agriculture, Fisheries and Conservation Department (AFCD)
    # appear once; the release then says 漁護署 and AFCD.
    assert terms["漁護署"].en == "AFCD"
    assert terms["漁護署"].count >= 2
    full = terms["漁農自然護理署"]
    assert full.en == "Agriculture, Fisheries and Conservation Department"
    assert ("AFCD", "abbreviation") in {(v.en, v.kind) for v in full.variants}


def _news_release(stem: str) -> str:
    path = NEWS / f"{stem}.json"
    if not path.is_file():
        pytest.skip("../shared/eval/wmt22-news is not here")
    data = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join(data["zh"]) + "\n\n" + "\n".join(data["en"]) + "\n"


def test_a_name_the_chinese_glosses_in_latin_is_paired_with_its_chinese():
    # "美国时任总统唐纳德·特朗普 (Donald Trump)": the Latin copy in the Chinese
    # names no term and must not take "Donald Trump" from 唐纳德·特朗普.
    terms = _renderings(_terms(_news_release("egyptindependent.com.4763"), "news", "keep"))
    assert terms["唐纳德·特朗普"][0] == "Donald Trump"
    assert terms["易卜拉欣·莱希"][0] == "Ebrahim Raisi"
    # The copies in brackets are no terms; Latin the Chinese writes instead (G7) is one.
    assert not {"Donald Trump", "Ebrahim Raisi"} & set(terms)


def test_a_dotted_foreign_name_is_one_candidate_never_cut_nor_carried_with_a_title():
    spans = {z.text for z in chinese_spans("美国国务卿安东尼·布林肯星期五与英国外长举行了会谈")}
    # jieba cuts 布|林肯; the name is still whole, and its title is a term of its own.
    assert {"安东尼·布林肯", "美国国务卿"} <= spans
    assert not {"安东尼·布", "林肯", "美国国务卿安东尼·布林肯"} & spans
    # jieba tags 安娜 and 琳娜 names: both belong to the name before the dot.
    spans = {z.text for z in chinese_spans("德国外长安娜琳娜·贝伯克 (Annalena Baerbock) 对记者说")}
    assert "安娜琳娜·贝伯克" in spans and not {"琳娜·贝伯克", "外长安娜"} & spans


def test_a_chinese_name_jieba_spells_out_is_one_candidate():
    # jieba cuts an unknown name into characters tagged as a name (梁|子|康): a span
    # takes all of it, without the title before it; a place named like one keeps its head.
    spans = {z.text for z in chinese_spans("駐柏林經貿辦署理處長梁子康於十一月十二日")}
    assert "梁子康" in spans and not {"梁子", "處長梁子康", "署理處長梁子"} & spans
    assert "莫納亨郡" in {z.text for z in chinese_spans("（五）莫納亨郡")}


def test_a_short_form_defined_inside_a_longer_linked_name_is_paired():
    # 香港金融管理局（金管局）: the definition reaches back only to 金融管理局 (the last 金
    # from which 金管局 follows), while the unit links the whole 香港金融管理局.
    terms = {t.zh: t for t in _terms(_hk_release("20251113_hkma_bank_scam_alert"), "hkma", "keep")}
    assert terms["金管局"].en == "HKMA"
    assert terms["香港金融管理局"].en == "Hong Kong Monetary Authority"


def test_a_name_may_open_with_a_word_jieba_tags_a_verb_when_it_ends_in_a_head():
    # jieba tags 創新 (innovation), 調 and 創 verbs; the head (局, 館, 公司) makes them a name's.
    for text, name in [
        ("請聯絡創新科技及工業局下的新型工業", "創新科技及工業局"),
        ("調景嶺體育館暫停開放", "調景嶺體育館"),
        ("創興銀行有限公司", "創興銀行有限公司"),
        ("黃鑑清及時任海事處助理處長蘇平治亦於二", "海事處助理處長"),  # 處長: a title
    ]:
        assert name in {z.text for z in chinese_spans(text)}, text
    # A verb still opens a clause where no head follows: 宣布 is not part of a term.
    assert not any(z.text.startswith("宣布") for z in chinese_spans("政府今日宣布推出新措施"))


def test_a_title_of_a_body_is_taken_as_two_terms():
    # 香港特別行政區政府駐天津聯絡處主任 "Director of the Tianjin Liaison Unit of the Hong
    # Kong Special Administrative Region Government": the body, and the title.
    terms = _renderings(
        _terms(_hk_release("20260121_cmab_tianjin_liaison_response"), "cmab", "keep")
    )
    assert terms["主任"][0] == "Director"
    assert terms["香港特別行政區政府駐天津聯絡處"][0] == (
        "Tianjin Liaison Unit of the Hong Kong Special Administrative Region Government"
    )
    assert "香港特別行政區政府駐天津聯絡處主任" not in terms
    # A name built the same way is one term: 利物浦博物馆 "Museum of Liverpool".
    terms = _renderings(_terms(_news_release("standard.co.uk.46814"), "news", "keep"))
    assert terms["利物浦博物馆"][0] == "Museum of Liverpool"


def test_spellings_pinyin_cantonese_and_foreign_names():
    assert spelled_chars("章勇武", "yongwu") == {1, 2}  # pinyin, run together
    assert spelled_chars("李家超", "ka") == {1}  # Hong Kong Cantonese: Lee Ka-chiu
    assert spelled_chars("李家超", "chiu") == {2}
    assert spelled_chars("李家超", "smith") == set()
    assert spelled_chars("賀一誠", "iat") == {1}  # Macao: Ho Iat Seng
    assert spelled_chars("賀一誠", "seng") == {2}
    assert spelled_chars("蔡英文", "tsai") == {0}  # Taiwan: Tsai Ing-wen
    assert spelled_chars("蔡英文", "ing") == {1}
    # Hong Kong registers spell 周 Chau as well as Chow (Fiona Chau), 鮑 Pou (Colin Pou).
    assert spelled_chars("周雪梅", "chau") == {0}
    assert spelled_chars("鮑克運", "pou") == {0}
    # The Gw- of Cantonese is Kw- in Hong Kong's spellings (觀塘 Kwun Tong).
    assert spelled_chars("觀塘", "kwun") == {0}
    assert sounds_like("特朗普", "Trump")
    assert sounds_like("默克尔", "Merkel")
    assert not sounds_like("特朗普", "Donald")


def test_english_names_are_offered_whole_and_cut_where_english_joins_two():
    whole = {
        s.text
        for s in english_spans(
            "The Secretary for Culture, Sports and Tourism, Ms Rosanna Law, visited Stanley Main "
            "Beach and Big Wave Bay Beach with US President Donald Trump."
        )
        if s.whole
    }
    assert {
        "Secretary for Culture, Sports and Tourism",
        "Rosanna Law",
        "Stanley Main Beach",
        "Big Wave Bay Beach",
        "Donald Trump",
    } <= whole
    assert "Stanley Main Beach and Big Wave Bay Beach" not in whole
    assert "Ms Rosanna Law" not in whole


def test_a_phrase_does_not_open_with_a_clause_adverb():
    text = "I urge all persons to do so promptly, especially high-risk groups such as children."
    spans = {s.text for s in english_spans(text)}
    assert "high-risk groups" in spans
    assert not any(s.startswith("especially") for s in spans)


def test_a_count_or_a_date_opens_no_name_and_a_month_names_nothing():
    # 橫跨五個郊野公園 "traverses five country parks": what follows a count is counted.
    spans = {z.text for z in chinese_spans("以太平山為起點，大浪灣為終點，橫跨五個郊野公園。")}
    assert "郊野公園" in spans
    assert not any("五個" in z for z in spans)
    assert not any(
        z.startswith("十二月") for z in {x.text for x in chinese_spans("於十二月正式開放")}
    )
    # An ordinal may open a name.
    assert "第四屆香港牛仔節" in {z.text for z in chinese_spans("第四屆香港牛仔節今日開幕")}
    english = {s.text for s in english_spans("It traverses five country parks.")}
    assert "country parks" in english and "five country parks" not in english
    text = "It is held at Kowloon Park November 16 to 20."
    english = {s.text for s in english_spans(text) if s.kind == "name"}
    assert "Kowloon Park" in english and not any("November" in s for s in english)


def test_a_common_word_does_not_take_the_words_of_the_term_it_is_part_of():
    # "it traverses five country parks": 公園 / parks is a closer pair than 郊野公園 /
    # country parks, but as one common word it is no term, and must not win the words.
    terms = _renderings(
        _terms(_hk_release("20251113_afcd_hong_kong_trail_challenge"), "afcd", "keep")
    )
    assert terms["郊野公園"][0] == "country parks"
    assert "公園" not in terms


def test_a_rendering_several_units_agree_on_is_surer_than_one():
    unit = TermUnit("肖尔茨说", "Scholz said", "news")
    once = entries([Found(Occurrence(unit, "肖尔茨", "Scholz"), 0.3, "")])
    thrice = entries([Found(Occurrence(unit, "肖尔茨", "Scholz"), 0.3, "")] * 3)
    assert thrice[0].count == 3 and thrice[0].confidence > once[0].confidence >= 0.3 - 1e-9
    # Disagreement still costs: the same three with a fourth, different, rendering.
    split = entries(
        [Found(Occurrence(unit, "肖尔茨", "Scholz"), 0.3, "")] * 3
        + [Found(Occurrence(unit, "肖尔茨", "Olaf"), 0.3, "")]
    )
    assert split[0].en == "Scholz" and split[0].confidence < thrice[0].confidence


def test_definitions_in_brackets_in_both_languages():
    (zh,) = chinese_definitions("漁農自然護理署（漁護署）今日正式推出活動")
    assert (zh.short, zh.full) == ("漁護署", "漁農自然護理署")
    en = "The Agriculture, Fisheries and Conservation Department (AFCD) today launched it"
    names = [s.text for s in english_spans(en)]
    (abbreviation,) = english_definitions(en, names)
    assert abbreviation.short == "AFCD"
    assert abbreviation.full.endswith("Agriculture, Fisheries and Conservation Department")
    # Capitals that are not the name's initials define nothing.
    assert english_definitions("The Leisure Department (XYZ) said", ["Leisure Department"]) == []
    # A short form of words of the name beside an acronym of it, in any order.
    office = "Hong Kong Economic and Trade Office in London"
    (short,) = english_definitions(f"The {office} (London ETO) co-hosted a reception.", [office])
    assert (short.short, short.full) == ("London ETO", office)
    assert english_definitions(f"The {office} (Annex A) said", [office]) == []


def test_no_units_give_no_terms():
    assert extract([]) == []

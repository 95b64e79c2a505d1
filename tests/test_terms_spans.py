"""Where terms can start and end, and the evidence across units (issue 20).

Each test names a case the gold glossaries showed going wrong; the rule it
checks is in bitext.terms.chinese, .english, .pairing or .cooccurrence.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import bitext
from bitext.config import PipelineConfig
from bitext.model import EXPORT_MIN_SCORE
from bitext.terms import extract, units_from_alignment
from bitext.terms.chinese import chinese_spans
from bitext.terms.cooccurrence import cooccurrence
from bitext.terms.english import english_spans
from bitext.terms.termbase import TermUnit

HK = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "hk-releases" / "docs"


def _zh(text: str) -> set[str]:
    return {z.text for z in chinese_spans(text)}


def _names(text: str) -> set[str]:
    return {s.text for s in english_spans(text) if s.kind in ("name", "acronym")}


def _unit_terms(zh: str, en: str) -> dict[str, str]:
    """The terms of one unit, however unsure (Chinese -> English)."""
    return {t.zh: t.en for t in extract([TermUnit(zh, en, "d", 1)], min_confidence=0)}


def _release(stem: str) -> bitext.Alignment:
    """A Hong Kong release aligned as `bitext terms extract` aligns one mixed file."""
    if not HK.is_dir():
        pytest.skip("../shared/eval/hk-releases is not here")
    zh = (HK / f"{stem}.zh.txt").read_text(encoding="utf-8")
    en = (HK / f"{stem}.en.txt").read_text(encoding="utf-8")
    config = PipelineConfig(zh_script="keep")
    return bitext.align_text(f"{zh}\n\n{en}\n", source=stem, config=config)


def _release_terms(stem: str) -> dict[str, str]:
    return {t.zh: t.en for t in extract(units_from_alignment(_release(stem)))}


def test_a_release_gives_the_terms_of_the_pairs_its_tmx_export_holds_back():
    # Long sentences naming several bodies and ordinances are the pairs the aligner is
    # least sure are *exactly* right; they still hold the translation of each name.
    alignment = _release("20260121_dh_blood_sample_importation")
    name = "醫務化驗師管理委員會"
    holding = [p for p in alignment.pairs(min_score=0.0) if name in p.src]
    assert holding and all(p.score < EXPORT_MIN_SCORE for p in holding)
    terms = {t.zh: t.en for t in extract(units_from_alignment(alignment))}
    assert terms[name] == "Medical Laboratory Technologists Board"
    assert terms["不良廣告（醫藥）條例"] == "Undesirable Medical Advertisements Ordinance"


def test_a_body_and_a_title_or_an_election_are_one_term_a_member_and_her_title_are_not():
    assert "立法會議員" in _zh("的新一屆立法會議員，與政府")
    # 選舉 is a verb to CC-CEDICT ("to elect"); after a body it is the body's election.
    assert "立法會選舉" in _zh("加強宣傳立法會選舉，大會特")
    assert "執行董事" in _zh("按揭證券公司執行董事兼總裁鮑克運")
    # A person's name and the title after it are two terms.
    spans = _zh("吳傑莊議員的提問")
    assert "吳傑莊" in spans and "吳傑莊議員" not in spans
    # A verb after a name without a head still ends it: a name, then what she did.
    assert not any(z.endswith("宣布") for z in _zh("特拉斯宣布辭職"))


def test_a_name_the_chinese_writes_in_latin_is_one_candidate_and_a_gloss_is_not():
    text = "中心署理集團行政總裁Saiful Adib Bin Abdul Munaff，以及宜可城"
    (whole,) = [z for z in chinese_spans(text) if z.text == "Saiful Adib Bin Abdul Munaff"]
    assert whole.kind == "latin"
    (gloss,) = [
        z
        for z in chinese_spans("美国总统唐纳德·特朗普 (Donald Trump) 说")
        if z.text == "Donald Trump"
    ]
    assert gloss.kind != "latin"
    # The dotted name takes every piece jieba tags a place (埃|马|纽埃|尔).
    assert "埃马纽埃尔·马克龙" in _zh("会见了法国总统埃马纽埃尔·马克龙 (Emmanuel Macron)")


def test_a_conjunction_jieba_glues_to_a_name_and_quoted_names_with_their_noun():
    # jieba's dictionary has 和政制 (rare); 政制 is far more common: the 和 joins.
    spans = _zh("上陳曼琪議員的提問和政制及內地事務局局長曾國衞的書面答覆")
    assert "政制及內地事務局局長" in spans
    assert not any(z.startswith("和") for z in spans)
    # A modifier jieba tags a distinguishing word (高級 senior) ends no name; a title does.
    spans = _zh("海事處高級驗船督察表示")
    assert "海事處高級" not in spans and "高級驗船督察" in spans
    assert "天津聯絡處主任" in _zh("天津聯絡處主任表示")
    # A quoted name and the noun after it are one term; a verb after it is not taken.
    spans = _zh("積極對接國家「十五五」規劃，並落實「一帶一路」倡議")
    assert {"「十五五」規劃", "十五五", "「一帶一路」倡議"} <= spans
    assert not any(z.startswith("「十五五」規劃") and z != "「十五五」規劃" for z in spans)


def test_a_name_goes_on_over_its_acronym_in_brackets_and_splits_at_of():
    names = _names("The Legislative Council (LegCo) General Election will be held.")
    assert {"Legislative Council (LegCo) General Election", "Legislative Council"} <= names
    assert not any(n.count("(") != n.count(")") for n in names)
    # "Centre for Health Protection (CHP) of the Department of Health": two bodies.
    terms = _release_terms("20251113_chp_flu_vaccination_appeal")
    assert terms["衞生防護中心"] == "Centre for Health Protection"
    assert terms["衞生署"] == "Department of Health"
    assert "衞生署衞生防護中心" not in terms


def test_a_quoted_name_the_chinese_writes_in_latin_is_a_term():
    terms = _unit_terms(
        "節目包括「時尚高峰（香港）2025」及「Fashion Asia Hong Kong」。",
        'Highlights include "Fashion Summit (Hong Kong) 2025", and "Fashion Asia Hong Kong".',
    )
    assert terms["Fashion Asia Hong Kong"] == "Fashion Asia Hong Kong"


def test_english_names_over_on_and_in_and_camel_case():
    names = _names("He met the Working Group on Developing Tourist Hotspots yesterday.")
    assert "Working Group on Developing Tourist Hotspots" in names
    # "in" joins a body to the one place it is in, not a person or a place to another place.
    assert "Hong Kong Chamber of Commerce in Guangdong" in _names(
        "He met the Hong Kong Chamber of Commerce in Guangdong today."
    )
    assert not any(" in " in n for n in _names("He met Emmanuel Macron in Paris and others."))
    # "the" after a verb's -ing form stays inside a name; before an honorific it is cut.
    assert "Recommendations for Formulating the 15th Five-Year Plan" in _names(
        "to align with the Recommendations for Formulating the 15th Five-Year Plan, including"
    )
    honoured = _names("The Chief Executive the Hon John Lee said")
    assert {"Chief Executive", "John Lee"} <= honoured
    assert not any("Hon" in n for n in honoured)
    # A headline's first capital is no name; a word addressed alone is (a LegCo answer).
    assert "Red" not in _names("Red flag lowered at Stanley")
    assert "President" in _names("President,")
    # The "and" of a body's name comes before its head, with the place after it.
    assert "Hong Kong Economic and Trade Office in London" in _names(
        "The Hong Kong Economic and Trade Office in London (London ETO) co-hosted a reception."
    )
    toilet = _names("Ma Liu Shui Waterfront Public Toilet in Sha Tin District won.")
    assert "Sha Tin District" in toilet and not any(" in " in n for n in toilet)
    assert "Secretary General" in _names("the Deputy Secretary General (Environmental) said")
    assert "iAM Smart" in _names("Members of the public can log in with iAM Smart.")
    assert "then-President Donald Trump" not in _names("said then-President Donald Trump.")
    # "Then" opens a sentence, not a name; a possessive before a measure ends one.
    assert "Then Dominic Cummings" not in _names("Then Dominic Cummings said no.")
    assert "Angela Merkel" in _names("After Angela Merkel's 16-year tenure ended.")
    assert "Central People's Government" in _names("the Central People's Government said")
    phrases = {s.text for s in english_spans("the new foreign minister said")}
    assert "foreign minister" in phrases and "new foreign minister" not in phrases
    # Accented Latin letters are letters of a name, not where it ends.
    assert "Belém" in _names("The COP30 opened in Belém, Brazil, yesterday.")
    # French and Italian names join over their own connectors; no phrase opens with one.
    text = (
        "namely, the Fédération de la Haute Couture et de la Mode of France and the Camera"
        " Nazionale della Moda Italiana, followed by"
    )
    names = _names(text)
    assert {
        "Fédération de la Haute Couture et de la Mode",
        "Camera Nazionale della Moda Italiana",
    } <= names
    assert not any(s.text.startswith(("de ", "la ", "della ")) for s in english_spans(text))
    # A name ending in a head the list knows is one name with its "and" (Blueprint).
    assert "Hong Kong Innovation and Technology Development Blueprint" in _names(
        "the Hong Kong Innovation and Technology Development Blueprint was published"
    )


def test_units_agreeing_on_a_pair_no_dictionary_links_make_it_a_term():
    units = [
        TermUnit(
            "市民可透過智方便登入。", "Members of the public can log in with iAM Smart.", "d", 1
        ),
        TermUnit(
            "智方便的用戶已超過三百萬。",
            "The number of iAM Smart users has exceeded three million.",
            "d",
            2,
        ),
        TermUnit(
            "政府會繼續推廣智方便。", "The Government will continue to promote iAM Smart.", "d", 3
        ),
    ]
    # Once, the encoder alone does not find 智方便 in "iAM Smart"; three times, the units do.
    assert "智方便" not in {t.zh for t in extract(units[:1], min_confidence=0)}
    assert {t.zh: t.en for t in extract(units)}["智方便"] == "iAM Smart"
    spans = [(chinese_spans(u.zh), english_spans(u.en)) for u in units]
    index = cooccurrence(spans)
    (zs, es) = spans[0]
    dice = index.dice(zs, es)
    z = next(i for i, s in enumerate(zs) if s.text == "智方便")
    assert dice[z, next(j for j, s in enumerate(es) if s.text == "iAM Smart")] == 1.0
    # "public" is in one unit only: together once says nothing.
    assert dice[z, next(j for j, s in enumerate(es) if s.text == "public")] == 0.0


def test_a_pair_gives_up_chinese_after_the_term_that_explains_no_english():
    terms = _release_terms("20251113_ccida_fashion_fest")
    # 香港特別行政區政府主辦: 主辦 ("to host") is no part of the government's name.
    assert (
        terms["香港特別行政區政府"] == "Government of the Hong Kong Special Administrative Region"
    )
    assert "香港特別行政區政府主辦" not in terms
    # 大埔區放馬莆 pairs "Tai Po District" no better than 大埔區 does.
    terms = _release_terms("20251113_fehd_toilet_attendants")
    assert terms["大埔區"] == "Tai Po District"
    # Unless the English has a word nothing links that the nouns after it may render:
    # 分類目錄, the Taxonomy.
    terms = _release_terms("20251113_see_cop30_brazil")
    assert terms["香港可持續金融分類目錄"] == "Hong Kong Taxonomy for Sustainable Finance"


def test_a_pair_gives_up_a_verb_jieba_glued_before_the_name():
    terms = _unit_terms(
        "駐柏林經貿辦支持在波蘭舉行五味亞洲電影節（附圖）",
        "HKETO Berlin supports Five Flavours Asian Film Festival held in Poland (with photos)",
    )
    assert terms["五味亞洲電影節"] == "Five Flavours Asian Film Festival"
    assert "舉行五味亞洲電影節" not in terms
    # A character the English spells is the name's, whatever jieba tags it (調 Tiu).
    terms = _release_terms("20251113_lcsd_tiu_keng_leng_closure")
    assert terms["調景嶺體育館"] == "Tiu Keng Leng Sports Centre"


def test_a_place_inside_a_place_is_two_terms_a_body_in_a_province_is_one():
    terms = _release_terms("20251113_ld_occupational_health_talks")
    assert terms["演講廳"] == "Lecture Theatre"
    assert terms["香港中央圖書館"] == "Hong Kong Central Library"
    assert "香港中央圖書館演講廳" not in terms
    terms = _release_terms("20260121_legco_q9_mainland_offices")
    assert terms["廣東省香港商會"] == "Hong Kong Chamber of Commerce in Guangdong"


def test_a_pair_takes_the_chinese_up_to_the_head_the_english_ends_in():
    terms = _unit_terms(
        "院方已透過早期事故通報系統向醫院管理局總辦事處報告事件。",
        "UCH has reported the case to the Hospital Authority Head Office via the Advanced"
        " Incident Reporting System.",
    )
    # 醫院管理局 ends in 局 (Authority); the English ends in Office, as 辦事處 does.
    assert terms["醫院管理局總辦事處"] == "Hospital Authority Head Office"
    assert "醫院管理局" not in terms


def test_a_compound_noun_is_taken_whole_a_clause_is_not():
    # 外科 "surgical" and 口罩 "mask" each pair a little better than the whole does.
    terms = _release_terms("20251113_chp_flu_vaccination_appeal")
    assert terms["外科口罩"] in ("surgical mask", "surgical masks")
    terms = _release_terms("20251113_hkma_project_ensemble")
    assert terms["代幣化貨幣市場基金"] == "tokenised money market fund"
    # 外長 "foreign" does not grow into the clause after it (周六警告, "warned on Saturday").
    found = _unit_terms(
        "德国外长周六警告称，可用于重启核协议的时间已经所剩无几。",
        "Germany's foreign minister warned on Saturday that time was running out to revive"
        " the nuclear deal.",
    )
    assert not any(zh.startswith("外长") and len(zh) > 2 for zh in found)


def test_the_extent_a_release_agrees_on_does_not_cut_a_word():
    # jieba tags the 年 of 年金 (annuity) a count: one unit links 金有限公司 a little surer.
    terms = _release_terms("20260121_hkmc_retirement_film")
    assert terms["香港年金有限公司"] == "HKMC Annuity Limited"
    assert "金有限公司" not in terms


def test_a_hong_kong_name_takes_the_english_given_name_before_its_surname():
    # Only 黃 links (to Wong); "Kenny" is a given name the Chinese does not write.
    terms = _unit_terms(
        "一同觀賞由藝人黃德斌及李司棋主演的微電影的首播。",
        "They attended the premiere of the micro-film starring Mr Kenny Wong and Ms Louise Lee.",
    )
    assert terms["黃德斌"] == "Kenny Wong"
    assert terms["李司棋"] == "Louise Lee"


def _linked(zh: str, en: str, word: str) -> str:
    """The Chinese characters the English `word` of a unit is linked to."""
    from bitext.terms.links import unit_links

    links = unit_links(zh, en)
    at = [k for k, (a, b) in enumerate(links.en_words) if en[a:b] == word]
    return "".join(zh[c] for c in sorted(set().union(*(links.zh_of[k] for k in at))))


def test_words_are_looked_up_as_the_dictionary_cuts_them_too():
    # jieba keeps 香港海關 whole, which CC-CEDICT lacks; it has 海關, customs.
    zh = "本署已就相關個案通報香港海關跟進。"
    en = "The DH has referred these cases to the Hong Kong Customs and Excise Department."
    assert _linked(zh, en, "Customs") == "海關"
    # jieba cuts 大灣 + 區; CC-CEDICT has 大灣區, the Greater Bay Area.
    zh = "向在大灣區內地城市發展的香港居民推廣大灣區機遇。"
    en = "They promote Greater Bay Area opportunities to residents in the Greater Bay Area cities."
    assert set(_linked(zh, en, "Greater")) == set("大灣區")


def test_a_short_form_the_release_defines_is_the_extent_of_its_term():
    # 食物環境衞生署（食環署）... FEHD: three units link a cut of it, 環署, to FEHD.
    terms = _release_terms("20251113_fehd_toilet_attendants")
    assert terms["食環署"] == "FEHD"
    assert "環署" not in terms


def test_a_possessive_is_no_part_of_the_name_it_follows():
    zh = "主題曲改編自郭富城的流行歌曲。"
    en = "The theme song was adapted from Aaron Kwok's popular hit."
    assert _linked(zh, en, "Kwok") == "郭"

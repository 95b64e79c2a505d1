"""The term base's units (alignment, TMX, memory) and `terms.check` with its reports."""

from __future__ import annotations

import html.parser
from pathlib import Path

import pytest

from bitext.errors import OutputError
from bitext.export.tsv import unescape_field
from bitext.model import EXPORT_MIN_SCORE, join_sentences
from bitext.normalize.zh_script import to_simplified
from bitext.terms import (
    TERM_MIN_SCORE,
    Occurrence,
    Term,
    TermUnit,
    Variant,
    check_report_html,
    check_report_tsv,
    units_from_alignment,
    units_from_memory,
    units_from_tmx,
    write_check_report,
)
from bitext.terms.consistency import CONTRADICTION, INCONSISTENCY, contradictions, inconsistencies
from hk_release_helpers import LCSD, LCSD_EN, LCSD_ZH, batch_memory, mixed_release

PLANTED = "Department of Leisure and Cultural Services"


def unit_of(shared_dir: Path, doc: str, zh: str, en: str, id: int = 0) -> TermUnit:
    """The paragraphs of a real release holding `zh` and `en`, as one unit."""
    docs = shared_dir / "eval" / "hk-releases" / "docs"
    found = []
    for lang, needle in (("zh", zh), ("en", en)):
        text = (docs / f"{doc}.{lang}.txt").read_text("utf-8")
        found.append(next(p.strip() for p in text.split("\n") if needle in p))
    return TermUnit(found[0], found[1], f"{doc}.txt", id)


def departments(shared_dir: Path) -> list[TermUnit]:
    """The unit naming the LCSD in each of the four releases."""
    return [unit_of(shared_dir, doc, LCSD_ZH, LCSD_EN, n) for n, doc in enumerate(LCSD)]


def term(zh: str, found: list[tuple[TermUnit, str, str]], type: str = "term", **kw) -> Term:
    """A term as the extractor gives it: one occurrence per (unit, zh form, rendering)."""
    occurrences = tuple(Occurrence(u, z, e) for u, z, e in found)
    return Term(zh, found[0][2], type, len(found), 0.9, occurrences, **kw)


# --- units ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_alignment(sample_path: Path, use_encoder):
    from bitext.pipeline import align_document

    return align_document(sample_path, encoder=use_encoder)


def test_units_from_alignment_are_its_confident_pairs_by_bead_index(sample_alignment):
    units = units_from_alignment(sample_alignment)
    beads = sample_alignment.beads
    confident = [i for i, b in enumerate(beads) if b.is_pair and b.score >= TERM_MIN_SCORE]
    assert [u.id for u in units] == confident and units
    for unit in units:
        bead = beads[unit.id]
        assert unit.zh == join_sentences([sample_alignment.src[i] for i in bead.src])
        assert unit.en == join_sentences([sample_alignment.tgt[j] for j in bead.tgt])
        assert unit.document == sample_alignment.source == "press_release_chongqing.txt"
    # With no threshold every pair comes in: the threshold is what left the others out.
    every = units_from_alignment(sample_alignment, min_score=0.0)
    assert len(every) == sum(b.is_pair for b in beads) >= len(units)


def test_units_from_tmx_are_the_pairs_tm_import_stores(sample_alignment, tmp_path: Path):
    from bitext import tmx, write_tmx
    from bitext.tm import TranslationMemory, import_tmx

    path = tmp_path / "sample.tmx"
    write_tmx([sample_alignment], path)
    units = units_from_tmx(path)
    with TranslationMemory(tmp_path / "tm.sqlite") as memory:
        import_tmx(memory, path)
        stored = sorted((u.src, u.tgt) for u in memory.units())
    assert sorted({(u.zh, u.en) for u in units}) == stored and units
    assert {u.document for u in units} == {"sample.tmx"}
    assert [u.id for u in units] == list(range(len(units)))
    # A unit with two Chinese variants gives both, each as written (Traditional kept).
    first = tmx.read(path).units[0]
    zh = next(v for tag, v in first.variants.items() if tag.startswith("zh"))
    en = next(v for tag, v in first.variants.items() if tag.startswith("en"))
    hant = tmx.Variant.plain("zh-HK", "康樂及文化事務署今日宣布")
    both = tmx.TranslationUnit(tuid="1", variants={zh.lang: zh, "zh-HK": hant, en.lang: en})
    two = tmp_path / "two.tmx"
    two.write_bytes(tmx.to_bytes(tmx.TMXDocument(header={}, units=(both,), version="1.4")))
    assert [(u.zh, u.en) for u in units_from_tmx(two)] == [
        (zh.text, en.text),
        ("康樂及文化事務署今日宣布", en.text),
    ]


@pytest.fixture(scope="module")
def planted_memory(shared_dir: Path, tmp_path_factory) -> Path:
    """The four LCSD releases, one of them with the department renamed in English only.

    Built by `bitext batch` keeping the Chinese as written (Traditional).
    """
    folder = tmp_path_factory.mktemp("lcsd") / "releases"
    for doc in LCSD:
        plant = (LCSD_EN, PLANTED) if doc == LCSD[2] else None
        mixed_release(shared_dir, doc, folder, plant)
    return batch_memory(folder, folder.parent / "tm.sqlite", "--zh-script", "keep")


def test_units_from_memory_are_its_exported_units_with_their_release(planted_memory: Path):
    from bitext.tm import TranslationMemory

    with TranslationMemory(planted_memory, create=False, read_only=True) as memory:
        units = units_from_memory(memory)
        exported = memory.with_origins(memory.units(min_score=EXPORT_MIN_SCORE))
        held = memory.units(held=True)
        every = units_from_memory(memory, min_score=0)
    assert [(u.id, u.zh, u.en) for u in units] == [(u.id, u.src, u.tgt) for u in exported]
    # batch names a release by its path below the folder it was given, with that folder.
    assert {u.document for u in units} == {f"releases/{doc}.txt" for doc in LCSD}
    assert all(u.document == e.origins[0].path for u, e in zip(units, exported, strict=True))
    # Held-back pairs stay out unless asked for; Traditional Chinese stays as written.
    assert not {u.id for u in units} & {h.id for h in held}
    assert len(every) == len(units) + len(held)
    assert any(LCSD_ZH in u.zh for u in units)


# --- check on a memory built from real releases (needs the extractor) -----------------------


def test_check_finds_the_planted_rendering_and_nothing_rendered_alike(planted_memory: Path):
    from bitext.terms import check
    from bitext.tm import TranslationMemory

    with TranslationMemory(planted_memory, create=False, read_only=True) as memory:
        units = units_from_memory(memory)
    findings = check(units)
    lcsd = [f for f in findings if f.kind == INCONSISTENCY and LCSD_ZH in f.zh]
    assert len(lcsd) == 1, [(f.zh, [r.en for r in f.renderings]) for f in findings]
    by_en = {r.en.removeprefix("the ").casefold(): r for r in lcsd[0].renderings}
    assert set(by_en) == {LCSD_EN.casefold(), PLANTED.casefold()}
    planted = by_en[PLANTED.casefold()]
    assert [u.document for u in planted.units] == [f"releases/{LCSD[2]}.txt"]
    assert all(PLANTED in u.en and LCSD_ZH in u.zh for u in planted.units)
    assert {u.document for u in by_en[LCSD_EN.casefold()].units} == {
        f"releases/{doc}.txt" for doc in LCSD if doc != LCSD[2]
    }
    # Without the planted release the department is rendered one way: nothing to report,
    # and 紅旗 (red flag in one release, red flags in another) is never reported.
    rest = [u for u in units if u.document != f"releases/{LCSD[2]}.txt"]
    assert not [f for f in check(rest) if LCSD_ZH in f.zh]
    assert not [f for f in findings if "紅旗" in f.zh]


# --- check on hand-built terms over real text ---------------------------------------------


AFCD_DOC, TSE_DOC = "20251113_afcd_hong_kong_trail_challenge", "20251113_see_cop30_brazil"
AFCD_EN = "Agriculture, Fisheries and Conservation Department"


def test_case_plural_abbreviation_and_surname_are_one_rendering(shared_dir: Path):
    lowered = unit_of(shared_dir, LCSD[1], "紅旗現已除下", "red flag at Stanley", 1)
    hoisted = unit_of(shared_dir, LCSD[2], "已懸掛紅旗", "red flags have been", 2)
    headline = unit_of(shared_dir, LCSD[1], "紅旗除下", "Red flag lowered", 0)
    launch = unit_of(shared_dir, AFCD_DOC, "（漁護署）", "(AFCD)")
    spokesman = unit_of(shared_dir, AFCD_DOC, "漁護署發言人", "for the AFCD", 1)
    full = unit_of(shared_dir, TSE_DOC, "局長謝展寰", "Tse Chin-wan")
    later = unit_of(shared_dir, TSE_DOC, "謝展寰出席", "Mr Tse attended", 1)
    flags = [(lowered, "red flag"), (hoisted, "red flags"), (headline, "Red flag")]
    terms = [
        term("紅旗", [(u, "紅旗", en) for u, en in flags]),
        term(
            "漁農自然護理署",
            [(launch, "漁農自然護理署", AFCD_EN), (spokesman, "漁護署", "AFCD")],
            type="organisation",
        ),
        term(
            "謝展寰",
            [(full, "謝展寰", "Tse Chin-wan"), (later, "謝展寰", "Mr Tse")],
            type="person",
        ),
    ]
    assert inconsistencies(terms) == []


GOLD = Path(__file__).resolve().parents[1] / "data" / "terms-gold" / "hk-releases.tsv"
#: Chinese terms whose releases render them in ways the gold glossary notes as one name:
#: C&SD, UBWs, DEVB, HKSAR Government, InvestHK, LegCo, Mr Tse, red flags, PTs, LPs, "the".
GOLD_SAME = (
    "政府統計處",
    "僭建物",
    "發展局",
    "特區政府",
    "投資推廣署",
    "立法會",
    "謝展寰",
    "紅旗",
    "公廁",
    "有限合夥人",
    "新田科技城創科產業發展規劃概念綱要",
)
#: ... and two that are rendered differently: US / USA, and the word order of the Government.
GOLD_DIFFERENT = ("美國", "香港特別行政區政府")


def test_the_gold_glossarys_forms_of_one_name_are_not_reported():
    import csv

    with GOLD.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    by_zh: dict[str, list[tuple[TermUnit, str, str]]] = {}
    for n, row in enumerate(rows):
        unit = TermUnit(row["zh"], row["en"], row["document"], n)
        by_zh.setdefault(row["zh"], []).append((unit, row["zh"], row["en"]))
    types = {row["zh"]: row["type"] for row in rows}
    terms = [term(zh, found, type=types[zh]) for zh, found in by_zh.items()]
    reported = {f.zh for f in inconsistencies(terms)}
    assert all(len({en for _, _, en in by_zh[zh]}) > 1 for zh in GOLD_SAME + GOLD_DIFFERENT)
    assert not reported & set(GOLD_SAME)
    assert set(GOLD_DIFFERENT) <= reported


def test_units_the_extractor_misread_or_missed_are_counted_under_their_rendering(shared_dir):
    q6 = "20260121_legco_q6_five_year_plan"
    bureau = unit_of(shared_dir, q6, "經諮詢創新科技及工業局及發展局", "Development Bureau (DEVB)")
    again = TermUnit(bureau.zh, bureau.en, "again.txt", 9)
    renamed = bureau.en.replace("the Development Bureau (DEVB)", "the Bureau of Development")
    planted = TermUnit(bureau.zh, renamed, "p.txt", 5)
    left_out = TermUnit(bureau.zh, "Our reply is as follows:", "o.txt", 6)
    tdc = unit_of(
        shared_dir, "20260121_london_eto_art_tech", "香港貿易發展局", "Trade Development Council"
    )
    lowered = unit_of(shared_dir, LCSD[1], "紅旗現已除下", "red flag at Stanley", 1)
    headline = unit_of(shared_dir, LCSD[1], "紅旗除下", "Red flag lowered", 0)
    terms = [
        term("發展局", [(u, "發展局", "Development Bureau") for u in (bureau, again)]),
        term("香港貿易發展局", [(tdc, "香港貿易發展局", "Hong Kong Trade Development Council")]),
        # The extractor read the headline's 紅旗 as "Red": its English holds "red flag".
        term("紅旗", [(lowered, "紅旗", "red flag"), (headline, "紅旗", "Red")]),
    ]
    units = [bureau, again, planted, left_out, tdc, lowered, headline]
    found = inconsistencies(terms, units)
    # 發展局 inside 香港貿易發展局 is that name; an English leaving the name out is no rendering.
    assert [(f.zh, [(r.en, r.units) for r in f.renderings]) for f in found] == [
        ("發展局", [("Development Bureau", (bureau, again)), ("Bureau of Development", (planted,))])
    ]


def test_other_spelling_and_other_wording_are_reported_with_their_units(shared_dir: Path):
    gerc = unit_of(shared_dir, LCSD[0], "綠化教育資源中心舉辦", "Resource Centre of Kowloon")
    talks = unit_of(shared_dir, LCSD[0], "綠化教育資源中心舉行", "Resource Centre in Kowloon", 1)
    center = TermUnit(gerc.zh, gerc.en.replace("Centre", "Center"), "other.txt", 7)
    found = departments(shared_dir)
    planted = TermUnit(found[0].zh, found[0].en.replace(LCSD_EN, PLANTED), "p.txt", 3)
    bare = TermUnit(found[1].zh, found[1].en.replace(LCSD_EN, "Department"), "b.txt", 4)
    rendered = "Green Education and Resource Centre"
    terms = [
        term(
            "綠化教育資源中心",
            [(gerc, "綠化教育資源中心", rendered)] * 2  # twice in one unit
            + [(talks, "綠化教育資源中心", rendered)]
            + [(center, "綠化教育資源中心", rendered.replace("Centre", "Center"))],
        ),
        term(
            LCSD_ZH,
            [(u, LCSD_ZH, LCSD_EN) for u in found]
            + [(planted, LCSD_ZH, PLANTED), (bare, LCSD_ZH, "Department")],
            type="organisation",
        ),
    ]
    findings = {f.zh: f for f in inconsistencies(terms)}
    assert set(findings) == {"綠化教育資源中心", LCSD_ZH}
    spelled = findings["綠化教育資源中心"]
    assert spelled.expected == rendered
    assert [(r.en, r.units) for r in spelled.renderings] == [
        (rendered, (gerc, talks)),  # each unit once
        (rendered.replace("Centre", "Center"), (center,)),
    ]
    worded = findings[LCSD_ZH]
    assert worded.kind == INCONSISTENCY and worded.expected == LCSD_EN
    assert worded.renderings[0].units == tuple(found)
    assert {r.units for r in worded.renderings[1:]} == {(planted,), (bare,)}


def test_glossary_contradiction_in_any_script_with_the_rendering_used(shared_dir: Path):
    found = departments(shared_dir)
    planted = TermUnit(found[0].zh, found[0].en.replace(LCSD_EN, PLANTED), "p.txt", 3)
    units = [
        *found,
        planted,
        unit_of(shared_dir, AFCD_DOC, "（漁護署）", "(AFCD)"),
        unit_of(shared_dir, AFCD_DOC, "漁護署發言人", "for the AFCD", 1),
        unit_of(shared_dir, AFCD_DOC, "漁護署提醒", "The AFCD reminds", 2),
    ]
    afcd = Term(
        "漁農自然護理署",
        AFCD_EN,
        "organisation",
        1,
        1.0,
        variants=(Variant("漁護署", "AFCD", "abbreviation", 1),),
    )
    for zh in (LCSD_ZH, to_simplified(LCSD_ZH)):  # a Simplified glossary checks Traditional text
        glossary = [Term(zh, LCSD_EN.lower(), "organisation", 4, 1.0), afcd]
        result = contradictions(units, glossary)
        assert [(f.kind, f.zh, f.expected) for f in result] == [
            (CONTRADICTION, zh, LCSD_EN.lower())
        ]
        assert [(r.en, r.units) for r in result[0].renderings] == [("", (planted,))]
        assert result[0].renderings[0].occurrences[0].zh == LCSD_ZH  # as the unit writes it
    # The rendering the extractor saw in the unit is named.
    seen = term(LCSD_ZH, [(planted, LCSD_ZH, PLANTED)])
    result = contradictions(units, [Term(LCSD_ZH, LCSD_EN, "organisation", 4, 1.0)], [seen])
    assert [(r.en, r.units) for r in result[0].renderings] == [(PLANTED, (planted,))]
    # A person named by the surname alone in a later unit renders the glossary's name.
    later = unit_of(shared_dir, TSE_DOC, "謝展寰出席", "Mr Tse attended", 1)
    tse = Term("謝展寰", "Tse Chin-wan", "person", 1, 1.0)
    assert contradictions([*units, later], [tse]) == []
    assert contradictions([*units, later], [Term("謝展寰", "Tse", "person", 1, 1.0)]) == []
    # An abbreviation the glossary does not list still renders its entry.
    plain = Term("漁農自然護理署", AFCD_EN, "organisation", 1, 1.0)
    short = Term("漁護署", AFCD_EN, "organisation", 1, 1.0)
    assert contradictions(units, [plain, short]) == []


# --- reports --------------------------------------------------------------------------------


def _findings(shared_dir: Path):
    found = departments(shared_dir)
    hostile = TermUnit(
        found[0].zh + "<script>alert(1)</script>",
        found[0].en.replace(LCSD_EN, PLANTED) + ' <b onclick="x">&amp;\tend',
        "<p>.txt",
        5,
    )
    occurrences = [(u, LCSD_ZH, LCSD_EN) for u in found] + [(hostile, LCSD_ZH, PLANTED)]
    return inconsistencies([term(LCSD_ZH, occurrences)]), found, hostile


class _Page(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.marked: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)
        if self.tags and self.tags[-1] == "mark":
            self.marked.append(data)

    def handle_endtag(self, tag):
        if self.tags and self.tags[-1] == tag:
            self.tags.pop()


def test_html_report_escapes_text_and_highlights_the_term_in_both_languages(shared_dir):
    findings, departments, hostile = _findings(shared_dir)
    page = check_report_html(findings).decode("utf-8")
    assert "<script>" not in page and "onclick" not in page.replace("onclick=&quot;", "")
    parser = _Page()
    parser.feed(page)
    text = "".join(parser.text)
    assert hostile.zh in text and hostile.en.replace("\t", "\t") in text
    assert all(u.en in text for u in departments)
    # Every unit's term is marked: the Chinese form and the rendering it uses.
    assert parser.marked.count(LCSD_ZH) == len(departments) + 1
    assert parser.marked.count(LCSD_EN) == len(departments)
    assert parser.marked.count(PLANTED) == 1


def test_tsv_report_has_one_row_per_unit_and_write_refuses_overwrite(shared_dir, tmp_path):
    findings, departments, hostile = _findings(shared_dir)
    lines = check_report_tsv(findings).decode("utf-8").splitlines()
    assert lines[0].split("\t") == [
        "kind",
        "zh",
        "expected",
        "rendering",
        "document",
        "unit",
        "zh_text",
        "en_text",
    ]
    rows = [[unescape_field(f) for f in line.split("\t")] for line in lines[1:]]
    assert all(len(r) == 8 for r in rows) and len(rows) == len(departments) + 1
    assert rows[-1] == [
        INCONSISTENCY,
        LCSD_ZH,
        LCSD_EN,
        PLANTED,
        hostile.document,
        "5",
        hostile.zh,
        hostile.en,
    ]
    out = tmp_path / "report.tsv"
    write_check_report(findings, out)
    before = out.read_bytes()
    with pytest.raises(OutputError):
        write_check_report([], out)
    assert out.read_bytes() == before
    write_check_report([], out, force=True)
    assert out.read_text("utf-8").count("\n") == 1
    page = tmp_path / "report.html"
    write_check_report(findings, page)
    release = tmp_path / "release.html"
    release.write_text("<html><body>someone's release</body></html>", encoding="utf-8")
    with pytest.raises(OutputError):  # --force replaces an old report, never a release
        write_check_report(findings, release, force=True)
    write_check_report([], page, force=True)

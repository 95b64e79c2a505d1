"""Terms built by hand from real names in real releases, shared by the glossary tests.

A Hong Kong department with its abbreviation and short form (漁農自然護理署,
AFCD, 漁護署), two people from another Hong Kong release, and a Chongqing
official from the bundled sample, each with the paragraph it was found in.
"""

from __future__ import annotations

from pathlib import Path

from bitext.terms import Occurrence, Term, TermUnit, Variant

AFCD_DOC = "20251113_afcd_hong_kong_trail_challenge"
SCST_DOC = "20251113_scst_haughey_gold_medal"


def paragraph(path: Path, needle: str) -> str:
    """The first paragraph (non-empty line) of a real release that holds `needle`."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if needle in line:
            return line.strip()
    raise AssertionError(f"{needle!r} not in {path}")


def _unit(shared: Path, doc: str, zh: str, en: str, unit_id: int) -> TermUnit:
    docs = shared / "eval" / "hk-releases" / "docs"
    zh_text = paragraph(docs / f"{doc}.zh.txt", zh)
    return TermUnit(zh_text, paragraph(docs / f"{doc}.en.txt", en), doc, unit_id)


def real_terms(shared_dir: Path, sample_path: Path) -> list[Term]:
    """Terms from real names, each with the real unit it was found in."""
    afcd_en = "Agriculture, Fisheries and Conservation Department"
    full = _unit(shared_dir, AFCD_DOC, "漁農自然護理署", afcd_en, 1)
    short = _unit(shared_dir, AFCD_DOC, "漁護署發言人", "A spokesman for the AFCD", 2)
    law = _unit(shared_dir, SCST_DOC, "羅淑佩", "Rosanna Law", 1)
    sample = sample_path.name
    zhang = TermUnit(
        paragraph(sample_path, "章勇武"), paragraph(sample_path, "Zhang Yongwu"), sample, 0
    )
    return [
        Term(
            "漁農自然護理署",
            afcd_en,
            "organisation",
            1,
            0.93,
            (Occurrence(full, "漁農自然護理署", afcd_en),),
            (
                Variant("漁農自然護理署", "AFCD", "abbreviation", 1),
                Variant("漁護署", "AFCD", "short form", 1),
            ),
        ),
        Term(
            "羅淑佩", "Rosanna Law", "person", 2, 0.875, (Occurrence(law, "羅淑佩", "Rosanna Law"),)
        ),
        Term(
            "何詩蓓",
            "Siobhan Bernadette Haughey",
            "person",
            2,
            1.0,
            (Occurrence(law, "何詩蓓", "Siobhan Bernadette Haughey"),),
        ),
        Term(
            "章勇武",
            "Zhang Yongwu",
            "person",
            1,
            0.6,
            (Occurrence(zhang, "章勇武", "Zhang Yongwu"),),
        ),
        Term("漁護署", "AFCD", "organisation", 1, 0.5, (Occurrence(short, "漁護署", "AFCD"),)),
    ]


def without_units(terms: list[Term]) -> list[Term]:
    """What a glossary can give back: everything but the units' text."""
    return [Term(t.zh, t.en, t.type, t.count, t.confidence, (), t.variants) for t in terms]

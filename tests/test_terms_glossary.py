"""Glossary files (issue 20): TBX-Basic, TSV and OmegaT, written and read back.

Terms are built by hand from real names in real releases (tests/terms_helpers.py).
The TBX is judged by the TBX-Basic schema in ../shared/tbx and by the dialect's
picklists, the OmegaT glossary by translate-toolkit here and by OmegaT itself in
tests/test_terms_omegat.py.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from lxml import etree, isoschematron

from bitext.errors import InputError, OutputError
from bitext.terms import Term, Variant, read_glossary, tbx_bytes, write_glossary
from bitext.terms.glossary import omegat_bytes, tsv_bytes
from terms_helpers import AFCD_DOC, real_terms, without_units

NS = {"t": "urn:iso:std:iso:30042:ed-2"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# The TBX-Basic dialect's own Schematron rules (LTAC-Global/TBX-Basic_dialect,
# DCA/TBX-Basic_DCA.sch) that lxml can run: that one is XSLT 2 and written for
# a later namespace, so its picklists and levels are restated here for ed-2.
SCHEMATRON = b"""<schema xmlns="http://purl.oclc.org/dsdl/schematron">
  <ns uri="urn:iso:std:iso:30042:ed-2" prefix="tbx"/>
  <pattern>
    <rule context="tbx:tbx">
      <assert test="@type='TBX-Basic' and @style='dca'">type TBX-Basic, style dca</assert>
    </rule>
    <rule context="tbx:termNote[@type='partOfSpeech']">
      <assert test=".='adjective' or .='noun' or .='other' or .='verb' or .='adverb'"
        >partOfSpeech outside the picklist</assert>
    </rule>
    <rule context="tbx:termNote[@type='termType']">
      <assert test=".='fullForm' or .='acronym' or .='abbreviation' or .='shortForm'
        or .='variant' or .='phrase'">termType outside the picklist</assert>
    </rule>
    <rule context="tbx:termNote[@type='administrativeStatus']">
      <assert test=".='admittedTerm-admn-sts' or .='deprecatedTerm-admn-sts'
        or .='supersededTerm-admn-sts' or .='preferredTerm-admn-sts'"
        >administrativeStatus outside the picklist</assert>
    </rule>
    <rule context="tbx:termNote">
      <assert test="parent::tbx:termSec or parent::tbx:termNoteGrp/parent::tbx:termSec"
        >termNote only at termSec level</assert>
    </rule>
    <rule context="tbx:descrip[@type='subjectField']">
      <assert test="parent::tbx:conceptEntry">subjectField only at conceptEntry level</assert>
    </rule>
  </pattern>
</schema>"""


@pytest.fixture(scope="module")
def terms(shared_dir: Path, sample_path: Path) -> list[Term]:
    return real_terms(shared_dir, sample_path)


# --- TBX ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rng(shared_dir: Path) -> etree.RelaxNG:
    return etree.RelaxNG(
        etree.parse(str(shared_dir / "tbx" / "TBXcoreStructV03_TBX-Basic_integrated.rng"))
    )


def _errors(data: bytes, rng: etree.RelaxNG) -> list[str]:
    doc = etree.ElementTree(etree.fromstring(data))
    schematron = isoschematron.Schematron(etree.fromstring(SCHEMATRON))
    errors = [] if rng.validate(doc) else [str(e) for e in rng.error_log]
    if not schematron.validate(doc):
        errors += [e.message for e in schematron.error_log]
    return errors


def test_the_schemas_accept_the_dialects_own_example(shared_dir: Path, rng: etree.RelaxNG) -> None:
    # The judges themselves are sound: TBX-Basic's example passes both.
    assert _errors((shared_dir / "tbx" / "Example_Astronomy_DCA_VALID.tbx").read_bytes(), rng) == []


def test_tbx_is_valid_tbx_basic(terms: list[Term], rng: etree.RelaxNG) -> None:
    assert _errors(tbx_bytes(terms, zh_lang="zh-HK"), rng) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'<langSec xml:lang="en">', b"<langSec>"),  # the schema requires the language
        (b"<termSec>\n            <term>", b"<termSec>\n            <bogus/><term>"),
        (b'"partOfSpeech">noun<', b'"partOfSpeech">properNoun<'),  # not in the picklist
    ],
)
def test_a_broken_tbx_is_rejected(
    terms: list[Term], rng: etree.RelaxNG, old: bytes, new: bytes
) -> None:
    # The validation can fail: a TBX broken in one place does not pass.
    data = tbx_bytes(terms)
    assert old in data
    assert _errors(data.replace(old, new, 1), rng) != []


def test_tbx_entries_terms_and_notes(terms: list[Term]) -> None:
    root = etree.fromstring(tbx_bytes(terms, zh_lang="zh-HK"))
    assert root.get("type") == "TBX-Basic" and root.get("style") == "dca"
    entries = root.findall(".//t:conceptEntry", NS)
    assert [e.get("id") for e in entries] == [f"c{i}" for i in range(1, len(terms) + 1)]
    afcd = entries[0]
    forms = {
        sec.get(XML_LANG): [
            (
                ts.findtext("t:term", namespaces=NS),
                ts.findtext("t:termNote[@type='termType']", namespaces=NS),
            )
            for ts in sec.findall("t:termSec", NS)
        ]
        for sec in afcd.findall("t:langSec", NS)
    }
    assert forms == {
        "zh-HK": [("漁農自然護理署", "fullForm"), ("漁護署", "shortForm")],
        "en": [(terms[0].en, "fullForm"), ("AFCD", "abbreviation")],
    }
    statuses = afcd.xpath(".//t:termNote[@type='administrativeStatus']/text()", namespaces=NS)
    assert statuses == ["preferredTerm-admn-sts", "admittedTerm-admn-sts"] * 2
    notes = [n.text for n in afcd.findall("t:note", NS)]
    assert "type: organisation" in notes
    # The note that leads a reviser back to the units: document, unit id, count, confidence.
    assert f"found in 1 unit (confidence 0.93): {AFCD_DOC} #1" in notes
    person = entries[1]
    assert (
        person.xpath("string(.//t:langSec[@xml:lang='en']//t:term)", namespaces=NS) == "Rosanna Law"
    )
    assert "type: person" in [n.text for n in person.findall("t:note", NS)]


@pytest.mark.parametrize("lang", ["zh-HK", "zh-TW", "zh-CN"])
def test_the_chinese_language_tag_is_the_callers(terms: list[Term], lang: str) -> None:
    root = etree.fromstring(tbx_bytes(terms, zh_lang=lang))
    langs = {s.get(XML_LANG) for s in root.iterfind(".//t:langSec", NS)}
    assert langs == {lang, "en"}


def test_an_empty_term_base_is_no_tbx(tmp_path: Path) -> None:
    # The schema needs one conceptEntry: refused, not written invalid.
    with pytest.raises(ValueError, match="at least one"):
        tbx_bytes([])
    with pytest.raises(OutputError, match="no terms"):
        write_glossary([], tmp_path / "g.tbx")
    assert list(tmp_path.iterdir()) == []


# --- TSV and OmegaT -------------------------------------------------------------------------


def test_tsv_header_and_one_row_per_term(terms: list[Term]) -> None:
    rows = list(csv.reader(io.StringIO(tsv_bytes(terms).decode("utf-8")), delimiter="\t"))
    assert rows[0][:2] == ["zh", "en"]
    assert rows[0] == ["zh", "en", "type", "count", "confidence", "variants", "documents"]
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [(t.zh, t.en, t.type) for t in terms]
    assert all(len(r) == 7 for r in rows)
    assert rows[1][6] == AFCD_DOC


def test_tabs_and_line_breaks_in_values_do_not_break_records() -> None:
    term = Term("漁護署\t總部", "AFCD\nheadquarters", "place", 1, 0.5)
    rows = tsv_bytes([term]).decode("utf-8").splitlines()
    assert rows[1].split("\t")[:2] == ["漁護署 總部", "AFCD headquarters"]
    lines = omegat_bytes([term]).decode("utf-8").splitlines()
    assert len(lines) == 1 and lines[0].split("\t")[:2] == ["漁護署 總部", "AFCD headquarters"]


@pytest.mark.parametrize("name", ["g.tsv", "g.tbx", "g.utf8"])
def test_separators_inside_a_rendering_survive(tmp_path: Path, name: str) -> None:
    # "; ", " = " and parentheses are the variant cell's own punctuation.
    odd = Variant("立法會", "Legislative Council (LegCo); the council = LegCo", "rendering", 2)
    term = Term("立法會", "Legislative Council", "organisation", 3, 0.7, (), (odd, odd))
    assert read_glossary(write_glossary([term], tmp_path / name)) == [term]


def _expected_lines(terms: list[Term]) -> list[tuple[str, str]]:
    """The (source, target) lines an OmegaT glossary of `terms` must hold: terms and variants."""
    return [pair for t in terms for pair in [(t.zh, t.en), *((v.zh, v.en) for v in t.variants)]]


@pytest.fixture(scope="module")
def toolkit_omegat() -> ModuleType:
    try:
        from translate.storage import omegat
    except ImportError as exc:
        if os.environ.get("BITEXT_REQUIRE_TOOLKIT") == "1":
            pytest.fail(f"BITEXT_REQUIRE_TOOLKIT=1 but translate-toolkit cannot be imported: {exc}")
        pytest.skip("translate-toolkit not installed (pip install translate-toolkit)")
    return omegat


@pytest.mark.parametrize("name", ["glossary.txt", "glossary.utf8"])
def test_translate_toolkit_reads_the_omegat_glossary(
    terms: list[Term], toolkit_omegat: ModuleType, tmp_path: Path, name: str
) -> None:
    path = write_glossary(terms, tmp_path / name)
    with path.open("rb") as handle:
        store = toolkit_omegat.OmegaTFile(handle)
    units = [u for u in store.units if u.source]
    assert [(u.source, u.target) for u in units] == _expected_lines(terms)
    # The comment column carries type and count.
    assert units[0].getnotes() == "organisation; 1 unit; confidence 0.93"
    assert units[1].getnotes() == "organisation; abbreviation of 漁農自然護理署; 1 unit"


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="translate-toolkit (3.20) reads TBX 2008 (<martif>, termEntry/langSet/tig) only; "
    "ISO 30042:2019 TBX (<tbx>, conceptEntry/langSec/termSec) fails its root assertion",
)
def test_translate_toolkit_reads_the_tbx(terms: list[Term], tmp_path: Path) -> None:
    tbx = pytest.importorskip("translate.storage.tbx")
    path = write_glossary(terms, tmp_path / "g.tbx")
    with path.open("rb") as handle:
        store = tbx.tbxfile(handle)
    assert [(u.source, u.target) for u in store.units][: len(terms)] == [
        (t.zh, t.en) for t in terms
    ]


# --- round trip and reading -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["g.tbx", "g.tsv", "g.txt", "g.utf8"])
def test_round_trip(terms: list[Term], tmp_path: Path, name: str) -> None:
    path = write_glossary(terms, tmp_path / name, zh_lang="zh-HK")
    assert read_glossary(path) == without_units(terms)


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("tbx", "terms.xml"), ("tsv", "terms.csv"), ("tsv", "terms.txt"), ("omegat", "terms")],
)
def test_the_format_is_found_from_the_content_too(
    terms: list[Term], tmp_path: Path, fmt: str, name: str
) -> None:
    path = write_glossary(terms, tmp_path / name, format=fmt)
    assert read_glossary(path) == without_units(terms)


def test_a_glossary_from_other_tools_is_read(tmp_path: Path, shared_dir: Path) -> None:
    # OmegaT's own comment lines and bare pairs; a spreadsheet's TSV with a BOM and two columns.
    (tmp_path / "hand.utf8").write_text(
        "# made by hand\n羅淑佩\tRosanna Law\n漁護署\tAFCD\tdepartment\n", encoding="utf-8"
    )
    assert [(t.zh, t.en, t.type, t.count) for t in read_glossary(tmp_path / "hand.utf8")] == [
        ("羅淑佩", "Rosanna Law", "term", 0),
        ("漁護署", "AFCD", "term", 0),
    ]
    (tmp_path / "sheet.tsv").write_bytes(
        "\ufeffzh\ten\n何詩蓓\tSiobhan Bernadette Haughey\n".encode()
    )
    assert [(t.zh, t.en) for t in read_glossary(tmp_path / "sheet.tsv")] == [
        ("何詩蓓", "Siobhan Bernadette Haughey")
    ]


def test_another_tools_tbx_gives_its_forms_as_variants(terms: list[Term], tmp_path: Path) -> None:
    # Without bitext's notes, each other form pairs with the other side's headword.
    data = tbx_bytes(terms[:1])
    root = etree.fromstring(data)
    for note in root.findall(".//t:note", NS):
        note.getparent().remove(note)
    (tmp_path / "other.tbx").write_bytes(
        etree.tostring(root, xml_declaration=True, encoding="utf-8")
    )
    (term,) = read_glossary(tmp_path / "other.tbx")
    assert (term.zh, term.en) == (terms[0].zh, terms[0].en)
    assert {(v.zh, v.en, v.kind) for v in term.variants} == {
        ("漁護署", terms[0].en, "short form"),
        (terms[0].zh, "AFCD", "abbreviation"),
    }


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE tbx [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" xml:lang="en"><text><body>
<conceptEntry id="c1"><langSec xml:lang="zh"><termSec><term>&x;</term></termSec></langSec>
<langSec xml:lang="en"><termSec><term>x</term></termSec></langSec></conceptEntry>
</body></text></tbx>"""
MARTIF = b'<?xml version="1.0"?><martif type="TBX"><text><body/></text></martif>'


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("g.tbx", XXE, "declares entities; refused for safety"),
        ("g.tbx", MARTIF, "root element is <martif>, not TBX 2019 <tbx> (TBX 2008"),
        ("g.tbx", b"<tbx><conceptEntry>", "not well-formed XML (line 1)"),
        ("g.tsv", "source\ttarget\n漁護署\tAFCD\n".encode(), "first two columns are not zh and en"),
        (
            "g.tsv",
            "zh\ten\tcount\n漁護署\tAFCD\tmany\n".encode(),
            "line 2: count 'many' is not a whole number",
        ),
        (
            "g.tsv",
            "zh\ten\tconfidence\n漁護署\tAFCD\t1.5\n".encode(),
            "line 2: confidence '1.5' is not a number from 0 to 1",
        ),
        ("g.txt", "漁護署 AFCD\n".encode(), "line 1: not 'source<TAB>target'"),
        ("g.txt", "漁護署\tAFCD\n".encode("utf-16"), "not UTF-8 text"),
        ("g.txt", b"", "empty file"),
    ],
)
def test_bad_glossaries_are_one_line_input_errors(
    tmp_path: Path, name: str, data: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_glossary(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and problem in message and "\n" not in message


def test_a_tbx_without_chinese_is_refused(shared_dir: Path) -> None:
    # Valid TBX-Basic (English and Spanish): nothing a zh-en glossary can use.
    path = shared_dir / "tbx" / "Example_Astronomy_DCA_VALID.tbx"
    with pytest.raises(InputError, match="no TBX entry has both a Chinese"):
        read_glossary(path)


def test_a_missing_file_and_a_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_glossary(tmp_path / "none.tbx")
    with pytest.raises(InputError, match="is a directory"):
        read_glossary(tmp_path)


# --- writing safely -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["g.tbx", "g.tsv", "g.txt"])
def test_an_existing_glossary_is_kept_without_force(
    terms: list[Term], tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    write_glossary(terms[:1], path)
    before = path.read_bytes()
    with pytest.raises(OutputError, match="exists; pass force=True"):
        write_glossary(terms, path)
    assert path.read_bytes() == before
    write_glossary(terms, path, force=True)
    assert read_glossary(path) == without_units(terms)


def test_force_does_not_replace_a_file_of_another_kind(
    terms: list[Term], tmp_path: Path, sample_path: Path
) -> None:
    # -o pointing at a release by mistake: --force is for old glossaries only.
    path = tmp_path / "release.txt"
    path.write_bytes(sample_path.read_bytes())
    with pytest.raises(OutputError, match="refusing to replace"):
        write_glossary(terms, path, force=True)
    assert path.read_bytes() == sample_path.read_bytes()


def test_force_replaces_an_old_tbx_only_if_it_is_tbx_2019(
    terms: list[Term], tmp_path: Path
) -> None:
    # Someone's TBX 2008 term base is not an old output of ours.
    path = tmp_path / "g.tbx"
    path.write_bytes(MARTIF)
    with pytest.raises(OutputError, match=r"g\.tbx is not a TBX file; refusing to replace it"):
        write_glossary(terms, path, force=True)
    assert path.read_bytes() == MARTIF


def test_unknown_format(terms: list[Term], tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot tell the glossary format"):
        write_glossary(terms, tmp_path / "g.docx")
    with pytest.raises(OutputError, match="unknown glossary format 'xlsx'"):
        write_glossary(terms, tmp_path / "g.tbx", format="xlsx")


WRITE_UNDER_LIMIT = """
import resource, signal, sys
from bitext.errors import OutputError
from bitext.terms import read_glossary, write_glossary
terms = read_glossary(sys.argv[1])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[3]), resource.RLIM_INFINITY))
try:
    write_glossary(terms, sys.argv[2], force=True)
except OutputError as exc:
    print(exc)
    sys.exit(3)
"""


@pytest.mark.parametrize("existing", [False, True])
def test_a_failed_write_leaves_no_partial_file(
    terms: list[Term], tmp_path: Path, existing: bool
) -> None:
    # A real write failure (the file-size limit, like a full disk) halfway through the TBX.
    source = write_glossary(terms, tmp_path / "source.tsv")
    target = tmp_path / "out" / "g.tbx"
    target.parent.mkdir()
    if existing:
        write_glossary(terms[:1], target)
    before = target.read_bytes() if existing else None
    limit = len(tbx_bytes(terms)) // 2
    done = subprocess.run(
        [sys.executable, "-c", WRITE_UNDER_LIMIT, str(source), str(target), str(limit)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    assert f"{target}: cannot write" in done.stdout
    assert [p.name for p in target.parent.iterdir()] == (["g.tbx"] if existing else [])
    if existing:
        assert target.read_bytes() == before

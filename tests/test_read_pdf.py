"""PDF input (issue 21): real PDFs printed by Chromium from real releases, read back.

Every PDF is made at test time, once per session: an HTML rendering of the bundled
sample or of a Hong Kong release, printed with headless Chromium and the Noto CJK
font (both installed by .ci/run). Each sets one of the traps real PDFs set: lines
wrapped inside paragraphs with pinyin cut at a line end, Kangxi-radical code points
for common ideographs, running headers and page numbers, two columns, soft
hyphens, interleaved languages; and the ones bitext must refuse in one line: a
scan (an image, no text layer), an encrypted file, a truncated one, a damaged one.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pdfplumber
import pytest

import bitext
from bitext.errors import InputError
from chromium_helpers import require_chromium, run_chromium
from cli_helpers import run_cli

# Not in the quick subset (-m "not slow"): Chromium prints every PDF (a second each).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "press_release_chongqing.txt"
#: Long enough to run over several pages in every layout below.
COLUMNS_DOC = "20260121_legco_q6_five_year_plan"
INTERLEAVED_DOC = "20251113_itc_industry_fund_managers"
RUNNING_DOC = "20251113_hkma_exchange_fund_september"
HYPHEN_DOC = "20260121_legco_q9_mainland_offices"
#: Pinyin glued to a character, as the sample's Chinese carries it: `實(shí)`.
PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
RADICALS = re.compile("[\u2e80-\u2fdf]")
SCAN = "no text layer: the PDF is a scan; run OCR first"


def paragraphs(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def release(shared: Path, doc: str, lang: str) -> list[str]:
    return paragraphs((shared / "eval" / "hk-releases" / "docs" / f"{doc}.{lang}.txt").read_text())


def page(body: str, style: str = "", lang: str = "zh-Hant") -> str:
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        "<title>Press release</title><style>"
        "body{font-family:'Noto Sans CJK TC','Noto Sans CJK SC',sans-serif;font-size:12pt}"
        f"p{{margin:0 0 .8em}}{style}</style></head><body>{body}</body></html>"
    )


def paras(texts: list[str], lang: str = "") -> str:
    attr = f' lang="{lang}"' if lang else ""
    return "".join(f"<p{attr}>{html.escape(t)}</p>" for t in texts)


def soft_hyphens(text: str) -> str:
    """A soft hyphen in the middle of every word of eight letters or more."""
    return re.sub(
        r"[A-Za-z]{8,}", lambda m: m[0][: len(m[0]) // 2] + "\u00ad" + m[0][len(m[0]) // 2 :], text
    )


def print_pdf(work: Path, name: str, markup: str, *, header_footer: bool = False) -> Path:
    source, target = work / f"{name}.html", work / f"{name}.pdf"
    source.write_text(markup, encoding="utf-8")
    flags = () if header_footer else ("--no-pdf-header-footer",)
    run_chromium(work, *flags, f"--print-to-pdf={target}", source.as_uri(), timeout=120)
    return target


def release_pages(shared: Path) -> dict[str, str]:
    """The HTML of each Hong Kong release layout, by name (see the tests that read them)."""
    zh, en = release(shared, COLUMNS_DOC, "zh"), release(shared, COLUMNS_DOC, "en")
    rows = "".join(
        f"<tr><td>{html.escape(a)}</td><td>{html.escape(b)}</td></tr>"
        for a, b in zip(zh, en, strict=True)
    )
    made = {
        "columns": page(
            f"<table>{rows}</table>",
            "table{width:100%;border-collapse:collapse}"
            "td{width:50%;vertical-align:top;padding:0 1.2em 1em 0;text-align:justify}",
        )
    }
    zh, en = release(shared, INTERLEAVED_DOC, "zh"), release(shared, INTERLEAVED_DOC, "en")
    made["interleaved"] = page(paras([p for pair in zip(zh, en, strict=True) for p in pair]))
    zh, en = release(shared, RUNNING_DOC, "zh"), release(shared, RUNNING_DOC, "en")
    made["running"] = page(
        paras(zh) + paras(en, "en"),
        "body{font-size:15pt}"
        "@page{margin:2.5cm 2cm;"
        "@top-center{content:'香港特別行政區政府新聞公報 HKSAR Government Press Release'}"
        "@bottom-center{content:'- ' counter(page) ' -'}"
        "@bottom-right{content:'Page ' counter(page) ' of ' counter(pages)}}",
    )
    zh, en = release(shared, HYPHEN_DOC, "zh"), release(shared, HYPHEN_DOC, "en")
    made["hyphens"] = page(
        paras(zh) + paras([soft_hyphens(p) for p in en], "en"),
        "body{width:17em;text-align:justify}",
    )
    return made


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> dict[str, Path]:
    """Every PDF the tests read, printed once."""
    require_chromium()
    work = tmp_path_factory.mktemp("pdfs")
    sample = paragraphs(SAMPLE.read_text(encoding="utf-8"))
    made = {
        # Chromium's own header (date, title) and footer (file URL, "1/3") on every page.
        "sample": print_pdf(work, "sample", page(paras(sample)), header_footer=True),
    }
    for name, markup in release_pages(shared_dir).items():
        made[name] = print_pdf(work, name, markup)
    # A scan: the sample as a picture (Chromium's screenshot of it), and no text.
    shot = work / "scan.png"
    run_chromium(
        work,
        f"--screenshot={shot}",
        "--window-size=800,1100",
        work.joinpath("sample.html").as_uri(),
        timeout=120,
    )
    made["scan"] = print_pdf(work, "scan", page(f'<img src="{shot.as_uri()}" style="width:100%">'))
    return made


def cli_error(tmp_path: Path, pdf: Path, name: str, data: bytes | None = None) -> str:
    """`bitext align` on the PDF: exit 2, one line, nothing written; the line."""
    target = tmp_path / name
    target.write_bytes(pdf.read_bytes() if data is None else data)
    done = run_cli("align", name, "-o", "out.tmx", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert not (tmp_path / "out.tmx").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    return lines[0]


def tmx_segments(path: Path) -> list[str]:
    return re.findall(r"<seg>(.*?)</seg>", path.read_text(encoding="utf-8"), re.S)


# --- the sample, printed by Chromium ------------------------------------------------------------


def test_the_sample_pdf_sets_the_traps(pdfs: dict[str, Path]):
    """What the text layer really holds: radicals for ideographs, pinyin cut at line ends,
    a running header and page numbers. Without these the tests below would prove nothing."""
    with pdfplumber.open(pdfs["sample"]) as pdf:
        layer = [p.extract_text() for p in pdf.pages]
    assert len(layer) >= 3
    assert "\u2f0a" in "".join(layer)  # ⼊ for 入
    assert any(line.startswith("(") and PINYIN.match(line) for t in layer for line in t.split("\n"))
    assert all(t.splitlines()[-1].endswith(f"{i}/{len(layer)}") for i, t in enumerate(layer, 1))


def test_the_sample_pdf_reads_as_the_text_does(pdfs: dict[str, Path]):
    document = bitext.read(pdfs["sample"])
    assert document.format == "pdf"
    assert [p.text for p in document.paragraphs] == paragraphs(SAMPLE.read_text("utf-8"))
    pages = [p.page for p in document.paragraphs]
    assert pages == sorted(pages) and pages[0] == 1 and pages[-1] >= 3
    for p in document.paragraphs:
        assert document.text[p.start : p.end] == p.text


def test_the_sample_pdf_aligns_to_the_texts_units(pdfs: dict[str, Path], tmp_path: Path):
    shutil.copy(pdfs["sample"], tmp_path / "release.pdf")
    shutil.copy(SAMPLE, tmp_path / "release.txt")
    for name in ("release.pdf", "release.txt"):
        done = run_cli("align", name, "-o", f"{name}.tmx", "-q", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    from_pdf = tmx_segments(tmp_path / "release.pdf.tmx")
    assert from_pdf == tmx_segments(tmp_path / "release.txt.tmx")
    assert len(from_pdf) == 2 * 13
    assert not any(RADICALS.search(s) or PINYIN.search(s) for s in from_pdf)


def test_report_and_batch_take_a_pdf(pdfs: dict[str, Path], tmp_path: Path):
    folder = tmp_path / "releases"
    folder.mkdir()
    shutil.copy(pdfs["sample"], folder / "release.pdf")
    done = run_cli("report", folder / "release.pdf", "-o", "report.html", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "章勇武" in page
    # Each cell says where in the PDF its text is: the sample's three pages all appear.
    shown = set(re.findall(r'<small class="page">pp?\. (\d)', page))
    assert shown == {"1", "2", "3"}
    done = run_cli("batch", folder, "--tm", "tm.sqlite", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "tm.sqlite") as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


# --- layouts ------------------------------------------------------------------------------------


def test_two_columns_read_chinese_then_english_across_pages(
    pdfs: dict[str, Path], shared_dir: Path
):
    with pdfplumber.open(pdfs["columns"]) as pdf:
        assert len(pdf.pages) >= 2
        mixed = pdf.pages[0].extract_text().splitlines()
    # The text layer read row by row mixes the languages on every line.
    assert (
        sum(bool(re.search("[\u4e00-\u9fff]", x) and re.search("[a-z]{3}", x)) for x in mixed) > 5
    )
    document = bitext.read(pdfs["columns"])
    zh, en = release(shared_dir, COLUMNS_DOC, "zh"), release(shared_dir, COLUMNS_DOC, "en")
    assert [p.text for p in document.paragraphs] == zh + en


def test_interleaved_paragraphs_keep_their_order(pdfs: dict[str, Path], shared_dir: Path):
    zh, en = release(shared_dir, INTERLEAVED_DOC, "zh"), release(shared_dir, INTERLEAVED_DOC, "en")
    document = bitext.read(pdfs["interleaved"])
    assert [p.text for p in document.paragraphs] == [
        p for pair in zip(zh, en, strict=True) for p in pair
    ]


def test_running_headers_and_page_numbers_are_dropped(pdfs: dict[str, Path], shared_dir: Path):
    with pdfplumber.open(pdfs["running"]) as pdf:
        layer = [p.extract_text() for p in pdf.pages]
    assert len(layer) >= 3 and all("Press Release" in t and "Page" in t for t in layer)
    document = bitext.read(pdfs["running"])
    zh, en = release(shared_dir, RUNNING_DOC, "zh"), release(shared_dir, RUNNING_DOC, "en")
    assert [p.text for p in document.paragraphs] == zh + en


def test_line_end_hyphens_go_where_the_word_is_whole(pdfs: dict[str, Path], shared_dir: Path):
    with pdfplumber.open(pdfs["hyphens"]) as pdf:
        lines = [x for p in pdf.pages for x in (p.extract_text() or "").splitlines()]
    # Both kinds occur: a soft hyphen's break (Chromium writes U+2010) and a real one.
    assert sum(x.endswith("\u2010") for x in lines) >= 10
    assert any(x.endswith("-") for x in lines)
    document = bitext.read(pdfs["hyphens"])
    zh, en = release(shared_dir, HYPHEN_DOC, "zh"), release(shared_dir, HYPHEN_DOC, "en")
    assert [p.text for p in document.paragraphs] == zh + en


# --- PDFs refused in one line -------------------------------------------------------------------


def test_a_scan_is_refused_with_what_to_do(pdfs: dict[str, Path], tmp_path: Path):
    with pytest.raises(InputError, match=re.escape(SCAN)):
        bitext.read(pdfs["scan"])
    assert cli_error(tmp_path, pdfs["scan"], "scan.pdf") == f"bitext: error: scan.pdf: {SCAN}"


def test_an_encrypted_pdf_is_refused_and_an_owner_password_is_not(
    pdfs: dict[str, Path], tmp_path: Path
):
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        if os.environ.get("BITEXT_REQUIRE_CHROMIUM") == "1":
            pytest.fail("qpdf is required with Chromium (BITEXT_REQUIRE_CHROMIUM=1)")
        pytest.skip("qpdf is not installed")
    locked, owner = tmp_path / "made" / "locked.pdf", tmp_path / "made" / "owner.pdf"
    locked.parent.mkdir()
    for user, target in (("secret", locked), ("", owner)):
        subprocess.run(
            [qpdf, "--encrypt", user, "owner-secret", "256", "--", pdfs["sample"], target],
            check=True,
        )
    # Only an owner password (printing, copying restricted): the text is there to read.
    assert [p.text for p in bitext.read(owner).paragraphs] == paragraphs(SAMPLE.read_text())
    work = tmp_path / "run"
    work.mkdir()
    line = cli_error(work, locked, "locked.pdf")
    assert line == (
        "bitext: error: locked.pdf: encrypted PDF: it needs a password to open; "
        "save an unprotected copy and align that"
    )


def test_truncated_and_damaged_pdfs_are_refused(pdfs: dict[str, Path], tmp_path: Path):
    data = pdfs["sample"].read_bytes()
    cut = data[: len(data) * 3 // 5]
    (tmp_path / "cut").mkdir()
    line = cli_error(tmp_path / "cut", pdfs["sample"], "cut.pdf", cut)
    assert line == "bitext: error: cut.pdf: damaged PDF (truncated: no %%EOF end marker)"
    # A third of the file zeroed, its end intact: read leniently, pdfminer returned
    # garbled text for the damaged pages without a word.
    third = len(data) // 3
    zeroed = data[:third] + bytes(third) + data[2 * third :]
    (tmp_path / "zeroed").mkdir()
    line = cli_error(tmp_path / "zeroed", pdfs["sample"], "zeroed.pdf", zeroed)
    assert line.startswith("bitext: error: zeroed.pdf: damaged PDF (")

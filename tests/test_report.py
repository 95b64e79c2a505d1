"""The review page: valid HTML, every bead in place, highlights, escaping, rendering in Chromium."""

from __future__ import annotations

import json
import os
import re
import struct
from pathlib import Path
from xml.etree.ElementTree import Element

import html5lib
import matplotlib.image
import pytest

import bitext
from bitext.cli import main
from bitext.errors import OutputError
from bitext.model import FLAG_DAMAGED, Alignment, Bead, Sentence
from bitext.report import render_report, write_report
from chromium_helpers import require_chromium, run_chromium

HOSTILE = "价格<script>alert(1)</script>上涨&amp;"


def parse(data: bytes | str, *, strict: bool = True) -> Element:
    """The page as an element tree; in strict mode any HTML parse error fails."""
    parser = html5lib.HTMLParser(strict=strict, namespaceHTMLElements=False)
    return parser.parse(data)


def classes(element: Element) -> set[str]:
    return set(element.get("class", "").split())


def bead_rows(root: Element) -> list[Element]:
    return [tr for tr in root.iter("tr") if "bead" in classes(tr)]


def sentence_texts(cell: Element) -> list[str]:
    return ["".join(div.itertext()) for div in cell.findall("div")]


def summary_counts(root: Element) -> dict[str, str]:
    """The summary's figures, label → value."""
    cards = root.find("body/header/dl")
    return {"".join(c.find("dt").itertext()): c.findtext("dd") for c in cards.findall("div")}


@pytest.fixture(scope="module")
def sample_alignment(sample_path: Path, use_encoder) -> Alignment:
    """The pipeline's own result on the sample: what the page must show."""
    return bitext.align_document(sample_path, encoder=use_encoder)


@pytest.fixture(scope="module")
def sample_page(sample_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["report", str(sample_path), "-o", str(out), "-q"]) == 0
    return out


@pytest.fixture()
def chromium() -> Path:
    return require_chromium()


def hand_alignment() -> Alignment:
    """Two Chinese paragraphs against one English one, with every kind of row."""
    zh = (
        Sentence(HOSTILE, "zh", 0, 0, 10),
        Sentence("第二句。", "zh", 0, 10, 14, flags=(FLAG_DAMAGED,)),
        Sentence("第三句。", "zh", 1, 15, 19),
        Sentence("没有译文。", "zh", 1, 19, 24),
    )
    en = (
        Sentence('Prices <b>rose</b> & "fell".', "en", 2, 25, 50),
        Sentence("Second.", "en", 2, 51, 58),
        Sentence("Third.", "en", 2, 59, 65),
        Sentence("An extra line.", "en", 2, 66, 80),
    )
    beads = (
        Bead((0,), (0,), 0.91),
        Bead((1,), (1, 2), 0.30),
        Bead((2,), (), 0.10),
        Bead((3,), (), 0.20),
        Bead((), (3,), 0.80),
    )
    return Alignment(src=zh, tgt=en, beads=beads, source="hand<made>.txt")


def test_sample_page_shows_every_bead_in_place(sample_page: Path, sample_alignment: Alignment):
    root = parse(sample_page.read_bytes())  # strict: no parse error anywhere
    a = sample_alignment
    rows = bead_rows(root)
    assert len(rows) == len(a.beads) == 23
    assert root.get("lang") == "en"
    assert root.find("head/meta").get("charset") == "utf-8"
    for n, (row, bead) in enumerate(zip(rows, a.beads, strict=True), 1):
        assert row.get("id") == f"b{n}"
        _, zh_cell, en_cell, score, kind, _ = row.findall("td")
        assert sentence_texts(zh_cell) == [a.src[i].text for i in bead.src]
        assert sentence_texts(en_cell) == [a.tgt[j].text for j in bead.tgt]
        assert zh_cell.get("lang") == ("zh-CN" if bead.src else None)
        assert en_cell.get("lang") == ("en-US" if bead.tgt else None)
        assert kind.text == bead.kind
        assert float(score.findtext("span")) == pytest.approx(
            bead.score, abs=0.005 + 1e-9
        )  # shown to 2 places
        sentences = [a.src[i] for i in bead.src] + [a.tgt[j] for j in bead.tgt]
        flagged = any(s.flags for s in sentences)
        assert ("flagged" in classes(row)) == flagged
        assert ("unaligned" in classes(row)) == (not bead.is_pair)
    # What the sample is known to hold: 13 pairs, the byline 贺煜 alone at the top,
    # the last four paragraphs untranslated, 具体而言… repaired from encoding damage.
    assert sum("pair" in classes(r) for r in rows) == 13
    assert "unaligned" in classes(rows[0]) and sentence_texts(rows[0][1]) == ["贺煜"]
    assert all("unaligned" in classes(r) for r in rows[-9:])
    damaged = next(r for r in rows if "具体而言" in "".join(r[1].itertext()))
    assert "flagged" in classes(damaged)
    assert [m.text for m in damaged.iter("mark")] == ["海”：在对"]


def test_sample_summary_and_paragraph_separators(sample_page: Path, sample_alignment: Alignment):
    root = parse(sample_page.read_bytes())
    stats = summary_counts(root)
    assert stats["Pairs"] == "13"
    assert stats["Chinese without counterpart"] == "10"
    assert stats["English without counterpart"] == "0"
    assert stats["Flagged"] == "3"
    text = "".join(root.find("body/header").itertext())
    assert "press_release_chongqing.txt" in text and "Chinese, then English" in text
    # A separator opens each Chinese paragraph, and nowhere else.
    rows = bead_rows(root)
    starts = [n for n, r in enumerate(rows) if "para-start" in classes(r)]
    paragraph = [sample_alignment.src[b.src[0]].paragraph for b in sample_alignment.beads]
    assert starts == [n for n in range(1, len(rows)) if paragraph[n] != paragraph[n - 1]]
    assert len(starts) == 10  # paragraphs 0..10 of the Chinese side


def test_a_stricter_low_score_says_why_each_pair_it_adds_is_doubted(
    sample_alignment: Alignment,
):
    # Pairs above the default threshold but below the reviewer's own are flagged too,
    # and each with a reason (before: flagged with none).
    from bitext.model import EXPORT_MIN_SCORE

    strict = 0.995
    added = [
        b for b in sample_alignment.beads if b.is_pair and EXPORT_MIN_SCORE <= b.score < strict
    ]
    assert added  # the sample has confident pairs short of 0.995
    root = html5lib.parse(render_report(sample_alignment, low_score=strict), "etree", False)
    low = [row for row in root.iter("tr") if "low" in (row.get("class") or "").split()]
    assert len(low) == sum(b.is_pair and b.score < strict for b in sample_alignment.beads)
    for row in low:
        doubt = [e for e in row.iter("small") if e.get("class") == "doubt"]
        assert doubt and (doubt[0].text or "").strip(), "".join(row.itertext())[:80]


def test_hostile_text_is_shown_as_text():
    page = render_report(hand_alignment(), title="</title><script>x()</script>")
    root = parse(page)
    assert list(root.iter("script")) == []
    rows = bead_rows(root)
    assert sentence_texts(rows[0][1]) == [HOSTILE]
    assert sentence_texts(rows[0][2]) == ['Prices <b>rose</b> & "fell".']
    assert root.findtext("head/title") == "</title><script>x()</script>"
    assert list(root.iter("b")) == []
    assert "hand<made>.txt" in "".join(root.find("body/header").itertext())


def test_highlights_counts_and_paragraphs_of_a_hand_built_alignment():
    root = parse(render_report(hand_alignment(), low_score=0.5))
    rows = bead_rows(root)
    assert [r.get("id") for r in rows] == ["b1", "b2", "b3", "b4", "b5"]
    assert [sorted(classes(r) - {"bead"}) for r in rows] == [
        ["pair"],
        ["flagged", "low", "pair"],  # 0.30 < 0.5, and its Chinese sentence is damaged
        ["para-start", "unaligned"],  # a low score on an unpaired row is not "low"
        ["unaligned"],
        ["unaligned"],
    ]
    assert rows[2][2].get("class") == "empty" and rows[4][1].get("class") == "empty"
    stats = summary_counts(root)
    assert stats["Pairs"] == "2"
    assert stats["Chinese without counterpart"] == "2"
    assert stats["English without counterpart"] == "1"
    assert stats["Flagged"] == "1"
    assert stats["Low confidence (< 0.5)"] == "1"
    assert stats["Mean pair score"] == "0.60"  # (0.91 + 0.30) / 2
    assert [a.get("href") for a in root.find("body/header").iter("a")] == ["#b2", "#b2"]
    # Below a lower threshold the 0.30 pair is no longer low.
    relaxed = bead_rows(parse(render_report(hand_alignment(), low_score=0.25)))
    assert "low" not in classes(relaxed[1])
    with pytest.raises(ValueError, match="low_score"):
        render_report(hand_alignment(), low_score=1.5)


def test_unencodable_characters_still_make_a_valid_page(tmp_path: Path):
    broken = Sentence("坏\x00字\ud800符\x1b。", "zh", 0, 0, 6)
    alignment = Alignment(
        src=(broken,), tgt=(Sentence("Bad.", "en", 1, 7, 11),), beads=(Bead((0,), (0,), 0.9),)
    )
    path = write_report(alignment, tmp_path / "broken.html")
    root = parse(path.read_bytes())
    assert sentence_texts(bead_rows(root)[0][1]) == ["坏\ufffd字\ufffd符\ufffd。"]


def test_write_report_never_overwrites_without_force(tmp_path: Path):
    target = tmp_path / "review.html"
    write_report(hand_alignment(), target, title="First look")  # an older review page
    notes = target.read_text()
    with pytest.raises(OutputError, match="exists"):
        write_report(hand_alignment(), target)
    assert target.read_text() == notes
    assert write_report(hand_alignment(), target, force=True, title="Second look") == target
    assert parse(target.read_bytes()).findtext("head/title") == "Second look"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["review.html"]  # no temp file left


def test_force_never_replaces_a_release_saved_as_html(sample_path: Path, tmp_path: Path):
    # Releases come as HTML too: --force replaces bitext's own review page, not them.
    release = tmp_path / "release.html"
    text = sample_path.read_text(encoding="utf-8").splitlines()
    release.write_text("<!DOCTYPE html>\n<html><body>" + "".join(f"<p>{t}</p>" for t in text))
    before = release.read_bytes()
    with pytest.raises(OutputError, match="is not a bitext report file"):
        write_report(hand_alignment(), release, force=True)
    assert release.read_bytes() == before


def test_cli_refuses_existing_output_and_missing_input(sample_path: Path, tmp_path: Path, capsys):
    existing = tmp_path / "report.html"
    existing.write_text("reviewed already")
    before = existing.stat().st_mtime_ns
    assert main(["report", str(sample_path), "-o", str(existing)]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"bitext: error: {existing} exists; use --force to overwrite"]
    assert existing.read_text() == "reviewed already" and existing.stat().st_mtime_ns == before

    missing = tmp_path / "missing.txt"
    assert main(["report", str(missing), "-o", str(tmp_path / "new.html")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(missing) in err[0] and err[0].startswith("bitext: error:")
    assert not (tmp_path / "new.html").exists()


def test_chromium_renders_the_hostile_text_as_text(chromium: Path, tmp_path: Path):
    page = write_report(hand_alignment(), tmp_path / "hostile.html")
    dom = run_chromium(tmp_path, "--dump-dom", page.as_uri()).decode()
    assert dom.count("<script") == 0
    root = parse(dom, strict=False)
    rows = bead_rows(root)
    assert len(rows) == 5
    assert sentence_texts(rows[0][1]) == [HOSTILE]


@pytest.mark.slow
def test_chromium_renders_the_sample_page(chromium: Path, sample_page: Path, tmp_path: Path):
    dom = run_chromium(tmp_path, "--dump-dom", sample_page.as_uri()).decode()
    assert len(bead_rows(parse(dom, strict=False))) == 23

    shot = tmp_path / "shot.png"
    run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", sample_page.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (1280, 2000)
    pixels = matplotlib.image.imread(shot)[..., :3]
    assert pixels.shape == (2000, 1280, 3)
    assert pixels.std() > 0.05  # text and tables, not a blank page
    # The flagged rows' red marker (#c53030) is drawn: highlights really render.
    red = (abs(pixels - (197 / 255, 48 / 255, 48 / 255)).max(axis=-1) < 0.05).sum()
    assert red > 500


# Appended to a copy of a page: draws the first distinct Han characters of the page's
# Chinese cells, in the font their CSS gives, on a canvas; characters drawn as the
# same picture are boxes (tofu), the one glyph a font-less machine has for all of them.
GLYPH_PROBE = """<script>
const cells = [...document.querySelectorAll('td[lang^="zh"]')];
const family = getComputedStyle(cells[0]).fontFamily;
const text = cells.map((cell) => cell.textContent).join("");
const chars = [...new Set(text.match(/\\p{Script=Han}/gu))].slice(0, 12);
function draw(ch) {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  const context = canvas.getContext("2d");
  context.font = "48px " + family;
  context.fillText(ch, 4, 52);
  return Array.from(context.getImageData(0, 0, 64, 64).data).join(",");
}
const probe = document.createElement("pre");
probe.id = "glyph-probe";
probe.textContent = JSON.stringify({
  family: family, chars: chars.length, shapes: new Set(chars.map(draw)).size,
});
document.body.append(probe);
</script>"""

# Fonts for Latin text only: the page's Chinese has nothing to render with.
LATIN_ONLY_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{cache}</cachedir></fontconfig>
"""


def glyph_probe(page: Path, work: Path, **env: str) -> dict:
    """How many distinct pictures Chromium draws for the page's Han characters."""
    probed = work / f"probe-{len(list(work.iterdir()))}.html"
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", GLYPH_PROBE + "</body>"))
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        dom = run_chromium(work, "--dump-dom", probed.as_uri()).decode()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    found = re.search(r'<pre id="glyph-probe">([^<]*)</pre>', dom)
    assert found, "the probe did not run"
    return json.loads(found.group(1).replace("&quot;", '"'))


def test_chromium_draws_the_page_s_chinese_as_glyphs_not_boxes(
    chromium: Path, sample_page: Path, tmp_path: Path
):
    probe = glyph_probe(sample_page, tmp_path)
    # The fonts of Linux (Noto), Windows (YaHei, SimSun) and macOS (PingFang) are named.
    for font in ("Noto Sans CJK SC", "Microsoft YaHei", "SimSun", "PingFang SC"):
        assert font in probe["family"]
    assert probe["chars"] >= 10
    # Every character its own picture: a CJK font is installed and the page's CSS reaches it.
    assert probe["shapes"] == probe["chars"], f"Chinese renders as boxes: {probe}"


def test_the_glyph_check_sees_boxes_on_a_machine_without_cjk_fonts(
    chromium: Path, sample_page: Path, tmp_path: Path
):
    config = tmp_path / "fonts.conf"
    config.write_text(LATIN_ONLY_FONTCONFIG.format(cache=tmp_path / "fontcache"))
    probe = glyph_probe(sample_page, tmp_path, FONTCONFIG_FILE=str(config))
    assert probe["chars"] >= 10
    assert probe["shapes"] == 1  # the one box every missing glyph is drawn as


def test_the_summary_line_and_the_page_count_the_same_flagged_beads(
    sample_path: Path, sample_alignment: Alignment, tmp_path: Path, capsys
):
    page = tmp_path / "report.html"
    assert main(["report", str(sample_path), "-o", str(page)]) == 0
    report_line = capsys.readouterr().err.splitlines()[0]
    assert main(["align", str(sample_path), "-o", str(tmp_path / "out.tmx")]) == 0
    align_line = capsys.readouterr().err.splitlines()[0]
    on_page = int(summary_counts(parse(page.read_bytes()))["Flagged"])
    # Every bead holding a sentence with a flag, paired or not.
    sentences = [
        [sample_alignment.src[i] for i in b.src] + [sample_alignment.tgt[j] for j in b.tgt]
        for b in sample_alignment.beads
    ]
    expected = sum(1 for side in sentences if any(s.flags for s in side))
    lonely = [
        side for b, side in zip(sample_alignment.beads, sentences, strict=True) if not b.is_pair
    ]
    assert any(s.flags for side in lonely for s in side)  # the case the two counts disagreed on
    assert on_page == expected
    assert f"; {expected} flagged;" in report_line
    assert f"; {expected} flagged;" in align_line

"""Side-by-side Chinese/English tables in .docx and .html: read column by column.

Built from a real release (the poultry-import suspension of ../shared/eval/
hk-releases): each Chinese line in a cell beside its English line, the
headline pair as the first row.
"""

from __future__ import annotations

import html
from pathlib import Path

import docx

from bitext.langsplit import classify, split_languages
from bitext.model import EN, ZH, Document, LanguageSplit
from bitext.normalize import normalize
from bitext.pipeline import sentence_sides
from bitext.read import read

POULTRY = "20251113_cfs_poultry_import_suspension"


def version_lines(shared_dir: Path, release: str, lang: str) -> list[str]:
    path = shared_dir / "eval" / "hk-releases" / "docs" / f"{release}.{lang}.txt"
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def side_paragraphs(split: LanguageSplit, lang: str) -> set[int]:
    """Ids of the paragraphs whose sentences the pipeline puts on the `lang` side."""
    blocks = [b for b in split.blocks if b.lang == lang]
    return {s.paragraph for s in sentence_sides(blocks, lang)}


def table_rows(shared_dir: Path) -> list[tuple[str, str]]:
    """The poultry release as a two-column table: each Chinese line beside its English one."""
    zh = version_lines(shared_dir, POULTRY, ZH)
    en = version_lines(shared_dir, POULTRY, EN)
    assert len(zh) == len(en) == 26
    return list(zip(zh, en, strict=True))


def check_table_split(doc: Document, rows: list[tuple[str, str]]) -> None:
    # A side-by-side table is the two versions next to each other: it is read column
    # by column, so each column is one version's block, as in a text file.
    zh_cells, en_cells = [z for z, _ in rows], [e for _, e in rows]
    assert [p.text for p in doc.paragraphs] == zh_cells + en_cells
    normalized = normalize(doc)
    split = split_languages(normalized)
    assert split.layout == "zh_then_en"
    n = len(rows)
    for lang, ids, cells in ((ZH, range(n), zh_cells), (EN, range(n, 2 * n), en_cells)):
        got = side_paragraphs(split, lang)
        with_words = {i for i, cell in zip(ids, cells, strict=True) if classify(cell)}
        assert with_words <= got <= set(ids), lang
    # The cells without letters stay with their column's version.
    block_of = {p.id: b.lang for b in split.blocks for p in b.paragraphs}
    dashes = [(p.text, block_of[p.id]) for p in normalized.paragraphs if p.text in ("——", "----")]
    assert dashes == [("——", ZH)] * 5 + [("----", EN)] * 5


def test_two_column_docx_table_puts_each_cell_on_its_side(shared_dir: Path, tmp_path: Path) -> None:
    rows = table_rows(shared_dir)
    document = docx.Document()
    table = document.add_table(rows=len(rows), cols=2)
    for row, (zh, en) in zip(table.rows, rows, strict=True):
        row.cells[0].text, row.cells[1].text = zh, en
    path = tmp_path / "poultry.docx"
    document.save(str(path))
    check_table_split(read(path), rows)


def test_two_column_html_table_puts_each_cell_on_its_side(shared_dir: Path, tmp_path: Path) -> None:
    rows = table_rows(shared_dir)
    (head_zh, head_en), body = rows[0], rows[1:]
    cells = "\n".join(
        f"<tr><td>{html.escape(zh)}</td><td>{html.escape(en)}</td></tr>" for zh, en in body
    )
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head><body>'
        f"<table><tr><th><h1>{html.escape(head_zh)}</h1></th>"
        f"<th><h1>{html.escape(head_en)}</h1></th></tr>\n{cells}</table></body></html>"
    )
    path = tmp_path / "poultry.html"
    path.write_text(page, encoding="utf-8")
    check_table_split(read(path), rows)


def html_table(rows: list[tuple[str, ...]]) -> bytes:
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    page = f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><table>{body}</table>'
    return (page + "</body></html>").encode("utf-8")


def test_english_column_first_is_read_first_and_ordinary_tables_stay_row_by_row(
    shared_dir: Path, tmp_path: Path
) -> None:
    rows = table_rows(shared_dir)[:6]
    flipped = [(en, zh) for zh, en in rows]
    path = tmp_path / "en_first.html"
    path.write_bytes(html_table(flipped))
    doc = read(path)
    assert [p.text for p in doc.paragraphs] == [e for e, _ in flipped] + [z for _, z in flipped]
    assert split_languages(normalize(doc)).layout == "en_then_zh"
    # A row spanning both columns (one cell): not two versions side by side.
    path.write_bytes(html_table([*rows[:3], ("有關地區為：The relevant areas are as follows:",)]))
    assert [p.text for p in read(path).paragraphs][:4] == [rows[0][0], rows[0][1], *rows[1]]
    # Two Chinese columns (a bank and its type of scam): an ordinary table.
    scam = [
        ("東亞銀行有限公司", "欺詐網站及網上銀行登入畫面"),
        ("眾安銀行有限公司", "「網絡釣魚」短訊"),
    ]
    path.write_bytes(html_table(scam))
    assert [p.text for p in read(path).paragraphs] == [cell for row in scam for cell in row]


def test_a_name_both_versions_write_alike_stays_in_its_column(
    shared_dir: Path, tmp_path: Path
) -> None:
    """The broadcasters of the election-gala release as a two-column list.

    ``ViuTV`` and ``HOY TV`` are Latin in the Chinese column too: no Han, no
    full-width mark. That the English column writes the same words is what ties
    them to the Chinese around them, so they pair with their English copies.
    """
    release = "20251113_cmab_election_gala_simulcast"
    zh_text = "".join(version_lines(shared_dir, release, ZH))
    en_text = "".join(version_lines(shared_dir, release, EN))
    rows = [
        (version_lines(shared_dir, release, ZH)[0], version_lines(shared_dir, release, EN)[0]),
        ("無綫電視", "Television Broadcasts Limited"),
        ("ViuTV", "ViuTV"),
        ("HOY TV", "HOY TV"),
        ("鳳凰衛視", "Phoenix Satellite Television"),
        ("香港電台", "Radio Television Hong Kong"),
        ("新城廣播", "Metro Broadcast"),
        ("商業電台", "Commercial Radio"),
    ]
    for zh, en in rows:
        assert zh in zh_text and en in en_text, (zh, en)
    path = tmp_path / "broadcasters.html"
    path.write_bytes(html_table(rows))
    doc = read(path)
    assert [p.text for p in doc.paragraphs] == [z for z, _ in rows] + [e for _, e in rows]
    split = split_languages(normalize(doc))
    assert split.layout == "zh_then_en"
    assert [(b.lang, len(b.paragraphs)) for b in split.blocks] == [(ZH, 8), (EN, 8)]
    assert [p.lang for p in split.blocks[0].paragraphs] == [ZH] * 8
    assert side_paragraphs(split, ZH) == set(range(8))
    assert side_paragraphs(split, EN) == set(range(8, 16))


def test_a_side_by_side_tables_caption_is_read_before_its_columns(
    shared_dir: Path, tmp_path: Path
) -> None:
    rows = table_rows(shared_dir)[2:5]
    caption = "有關地區 Relevant areas"
    page = html_table(rows).replace(b"<table>", f"<table><caption>{caption}</caption>".encode())
    path = tmp_path / "caption.html"
    path.write_bytes(page)
    texts = [p.text for p in read(path).paragraphs]
    assert texts == [caption, *(z for z, _ in rows), *(e for _, e in rows)]


def test_html_headline_pair_above_the_two_versions_stays_on_its_sides(
    shared_dir: Path, tmp_path: Path
) -> None:
    """The Chinese and English headlines side by side on top, then each version's body."""
    zh = version_lines(shared_dir, POULTRY, ZH)
    en = version_lines(shared_dir, POULTRY, EN)
    body = "".join(f"<p>{html.escape(line)}</p>" for line in [*zh[1:], *en[1:]])
    page = (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        f"<h1>{html.escape(zh[0])}</h1><h1>{html.escape(en[0])}</h1>{body}</body></html>"
    )
    path = tmp_path / "headlines.html"
    path.write_text(page, encoding="utf-8")
    doc = read(path)
    split = split_languages(normalize(doc))
    n = len(zh)
    zh_ids = {0, *range(2, n + 1)}
    en_ids = {1, *range(n + 1, 2 * n)}
    for lang, ids in ((ZH, zh_ids), (EN, en_ids)):
        words = {i for i in ids if classify(doc.paragraphs[i].text)}
        assert words <= side_paragraphs(split, lang) <= ids, lang

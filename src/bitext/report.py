"""A side-by-side review page: one self-contained HTML file per aligned document.

Translators check an alignment before its pairs go into a translation memory.
The page shows every bead in document order (sentences without a counterpart
in place, not hidden), highlights what needs a look (low confidence, encoding
damage) and underlines the exact characters that were repaired. It needs no
network, no script and no other file, so it can be mailed, archived or
printed as it is.
"""

from __future__ import annotations

import html
import os
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from bitext._names import file_label
from bitext.atomic import REPORT_MARK, atomic_write
from bitext.errors import BitextError
from bitext.langsplit import split_languages
from bitext.model import (
    EXPORT_MIN_SCORE,
    FLAG_DAMAGED,
    FLAG_REPAIRED,
    SMALL_SHORTFALLS,
    Alignment,
    Bead,
    Document,
    Paragraph,
    Sentence,
)

__all__ = ["render_report", "write_report"]

_FLAG_LABELS = {FLAG_DAMAGED: "encoding damage", FLAG_REPAIRED: "repaired"}
_LAYOUTS = {
    "zh_then_en": "Chinese, then English",
    "en_then_zh": "English, then Chinese",
    "interleaved": "interleaved",
}
# Characters HTML forbids in text (controls, lone surrogates from damaged input,
# noncharacters): they would make the page invalid or unencodable as UTF-8.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")

_CSS = """
:root{--ink:#1f2933;--muted:#66717f;--line:#e6e9ee;--para:#b9c2ce;--low:#d69e2e;
--low-bg:#fffaf0;--flag:#c53030;--flag-bg:#fff5f5;--fix:#2c7a7b}
*{box-sizing:border-box}
body{margin:0;padding:28px 36px 48px;color:var(--ink);background:#fff;
font:15px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
:lang(zh){font-family:"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",
"Source Han Sans SC","WenQuanYi Micro Hei",SimSun,sans-serif;line-height:1.85;line-break:strict}
:lang(zh-TW),:lang(zh-HK),:lang(zh-Hant){font-family:"PingFang TC","Microsoft JhengHei",
"Noto Sans CJK TC","Source Han Sans TC",PMingLiU,sans-serif}
h1{font-size:22px;font-weight:600;margin:0 0 2px}
.meta{color:var(--muted);margin:0 0 18px}
.stats{display:flex;flex-wrap:wrap;gap:10px;margin:0 0 14px;padding:0}
.stats div{border:1px solid var(--line);border-radius:8px;padding:8px 14px;min-width:120px}
.stats dt{font-size:12px;color:var(--muted)}.stats dd{margin:0;font-size:20px;font-weight:600}
.line{margin:4px 0;color:var(--muted)}.line a{color:#2b6cb0}
.legend{display:flex;flex-wrap:wrap;gap:18px;margin:14px 0 22px;font-size:13px;color:var(--muted)}
.legend span{display:inline-flex;align-items:center;gap:6px}
.sw{display:inline-block;width:26px;height:14px;border:1px solid var(--line);border-radius:3px}
table{width:100%;border-collapse:collapse;table-layout:fixed}
col.n{width:3.2em}col.zh{width:34%}col.score{width:4.6em}col.kind{width:4em}col.flags{width:10em}
th{position:sticky;top:0;background:#f7f8fa;text-align:left;font-size:12px;font-weight:600;
color:var(--muted);text-transform:uppercase;letter-spacing:.04em;padding:8px 10px;
border-bottom:1px solid var(--para)}
td{padding:9px 10px;vertical-align:top;border-top:1px solid var(--line);overflow-wrap:anywhere}
tr.para-start td{border-top:2px solid var(--para)}
td.n a{color:var(--muted);text-decoration:none;font-size:13px}
td.score,td.n{text-align:right;font-variant-numeric:tabular-nums}
td.kind{color:var(--muted);font-size:13px}tr.unaligned td.score{color:var(--muted)}
.s+.s{margin-top:6px}.page{color:var(--muted);font-size:12px}
tr.low{background:var(--low-bg)}tr.flagged{background:var(--flag-bg)}
tr.low td.n{box-shadow:inset 4px 0 0 var(--low)}
tr.flagged td.n{box-shadow:inset 4px 0 0 var(--flag)}
tr.low.flagged td.n{box-shadow:inset 4px 0 0 var(--flag),inset 8px 0 0 var(--low)}
tr.low td.score span{background:#fbe7c0;color:#7b4f00;border-radius:4px;padding:1px 5px}
small.doubt{display:block;color:var(--muted);font-size:11px;margin-top:4px}
td.empty{background:repeating-linear-gradient(135deg,#f7f8fa 0 6px,#eff1f4 6px 12px)}
.none{color:var(--muted);font-style:italic;font-size:13px}
mark{background:#fde2e2;color:inherit;border-bottom:2px solid var(--flag);padding:0 1px}
.flag{display:inline-block;font-size:12px;line-height:1.5;padding:0 7px;margin:0 4px 4px 0;
border:1px solid #f1b5b5;border-radius:10px;color:#9b2c2c;background:#fff;white-space:nowrap}
.flag.encoding-repaired{border-color:#9fd3cf;color:var(--fix)}
tr:target td{background:#ebf4ff}
footer{margin-top:22px;font-size:12px;color:var(--muted)}
@media print{body{padding:0;font-size:10pt}th{position:static}thead{display:table-header-group}
tr{break-inside:avoid}a{color:inherit}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
@page{size:A4 landscape;margin:12mm}}
"""


def render_report(
    alignment: Alignment, *, title: str | None = None, low_score: float = EXPORT_MIN_SCORE
) -> str:
    """The review page of `alignment` as one self-contained HTML5 document.

    One table row per bead, in document order, anchored ``id="b1"``, ``"b2"``…
    (numbered from 1, as shown). Pairs scoring below `low_score` (by default what
    `bitext align` holds back from export) are marked
    low-confidence; beads holding a flagged sentence (encoding damage) are
    marked flagged; sentences without a counterpart sit in place with the other
    side empty. Every text is escaped. Raises `ValueError` if `low_score` is
    not within 0..1.
    """
    if not 0.0 <= low_score <= 1.0:
        raise ValueError(f"low_score must be from 0 to 1, not {low_score!r}")
    name = alignment.source or (
        file_label(alignment.document.source) if alignment.document else None
    )
    title = title or f"Alignment review: {Path(name).name if name else 'document'}"
    rows = "\n".join(_rows(alignment, low_score))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        # Marks the page as bitext's own: --force replaces an old review page, never a
        # release saved as HTML (bitext.atomic.file_kind).
        f"{REPORT_MARK}\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"{_summary(alignment, title, name, low_score)}\n<main>\n<table>\n"
        '<colgroup><col class="n"><col class="zh"><col><col class="score"><col class="kind">'
        '<col class="flags"></colgroup>\n'
        "<thead><tr><th>#</th><th>Chinese</th><th>English</th><th>Score</th><th>Bead</th>"
        "<th>Flags</th></tr></thead>\n"
        f"<tbody>\n{rows}\n</tbody>\n</table>\n</main>\n"
        f"<footer>Generated by bitext {_esc(_version())}.</footer>\n</body>\n</html>\n"
    )


def write_report(
    alignment: Alignment,
    path: str | os.PathLike[str],
    *,
    force: bool = False,
    **options: Any,
) -> Path:
    """Write `render_report(alignment, **options)` to `path` atomically; return the path.

    Raises `OutputError` when `path` exists and `force` is false, or cannot be
    written; nothing is left behind then.
    """
    page = render_report(alignment, **options)
    return atomic_write(path, page.encode("utf-8"), force=force)


def _esc(text: str) -> str:
    return html.escape(_FORBIDDEN.sub("\ufffd", text), quote=True)


def _version() -> str:
    from bitext import __version__

    return __version__


def _is_low(bead: Bead, low_score: float) -> bool:
    # Only pairs: an unaligned row is already marked, and its score means something
    # else (the confidence that the sentence really has no counterpart).
    return bead.is_pair and bead.score < low_score


def _summary(alignment: Alignment, title: str, name: str | None, low_score: float) -> str:
    """The page header: what was aligned, the counts, links to what needs review."""
    beads = alignment.beads
    pair_scores = [b.score for b in beads if b.is_pair]
    # Numbered as on the page; which beads count as flagged is the model's one definition.
    flagged_beads = set(alignment.flagged())
    flagged = [n for n, b in enumerate(beads, 1) if b in flagged_beads]
    low = [n for n, b in enumerate(beads, 1) if _is_low(b, low_score)]
    mean = f"{sum(pair_scores) / len(pair_scores):.2f}" if pair_scores else "–"
    stats = (
        ("Pairs", len(pair_scores)),
        ("Chinese without counterpart", sum(len(b.src) for b in beads if not b.tgt)),
        ("English without counterpart", sum(len(b.tgt) for b in beads if not b.src)),
        ("Flagged", len(flagged)),
        (f"Low confidence (< {low_score:g})", len(low)),
        ("Mean pair score", mean),
    )
    cards = "".join(f"<div><dt>{_esc(k)}</dt><dd>{_esc(str(v))}</dd></div>" for k, v in stats)
    kinds = Counter(b.kind for b in beads).most_common()
    kind_text = " · ".join(f"{k} × {c}" for k, c in kinds) or "none"
    return (
        f'<header>\n<h1>{_esc(title)}</h1>\n<p class="meta">{_meta(alignment, name)}</p>\n'
        f'<dl class="stats">{cards}</dl>\n'
        f'<p class="line">Bead types: {_esc(kind_text)}</p>\n'
        f'<p class="line">Flagged: {_links(flagged)} · Low confidence: {_links(low)}</p>\n'
        f"{_LEGEND}\n</header>"
    )


def _meta(alignment: Alignment, name: str | None) -> str:
    parts = [f"<strong>{_esc(name)}</strong>" if name else "(no file name)"]
    doc = alignment.document
    if doc is not None:
        parts.append(_esc(f"{doc.format}, {doc.encoding}" if doc.encoding else doc.format))
        layout = _layout(doc)
        if layout:
            parts.append(f"layout: {_esc(_LAYOUTS.get(layout, layout))}")
    parts.append(_esc(f"{alignment.src_lang} → {alignment.tgt_lang}"))
    parts.append(f"{len(alignment.beads)} beads")
    return " · ".join(parts)


def _layout(document: Document) -> str | None:
    """How the languages sit in the file, as the pipeline saw them (None if unknown)."""
    try:
        return split_languages(document).layout
    except (BitextError, ValueError):
        return None


def _links(numbers: Sequence[int]) -> str:
    if not numbers:
        return "none"
    return " ".join(f'<a href="#b{n}">#{n}</a>' for n in numbers)


_LEGEND = (
    '<p class="legend">'
    '<span><i class="sw" style="background:var(--low-bg);box-shadow:inset 4px 0 0 var(--low)">'
    "</i>low-confidence pair</span>"
    '<span><i class="sw" style="background:var(--flag-bg);box-shadow:inset 4px 0 0 var(--flag)">'
    "</i>flagged: encoding damage in a sentence</span>"
    "<span><mark>报</mark>characters repaired or damaged</span>"
    '<span><i class="sw" style="background:repeating-linear-gradient(135deg,#f7f8fa 0 4px,'
    '#eff1f4 4px 8px)"></i>no counterpart (not in the TMX)</span>'
    '<span><i class="sw" style="border:0;border-top:2px solid var(--para);height:2px"></i>'
    "new paragraph</span>"
    "<span>Score: the aligner's confidence, 0–1; for an unpaired sentence, "
    "that it has no counterpart</span></p>"
)


def _rows(alignment: Alignment, low_score: float) -> Iterator[str]:
    """One ``<tr>`` per bead; a paragraph change on either side opens a new section."""
    paragraphs = _paragraphs(alignment)
    last: dict[str, int] = {}
    for n, bead in enumerate(alignment.beads, 1):
        src = [alignment.src[i] for i in bead.src]
        tgt = [alignment.tgt[j] for j in bead.tgt]
        flags = alignment.bead_flags(bead)
        classes = ["bead", "pair" if bead.is_pair else "unaligned"]
        if _is_low(bead, low_score):
            classes.append("low")
        if flags:
            classes.append("flagged")
        new_para = False
        for side, sentences in (("zh", src), ("en", tgt)):
            if sentences:
                new_para |= n > 1 and last.get(side) != sentences[0].paragraph
                last[side] = sentences[-1].paragraph
        if new_para:
            classes.append("para-start")
        chips = "".join(
            f'<span class="flag {_esc(f)}">{_esc(_FLAG_LABELS.get(f, f))}</span>' for f in flags
        )
        yield (
            f'<tr id="b{n}" class="{" ".join(classes)}">'
            f'<td class="n"><a href="#b{n}">{n}</a></td>'
            f"{_cell(src, alignment.src_lang, paragraphs)}"
            f"{_cell(tgt, alignment.tgt_lang, paragraphs)}"
            f'<td class="score"><span>{bead.score:.2f}</span>{_doubt(bead, low_score)}</td>'
            f'<td class="kind">{bead.kind}</td><td class="flags">{chips}</td></tr>'
        )


def _doubt(bead: Bead, low_score: float) -> str:
    """Why the aligner doubts a low-confidence pair, under its score."""
    if not _is_low(bead, low_score):
        return ""
    # A pair above the default threshold whose score no single reason lowered.
    why = bead.doubt or SMALL_SHORTFALLS
    return f'<small class="doubt">{_esc(why)}</small>'


def _cell(sentences: Sequence[Sentence], lang: str, paragraphs: dict[int, Paragraph]) -> str:
    if not sentences:
        return '<td class="empty"><span class="none">no counterpart</span></td>'
    body = "".join(
        f'<div class="s">{_marked(s, paragraphs.get(s.paragraph))}</div>' for s in sentences
    )
    return f'<td lang="{_esc(lang)}">{body}{_pages(sentences, paragraphs)}</td>'


def _pages(sentences: Sequence[Sentence], paragraphs: dict[int, Paragraph]) -> str:
    """Where in a PDF the cell's text starts (``p. 3``), so a reviewer can find it there."""
    pages = sorted(
        {p.page for s in sentences if (p := paragraphs.get(s.paragraph)) and p.page is not None}
    )
    if not pages:
        return ""
    where = f"p. {pages[0]}" if len(pages) == 1 else f"pp. {pages[0]}–{pages[-1]}"
    return f'<small class="page">{where}</small>'


def _paragraphs(alignment: Alignment) -> dict[int, Paragraph]:
    doc = alignment.document
    return {p.id: p for p in doc.paragraphs} if doc is not None else {}


def _marked(sentence: Sentence, paragraph: Paragraph | None) -> str:
    """The sentence, escaped, with its damaged or repaired characters in ``<mark>``.

    Damage spans index the paragraph's text; the sentence is found in it through
    its input offset. When that cannot be done exactly (a hand-built alignment)
    the text is shown unmarked rather than marked in the wrong place.
    """
    start = _offset_in(sentence, paragraph) if paragraph and paragraph.damage else None
    if start is None or paragraph is None:
        return _esc(sentence.text)
    text, out, pos = sentence.text, [], 0
    for d in sorted(paragraph.damage, key=lambda d: d.start):
        a, b = max(d.start - start, pos), min(d.end - start, len(text))
        if a >= b:
            continue
        note = f"{'repaired' if d.repaired else 'damaged'}; the input had: {d.raw}"
        out.append(f'{_esc(text[pos:a])}<mark title="{_esc(note)}">{_esc(text[a:b])}</mark>')
        pos = b
    return "".join(out) + _esc(text[pos:])


def _offset_in(sentence: Sentence, paragraph: Paragraph) -> int | None:
    """Where `sentence.text` starts in `paragraph.text`, found by its input offset."""
    text = paragraph.text
    for i in range(len(text) - len(sentence.text) + 1):
        if paragraph.raw_offset(i) == sentence.start and text.startswith(sentence.text, i):
            return i
    return None

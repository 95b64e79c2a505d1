"""Reading PDFs: time per page, and how exactly the paragraphs come back.

    python benchmarks/pdf_read.py [--docs N]

Prints the bundled sample and every Hong Kong release in ../shared/eval/hk-releases
to PDF with headless Chromium (Noto CJK font), in three layouts: Chinese then
English on one column with Chromium's running header and footer; a two-column
table, Chinese left and English right, one row per paragraph pair (releases
whose two versions have as many paragraphs); English with a soft hyphen in every
long word, justified in a 17em column. Then reads each PDF with `bitext.read`
and prints, per layout, the milliseconds per page (median and slowest document)
and how many documents and paragraphs came back exactly as the text has them.
"""

from __future__ import annotations

import argparse
import html
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pdfplumber

import bitext

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BITEXT_SHARED", ROOT.parent / "shared"))
SAMPLE = ROOT / "data" / "samples" / "press_release_chongqing.txt"
CHROMIUM = "/usr/bin/chromium"
STYLE = (
    "body{font-family:'Noto Sans CJK TC','Noto Sans CJK SC',sans-serif;font-size:12pt}"
    "p{margin:0 0 .8em}"
)


def paragraphs(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def releases(limit: int | None) -> list[tuple[str, list[str], list[str]]]:
    """(name, Chinese paragraphs, English paragraphs): the sample, then the HK releases."""
    sample = paragraphs(SAMPLE.read_text(encoding="utf-8"))
    zh = [p for p in sample if re.search("[\u4e00-\u9fff]", p)]
    found = [("sample", zh, [p for p in sample if p not in zh])]
    docs = SHARED / "eval" / "hk-releases" / "docs"
    for path in sorted(docs.glob("*.zh.txt"))[:limit]:
        name = path.name.removesuffix(".zh.txt")
        found.append(
            (
                name,
                paragraphs(path.read_text("utf-8")),
                paragraphs((docs / f"{name}.en.txt").read_text("utf-8")),
            )
        )
    return found


def layouts(zh: list[str], en: list[str]) -> dict[str, tuple[str, list[str], bool]]:
    """Layout name -> (HTML, the paragraphs expected back, Chromium's header/footer on)."""

    def ps(texts: list[str]) -> str:
        return "".join(f"<p>{html.escape(t)}</p>" for t in texts)

    def page(body: str, style: str = "") -> str:
        return (
            '<!doctype html><html lang="zh-Hant"><head><meta charset="utf-8">'
            f"<title>Release</title><style>{STYLE}{style}</style></head>"
            f"<body>{body}</body></html>"
        )

    hyphened = [
        re.sub(
            r"[A-Za-z]{8,}", lambda m: m[0][: len(m[0]) // 2] + "\u00ad" + m[0][len(m[0]) // 2 :], p
        )
        for p in en
    ]
    made = {
        "one column, header and footer": (page(ps(zh) + ps(en)), zh + en, True),
        "soft hyphens, 17em justified": (
            page(ps(zh) + ps(hyphened), "body{width:17em;text-align:justify}"),
            zh + en,
            False,
        ),
    }
    if len(zh) == len(en):
        rows = "".join(
            f"<tr><td>{html.escape(a)}</td><td>{html.escape(b)}</td></tr>"
            for a, b in zip(zh, en, strict=True)
        )
        made["two columns (table)"] = (
            page(
                f"<table>{rows}</table>",
                "table{width:100%;border-collapse:collapse}"
                "td{width:50%;vertical-align:top;padding:0 1.2em 1em 0}",
            ),
            zh + en,
            False,
        )
    return made


def print_pdf(work: Path, name: str, markup: str, header_footer: bool) -> Path:
    source, target = work / f"{name}.html", work / f"{name}.pdf"
    source.write_text(markup, encoding="utf-8")
    flags = [] if header_footer else ["--no-pdf-header-footer"]
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={work / 'profile'}",
            *flags,
            f"--print-to-pdf={target}",
            source.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return target


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=None, help="only the first N HK releases")
    args = parser.parse_args(argv)
    results: dict[str, list[tuple[int, float, int, int]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, zh, en in releases(args.docs):
            for layout, (markup, expected, header_footer) in layouts(zh, en).items():
                pdf = print_pdf(work, f"{name}-{layout[:3]}", markup, header_footer)
                with pdfplumber.open(pdf) as opened:
                    pages = len(opened.pages)
                start = time.perf_counter()
                got = [p.text for p in bitext.read(pdf).paragraphs]
                seconds = time.perf_counter() - start
                same = sum(1 for p in expected if p in got)
                results.setdefault(layout, []).append(
                    (pages, seconds, same, len(expected) if got == expected else -len(expected))
                )
    machine = platform.processor() or platform.platform()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {machine}, "
        f"Python {platform.python_version()}, pdfplumber {pdfplumber.__version__}\n"
    )
    print(
        "| layout | documents | pages | exact documents | paragraphs found exactly "
        "| ms per page (median) | ms per page (slowest document) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for layout, rows in results.items():
        per_page = [1000 * seconds / pages for pages, seconds, _, _ in rows]
        exact = sum(1 for *_, flag in rows if flag > 0)
        found = sum(same for _, _, same, _ in rows)
        total = sum(abs(flag) for *_, flag in rows)
        print(
            f"| {layout} | {len(rows)} | {sum(r[0] for r in rows)} | {exact} | {found}/{total} "
            f"| {statistics.median(per_page):.0f} | {max(per_page):.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

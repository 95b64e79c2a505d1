"""Helpers shared by the translation-memory tests (not a test module: no test_ prefix)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import docx


def stored_documents(tm_path: Path) -> list[tuple[str, int, int]]:
    """(path, pairs, occurrences stored) per document, read by a separate connection."""
    con = sqlite3.connect(f"file:{tm_path}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute(
            "SELECT d.path, d.pairs, (SELECT COUNT(*) FROM occurrences o"
            " WHERE o.document_id = d.id) FROM documents d ORDER BY d.path"
        ).fetchall()
    except sqlite3.OperationalError:  # the batch has not created its tables yet
        return []
    finally:
        con.close()


def write_archive(shared_dir: Path, folder: Path, count: int) -> list[Path]:
    """`count` real news documents as bilingual releases: txt, docx and html, in subfolders."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for k, gold in enumerate(sorted((shared_dir / "eval" / "wmt22-news" / "docs").glob("*.json"))):
        if k == count:
            break
        doc = json.loads(gold.read_text(encoding="utf-8"))
        paragraphs = [*doc["zh"], *doc["en"]]
        sub = folder / f"{2020 + k % 3}"
        sub.mkdir(exist_ok=True)
        if k % 7 == 3:
            path = sub / f"release{k:02d}.docx"
            word = docx.Document()
            for text in paragraphs:
                word.add_paragraph(text)
            word.save(path)
        elif k % 7 == 5:
            path = sub / f"release{k:02d}.html"
            body = "".join(f"<p>{text}</p>" for text in paragraphs)
            path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
        else:
            path = sub / f"release{k:02d}.txt"
            path.write_text("\n".join(paragraphs) + "\n", encoding="utf-8")
        files.append(path)
    return files

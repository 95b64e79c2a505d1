"""Helpers shared by the translation-memory tests (not a test module: no test_ prefix)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


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

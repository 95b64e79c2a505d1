"""Legacy Word (.doc, Word 97-2003): the text, through Debian's ``antiword`` where installed.

No maintained Python library reads the binary Word format; antiword (GPL, a
separate program, run as one: nothing of it is linked in) does, and is one
``apt-get install antiword`` away. It is given the bytes in a private temporary
file and asked for UTF-8 text without line wrapping (``-w 0``), one paragraph a
line; a table comes out a row a line, its cells between ``|``, each read as a
paragraph. Without
antiword, or on a file it cannot read (an Excel workbook, an encrypted or
damaged document), the one-line error says to save the file as .docx.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from bitext.errors import InputError
from bitext.read._pdf_text import join_lines

#: What ends a sentence, and so may end a table cell's paragraph.
_CJK_ENDS = tuple("。！？")
_ENDS = tuple(".!?")
SAVE_AS = "save it as .docx (Word: File > Save As) and align that"
#: A limit no press release comes near: a file that keeps antiword busy longer is refused.
TIMEOUT_SECONDS = 60


def doc_paragraphs(data: bytes, name: str) -> list[str]:
    """The paragraphs of a Word 97-2003 document, as antiword writes them."""
    exe = shutil.which("antiword")
    if exe is None:
        raise InputError(
            f"{name}: binary file (legacy Office document (.doc/.xls)), not text; "
            f"bitext reads .doc with antiword, which is not installed "
            f"(apt-get install antiword); or {SAVE_AS}"
        )
    with tempfile.TemporaryDirectory(prefix="bitext-doc-") as folder:
        path = os.path.join(folder, "document.doc")
        with open(path, "wb") as handle:
            handle.write(data)
        try:
            done = subprocess.run(
                [exe, "-m", "UTF-8.txt", "-w", "0", path],
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
                # antiword looks for its mapping files under $HOME too; never the user's.
                env={**os.environ, "HOME": folder},
            )
        except subprocess.TimeoutExpired:
            raise InputError(
                f"{name}: legacy Office document antiword could not read in "
                f"{TIMEOUT_SECONDS} s; {SAVE_AS}"
            ) from None
    if done.returncode != 0 or not done.stdout.strip():
        reason = _reason(done.stderr.decode("utf-8", "replace"), path)
        raise InputError(
            f"{name}: legacy Office document antiword cannot read ({reason}); {SAVE_AS}"
        )
    return _paragraphs(done.stdout.decode("utf-8", "replace").splitlines())


def _reason(stderr: str, path: str) -> str:
    """antiword's complaint, without the temporary path it names."""
    lines = [line.replace(path, "the file").strip() for line in stderr.splitlines()]
    return next((line.rstrip(".") for line in lines if line), "no text")


def _paragraphs(lines: list[str]) -> list[str]:
    """antiword's lines as paragraphs: a line each, a table's cells rebuilt."""
    out: list[str] = []
    table: list[list[str]] = []
    for line in [*lines, ""]:
        if line.startswith("|") and line.endswith("|") and len(line) > 1:
            table.append(line[1:-1].split("|"))
            continue
        if table:
            out += _table_paragraphs(table)
            table = []
        out.append(line)
    return out


def _table_paragraphs(rows: list[list[str]]) -> list[str]:
    """A table's cells, column by column (a Chinese column, then its English one).

    antiword wraps each cell's text inside the cell's width, row after row of text
    (a URL longer than the cell is cut, and comes back with a space in it).
    A cell ends where its column goes blank while another column's cell runs on,
    at the next table row (a column blank on the line above has text again), and
    after a sentence's end; its lines are joined as a PDF's are, by script.
    """
    width = max(len(row) for row in rows)
    columns: list[list[str]] = [[] for _ in range(width)]
    cells: list[list[str]] = [[] for _ in range(width)]
    previous: list[str] | None = None
    for raw in rows:
        row = [cell.strip() for cell in raw] + [""] * (width - len(raw))
        new_row = previous is not None and any(
            not a and b for a, b in zip(previous, row, strict=True)
        )
        for k, text in enumerate(row):
            if cells[k] and (new_row or not text or _ends(cells[k][-1], text)):
                columns[k].append(_join(cells[k]))
                cells[k] = []
            if text:
                cells[k].append(text)
        previous = row
    for k, cell in enumerate(cells):
        if cell:
            columns[k].append(_join(cell))
    return [paragraph for column in columns for paragraph in column]


def _ends(line: str, following: str) -> bool:
    """Whether a cell's line ends a sentence (``index.`` + ``html`` does not)."""
    return line.endswith(_CJK_ENDS) or (line.endswith(_ENDS) and following[:1].isupper())


def _join(lines: list[str]) -> str:
    text = lines[0]
    for line in lines[1:]:
        text = join_lines(text, line)
    return text

"""How a file is named in what bitext writes: messages, and files meant for others.

Two different needs. A message for the person at the terminal should show the
path as typed, but on one line: a file name may hold a newline or a control
character, and one error must stay one line for scripts that read stderr line
by line. An output meant to be sent away (a TMX for a vendor, a memory export,
a review page) must not carry where the file sat on the machine (``/home/...``):
it names the document by its file name, or by a name the caller chose.
"""

from __future__ import annotations

import os
import re
from pathlib import PurePath

__all__ = ["file_label", "printable", "same_file_key"]

# Control characters (line breaks among them), the line breaks str.splitlines()
# honours beyond them, and lone surrogates from names that are not UTF-8.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that surrogateescape could not decode
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` on one line: control characters and line separators written as escapes."""
    return _UNPRINTABLE.sub(_escape, text)


def file_label(path: str | os.PathLike[str] | None) -> str | None:
    """The name an output gives the document read from `path`: its file name, printable.

    Never the folders above it: those say where the file sat on this machine,
    which is nobody else's business (and meaningless anywhere else).
    """
    if path is None:
        return None
    name = PurePath(os.fsdecode(path)).name
    return printable(name) if name else None


def same_file_key(path: str | os.PathLike[str]) -> object:
    """A key equal for two paths to the same file (a relative and an absolute path,
    ``./a.txt``, a symbolic or hard link); the path itself when it cannot be opened."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return ("path", os.fsdecode(path))
    return ("inode", st.st_dev, st.st_ino)

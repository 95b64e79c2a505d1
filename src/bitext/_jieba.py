"""jieba's default tokenizer, initialised once and quietly, and bitext's private cache folder.

jieba announces its dictionary loading on stderr through its own logger; a
library call must print nothing, so every user of jieba in bitext goes through
`tokenizer()`. The parsed dictionaries (jieba's, CC-CEDICT's in
`bitext.align.word_keys`) are kept in `private_cache_dir()`.
"""

from __future__ import annotations

import logging
import os
import tempfile
from functools import cache
from typing import Any


@cache
def tokenizer() -> Any:
    """jieba's default `Tokenizer`, its dictionary loaded (slow: once per process)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    # No usable home: a fresh private folder (jieba then rebuilds its cache, slower still).
    jieba.dt.tmp_dir = private_cache_dir() or tempfile.mkdtemp(prefix="bitext-jieba-")
    jieba.dt.check_initialized()
    return jieba.dt


def private_cache_dir() -> str | None:
    """A cache folder only this user can write, for parsed dictionaries; None if there is none.

    The files there are loaded with marshal, which trusts its input. jieba's
    default is the shared ``/tmp/jieba.cache``: on a shared machine another
    user could plant a crafted file there, and jieba would load it.
    """
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "bitext")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.stat(folder)
        if not hasattr(os, "getuid"):  # Windows: the profile folder is private already
            return folder
        if info.st_uid == os.getuid() and not info.st_mode & 0o022:
            return folder
    except OSError:
        pass
    return None

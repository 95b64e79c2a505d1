"""jieba's default tokenizer, initialised once and quietly.

jieba announces its dictionary loading on stderr through its own logger; a
library call must print nothing, so every user of jieba in bitext goes through
`tokenizer()`.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any


@cache
def tokenizer() -> Any:
    """jieba's default `Tokenizer`, its dictionary loaded (about half a second, once)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.check_initialized()
    return jieba.dt

"""A release carrying material that is not translated on both sides (not a test module).

The bundled sample with an editor's note after its Chinese and an "About the city" paragraph and
a media-contact line after its English: what offices append and do not translate.
"""

from __future__ import annotations

import re
from pathlib import Path

NOTE = "本文由重庆市人民政府外事办公室供稿。如需转载，请注明出处。"
ABOUT = (
    "About Chongqing: Chongqing is a municipality in southwest China with a population of "
    "more than 32 million people and is one of the country's major manufacturing and "
    "transport centres."
)
CONTACT = (
    "Media contact: Foreign Affairs Office of Chongqing Municipal People's Government, "
    "+86 23 6388 0000, media@example.org"
)


def release_with_untranslated_ends(sample: Path, folder: Path) -> Path:
    """`folder`/release.txt: the sample, NOTE after its Chinese, ABOUT and CONTACT after its
    English."""
    lines = sample.read_text(encoding="utf-8").split("\n")
    first_en = next(i for i, line in enumerate(lines) if re.match(r"[A-Za-z]", line.strip()))
    chinese = "\n".join(lines[:first_en]).rstrip("\n")
    english = "\n".join(lines[first_en:]).rstrip("\n")
    folder.mkdir(parents=True, exist_ok=True)
    release = folder / "release.txt"
    release.write_text(f"{chinese}\n{NOTE}\n\n{english}\n{ABOUT}\n{CONTACT}\n", encoding="utf-8")
    return release

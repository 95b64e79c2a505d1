"""Releases carrying material that is not translated on both sides (not a test module).

The bundled sample with an editor's note after its Chinese and an "About the city" paragraph and
a media-contact line after its English: what offices append and do not translate. The same
material can go before the text or in its middle instead. And a chapter of a literary
translation, whose loose pairs are partly held back, for tests about held pairs.
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
    return release_with_untranslated(sample, folder, "end")


def release_with_untranslated(
    sample: Path,
    folder: Path,
    place: str,
    chinese_extra: tuple[str, ...] = (NOTE,),
    english_extra: tuple[str, ...] = (ABOUT, CONTACT),
) -> Path:
    """`folder`/release.txt: the sample with `chinese_extra` (NOTE) in its Chinese and
    `english_extra` (ABOUT, CONTACT) in its English, each as paragraphs of their own, at the
    `place` "start" (after the byline that opens the Chinese), "mid" (after the same number
    of paragraphs on both sides: half the English ones) or "end"."""
    lines = [line for line in sample.read_text(encoding="utf-8").split("\n") if line.strip()]
    first_en = next(i for i, line in enumerate(lines) if re.match(r"[A-Za-z]", line))
    chinese, english = lines[:first_en], lines[first_en:]
    half = len(english) // 2
    at = {"start": (1, 0), "mid": (1 + half, half)}
    zh_at, en_at = at.get(place, (len(chinese), len(english)))
    chinese[zh_at:zh_at] = list(chinese_extra)
    english[en_at:en_at] = list(english_extra)
    folder.mkdir(parents=True, exist_ok=True)
    release = folder / "release.txt"
    release.write_text("\n".join(chinese) + "\n\n" + "\n".join(english) + "\n", encoding="utf-8")
    return release


def literary_chapter(shared: Path, folder: Path, beads: int = 30) -> Path:
    """`folder`/chapter.txt: the opening `beads` gold beads of a mac-dev novel (a loose, literary
    translation), its Chinese sentences then its English ones, one a line."""
    from bitext.evaluate import load_gold_set

    doc = load_gold_set(shared / "eval" / "mac-dev")[3]
    chunk = doc.gold[:beads]
    zh = [doc.zh[i] for src, _ in chunk for i in src]
    en = [doc.en[j] for _, tgt in chunk for j in tgt]
    folder.mkdir(parents=True, exist_ok=True)
    chapter = folder / "chapter.txt"
    chapter.write_text("\n".join(zh) + "\n\n" + "\n".join(en) + "\n", encoding="utf-8")
    return chapter

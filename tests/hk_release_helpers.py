"""Real Hong Kong releases as inputs for the term base tests (not a test module)."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import run_cli

#: Four releases of the Leisure and Cultural Services Department (康樂及文化事務署),
#: each naming it once in each language; two also name 紅旗 (red flag / red flags).
LCSD = (
    "20251113_lcsd_bulbous_plants_exhibition",
    "20251113_lcsd_red_flag_lowered_stanley",
    "20251113_lcsd_red_flags_hoisted",
    "20251113_lcsd_tiu_keng_leng_closure",
)
LCSD_ZH, LCSD_EN = "康樂及文化事務署", "Leisure and Cultural Services Department"


def mixed_release(
    shared_dir: Path, doc: str, folder: Path, replace: tuple[str, str] | None = None
) -> Path:
    """One release as a Hong Kong office files it: the Chinese, then the English.

    `replace` (old, new) is applied to the English: a planted rendering.
    """
    docs = shared_dir / "eval" / "hk-releases" / "docs"
    zh = (docs / f"{doc}.zh.txt").read_text(encoding="utf-8")
    en = (docs / f"{doc}.en.txt").read_text(encoding="utf-8")
    if replace is not None:
        assert replace[0] in en, (doc, replace)
        en = en.replace(*replace)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{doc}.txt"
    path.write_text(f"{zh.strip()}\n\n{en.strip()}\n", encoding="utf-8")
    return path


def batch_memory(folder: Path, tm: Path, *options: str) -> Path:
    """A memory of every release in `folder`, made by `bitext batch` as a user makes it."""
    done = run_cli("batch", folder, "--tm", tm, "-q", *options, cwd=folder.parent)
    assert done.returncode == 0, done.stderr
    return tm

"""Interoperability: a real CAT tool (OmegaT 3.6) pre-translates from our TMX.

OmegaT inserts exact matches from the TMX files in a project's ``tm/auto/``
folder into untranslated segments when the project loads; console-translate
mode then writes the translated documents to ``target/``. We build such a
project around the sample press release and check the output *text*: OmegaT
exits 0 even when it rejected a TMX, so its exit code proves nothing.

The tool is optional on a developer's machine (``apt-get install omegat``), so
the tests skip without it, unless ``BITEXT_REQUIRE_OMEGAT=1`` (set in CI, which
installs it) turns the skip into a failure.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import bitext
from bitext.embed import Encoder
from bitext.model import Alignment, Bead, Sentence

JAR = Path("/usr/share/omegat/OmegaT.jar")
TIMEOUT = 180  # seconds; a run takes ~2 s, the JVM start dominates

# The schema is OmegaT's own (schemas/project_properties.xsd inside OmegaT.jar);
# __DEFAULT__ means the standard folder names (source/, target/, tm/, ...).
PROJECT_XML = """\
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
    <project version="1.0">
        <source_dir>__DEFAULT__</source_dir>
        <target_dir>__DEFAULT__</target_dir>
        <tm_dir>__DEFAULT__</tm_dir>
        <glossary_dir>__DEFAULT__</glossary_dir>
        <glossary_file>__DEFAULT__</glossary_file>
        <dictionary_dir>__DEFAULT__</dictionary_dir>
        <source_lang>zh-CN</source_lang>
        <target_lang>en-US</target_lang>
        <source_tok>org.omegat.tokenizer.LuceneSmartChineseTokenizer</source_tok>
        <target_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</target_tok>
        <sentence_seg>true</sentence_seg>
        <support_default_translations>true</support_default_translations>
        <remove_tags>false</remove_tags>
    </project>
</omegat>
"""
FOLDERS = ("source", "target", "tm/auto", "glossary", "dictionary", "omegat")
HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Run:
    """One OmegaT console-translate run over a project we built."""

    alignment: Alignment
    sentences: tuple[str, ...]  # the Chinese sentences written to source/
    target: str  # target/release.txt as OmegaT wrote it
    total: int  # OmegaT's own segment count (omegat/project_stats.txt)
    remaining: int  # segments OmegaT left untranslated
    seconds: float


def _require_omegat() -> str:
    """The java binary; skip without OmegaT, unless CI demands it."""
    java = shutil.which("java")
    if java is not None and JAR.is_file():
        return java
    missing = "java" if java is None else str(JAR)
    message = f"OmegaT is not installed ({missing} missing): apt-get install omegat"
    if os.environ.get("BITEXT_REQUIRE_OMEGAT") == "1":
        pytest.fail(f"BITEXT_REQUIRE_OMEGAT=1 but {message}")
    pytest.skip(message)


def _paragraphs(sentences: list[Sentence]) -> list[str]:
    """Chinese sentences joined back into their paragraphs, in document order."""
    grouped = itertools.groupby(sentences, key=lambda s: s.paragraph)
    return ["".join(s.text for s in group) for _, group in grouped]


def _run_omegat(java: str, project: Path, sentences: list[Sentence], alignment: Alignment) -> Run:
    """Build an OmegaT project with our TMX in tm/auto/, translate it, read the result."""
    for folder in FOLDERS:
        (project / folder).mkdir(parents=True)
    (project / "omegat.project").write_text(PROJECT_XML, encoding="utf-8")
    # OmegaT's text filter ends a paragraph at an empty line, not at a line
    # break: a headline without 。 on the line above would fuse with the next
    # line into one segment that no TU matches.
    text = "\n\n".join(_paragraphs(sentences)) + "\n"
    (project / "source" / "release.txt").write_text(text, encoding="utf-8")
    bitext.write_tmx([alignment], project / "tm" / "auto" / "bitext.tmx")
    command = [java, "-Djava.awt.headless=true", "-jar", str(JAR), str(project)]
    command += ["--mode=console-translate", f"--config-dir={project.parent / 'config'}"]
    command += ["--disable-project-locking", "--no-team", "--quiet"]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    seconds = time.monotonic() - started
    target = project / "target" / "release.txt"
    assert target.is_file(), f"OmegaT wrote no target file:\n{done.stdout}\n{done.stderr[-3000:]}"
    stats = (project / "omegat" / "project_stats.txt").read_text(encoding="utf-8")
    counts = re.search(r"^Total:\s+(\d+).*?^Remaining:\s+(\d+)", stats, re.M | re.S)
    assert counts, f"unexpected OmegaT statistics:\n{stats}"
    return Run(
        alignment=alignment,
        sentences=tuple(s.text for s in sentences),
        target=target.read_text(encoding="utf-8"),
        total=int(counts[1]),
        remaining=int(counts[2]),
        seconds=seconds,
    )


@pytest.fixture(scope="module")
def sample_run(
    sample_path: Path, use_encoder: Encoder, tmp_path_factory: pytest.TempPathFactory
) -> Run:
    """OmegaT over the translated part of the sample, with the TMX our pipeline made."""
    java = _require_omegat()
    alignment = bitext.align_document(sample_path, encoder=use_encoder)
    paired = sorted({i for bead in alignment.beads if bead.is_pair for i in bead.src})
    sentences = [alignment.src[i] for i in paired]
    project = tmp_path_factory.mktemp("omegat") / "project"
    return _run_omegat(java, project, sentences, alignment)


def _untranslated(run: Run) -> list[str]:
    """Our Chinese sentences that still stand, verbatim, in OmegaT's output."""
    return [s for s in run.sentences if s in run.target]


def test_every_aligned_sentence_is_pretranslated(sample_run: Run) -> None:
    pairs = list(sample_run.alignment.pairs())
    assert len(pairs) >= 10, "the sample should align most of its translated part"
    missing = [p for p in pairs if p.tgt not in sample_run.target]
    assert not missing, "OmegaT did not insert: " + "; ".join(p.src[:30] for p in missing)


def test_no_chinese_left_in_the_target(sample_run: Run) -> None:
    assert _untranslated(sample_run) == []
    assert not HAN.search(sample_run.target), sample_run.target


def test_leverage_is_complete(
    sample_run: Run, record_property: Callable[[str, object], None]
) -> None:
    # Counted two ways: our sentences still in the output, and OmegaT's own
    # statistics, which count segments as *OmegaT* cut them.
    untranslated = len(_untranslated(sample_run))
    leverage = 1 - untranslated / len(sample_run.sentences)
    record_property("omegat_leverage", f"{leverage:.3f}")
    record_property("omegat_segments", f"{sample_run.total} ({sample_run.remaining} left)")
    record_property("omegat_seconds", f"{sample_run.seconds:.1f}")
    assert leverage == 1.0
    assert sample_run.remaining == 0


def test_omegat_segments_the_sample_as_we_do(sample_run: Run) -> None:
    # Parity of segmentation: with OmegaT's default SRX rules the Chinese side
    # falls into exactly our sentences, so every 1-n TU can match exactly.
    assert sample_run.total == len(sample_run.sentences)


def _hand_alignment(paragraphs: list[str], english: list[str]) -> Alignment:
    """One 1-1 bead per sentence our segmenter finds, English written by hand."""
    src = [
        Sentence(text=p[a:b].strip(), lang="zh", paragraph=n, start=a, end=b)
        for n, p in enumerate(paragraphs)
        for a, b in bitext.split_sentences(p, "zh")
    ]
    assert len(src) == len(english), [s.text for s in src]
    tgt = [
        Sentence(text=e, lang="en", paragraph=i, start=0, end=len(e)) for i, e in enumerate(english)
    ]
    beads = [Bead((i,), (i,), 0.9) for i in range(len(src))]
    return Alignment(src=tuple(src), tgt=tuple(tgt), beads=tuple(beads))


# raises=AssertionError: a missing OmegaT under BITEXT_REQUIRE_OMEGAT=1 must fail,
# not pass as the expected failure.
@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="segment.zh splits after 。” before a new clause; OmegaT's default SRX never "
    "breaks after a closing quote, so neither half matches (report, not a test bug)",
)
def test_quote_followed_by_a_new_sentence_matches(tmp_path: Path) -> None:
    java = _require_omegat()
    paragraphs = ["他说：“我们来了。”然后走了。"]
    english = ['He said: "We are here."', "Then he left."]
    alignment = _hand_alignment(paragraphs, english)
    sentences = list(alignment.src)
    run = _run_omegat(java, tmp_path / "project", sentences, alignment)
    assert run.remaining == 0
    assert all(e in run.target for e in english)

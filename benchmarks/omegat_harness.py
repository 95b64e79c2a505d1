"""Build, run and score an OmegaT 3.6 project around a TMX, headless.

OmegaT inserts exact matches from the TMX files in a project's ``tm/auto/``
folder into untranslated segments when the project loads; console-translate
mode then writes the translated documents to ``target/`` and its own counts to
``omegat/project_stats.txt``. OmegaT exits 0 even when it rejected a TMX, so
callers must judge the output files, never the exit code.

Shared by ``tests/test_omegat.py`` (which puts this folder on ``sys.path``) and
``benchmarks/leverage.py``; it lives here rather than under ``tests/`` because
it is measuring equipment, not a test, and the benchmark scripts import it
without any path manipulation.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from bitext.model import Sentence

JAR = Path("/usr/share/omegat/OmegaT.jar")
TIMEOUT = 180.0  # seconds; a run takes ~2 s, the JVM start dominates
DEFAULT_FILE = "release.txt"

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
        <source_lang>{source_lang}</source_lang>
        <target_lang>{target_lang}</target_lang>
        <source_tok>org.omegat.tokenizer.{source_tok}</source_tok>
        <target_tok>org.omegat.tokenizer.{target_tok}</target_tok>
        <sentence_seg>true</sentence_seg>
        <support_default_translations>true</support_default_translations>
        <remove_tags>false</remove_tags>
    </project>
</omegat>
"""
TOKENIZERS = {"zh": "LuceneSmartChineseTokenizer", "en": "LuceneEnglishTokenizer"}
FOLDERS = ("source", "target", "tm/auto", "glossary", "dictionary", "omegat")


class OmegaTError(RuntimeError):
    """OmegaT is missing, or a run produced no usable output."""


@dataclass(frozen=True)
class FileStats:
    """OmegaT's segment counts for one source file (or the whole project)."""

    total: int
    remaining: int

    @property
    def matched(self) -> int:
        return self.total - self.remaining


def find_java() -> str | None:
    """The java binary when OmegaT can run here, else None."""
    java = shutil.which("java")
    return java if java is not None and JAR.is_file() else None


def paragraphs(sentences: Iterable[Sentence]) -> list[str]:
    """Sentences joined back into their paragraphs, in document order (Chinese: no spaces)."""
    grouped = itertools.groupby(sentences, key=lambda s: s.paragraph)
    return ["".join(s.text for s in group) for _, group in grouped]


def build_project(
    directory: Path,
    paragraphs: Sequence[str] | Mapping[str, Sequence[str]],
    tmx: bytes | Path,
    source_lang: str = "zh-CN",
    target_lang: str = "en-US",
) -> Path:
    """Create an OmegaT project in `directory` (must not exist) and return it.

    The project translates `source_lang` (whose SRX rules OmegaT applies) into `target_lang`.

    `paragraphs` is one document's paragraphs (written as ``release.txt``) or a
    mapping of file name to paragraphs, one source file each; `tmx` (bytes or a
    file) goes to ``tm/auto/`` so that OmegaT pre-translates from it.
    """
    for folder in FOLDERS:
        (directory / folder).mkdir(parents=True)
    project_xml = PROJECT_XML.format(
        source_lang=source_lang,
        target_lang=target_lang,
        source_tok=TOKENIZERS[source_lang[:2]],
        target_tok=TOKENIZERS[target_lang[:2]],
    )
    (directory / "omegat.project").write_text(project_xml, encoding="utf-8")
    files = paragraphs if isinstance(paragraphs, Mapping) else {DEFAULT_FILE: paragraphs}
    for name, texts in files.items():
        # OmegaT's text filter ends a paragraph at an empty line, not at a line
        # break: a headline without 。 on the line above would fuse with the
        # next line into one segment that no TU matches.
        text = "\n\n".join(texts) + "\n"
        (directory / "source" / name).write_text(text, encoding="utf-8")
    data = tmx if isinstance(tmx, bytes) else Path(tmx).read_bytes()
    (directory / "tm" / "auto" / "bitext.tmx").write_bytes(data)
    return directory


def _omegat(
    project: Path, mode: str, extra: list[str], timeout: float
) -> subprocess.CompletedProcess[str]:
    java = find_java()
    if java is None:
        raise OmegaTError(
            f"OmegaT is not installed (java or {JAR} missing): apt-get install omegat"
        )
    command = [java, "-Djava.awt.headless=true", "-jar", str(JAR), str(project)]
    # A config dir beside the project keeps the user's own OmegaT settings out of the run.
    command += [f"--mode={mode}", f"--config-dir={project.parent / (project.name + '-config')}"]
    command += ["--disable-project-locking", "--no-team", "--quiet", *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


def run_omegat(project: Path, timeout: float = TIMEOUT) -> float:
    """Translate `project` in console mode; return the seconds it took.

    Raises OmegaTError when a source file got no target file or no statistics
    were written, with the tail of OmegaT's output.
    """
    started = time.monotonic()
    done = _omegat(project, "console-translate", [], timeout)
    seconds = time.monotonic() - started
    sources = sorted(p.name for p in (project / "source").iterdir())
    missing = [n for n in sources if not (project / "target" / n).is_file()]
    if missing or not (project / "omegat" / "project_stats.txt").is_file():
        what = f"no target file for {missing}" if missing else "no project_stats.txt"
        raise OmegaTError(f"OmegaT wrote {what}:\n{done.stdout}\n{done.stderr[-3000:]}")
    return seconds


def target_text(project: Path, name: str = DEFAULT_FILE) -> str:
    """A translated document as OmegaT wrote it (untranslated segments stay in Chinese)."""
    return (project / "target" / name).read_text(encoding="utf-8")


def stats(project: Path) -> dict[str | None, FileStats]:
    """OmegaT's own counts after a run: per source file name, and the project under None."""
    text = (project / "omegat" / "project_stats.txt").read_text(encoding="utf-8")
    totals = re.search(r"^Total:\s+(\d+).*?^Remaining:\s+(\d+)", text, re.M | re.S)
    if totals is None:
        raise OmegaTError(f"unexpected OmegaT statistics in {project}:\n{text}")
    out: dict[str | None, FileStats] = {None: FileStats(int(totals[1]), int(totals[2]))}
    _, _, per_file = text.partition("Individual File Statistics:")
    for line in per_file.splitlines()[2:]:  # skip the blank line and the header
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) >= 3 and cells[1].isdigit():
            out[cells[0]] = FileStats(int(cells[1]), int(cells[2]))
    return out


def leverage(project: Path, name: str | None = None) -> tuple[int, int]:
    """(matched, total) segments by OmegaT's own count, for one file or the whole project.

    A segment counts as matched when OmegaT filled it from ``tm/auto/``: the
    project starts empty, so every translated segment came from our TMX.
    """
    counts = stats(project)
    if name not in counts:
        raise OmegaTError(f"OmegaT has no statistics for {name} in {project}")
    return counts[name].matched, counts[name].total


def segments(project: Path, timeout: float = TIMEOUT, lang: str = "zh-CN") -> list[str]:
    """The distinct source segments as OmegaT cut them (its pseudo-translation export).

    Order and file of origin are OmegaT's business (the export keeps neither),
    so callers find a segment's document by searching the source texts.
    """
    out = project.parent / (project.name + "-segments.tmx")
    extra = [f"--pseudotranslatetmx={out}", "--pseudotranslatetype=empty"]
    done = _omegat(project, "console-createpseudotranslatetmx", extra, timeout)
    if not out.is_file():
        raise OmegaTError(f"OmegaT wrote no segment export:\n{done.stdout}\n{done.stderr[-3000:]}")
    tree = etree.parse(str(out), etree.XMLParser(resolve_entities=False, no_network=True))
    return ["".join(seg.itertext()) for seg in tree.iterfind(f".//tuv[@lang='{lang}']/seg")]

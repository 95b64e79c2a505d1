"""Interoperability (issue 20): the real OmegaT 3.6 reads bitext's glossaries.

OmegaT proposes glossary entries in its Glossary pane, a GUI; in console mode it
runs a script with the project loaded, and tests/data/omegat_glossary.groovy
drives OmegaT's own glossary loader and search from there, writing what the pane
would show for each segment. Skips without OmegaT, unless
``BITEXT_REQUIRE_OMEGAT=1``, as tests/test_omegat.py does.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bitext.terms import Term, write_glossary
from terms_helpers import AFCD_DOC, SCST_DOC, paragraph, real_terms

# Not in the quick subset (-m "not slow"): a real OmegaT project run headless.
pytestmark = pytest.mark.slow

PROBE = Path(__file__).resolve().parent / "data" / "omegat_glossary.groovy"


def _omegat_harness() -> ModuleType:
    """benchmarks/omegat_harness.py, skipping without OmegaT as tests/test_omegat.py does."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import omegat_harness

    if omegat_harness.find_java() is None:
        jar = omegat_harness.JAR
        message = f"OmegaT is not installed (java or {jar} missing): apt-get install omegat"
        if os.environ.get("BITEXT_REQUIRE_OMEGAT") == "1":
            pytest.fail(f"BITEXT_REQUIRE_OMEGAT=1 but {message}")
        pytest.skip(message)
    return omegat_harness


def _glossary_lines(path: Path) -> set[tuple[str, str, str]]:
    """(source, target, comment) of each line of an OmegaT glossary, read plainly."""
    return {tuple(line.split("\t")) for line in path.read_text(encoding="utf-8").splitlines()}  # type: ignore[misc]


def test_omegat_finds_the_glossary_terms_in_a_projects_segments(
    sample_path: Path, shared_dir: Path, tmp_path: Path
) -> None:
    # OmegaT 3.6 loads our glossaries from the project's glossary/ folder (one
    # .txt, its default name, and one .utf8) and its glossary search proposes
    # each term in the real release sentences that hold it, with our comment.
    omegat = _omegat_harness()
    terms: list[Term] = real_terms(shared_dir, sample_path)
    docs = shared_dir / "eval" / "hk-releases" / "docs"
    paragraphs = [
        paragraph(docs / f"{AFCD_DOC}.zh.txt", "漁農自然護理署（漁護署）"),
        paragraph(docs / f"{AFCD_DOC}.zh.txt", "漁護署發言人"),
        paragraph(docs / f"{SCST_DOC}.zh.txt", "羅淑佩今日"),
        paragraph(sample_path, "章勇武表示"),
    ]
    tmx = b'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="test" '
    tmx += (
        b'creationtoolversion="1" segtype="sentence" o-tmf="none" adminlang="en" srclang="zh-HK" '
    )
    tmx += b'datatype="plaintext"/><body/></tmx>\n'
    project = omegat.build_project(tmp_path / "project", paragraphs, tmx, source_lang="zh-HK")
    organisations = [t for t in terms if t.type == "organisation"]
    people = [t for t in terms if t.type == "person"]
    files = {
        "glossary.txt": write_glossary(organisations, project / "glossary" / "glossary.txt"),
        "people.utf8": write_glossary(people, project / "glossary" / "people.utf8"),
    }
    done = omegat._omegat(project, "console-translate", [f"--script={PROBE}"], omegat.TIMEOUT)
    seen_path = project / "glossary-seen.tsv"
    assert seen_path.is_file(), f"the script did not run:\n{done.stdout}\n{done.stderr[-3000:]}"
    seen = [line.split("\t") for line in seen_path.read_text(encoding="utf-8").splitlines()]

    loaded = {r[1]: int(r[2]) for r in seen if r[0] == "loaded"}
    assert [r for r in seen if r[0] == "failed"] == []
    assert loaded == {name: len(_glossary_lines(path)) for name, path in files.items()}
    segments = [r[1] for r in seen if r[0] == "segment"]
    assert len(segments) >= len(paragraphs)  # OmegaT cut the paragraphs into sentences
    matches = {tuple(r[1:]) for r in seen if r[0] == "match"}
    lines = set().union(*(_glossary_lines(p) for p in files.values()))
    expected = {(s, *line) for s in segments for line in lines if line[0] in s}
    assert matches == expected
    # Every term, variant and person is proposed somewhere: the test covers them all.
    assert {m[1:3] for m in matches} == {line[:2] for line in lines}

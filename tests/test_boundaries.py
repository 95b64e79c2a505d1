"""Issue 18, items 1 and 4: one owner for the TMX format, one interface for the batch worker."""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import pytest
from lxml import etree

from bitext import export, tmx
from bitext.cli import main
from bitext.export.tmx import TMXExporter
from bitext.tm.batch import BatchSettings

SRC = Path(__file__).resolve().parent.parent / "src" / "bitext"


def _header_builders() -> set[str]:
    """The source files that create a <header> element (Element/SubElement with "header")."""
    found = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("Element", "SubElement")
                and any(isinstance(a, ast.Constant) and a.value == "header" for a in node.args)
            ):
                found.add(path.relative_to(SRC).as_posix())
    return found


def test_one_tmx_header_writer_and_it_is_the_tmx_packages():
    assert _header_builders() == {"tmx/_xml.py"}


def test_exported_and_rewritten_tmx_carry_the_same_header(sample_path: Path, tmp_path: Path):
    # The export stage and `tmx.to_bytes` write their headers through the one writer,
    # so a memory read back and written again keeps the export's header as it was.
    out = tmp_path / "sample.tmx"
    assert main(["align", str(sample_path), "-o", str(out), "-q"]) == 0
    written = etree.fromstring(out.read_bytes()).find("header")
    again = etree.fromstring(tmx.to_bytes(tmx.read(out))).find("header")
    assert dict(written.attrib) == dict(again.attrib)
    assert written.get("srclang") == "zh-CN" and written.get("creationtool") == "bitext"


def test_the_tmx_names_the_export_stage_re_exports_are_the_tmx_packages_own():
    assert export.validate_tmx is tmx.validate_tmx
    from bitext.export import tmx as export_tmx

    assert export_tmx.safe_parser is tmx.safe_parser
    assert export_tmx.clean_xml_text is tmx.clean_xml_text


def test_align_builds_its_exporter_once(sample_path: Path, tmp_path: Path, monkeypatch):
    built: list[dict] = []

    def counting(**options):
        built.append(options)
        return TMXExporter(**options)

    counting.name, counting.suffixes = TMXExporter.name, TMXExporter.suffixes  # type: ignore[attr-defined]
    monkeypatch.setitem(export.EXPORTERS, "tmx", counting)
    out = tmp_path / "sample.tmx"
    assert main(["align", str(sample_path), "-o", str(out), "--src-lang", "zh-CN", "-q"]) == 0
    assert len(built) == 1 and built[0]["src_lang"] == "zh-CN"


@pytest.fixture(scope="module")
def worker():
    from bitext.tm.worker import Worker

    return Worker(BatchSettings(vectors=False))


def test_the_worker_returns_an_aligned_document_as_a_result(worker, sample_path: Path):
    from bitext.tm.worker import Aligned

    data = sample_path.read_bytes()
    result = worker.align("press_release_chongqing.txt", data)
    assert isinstance(result, Aligned)
    assert result.record.content_hash == hashlib.sha256(data).hexdigest()
    assert len(result.record.pairs) > 5 and result.seconds >= result.embed_seconds >= 0


def test_the_worker_returns_a_failure_as_a_result_not_a_string(worker, sample_path: Path):
    from bitext.tm.worker import Failed

    # Half a document: the English side only, nothing to align it with.
    english = [line for line in sample_path.read_text(encoding="utf-8").splitlines()]
    english = [line for line in english if line.isascii()]
    result = worker.align("english-only.txt", "\n".join(english).encode())
    assert isinstance(result, Failed)
    assert "english-only.txt" in result.reason


def test_both_engines_call_the_one_worker_function():
    from bitext.tm import batch, dask_engine, worker

    for module in (batch, dask_engine):
        names = {
            node.id
            for node in ast.walk(ast.parse(Path(module.__file__).read_text(encoding="utf-8")))
            if isinstance(node, ast.Name)
        }
        assert "align_in_worker" in names, module.__name__
        assert module.align_in_worker is worker.align_in_worker

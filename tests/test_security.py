"""Hostile input files: nothing fetched, nothing written outside the output.

A live HTTP server on 127.0.0.1 counts every connection, so "never fetches a
URL" is observed rather than assumed. Refusals are one-line `InputError`s.
Existing cases not repeated here: XXE through file:// and billion laughs in
TMX (test_tmxread.py), a docx XXE through file:// and zip bombs in a media part
and by a forged central directory (test_read.py), symlink and FIFO targets of
`atomic_write` (test_atomic.py). Hostile .docx archives (part names escaping
the folder, decompression bombs) are in test_security_archives.py.
"""

from __future__ import annotations

import http.server
import json
import os
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bitext import tmx
from bitext.errors import OutputError
from bitext.export import validate_tmx, write_tmx
from bitext.model import Alignment, Bead, Sentence
from bitext.read import read
from bitext.segment.srx import read_srx, srx_bytes
from bitext.tm import TranslationMemory, export_tmx, import_tmx
from bitext.tm.records import DocumentRecord, StoredPair
from cli_helpers import run_cli
from security_helpers import changes, hostile_parts, one_line_input_error, snapshot, write_zip

BAIT = b"PWNED-BY-THE-SERVER"


class CountingServer(http.server.ThreadingHTTPServer):
    """Answers everything with BAIT and remembers every connection made to it."""

    def __init__(self) -> None:
        self.connections: list[str] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    def verify_request(self, request: object, client_address: object) -> bool:
        # Counted on connect, before any request line: a TLS hello or half a request counts.
        self.connections.append(str(client_address))
        return True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'<!ENTITY x "' + BAIT + b'">' if self.path.endswith(".dtd") else BAIT
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[CountingServer]:
    httpd = CountingServer()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        # The trap works: a real fetch is seen (then forgotten).
        with urllib.request.urlopen(httpd.url + "/probe", timeout=10) as answer:
            assert answer.read() == BAIT
        assert len(httpd.connections) == 1
        httpd.connections.clear()
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


def news(shared_dir: Path) -> tuple[list[str], list[str]]:
    """Three Chinese and three English paragraphs of real news."""
    docs = sorted((shared_dir / "eval" / "wmt22-news" / "docs").glob("*.json"))
    doc = json.loads(docs[0].read_text(encoding="utf-8"))
    return doc["zh"][:3], doc["en"][:3]


# --- never fetches a URL --------------------------------------------------------------------


def hostile_html(url: str, zh: list[str], en: list[str]) -> str:
    paragraphs = "".join(f"<p>{text}</p>" for text in zh + en)
    return (
        f'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "{url}/xhtml.dtd">'
        f'<html><head><base href="{url}/base/"><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0; url={url}/refresh">'
        f'<link rel="stylesheet" href="{url}/style.css"><link rel="preload" href="{url}/pre">'
        f'<script src="{url}/script.js"></script>'
        f"<style>@import url({url}/import.css); body {{background: url({url}/bg.png)}}</style>"
        f"</head><body>"
        f'<img src="{url}/img.png" srcset="{url}/img2.png 2x"><iframe src="{url}/frame"></iframe>'
        f'<object data="{url}/object"></object><embed src="{url}/embed">'
        f'<video poster="{url}/poster"><source src="{url}/video"></video>'
        f'<svg><image href="{url}/svg.png"/><use href="{url}/sprite.svg#a"/></svg>'
        f'<div style="background: url({url}/inline.png)">{paragraphs}</div>'
        f'<a href="{url}/link">link</a></body></html>'
    )


def hostile_xhtml(url: str, zh: list[str], en: list[str]) -> str:
    paragraphs = "".join(f"<p>{text}</p>" for text in zh + en)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<?xml-stylesheet type="text/xsl" href="{url}/style.xsl"?>'
        f'<!DOCTYPE html SYSTEM "{url}/xhtml.dtd" [<!ENTITY ext SYSTEM "{url}/entity">]>'
        f'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&ext;</p>{paragraphs}'
        f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{url}/include"/>'
        "</body></html>"
    )


def hostile_docx(path: Path, url: str, zh: list[str], en: list[str]) -> Path:
    return write_zip(path, hostile_parts(url, zh, en))


def test_html_and_xhtml_references_are_never_fetched(
    server: CountingServer, shared_dir: Path, tmp_path: Path
):
    zh, en = news(shared_dir)
    html = tmp_path / "page.html"
    html.write_text(hostile_html(server.url, zh, en), encoding="utf-8")
    xhtml = tmp_path / "page.xhtml"
    xhtml.write_text(hostile_xhtml(server.url, zh, en), encoding="utf-8")
    for path in (html, xhtml):
        document = read(path)
        assert set(zh + en) <= {p.text for p in document.paragraphs}
        assert BAIT.decode() not in document.text
    assert server.connections == []


def test_docx_external_targets_and_entities_are_never_fetched(
    server: CountingServer, shared_dir: Path, tmp_path: Path
):
    zh, en = news(shared_dir)
    document = read(hostile_docx(tmp_path / "release.docx", server.url, zh, en))
    assert set(zh + en) <= {p.text for p in document.paragraphs}
    assert BAIT.decode() not in document.text
    assert server.connections == []


@pytest.mark.slow
def test_align_of_hostile_html_and_docx_fetches_nothing(
    server: CountingServer, shared_dir: Path, tmp_path: Path
):
    zh, en = news(shared_dir)
    (tmp_path / "page.html").write_text(hostile_html(server.url, zh, en), encoding="utf-8")
    hostile_docx(tmp_path / "release.docx", server.url, zh, en)
    proc = run_cli("align", "page.html", "release.docx", "-o", "o.tmx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    units = tmx.read(tmp_path / "o.tmx").units
    assert len(units) >= 3 and all(BAIT.decode() not in u.variant("en").text for u in units)
    assert server.connections == []


_TMX_BODY = (
    '<tmx version="1.4"{root}><header creationtool="x" creationtoolversion="1" '
    'segtype="sentence" o-tmf="x" adminlang="en" srclang="zh-CN" datatype="plaintext"/>'
    '<body><tu><tuv xml:lang="zh-CN"><seg>新闻稿</seg></tuv>'
    '<tuv xml:lang="en-US"><seg>press {inner} release</seg></tuv></tu></body></tmx>'
)
_XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:x {u}/x.xsd"'
_XI = '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{u}/include"/>'
# name: (prolog, root attributes, text inside the English seg, refusal or None if read)
HOSTILE_TMX = {
    "dtd-on-the-network": ('<!DOCTYPE tmx SYSTEM "{u}/tmx14.dtd">', "", "", None),
    "public-dtd": (
        '<!DOCTYPE tmx PUBLIC "-//LISA OSCAR:1998//DTD for TMX//EN" "{u}/tmx14.dtd">',
        "",
        "",
        None,
    ),
    "stylesheet": ('<?xml-stylesheet type="text/xsl" href="{u}/style.xsl"?>', "", "", None),
    "schema-location": ("", " " + _XSI, "", None),
    "xinclude": ("", "", _XI, None),
    "external-entity": (
        '<!DOCTYPE tmx [<!ENTITY x SYSTEM "{u}/entity">]>',
        "",
        "&x;",
        "TMX declares entities; refused for safety",
    ),
    "parameter-entity": (
        '<!DOCTYPE tmx [<!ENTITY % p SYSTEM "{u}/p.dtd"> %p;]>',
        "",
        "",
        "TMX declares entities; refused for safety",
    ),
    "entity-of-a-network-dtd": (
        '<!DOCTYPE tmx SYSTEM "{u}/entities.dtd">',
        "",
        "&x;",
        "line 1: TMX refers to entity &x;; refused for safety",
    ),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_TMX))
def test_tmx_never_fetches_and_refuses_entities_in_one_line(
    server: CountingServer, tmp_path: Path, kind: str
):
    prolog, root, inner, refusal = HOSTILE_TMX[kind]
    text = '<?xml version="1.0" encoding="UTF-8"?>' + prolog.format(u=server.url)
    text += _TMX_BODY.format(root=root.format(u=server.url), inner=inner.format(u=server.url))
    path = tmp_path / f"{kind}.tmx"
    path.write_text(text, encoding="utf-8")
    with TranslationMemory(tmp_path / "tm.sqlite") as memory:
        if refusal is None:
            assert "press" in tmx.read(path).units[0].variant("en").text
            assert import_tmx(memory, path).occurrences == 1
        else:
            assert one_line_input_error(tmx.read, path) == f"{path}: {refusal}"
            assert one_line_input_error(import_tmx, memory, path) == f"{path}: {refusal}"
            assert memory.stats()["documents"] == 0
        assert BAIT.decode() not in "".join(u.tgt for u in memory.units())
    try:  # `bitext validate`'s check: a verdict either way, but no fetch
        validate_tmx(path)
    except ValueError as exc:
        assert "\n" not in str(exc)
    assert server.connections == []


def test_tm_import_command_refuses_a_hostile_tmx_without_fetching(
    server: CountingServer, tmp_path: Path
):
    text = f'<!DOCTYPE tmx [<!ENTITY x SYSTEM "{server.url}/entity">]>'
    (tmp_path / "vendor.tmx").write_text(text + _TMX_BODY.format(root="", inner="&x;"), "utf-8")
    proc = run_cli("tm", "import", "vendor.tmx", "--tm", "t.sqlite", cwd=tmp_path, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr == ("bitext: error: vendor.tmx: TMX declares entities; refused for safety\n")
    assert server.connections == []


def test_srx_rules_never_fetch(server: CountingServer, tmp_path: Path):
    head, rest = srx_bytes().split(b"?>", 1)
    dtd = f'<!DOCTYPE srx SYSTEM "{server.url}/srx.dtd">'.encode()
    assert read_srx(head + b"?>" + dtd + rest).rules_for("zh")
    entity = f'<!DOCTYPE srx [<!ENTITY x SYSTEM "{server.url}/entity">]>'.encode()
    path = tmp_path / "rules.srx"
    path.write_bytes(head + b"?>" + entity + rest.replace(b"</header>", b"&x;</header>", 1))
    assert "refused for safety" in one_line_input_error(read_srx, path)
    assert server.connections == []


# --- never writes outside the chosen output ---------------------------------------------------


def small_memory(path: Path) -> None:
    pairs = (StoredPair("重庆日报报业集团。", "Chongqing Daily Press Group.", "1-1", 0.9),)
    with TranslationMemory(path) as memory:
        memory.add(DocumentRecord("release.txt", "hash", {}, pairs))


def test_links_at_the_output_are_refused_and_paths_are_taken_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    outside, work = tmp_path / "outside", tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "victim.tmx").write_bytes(b"someone else's file")
    (work / "link.tmx").symlink_to(outside / "victim.tmx")
    (work / "dangling.tmx").symlink_to(outside / "created-through-the-link.tmx")
    (work / "in.txt").write_text("重庆日报报业集团。\nChongqing Daily Press Group.\n", "utf-8")
    small_memory(work / "tm.sqlite")
    before = snapshot(tmp_path)
    refused = [
        (("align", "in.txt", "-o", "link.tmx", "--force"), "link.tmx is a symbolic link"),
        (("tm", "export", "--tm", "tm.sqlite", "-o", "dangling.tmx", "--force"), "dangling.tmx"),
    ]
    for args, message in refused:
        proc = run_cli(*args, cwd=work, timeout=120)
        assert proc.returncode == 3 and proc.stderr.count("\n") == 1, (args, proc.stderr)
        assert message in proc.stderr
    assert changes(before, snapshot(tmp_path)) == set()
    monkeypatch.chdir(work)
    with TranslationMemory("tm.sqlite") as memory:
        with pytest.raises(OutputError, match=r"directory nowhere/\.\. does not exist"):
            export_tmx(memory, "nowhere/../x.tmx")  # no folder is made on the way
        export_tmx(memory, "sub/../exported.tmx")
        monkeypatch.chdir(work / "sub")
        export_tmx(memory, "../up.tmx")
    assert changes(before, snapshot(tmp_path)) == {"work/exported.tmx", "work/up.tmx"}


def test_force_over_a_hard_link_leaves_the_other_name_alone(tmp_path: Path):
    (tmp_path / "keep.tmx").write_bytes(b"<tmx>shared by two names</tmx>")
    os.link(tmp_path / "keep.tmx", tmp_path / "out.tmx")
    src = (Sentence("重庆日报。", "zh", 0, 0, 5),)
    tgt = (Sentence("Chongqing Daily.", "en", 0, 0, 16),)
    write_tmx([Alignment(src, tgt, (Bead((0,), (0,), 0.9),))], tmp_path / "out.tmx", force=True)
    assert (tmp_path / "keep.tmx").read_bytes() == b"<tmx>shared by two names</tmx>"
    assert tmx.read(tmp_path / "out.tmx").units[0].variant("en").text == "Chongqing Daily."


ODD_NAMES = (
    "a..b.txt",
    "quote'\"<b>&amp;.txt",
    "new\nline.txt",
    "space name.txt",
    "ünï 日本.txt",
    "back\\slash.txt",
    "..hidden.txt",  # hidden: left out, like editor backups
)


@pytest.mark.slow
def test_batch_over_odd_file_names_writes_only_the_memory_and_the_tmx(
    shared_dir: Path, tmp_path: Path
):
    zh, en = news(shared_dir)
    work, scratch = tmp_path / "work", tmp_path / "tmp"
    (work / "in").mkdir(parents=True)
    scratch.mkdir()
    for k, name in enumerate(ODD_NAMES):
        lines = [f"第{k}号新闻稿。", *zh, f"Press release number {k}.", *en]
        (work / "in" / name).write_text("\n".join(lines) + "\n", "utf-8")
    before = snapshot(tmp_path)
    args = ["batch", "in/../in", "--tm", "tm.sqlite", "-o", "out.tmx", "--no-vectors", "-q"]
    # Temporary files land in view.
    proc = run_cli(*args, cwd=work, env={**os.environ, "TMPDIR": str(scratch)})
    assert proc.returncode == 0, proc.stderr
    # jieba (the Chinese tokenizer) caches its dictionary in the temporary folder.
    assert changes(before, snapshot(tmp_path)) - {"tmp/jieba.cache"} == {
        "work/tm.sqlite",
        "work/out.tmx",
    }
    with TranslationMemory(work / "tm.sqlite") as memory:
        paths = sorted(d.path for d in memory.documents())
    # Stored as the folder's name and the path inside it (never the path as typed, which
    # may be absolute), a newline written as \n so that every name stays one line.
    assert paths == sorted(f"in/{name}".replace("\n", "\\n") for name in ODD_NAMES[:-1])
    props = {p for u in tmx.read(work / "out.tmx").units for p in u.props["x-document"]}
    assert props == set(paths)

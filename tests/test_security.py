"""Hostile input files: nothing fetched, nothing written outside the output, no bombs.

A live HTTP server on 127.0.0.1 counts every connection, so "never fetches a
URL" is observed rather than assumed. Refusals are one-line `InputError`s.
Existing cases not repeated here: XXE through file:// and billion laughs in
TMX (test_tmxread.py), a docx XXE through file:// and zip bombs in a media part
and by a forged central directory (test_read.py), symlink and FIFO targets of
`atomic_write` (test_atomic.py).
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import stat
import subprocess
import sys
import threading
import urllib.request
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from bitext import tmx
from bitext.errors import InputError, OutputError
from bitext.export import validate_tmx, write_tmx
from bitext.model import Alignment, Bead, Sentence
from bitext.read import read
from bitext.segment.srx import read_srx, srx_bytes
from bitext.tm import TranslationMemory, export_tmx, import_tmx
from bitext.tm.model import DocumentRecord, StoredPair

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


def one_line_input_error(call: object, *args: object) -> str:
    with pytest.raises(InputError) as caught:
        call(*args)  # type: ignore[operator]
    message = str(caught.value)
    assert "\n" not in message
    return message


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


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml"


def _rels(*rels: tuple[str, str, str]) -> str:
    """A relationships part; each rel is (type, target, target mode)."""
    items = "".join(
        f'<Relationship Id="rId{k}" Type="{_R}/{kind}" Target="{target}" TargetMode="{mode}"/>'
        for k, (kind, target, mode) in enumerate(rels, 1)
    )
    return (
        f'<?xml version="1.0"?><Relationships xmlns="{_PKG}/relationships">{items}</Relationships>'
    )


def hostile_parts(url: str, zh: list[str], en: list[str]) -> dict[str, str]:
    """The parts of a .docx that point outside: external relationships (hyperlink, image,
    subdocument, attached template: the template-injection trick), DTDs and external
    and parameter entities on the network."""
    runs = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in zh + en)
    document = (
        f'<?xml version="1.0"?><!DOCTYPE w:document SYSTEM "{url}/document.dtd" ['
        f'<!ENTITY ext SYSTEM "{url}/entity"><!ENTITY % pe SYSTEM "{url}/pe.dtd"> %pe;]>'
        f'<w:document xmlns:w="{_W}" xmlns:r="{_R}"><w:body>'
        f'<w:p><w:hyperlink r:id="rId1"><w:r><w:t>&ext;link</w:t></w:r></w:hyperlink></w:p>'
        f"{runs}</w:body></w:document>"
    )
    types = (
        f'<?xml version="1.0"?><!DOCTYPE Types SYSTEM "{url}/types.dtd">'
        f'<Types xmlns="{_PKG}/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{_MAIN}.document.main+xml"/>'
        f'<Override PartName="/word/settings.xml" ContentType="{_MAIN}.settings+xml"/></Types>'
    )
    settings = f'<w:settings xmlns:w="{_W}" xmlns:r="{_R}"><w:attachedTemplate r:id="rId1"/>'
    return {
        "[Content_Types].xml": types,
        "_rels/.rels": _rels(
            ("officeDocument", "word/document.xml", "Internal"),
            ("extended-properties", f"{url}/app.xml", "External"),
        ),
        "word/document.xml": document,
        "word/_rels/document.xml.rels": _rels(
            ("hyperlink", f"{url}/hyperlink", "External"),
            ("image", f"{url}/image.png", "External"),
            ("settings", "settings.xml", "Internal"),
            ("subDocument", f"{url}/sub.docx", "External"),
            ("styles", f"{url}/styles.xml", "External"),
        ),
        "word/settings.xml": settings + "</w:settings>",
        "word/_rels/settings.xml.rels": _rels(
            ("attachedTemplate", f"{url}/template.dotm", "External")
        ),
    }


def write_zip(path: Path, parts: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


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


def test_align_of_hostile_html_and_docx_fetches_nothing(
    server: CountingServer, shared_dir: Path, tmp_path: Path
):
    zh, en = news(shared_dir)
    (tmp_path / "page.html").write_text(hostile_html(server.url, zh, en), encoding="utf-8")
    hostile_docx(tmp_path / "release.docx", server.url, zh, en)
    proc = subprocess.run(
        [sys.executable, "-m", "bitext.cli", "align", "page.html", "release.docx", "-o", "o.tmx"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
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
    proc = subprocess.run(
        [sys.executable, "-m", "bitext.cli", "tm", "import", "vendor.tmx", "--tm", "t.sqlite"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
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


def snapshot(root: Path) -> dict[str, str]:
    """Every entry under `root`, links not followed: its kind and content (or link target)."""
    found = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            found[str(path.relative_to(root))] = "link to " + os.readlink(path)
        elif stat.S_ISREG(info.st_mode):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[str(path.relative_to(root))] = f"file {digest}"
        else:
            found[str(path.relative_to(root))] = "directory"
    return found


def changes(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def small_memory(path: Path) -> None:
    pairs = (StoredPair("重庆日报报业集团。", "Chongqing Daily Press Group.", "1-1", 0.9),)
    with TranslationMemory(path) as memory:
        memory.add(DocumentRecord("release.txt", "hash", {}, pairs))


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bitext.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


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
        proc = cli(*args, cwd=work)
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
    (tmp_path / "keep.tmx").write_bytes(b"shared by two names")
    os.link(tmp_path / "keep.tmx", tmp_path / "out.tmx")
    src = (Sentence("重庆日报。", "zh", 0, 0, 5),)
    tgt = (Sentence("Chongqing Daily.", "en", 0, 0, 16),)
    write_tmx([Alignment(src, tgt, (Bead((0,), (0,), 0.9),))], tmp_path / "out.tmx", force=True)
    assert (tmp_path / "keep.tmx").read_bytes() == b"shared by two names"
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
    proc = subprocess.run(
        [sys.executable, "-m", "bitext.cli", *args],
        cwd=work,
        env={**os.environ, "TMPDIR": str(scratch)},  # temporary files land in view
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    # jieba (the Chinese tokenizer) caches its dictionary in the temporary folder.
    assert changes(before, snapshot(tmp_path)) - {"tmp/jieba.cache"} == {
        "work/tm.sqlite",
        "work/out.tmx",
    }
    with TranslationMemory(work / "tm.sqlite") as memory:
        paths = sorted(d.path for d in memory.documents())
    assert paths == sorted(f"in/../in/{name}" for name in ODD_NAMES[:-1])
    props = {p for u in tmx.read(work / "out.tmx").units for p in u.props["x-document"]}
    assert props == set(paths)


def test_docx_with_escaping_part_names_writes_nothing(tmp_path: Path):
    parts = hostile_parts("http://127.0.0.1:9", ["重庆日报报业集团。"], ["Chongqing Daily."])
    parts["word/_rels/document.xml.rels"] = _rels(("image", "../../../../outside.png", "Internal"))
    parts["../../escaped.txt"] = "zip slip"
    parts[str(tmp_path / "absolute.txt")] = "zip slip, absolute"
    (tmp_path / "in").mkdir()
    path = write_zip(tmp_path / "in" / "slip.docx", parts)
    before = snapshot(tmp_path)
    try:
        assert "Chongqing Daily." in read(path).text
    except InputError as exc:
        assert "\n" not in str(exc)
    assert changes(before, snapshot(tmp_path)) == set()


# --- decompression bombs ------------------------------------------------------------------------

_BOMB_CHILD = """
import json, resource, sys, time
from bitext.errors import InputError
from bitext.read import read
out = {}
for path in sys.argv[1:]:
    start = time.monotonic()
    try:
        read(path)
        out[path] = ["read", time.monotonic() - start]
    except InputError as exc:
        out[path] = [str(exc), time.monotonic() - start]
# VmHWM is this program's own peak; ru_maxrss keeps the pytest parent's size across
# fork + exec on Linux (1.1 GB with the encoder loaded), which would hide nothing.
try:
    with open("/proc/self/status") as status:
        hwm = next(line for line in status if line.startswith("VmHWM:"))
    out["peak_mb"] = int(hwm.split()[1]) / 1024
except (OSError, StopIteration):
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def xml_bomb(path: Path, megabytes: int) -> Path:
    """A .docx whose word/document.xml really inflates to `megabytes` MB of paragraphs."""
    unit = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>"
    chunk = (unit * (2**20 // len(unit))).ljust(2**20)  # 1 MB exactly
    head = f'<?xml version="1.0"?><w:document xmlns:w="{_W}"><w:body>'.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in hostile_parts("http://127.0.0.1:9", [], []).items():
            if name != "word/document.xml":  # valid parts: the reader gets to the bomb
                archive.writestr(name, text)
        with archive.open("word/document.xml", "w") as part:
            part.write(head)
            for _ in range(megabytes):
                part.write(chunk)
            part.write(b"</w:body></w:document>")
    return path


def lie_about_size(bomb: Path, path: Path, size: int, *, matching_crc: bool) -> Path:
    """`bomb` with document.xml declared as `size` bytes in both its headers; with
    `matching_crc`, its CRC made that of those first `size` bytes, as a careful forger would."""
    data = bytearray(bomb.read_bytes())
    name = b"word/document.xml"
    with zipfile.ZipFile(bomb) as archive, archive.open(name.decode()) as part:
        crc = zlib.crc32(part.read(size))  # a small read inflates only what it returns
    for signature, at_name, at_size, at_crc in (
        (b"PK\x03\x04", 30, 22, 14),
        (b"PK\x01\x02", 46, 24, 16),
    ):
        at = data.find(signature)
        while data[at + at_name : at + at_name + len(name)] != name:
            at = data.find(signature, at + 4)
        data[at + at_size : at + at_size + 4] = size.to_bytes(4, "little")
        if matching_crc:
            data[at + at_crc : at + at_crc + 4] = crc.to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


def read_in_child(*paths: Path) -> dict[str, object]:
    """`read` each of `paths` in a fresh process: messages, seconds, and its peak memory."""
    proc = subprocess.run(
        [sys.executable, "-c", _BOMB_CHILD, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_docx_entity_bomb_is_refused_at_once(tmp_path: Path):
    laughs = "".join(f'<!ENTITY l{k} "{f"&l{k - 1};" * 10}">' for k in range(1, 10))
    parts = hostile_parts("http://127.0.0.1:9", [], [])
    parts["word/document.xml"] = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY l0 "lol">{laughs}]>'
        f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    path = write_zip(tmp_path / "laughs.docx", parts)
    message = one_line_input_error(read, path)
    assert message.startswith(f"{path}: not a valid .docx (") and "amplification" in message


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """256 MB of paragraphs in a .docx of under 1 MB: over the 200 MB unpacked limit."""
    return xml_bomb(tmp_path_factory.mktemp("bomb") / "total.docx", 256)


def test_docx_decompression_bombs_are_refused_in_bounded_memory(bomb: Path, tmp_path: Path):
    total = bomb
    ratio = xml_bomb(tmp_path / "ratio.docx", 150)  # under it, but inflating ~300x
    assert max(p.stat().st_size for p in (total, ratio)) < 2**20
    result = read_in_child(total, ratio)
    assert result[str(total)][0] == (
        f"{total}: refusing .docx that unpacks to 256 MB (limit 200 MB; possible zip bomb)"
    )
    assert result[str(ratio)][0].startswith(f"{ratio}: refusing .docx: word/document.xml inflates")
    assert result[str(ratio)][0].endswith("x (limit 100x; possible zip bomb)")
    # Memory, not seconds, shows the bomb was never inflated (speed is for benchmarks).
    assert result["peak_mb"] < 250  # 256 MB inflated anywhere would show here


@pytest.mark.parametrize("matching_crc", [False, True], ids=["bad-crc", "forged-crc"])
def test_docx_lying_about_a_part_size_is_not_inflated(
    bomb: Path, tmp_path: Path, matching_crc: bool
):
    liar = lie_about_size(bomb, tmp_path / "liar.docx", 4096, matching_crc=matching_crc)
    result = read_in_child(liar)  # claims 4 KB, holds 256 MB
    message, _ = result[str(liar)]
    assert message.startswith(f"{liar}: not a valid .docx (")
    assert result["peak_mb"] < 250

"""Hostile .docx archives: part names escaping the folder, decompression bombs.

Separate from test_security.py (nothing fetched, nothing written outside the
output) because these tests attack the zip container itself rather than what
it points to; the bombs are read in a child process so its peak memory shows
whether anything was inflated. Refusals are one-line `InputError`s.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from bitext.errors import InputError
from bitext.read import read
from security_helpers import (
    W_NS,
    changes,
    hostile_parts,
    one_line_input_error,
    rels_xml,
    snapshot,
    write_zip,
)

# --- escaping the folder --------------------------------------------------------------------


def test_docx_with_escaping_part_names_writes_nothing(tmp_path: Path):
    parts = hostile_parts("http://127.0.0.1:9", ["重庆日报报业集团。"], ["Chongqing Daily."])
    parts["word/_rels/document.xml.rels"] = rels_xml(
        ("image", "../../../../outside.png", "Internal")
    )
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
    head = f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body>'.encode()
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
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p>'
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

"""Builders and checks shared by the security tests (not a test module: no test_ prefix).

test_security.py (nothing fetched, nothing written outside the output) and
test_security_archives.py (a .docx escaping its folder, decompression bombs)
both build hostile .docx packages and check what a run left on disk, so the
builders and checks live here once.
"""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from pathlib import Path

import pytest

from bitext.errors import InputError


def one_line_input_error(call: object, *args: object) -> str:
    with pytest.raises(InputError) as caught:
        call(*args)  # type: ignore[operator]
    message = str(caught.value)
    assert "\n" not in message
    return message


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006"
MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml"


def rels_xml(*rels: tuple[str, str, str]) -> str:
    """A relationships part; each rel is (type, target, target mode)."""
    items = "".join(
        f'<Relationship Id="rId{k}" Type="{R_NS}/{kind}" Target="{target}" TargetMode="{mode}"/>'
        for k, (kind, target, mode) in enumerate(rels, 1)
    )
    head = f'<?xml version="1.0"?><Relationships xmlns="{PKG_NS}/relationships">'
    return f"{head}{items}</Relationships>"


def hostile_parts(url: str, zh: list[str], en: list[str]) -> dict[str, str]:
    """The parts of a .docx that point outside: external relationships (hyperlink, image,
    subdocument, attached template: the template-injection trick), DTDs and external
    and parameter entities on the network."""
    runs = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in zh + en)
    document = (
        f'<?xml version="1.0"?><!DOCTYPE w:document SYSTEM "{url}/document.dtd" ['
        f'<!ENTITY ext SYSTEM "{url}/entity"><!ENTITY % pe SYSTEM "{url}/pe.dtd"> %pe;]>'
        f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>'
        f'<w:p><w:hyperlink r:id="rId1"><w:r><w:t>&ext;link</w:t></w:r></w:hyperlink></w:p>'
        f"{runs}</w:body></w:document>"
    )
    types = (
        f'<?xml version="1.0"?><!DOCTYPE Types SYSTEM "{url}/types.dtd">'
        f'<Types xmlns="{PKG_NS}/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{MAIN_TYPE}.document.main+xml"/>'
        f'<Override PartName="/word/settings.xml" ContentType="{MAIN_TYPE}.settings+xml"/></Types>'
    )
    settings = f'<w:settings xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:attachedTemplate r:id="rId1"/>'
    return {
        "[Content_Types].xml": types,
        "_rels/.rels": rels_xml(
            ("officeDocument", "word/document.xml", "Internal"),
            ("extended-properties", f"{url}/app.xml", "External"),
        ),
        "word/document.xml": document,
        "word/_rels/document.xml.rels": rels_xml(
            ("hyperlink", f"{url}/hyperlink", "External"),
            ("image", f"{url}/image.png", "External"),
            ("settings", "settings.xml", "Internal"),
            ("subDocument", f"{url}/sub.docx", "External"),
            ("styles", f"{url}/styles.xml", "External"),
        ),
        "word/settings.xml": settings + "</w:settings>",
        "word/_rels/settings.xml.rels": rels_xml(
            ("attachedTemplate", f"{url}/template.dotm", "External")
        ),
    }


def write_zip(path: Path, parts: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


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

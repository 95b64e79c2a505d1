"""HTML: decode honouring the declared charset, parse with lxml, keep visible text.

Ruby annotations (``<rt>``/``<rp>``) are dropped: they are where pinyin debris
such as ``落實(shí)`` comes from when a page is copied as text. Block elements and
``<br>`` end a paragraph, inline elements do not.

Raw-text elements, whose content the parser keeps as one string with any tags
in it as literal text: ``<noframes>`` and ``<noembed>`` hold fallback markup
for browsers without frames or plugins (“your browser does not support
frames”), never shown by a browser that has them, and are dropped. ``<xmp>``
and ``<plaintext>`` (obsolete forms of ``<pre>``) are shown, so their words are
part of the page, but the tags inside them are markup an author meant as
markup, not words to translate: their content is parsed once more and read as
``<pre>`` text, one paragraph per line, without tags.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree

from bitext.errors import InputError
from bitext.read._decode import binary_kind, decode, plausibility
from bitext.read._tables import side_by_side

# Elements whose content is never shown as running text (or is annotation).
# fmt: off
_DROP = frozenset({
    "head", "title", "script", "style", "noscript", "template", "rt", "rp", "svg", "math",
    "iframe", "object", "canvas", "audio", "video", "select", "button", "textarea",
    "noframes", "noembed",
})
# Shown raw-text elements: their text is markup to parse again (see the module docstring).
_RAW_SHOWN = frozenset({"xmp", "plaintext"})
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li",
    "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
})
# fmt: on
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
# Labels whose real-world meaning (WHATWG Encoding Standard) is a superset.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
}
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_SURROGATE = re.compile("[\ud800-\udfff]")
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
# Source line wraps inside Chinese text are not spaces in the rendered text.
_CJK_WRAP = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{_CJK}])")


def decode_html(data: bytes, name: str) -> tuple[str, str]:
    """Decode HTML bytes: BOM, UTF-8, else the declared or the detected charset.

    Valid UTF-8 wins over a declared legacy charset: pages are often re-saved
    as UTF-8 with their old ``charset=gb2312`` left in place, and UTF-8 Chinese
    also decodes as GBK (into garbage). Otherwise a ``<meta charset>`` is taken
    unless detection finds a more plausible reading (Big5 labelled GB2312
    decodes without error, into garbage); it decides ties and rescues
    encodings that detection does not know.
    """
    declared = None if data.startswith(_BOMS) else _declared_charset(data)
    if declared is None or binary_kind(data) is not None:
        return decode(data, source=name)
    declared_text = _decode_as_declared(data, declared)
    if declared_text is None:
        return decode(data, source=name)
    try:
        text, encoding = decode(data, source=name)
    except InputError:
        return declared_text, declared
    if plausibility(declared_text) >= plausibility(text):
        return declared_text, declared
    return text, encoding


def _decode_as_declared(data: bytes, declared: str) -> str | None:
    try:
        data.decode("utf-8")
        return None  # valid UTF-8: detection will say so
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode(declared)
    except (UnicodeError, LookupError):
        # Found by fuzzing: charset=uu (or base64, rot13) names a codec that is not a
        # text encoding (LookupError); charset=undefined fails on any data.
        return None
    # charset=unicode_escape spells lone surrogates from "\ud800", and no later stage
    # can encode them: that is no page's real charset (found by fuzzing).
    return None if _SURROGATE.search(text) else text


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    try:
        encoding = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    # A meta tag read from the bytes cannot be saying UTF-16 truthfully.
    if encoding.startswith(("utf-16", "utf-32")):
        return None
    return _SUPERSETS.get(encoding, encoding)


def html_paragraphs(text: str, name: str) -> list[str]:
    """The visible paragraphs of an HTML document, in order."""
    root = _parse(text, name)
    if root is None:
        return []
    paragraphs: list[str] = []
    buf: list[str] = []
    for piece in _pieces(root, name):
        if piece is None:
            paragraphs.append(_finish(buf))
            buf = []
        else:
            buf.append(piece)
    paragraphs.append(_finish(buf))
    return [p for p in paragraphs if p]


def _parse(text: str, name: str) -> etree._Element | None:
    """The parse tree of `text` (None if it holds no element); one-line InputError if fatal."""
    # Re-encoding to UTF-8 and telling the parser so makes it ignore any
    # charset declaration inside the markup: the text is already decoded.
    # libxml2's HTML parser never loads DTDs or external entities; no_network
    # also bars any other fetch.
    parser = etree.HTMLParser(
        encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True
    )
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.LxmlError as exc:
        raise InputError(f"{name}: cannot parse HTML ({exc})") from None
    # The parser recovers from broken markup, but a fatal error (more than 256
    # nested elements) makes it stop and return what it had: everything after
    # would be lost without a word (found by fuzzing).
    fatal = [e for e in parser.error_log if e.level == etree.ErrorLevels.FATAL]
    if fatal:
        reason = fatal[0].message.split(", use XML_PARSE_HUGE")[0]
        raise InputError(f"{name}: cannot parse HTML (line {fatal[0].line}: {reason})")
    return root


def _finish(chunks: list[str]) -> str:
    text = _CJK_WRAP.sub("", "".join(chunks))
    return _HTML_SPACE.sub(" ", text).strip()


def _tag(node: etree._Element) -> str | None:
    if not isinstance(node.tag, str):
        return None  # comment, processing instruction or entity
    # Not etree.QName: the HTML parser accepts tag names (`<e">`, control
    # characters) that QName refuses with ValueError.
    return node.tag.rpartition("}")[2].lower()


def _pieces(root: etree._Element, name: str, *, pre: bool = False) -> list[str | None]:
    """Text pieces in reading order, None where a paragraph ends.

    Walks with an explicit stack: deeply nested markup must not hit Python's
    recursion limit. `pre`: the whole tree is preformatted (a re-parsed ``<xmp>``).
    """
    out: list[str | None] = []
    pre_depth = int(pre)
    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        tag = _tag(node)
        if not closing and tag in _RAW_SHOWN and not pre:
            _add_raw_shown(out, node, name, pre_tail=pre_depth > 0)
            continue
        if not closing and tag == "table" and _add_side_by_side(out, node, name, pre_depth > 0):
            continue
        if not closing and tag is not None and tag not in _DROP:
            if tag in _BLOCK or tag == "br":
                out.append(None)
            pre_depth += tag == "pre"
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node))
            _add(out, node.text, pre=pre_depth > 0)
            continue
        if closing:
            pre_depth -= tag == "pre"
            if tag in _BLOCK:
                out.append(None)
        # Dropped elements and comments still have a tail that is visible text.
        _add(out, node.tail, pre=pre_depth > 0)
    return out


def _add_side_by_side(out: list[str | None], table: etree._Element, name: str, pre: bool) -> bool:
    """A side-by-side Chinese/English table read column by column (see `bitext.read._tables`).

    False, and nothing added, for any other table: it is then read row by row.
    Each cell is read as its own tree, so a table nested in a cell is read by
    the same rules.
    """
    rows = [[cell for cell in row if _tag(cell) in ("td", "th")] for row in _rows(table)]
    if not rows or any(len(row) != 2 for row in rows):
        return False  # cheap refusal before any cell is read
    pieces = [[_cell_pieces(cell, name, pre) for cell in row] for row in rows]
    texts = [[" ".join(p for p in cell if p) for cell in row] for row in pieces]
    if not side_by_side(texts):
        return False
    out.append(None)
    _add_outside_cells(out, table, name, pre)
    for column in (0, 1):
        for row in pieces:
            out.extend(row[column])
    out.append(None)
    _add(out, table.tail, pre=pre)
    return True


def _add_outside_cells(out: list[str | None], table: etree._Element, name: str, pre: bool) -> None:
    """What a table holds outside its cells: its caption, and stray text between rows.

    Read before the columns, where a browser shows them (stray text in a table
    is moved out in front of it).
    """
    _add(out, table.text, pre=pre)
    for child in table:
        tag = _tag(child)
        if tag in ("thead", "tbody", "tfoot"):
            _add(out, child.text, pre=pre)
            for row in child:
                _add(out, row.tail, pre=pre)
            _add(out, child.tail, pre=pre)
        elif tag == "tr":
            _add(out, child.tail, pre=pre)
        else:
            out.extend(_pieces(child, name, pre=pre))  # a caption, with its tail
    out.append(None)


def _rows(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (not those of a table nested in a cell), in order."""
    rows = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(row for row in child if _tag(row) == "tr")
    return rows


def _cell_pieces(cell: etree._Element, name: str, pre: bool) -> list[str | None]:
    """A cell's pieces as one block, without the text after the cell.

    Read child by child, not as one tree: the cell's tail (what follows it in
    the row) is not its text. Not by clearing the tail either: lxml refuses to
    set back a string with the control characters a parsed page may hold.
    """
    out: list[str | None] = [None]
    _add(out, cell.text, pre=pre)
    for child in cell:
        out.extend(_pieces(child, name, pre=pre))
    out.append(None)
    return out


def _add_raw_shown(
    out: list[str | None], node: etree._Element, name: str, *, pre_tail: bool
) -> None:
    """An ``<xmp>``/``<plaintext>``: its text parsed as markup, read as ``<pre>`` lines.

    Parsed once only (inside, `pre` stops a second round): an ``<xmp>`` written
    into an ``<xmp>`` is literal text twice over.
    """
    out.append(None)
    inner = _parse(node.text, name) if node.text and node.text.strip() else None
    if inner is not None:
        out.extend(_pieces(inner, name, pre=True))
    out.append(None)
    _add(out, node.tail, pre=pre_tail)


def _add(out: list[str | None], text: str | None, *, pre: bool) -> None:
    if not text:
        return
    if not pre:
        out.append(text)
        return
    # In <pre> the source lines are the rendered lines: each is a paragraph.
    first, *rest = text.split("\n")
    out.append(first)
    for line in rest:
        out.extend((None, line))

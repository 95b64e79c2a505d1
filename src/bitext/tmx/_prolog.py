"""Safety checks on the first bytes of a TMX file, before any XML parser sees it.

A DOCTYPE that declares entities (XXE, billion laughs) is found here by
scanning the prolog as text, so libxml2 never gets to expand or fetch one; a
file whose bytes are UTF-8 while it declares a single-byte encoding is refused
too, since lxml would decode it as declared without complaint. Separate from
`bitext.tmx._reader` because it works on raw bytes and text, never on a parse:
the reader calls `_check_head` on the head it read, then parses.
"""

from __future__ import annotations

import codecs
import re
import zlib

from bitext.errors import InputError

# The DOCTYPE is checked in this much of the file; a legitimate TMX DOCTYPE is one line.
_HEAD_BYTES = 1 << 20


#: The first bytes of every gzip member (RFC 1952): how a ``.tmx.gz`` is known, whatever its name.
GZIP_MAGIC = b"\x1f\x8b"


def gunzip_bounded(data: bytes, name: str, max_bytes: int) -> bytes:
    """`data` decompressed when it is gzip (by its magic bytes), else `data` as it is.

    CAT tools and archives pass memories around as ``.tmx.gz``. Decompression
    stops one byte past `max_bytes`, the limit a plain TMX has, so a gzip bomb
    (a few kilobytes that inflate to gigabytes) costs that much memory at most
    and is refused in one line. Members of a multi-member file are joined.
    """
    if not data.startswith(GZIP_MAGIC):
        return data
    out: list[bytes] = []
    size, rest = 0, data
    while rest.startswith(GZIP_MAGIC):
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        try:
            chunk = inflater.decompress(rest, max_bytes + 1 - size)
        except zlib.error as exc:
            raise InputError(f"{name}: damaged gzip data ({exc})") from None
        size += len(chunk)
        out.append(chunk)
        if size > max_bytes:
            raise InputError(
                f"{name}: decompresses to over the {max_bytes}-byte limit for TMX input; refused"
            )
        if not inflater.eof:
            raise InputError(f"{name}: gzip data is cut short")
        rest = inflater.unused_data
    if rest.strip(b"\0"):  # trailing zeros are tape padding; anything else is not gzip
        raise InputError(f"{name}: unexpected bytes after the gzip data")
    return b"".join(out)


def _decode_head(head: bytes) -> str:
    """The start of the file as text, enough to read its prolog."""
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    )
    for bom, codec in boms:
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, "replace")
    if head.startswith(b"<\0"):
        return head.decode("utf-16-le", "replace")
    if head.startswith(b"\0<"):
        return head.decode("utf-16-be", "replace")
    # Markup characters are ASCII in every ASCII-compatible encoding (UTF-8, GBK, cp1252).
    return head.decode("latin-1")


def _skip_markup(text: str, pos: int) -> int | None:
    """The position after the comment or PI at `pos`, `pos` if there is none, None if cut off."""
    for start, end in (("<!--", "-->"), ("<?", "?>")):
        if text.startswith(start, pos):
            close = text.find(end, pos + len(start))
            return None if close < 0 else close + len(end)
    return pos


def _doctype_declares_entities(text: str, pos: int) -> bool | None:
    """Whether the DOCTYPE at `pos` declares entities; None if it does not end in `text`."""
    quote, in_subset = "", False
    while pos < len(text):
        char = text[pos]
        if quote:
            quote = "" if char == quote else quote
        elif in_subset and (after := _skip_markup(text, pos)) != pos:
            if after is None:
                return None
            pos = after
            continue
        elif in_subset and text.startswith("<!ENTITY", pos):
            return True
        elif char in "\"'":
            quote = char
        elif char in "[]":
            in_subset = char == "["
        elif char == ">" and not in_subset:
            return False
        pos += 1
    return None


def _declares_entities(head: bytes) -> bool | None:
    """Whether the prolog declares entities: True, False, or None when it cannot tell."""
    text, pos = _decode_head(head), 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if text.startswith("<!DOCTYPE", pos):
            return _doctype_declares_entities(text, pos)
        after = _skip_markup(text, pos)
        if after is None:
            return None
        if after == pos:  # the root element or non-XML: no DOCTYPE follows
            return False
        pos = after


_DECLARED_ENCODING = re.compile(r"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")


def _declared_encoding(head: bytes) -> str | None:
    match = _DECLARED_ENCODING.match(_decode_head(head))
    return match.group(1) if match else None


def _check_encoding(head: bytes, name: str) -> None:
    """Refuse a file whose bytes are UTF-8 while it declares a single-byte encoding.

    lxml would decode it as declared without complaint and every Chinese
    character would come out as garbage (æ·±å¥): a memory silently poisoned.
    """
    declared = _declared_encoding(head)
    if declared is None:
        return
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        raise InputError(f"{name}: declares unknown encoding {declared!r}") from None
    if codec.startswith(("utf", "gb", "big5", "euc", "shift", "iso2022", "cp9")):
        return  # Unicode and multi-byte encodings: lxml itself rejects bytes that don't fit
    body = head.split(b"?>", 1)[-1]
    if max(body, default=0) < 0x80:
        return
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(body) - 4:  # not just a character cut at the end of the head
            return
    raise InputError(
        f"{name}: declares encoding {declared} but its bytes are UTF-8; refused, "
        "the text would be garbled"
    )


def _check_head(head: bytes, name: str) -> None:
    _check_encoding(head, name)
    declares = _declares_entities(head)
    if declares is None and len(head) >= _HEAD_BYTES:
        raise InputError(f"{name}: TMX prolog too long to check for entities; refused for safety")
    if declares:
        raise InputError(f"{name}: TMX declares entities; refused for safety")

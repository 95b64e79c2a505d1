"""Bytes to text: BOMs, binary sniffing and legacy Chinese encoding detection.

Press releases arrive as UTF-8, as UTF-16 saved by Windows tools, or in the
legacy Chinese encodings (GB2312/GBK/GB18030 on the mainland, Big5 in Taiwan
and Hong Kong). Big5 bytes nearly always also decode as GBK and the other way
round, into fluent-looking garbage, so a strict decode proves nothing: each
candidate's output is scored by how plausible it is as text (share of common
Chinese characters, punctuation, isolated accented Latin letters) and the most
plausible wins. charset-normalizer guesses badly on short Chinese texts, so it
is only asked when none of our own candidates reads plausibly.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache

import charset_normalizer

from bitext.errors import InputError

# Magic numbers of formats people mistake for text or feed by accident.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ", "Windows executable"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document (.doc/.xls)"),
)
# Documents whose text bitext cannot read but their program can save in a form it
# reads: the error says so, rather than leave the user with "binary file".
_SAVE_AS = {
    # Reached only when the file is named as text (a .pdf, or no telling suffix, is read as PDF).
    "PDF document": "bitext reads a PDF's text layer when the file is named .pdf",
    "legacy Office document (.doc/.xls)": "save it as .docx (Word: File > Save As) and align that",
}

# UTF-32 first: its little-endian BOM starts with the UTF-16 one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Tried in this order; on equal plausibility the earlier one wins. gb18030 is a
# superset of GB2312 and GBK; big5hkscs of Big5 (cp950 adds a few Microsoft
# symbols that big5hkscs maps elsewhere); cp1252 covers legacy English files.
_CANDIDATES = ("gb18030", "big5hkscs", "cp950", "cp1252")
#: Below this share of plausible characters a decoding is taken for garbage.
MIN_PLAUSIBLE = 0.6
#: charset-normalizer's own confidence bounds for accepting its guess.
_MAX_CHAOS = 0.05
_MIN_COHERENCE = 0.1
#: Plausibility is judged on this many non-ASCII characters: enough evidence, bounded cost.
_SCORE_CHARS = 20_000
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
#: How far into the data to look for the NUL pattern of BOM-less UTF-16.
_UTF16_PROBE = 4096
#: Largest share of NUL bytes that valid UTF-8 may hold and still be read as text.
_MAX_NUL_SHARE = 0.01
#: Multi-byte UTF-8 characters needed before undecodable data is called mixed UTF-8.
_MIN_UTF8_EVIDENCE = 10
_EVIDENCE_BYTES = 2**20
_LINE_END = re.compile(rb"\r\n|\r|\n")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f]")
# What surrogateescape makes of undecodable bytes, and characters of 3-4 UTF-8 bytes.
_ESCAPED = re.compile("[\udc80-\udcff]")
_WIDE = re.compile("[\u0800-\ud7ff\ue000-\U0010ffff]")


def binary_kind(data: bytes) -> str | None:
    """Name of the binary format `data` starts with, or None if it has no known signature."""
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            return kind
    return None


def decode(data: bytes, *, source: str | None = None) -> tuple[str, str]:
    """Decode `data` to text and return ``(text, encoding)``.

    `encoding` is a Python codec name with ``data.decode(encoding) == text``
    (a BOM is consumed, not returned), save for UTF-8 behind a stray UTF-16
    BOM: ``"utf-8"`` then decodes what follows the two BOM bytes. Order: BOM,
    binary signatures, UTF-32 or UTF-16 without BOM (or UTF-8 holding a few
    stray NULs), strict UTF-8, then the
    most plausible legacy encoding. Raises InputError naming `source` when the
    data is binary or undecodable (and where, when it is UTF-8 with foreign bytes).
    """
    name = source or "<bytes>"
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            if encoding == "utf-16":
                return _after_utf16_bom(data, name)
            return _strict(data, encoding, name), encoding
    kind = binary_kind(data)
    if kind is not None:
        advice = _SAVE_AS.get(kind)
        raise InputError(
            f"{name}: binary file ({kind}), not text" + (f"; {advice}" if advice else "")
        )
    if b"\x00" in data:
        wide = _utf32_without_bom(data) or _utf16_without_bom(data)
        if wide is not None:
            return _strict(data, wide, name), wide
        text = _utf8_with_stray_nuls(data)
        if text is None:
            raise InputError(f"{name}: binary file (contains NUL bytes), not text")
        return text, "utf-8"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _legacy(data, name)


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: invalid {encoding} data at byte {exc.start} (file damaged or mislabelled)"
        ) from None


def _after_utf16_bom(data: bytes, name: str) -> tuple[str, str]:
    """Text behind a UTF-16 BOM: UTF-16, or UTF-8 when the BOM is a stray.

    A tool that writes a UTF-16 BOM and then UTF-8 text (or a UTF-16 file's
    first bytes pasted before UTF-8) makes a file that decodes as UTF-16 into
    Han-looking garbage, or not at all when its length is odd. The rest is
    taken for UTF-8 only when the UTF-16 reading fails or is implausible and
    the rest is valid, plausible UTF-8 without a NUL: real UTF-16 holds a NUL
    in every ASCII character (a space, a newline), and UTF-16 Chinese bytes
    are almost never valid UTF-8 for more than a few characters.
    """
    try:
        text: str | None = data.decode("utf-16")
    except UnicodeDecodeError:
        text = None
    if text is None or plausibility(text) < MIN_PLAUSIBLE:
        rest = data[2:]
        if b"\x00" not in rest:
            try:
                utf8 = rest.decode("utf-8")
            except UnicodeDecodeError:
                utf8 = None
            if utf8 is not None and utf8.strip() and plausibility(utf8) >= MIN_PLAUSIBLE:
                return utf8, "utf-8"
    if text is None:
        return _strict(data, "utf-16", name), "utf-16"  # raises, saying where
    return text, "utf-16"


def _utf32_without_bom(data: bytes) -> str | None:
    """utf-32-le/-be if every code unit has the zero high byte(s) UTF-32 gives it, else None.

    No code point exceeds U+10FFFF, so in UTF-32 one byte of every four is
    always zero and the next is at most 0x10: binary data with NULs does not
    keep that up over a whole file. The text must also decode and read plausibly.
    """
    if len(data) % 4 or len(data) < 4:
        return None
    for encoding, top, plane in (("utf-32-le", 3, 2), ("utf-32-be", 0, 1)):
        if data[top::4].count(0) == len(data) // 4 and max(data[plane::4]) <= 0x10:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            # Plausibility judges only non-ASCII: arrays of small integers decode to controls.
            controls = len(_CONTROL.findall(text))
            if controls > len(text) * _MAX_NUL_SHARE or not text.strip():
                return None
            return encoding if plausibility(text) >= MIN_PLAUSIBLE else None
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """utf-16-le/-be if the NULs sit where UTF-16 puts them, else None.

    Text in UTF-16 holds ASCII (spaces, digits, newlines) as a byte and a NUL,
    so NULs crowd on one parity; binary data scatters them. The decoded text
    must also read plausibly, which rules out binary that happens to match.
    """
    probe = data[:_UTF16_PROBE]
    if len(data) % 2 or len(probe) < 2:
        return None
    half = len(probe) // 2
    even = probe[0::2].count(0) / half
    odd = probe[1::2].count(0) / half
    # Mostly-Chinese text has few ASCII characters, so few NULs: ask for a
    # clear majority on one side rather than a high count.
    if odd >= 0.05 and even <= odd / 8:
        encoding = "utf-16-le"
    elif even >= 0.05 and odd <= even / 8:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return encoding if plausibility(text) >= MIN_PLAUSIBLE else None


def _legacy(data: bytes, name: str) -> tuple[str, str]:
    best: tuple[float, str, str] | None = None
    for encoding in _CANDIDATES:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = plausibility(text)
        if best is None or score > best[0]:
            best = (score, text, encoding)
        if score == 1.0:
            break  # later candidates could at best tie, and ties go to the earlier
    if best is not None and best[0] >= MIN_PLAUSIBLE:
        return best[1], best[2]
    guess = charset_normalizer.from_bytes(data).best()
    if guess is not None and _trustworthy(guess):
        return str(guess), codecs.lookup(guess.encoding).name
    raise InputError(f"{name}: {_undecodable(data)}")


def _utf8_with_stray_nuls(data: bytes) -> str | None:
    """`data` as text if it is UTF-8 text with a few NUL bytes in it, else None.

    A stray NUL (a faulty export, a paste from a binary buffer) does not make a
    press release binary; refusing it would lose the whole file for one byte.
    Binary formats hold NULs by the hundred and are rarely valid UTF-8. The NULs
    stay in the text (so that ``data.decode("utf-8") == text``); normalization
    drops them with the other control characters.
    """
    if data.count(0) > len(data) * _MAX_NUL_SHARE:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if plausibility(text) >= MIN_PLAUSIBLE else None


def _undecodable(data: bytes) -> str:
    """Why no encoding fits `data`, naming the place when it is UTF-8 with foreign bytes.

    A file assembled from pieces saved in different encodings (a GBK paragraph
    pasted into a UTF-8 release, a Windows-1252 apostrophe) fails every
    candidate; saying where the UTF-8 breaks lets the user fix that one line.
    """
    # The first MB is evidence enough, and keeps this cheap on a 100 MB file of noise.
    text = data[:_EVIDENCE_BYTES].decode("utf-8", errors="surrogateescape")
    foreign = _ESCAPED.subn("", text)[1]
    # Characters of three or more UTF-8 bytes (all of CJK) almost never appear
    # by accident in GBK or Big5 bytes, so many of them mean the file is UTF-8.
    utf8 = _WIDE.subn("", text)[1]
    if utf8 < _MIN_UTF8_EVIDENCE or utf8 * 4 < foreign:
        return "cannot decode: not UTF-8, UTF-16, GB18030, Big5 or Windows-1252 text"
    at = _utf8_error_at(data)
    line = len(_LINE_END.findall(data, 0, at)) + 1
    return (
        f"invalid UTF-8 at line {line} (byte {at}) in an otherwise UTF-8 file "
        "(mixed encodings or damage); save it all as UTF-8"
    )


def _utf8_error_at(data: bytes) -> int:
    """Offset of the first byte of `data` that is not UTF-8 (its length if none is)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return len(data)


def _trustworthy(guess: charset_normalizer.CharsetMatch | None) -> bool:
    """Whether charset-normalizer's guess (for a non-Chinese, non-Western file) holds up.

    On short inputs it confidently returns garbage (Cyrillic for line noise,
    UTF-16 for bytes without a single NUL), so it must also have recognised a
    language (coherence) and the text must read plausibly; otherwise an honest
    error beats mojibake fed to the aligner.
    """
    if guess is None or guess.encoding.startswith(("utf_16", "utf_32")):
        return False
    if guess.chaos > _MAX_CHAOS or guess.coherence < _MIN_COHERENCE:
        return False
    return plausibility(str(guess), foreign_letters=True) >= MIN_PLAUSIBLE


@lru_cache(maxsize=1)
def _common_han() -> frozenset[str]:
    """The everyday Chinese characters: GB2312 level 1 plus Big5 level 1.

    Both standards order their first level by frequency of use, so together they
    hold the ~6700 characters that make up nearly all of any real Chinese text,
    Simplified or Traditional, while the garbage a wrong decoding produces is
    mostly rare characters, kana, Cyrillic or private-use code points.
    """
    trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    chars: set[str] = set()
    for encoding, leads in (("gb2312", range(0xB0, 0xD8)), ("big5", range(0xA4, 0xC7))):
        for lead in leads:
            for trail in trails:
                try:
                    chars.add(bytes((lead, trail)).decode(encoding))
                except UnicodeDecodeError:
                    continue
    return frozenset(c for c in chars if unicodedata.category(c) == "Lo")


def plausibility(text: str, *, foreign_letters: bool = False) -> float:
    """Share (0..1) of the non-ASCII characters in `text` that real text would hold.

    Counted plausible: common Chinese characters, punctuation and symbols,
    fullwidth forms, and accented Latin letters standing among ASCII letters
    (mojibake like ``ÖÐÎÄ`` puts them side by side). With `foreign_letters`,
    letters of any other script count too (for charset-normalizer's guesses,
    which may be Cyrillic, Greek, Japanese...). ASCII-only text scores 1.
    """
    common = _common_han()
    total = good = 0
    # Only the non-ASCII runs carry evidence, wherever they are: an English
    # section may come first and fill any fixed-size prefix.
    for run in _NON_ASCII.finditer(text):
        for i in range(run.start(), run.end()):
            char = text[i]
            category = unicodedata.category(char)
            if char in common or _plausible_mark(char, category):
                good += 1
            elif category[0] == "L" and "\u00c0" <= char <= "\u024f":
                good += _latin_in_place(text, i)
            elif category[0] == "L" and foreign_letters:
                good += 1
        total += run.end() - run.start()
        if total >= _SCORE_CHARS:
            break
    return good / total if total else 1.0


def _latin_in_place(text: str, i: int) -> bool:
    """Whether the accented letter ``text[i]`` stands where real words put one.

    In words it touches an ASCII letter (``Größe``) or stands alone (``à``);
    mojibake of a double-byte encoding makes runs of accented letters (``ÖÐÎÄ``).
    """
    neighbours = text[max(i - 1, 0) : i] + text[i + 1 : i + 2]
    if any(c.isascii() and c.isalpha() for c in neighbours):
        return True
    return not any(not c.isascii() and c.isalpha() for c in neighbours)


def _plausible_mark(char: str, category: str) -> bool:
    """Punctuation, spaces and the symbols ordinary prose uses.

    Symbols from the dingbat/box-drawing pages are left out on purpose: Big5
    decoded as GBK lands on GBK's symbol rows.
    """
    if category[0] in "PZ":
        return True
    if category[0] != "S":
        return False
    return char < "\u2190" or "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef"

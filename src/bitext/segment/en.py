"""English sentence boundaries: nltk's Punkt with parameters shipped in the package.

nltk's pretrained Punkt models are fetched with ``nltk.download``, which bitext
must never do, so the tokenizer is built from `PunktParameters` assembled here:
a curated list of press abbreviations plus statistics (orthographic context,
frequent sentence starters, dotted acronyms) learned by ``tools/train_punkt.py``
from public-domain U.S. State of the Union addresses and shipped as
``resources/punkt_en.json``. nltk and the JSON are loaded on first use, not at
import.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from bitext.errors import BitextError

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    from bitext.embed_cache import TextMemo

#: Abbreviations (lower case, without the final period) that never end a sentence
#: by themselves in press English. Punkt still breaks after one when the next word
#: is a known sentence starter ("... Co., Ltd. The company ...").
PRESS_ABBREVIATIONS: frozenset[str] = frozenset(
    word
    for group in (
        # titles and ranks
        "mr mrs ms messrs dr prof gen col lt sgt capt maj adm cmdr gov sen rep reps rev hon esq",
        "st jr sr mt ft",
        # companies and organisations
        "inc ltd co corp bros assn dept univ govt intl",
        # references and numbering
        "no nos vol vols fig figs p pp sec op cf al ca approx est ext tel ref",
        # Latin and dotted forms
        "vs etc e.g i.e viz a.m p.m u.s u.k u.n e.u u.s.a d.c ph.d",
        # months and weekdays, as abbreviated in datelines
        "jan feb mar apr jun jul aug sep sept oct nov dec tue tues wed thu thur thurs fri",
    )
    for word in group.split()
)

# Same-length folding so offsets stay valid: Punkt's regexes only know ASCII
# quotes in older nltk releases, and Chinese-made English often carries
# full-width punctuation (a "。" typed for "."). Word types must match the
# training side (tools/train_punkt.py folds curly quotes the same way).
_FOLD = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "«": '"',
        "»": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "。": ".",
        "！": "!",
        "？": "?",
        "，": ",",
        "；": ";",
        "：": ":",
        "（": "(",
        "）": ")",
    }
)

_RESOURCE = "punkt_en.json"
_CONTINUATION = re.compile(r"[\"'”’)\]）」』]*[,;:，；：]|\s*[-–—.…]")
_ELLIPSIS_END = re.compile(r"(?:\.\s?){2}\.$|…$")
_LOWER_NEXT = re.compile(r"\s*[a-z]")
_FULL_WIDTH_END = re.compile(r"[。！？]++[”’\"')\]）」』]*+(?![，,；;：:])")


@cache
def parameters() -> PunktParameters:
    """The shipped Punkt statistics plus the curated abbreviations, read on first use."""
    # Importing nltk is slow (docs/benchmarks.md); pay it only when English is segmented.
    from nltk.tokenize.punkt import PunktParameters

    path = resources.files("bitext").joinpath("resources").joinpath(_RESOURCE)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        params = PunktParameters()
        params.abbrev_types = set(data["abbrev_types"]) | PRESS_ABBREVIATIONS
        params.collocations = {(a, b) for a, b in data["collocations"]}
        params.sent_starters = set(data["sent_starters"])
        params.ortho_context = defaultdict(int, data["ortho_context"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        # A broken install, not bad input: say which file so it can be reinstalled.
        raise BitextError(f"English sentence model {path} is unreadable ({exc})") from exc
    return params


@cache
def tokenizer() -> PunktSentenceTokenizer:
    """The shared English Punkt tokenizer, built on first use."""
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    return PunktSentenceTokenizer(parameters())


def cuts(text: str, *, memo: TextMemo | None = None) -> list[int]:
    """Offsets in `text` where a new English sentence may begin (sentence ends).

    With a `memo` (a cache's, see `bitext.embed_cache`) they are kept per
    paragraph, so a rerun never imports nltk (which brings scikit-learn and
    pandas along).
    """
    if memo is None:
        return _cuts(text)
    return memo.per_text(_cuts_namespace(), [text], _cuts, _dump_cuts, _load_cuts)[0]


@cache
def _cuts_namespace() -> bytes:
    import hashlib
    from importlib.metadata import version

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(resources.files("bitext").joinpath("resources", _RESOURCE).read_bytes())
    digest.update(version("nltk").encode())
    return b"en-cuts:" + digest.digest()[:16]


def _dump_cuts(found: list[int]) -> bytes:
    return json.dumps(found).encode("ascii")


def _load_cuts(blob: bytes) -> list[int] | None:
    try:
        found = json.loads(blob)
    except ValueError:
        return None
    ok = isinstance(found, list) and all(type(c) is int for c in found)
    return found if ok else None


def _cuts(text: str) -> list[int]:
    spans = list(tokenizer().span_tokenize(text.translate(_FOLD)))
    # A full-width terminator is never an abbreviation period, and writers who
    # use one put no space after it ("said。Then"), which Punkt requires.
    full_width = [m.end() for m in _FULL_WIDTH_END.finditer(text)]
    return [c for c in [end for _, end in spans[:-1]] + full_width if not _continues(text, c)]


def _continues(text: str, cut: int) -> bool:
    """Whether the sentence Punkt ended at `cut` obviously goes on."""
    # '"Why not?" he asked', 'half her life! - has been', 'that. . . what
    # with': Punkt splits after every ?/! and inside spaced ellipses without
    # looking ahead. No English sentence opens with a comma, a dash or a dot,
    # nor with a lower-case word right after a ?/! or an ellipsis.
    if _CONTINUATION.match(text, cut):
        return True
    before = text[max(0, cut - 8) : cut].rstrip("\"'”’)]）」』")
    trails = before.endswith(("?", "!", "？", "！")) or _ELLIPSIS_END.search(before) is not None
    return trails and _LOWER_NEXT.match(text, cut) is not None

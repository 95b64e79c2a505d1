"""Split a document into Chinese and English blocks.

Classification is by script, not by a language model: press releases mix the
two scripts in predictable ways (English names, hashtags and site names inside
Chinese; a quoted name like 重庆 inside English), and counting letters weighted
by how much content they carry is robust to both and needs no resources.

Rules, in the order `split_languages` applies them:

1. Every paragraph is classified on its own (`classify`); a paragraph with no
   decisive letters (a date, a number, a URL, a dash) is *neutral*. Letters are
   weighed by the typography they are set in, not only by their script: a Latin
   name inside Chinese typography (``（一）Białobrzegi區``, ``《異．地》（Wayne
   McGregor: On The Other Earth）``, glued to Han characters or full-width
   marks with no space) is Chinese text, and Han characters glossed in English
   typography (``Lo Wu (羅湖)``, no other Han in the paragraph) are English
   text. So a list of foreign names in a Chinese release stays Chinese however
   few Han characters each line has.
2. Consecutive paragraphs of one language form a run; neutral paragraphs do
   not break a run.
3. A short *island* (at most `ISLAND_MAX_PARAGRAPHS` paragraphs) of one
   language between two runs of the other is absorbed into them when its
   content is at most `ISLAND_RATIO` of the smaller neighbour's. A photo credit
   inside a Chinese section is tiny next to the Chinese text around it, while in
   an interleaved document every paragraph sits next to its own translation,
   whose content is comparable, so interleaving is never mistaken for an island.
   Islands at the document's edges are kept: a leading English line may be the
   English title, and merging it would hide real English text.
   An English island whose every paragraph holds Chinese text (``Białobrzegi
   區``, a name typed apart from its Han suffix) or words the English version
   repeats (``ViuTV``, a name both versions write alike) is absorbed into the
   Chinese around it whatever its weight (`_absorb_framed_islands`), and its
   paragraphs are Chinese (they pair with the English), unless that would
   leave the document interleaved or such islands outweigh a quarter of the
   English that remains: then they are English paragraphs quoting Chinese.
4. Neutral paragraphs inside a run belong to it. Between runs of different
   languages they go with the preceding block, unless a blank line in the input
   separates them from it: the boundary is put at the last blank line between
   the two runs (a date typed right under the Chinese text closes the Chinese
   block; a date after a blank line, right above the English, opens the English
   block). Before the first run they go to the first block, after the last run
   to the last. Only a document with no decisive paragraph at all keeps them in
   `LanguageSplit.neutral`.

`Paragraph.lang` is the paragraph's own script where it is decisive (so an
absorbed English credit stays ``"en"`` inside a Chinese block and can be
segmented as English), except that a paragraph holding Chinese text, or an
island line the English version repeats, inside a Chinese block is ``"zh"``
(its Latin letters are names within the Chinese version); a neutral paragraph
takes its block's language, so that no paragraph inside a block has
``lang=None``. Paragraphs left in `neutral` keep ``None``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

from bitext.charclass import HAN_CLASS, HAN_RE
from bitext.errors import LanguageError
from bitext.lang import display_name
from bitext.model import EN, ZH, Block, Document, LanguageSplit, Paragraph
from bitext.typography import chinese_framed, english_framed, has_chinese_mark

#: A Han character carries about as much content as 2-4 Latin letters. Within that
#: range the wmt22 Chinese lines (names in Latin script) need more than 1.4, and an
#: English sentence quoting a 12-character Chinese office name needs less than 3.0.
HAN_WEIGHT = 2.5
#: A Latin word counts at most this many letters: long Latin words inside Chinese
#: are names and terms (iChongqing, International), one unit of content however
#: they are spelled, while capping barely touches ordinary English prose.
WORD_CAP = 6
#: An island of the other language is absorbed when its content is at most this
#: share of the smaller neighbouring run.
ISLAND_RATIO = 0.25
#: Only runs this short can be islands: a longer run is a section, not a credit.
ISLAND_MAX_PARAGRAPHS = 2
#: An island line the English version repeats ties it to the Chinese only up to this
#: many words: a name or a title, not an English sentence quoted twice.
COPY_MAX_WORDS = 8

LAYOUT_ZH_THEN_EN = "zh_then_en"
LAYOUT_EN_THEN_ZH = "en_then_zh"
LAYOUT_INTERLEAVED = "interleaved"
LAYOUT_ZH_ONLY = "zh_only"
LAYOUT_EN_ONLY = "en_only"
#: No paragraph had decisive letters: every paragraph is in `neutral`.
LAYOUT_NONE = "none"

# Latin words, letters including accented and fullwidth ones; × and ÷ are not letters.
_LATIN_RE = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1effＡ-Ｚａ-ｚ]+")
_URL_RE = re.compile(
    r"(?:https?://|ftp://|www\.)\S+"
    r"|\b(?:[A-Za-z0-9-]+\.)+(?:com|net|org|gov|edu|int|info|io|cn|hk|tw|uk)\b(?:/\S*)?",
    re.IGNORECASE,
)
# Starts only where a run of local-part characters starts: \w also matches Han, so
# without the lookbehind every position of a long unpunctuated Chinese line was
# tried and scanned to the run's end: quadratic in the line's length.
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Hashtags and handles are labels, not prose, in either language.
_TAG_RE = re.compile(r"(?<![A-Za-z0-9_&])[#@][A-Za-z_][A-Za-z0-9_]*")
# Pinyin glosses left by a converter, `落實(shí)` or `重慶(chóng qìng)`, also with the
# opening bracket garbled to `?` (`日?qǐng)`): lowercase words in brackets glued to
# Han. Lowercase only, so `頻道(International Exchange)` still counts as English.
_PINYIN_WORD = "[a-zü\u00e0-\u01dc\u0300-\u036f]+"
_PINYIN_RE = re.compile(
    f"(?<=[{HAN_CLASS}?\ufffd)）])[(（?]?{_PINYIN_WORD}(?: {_PINYIN_WORD})*[)）]"
)
_BLANK_LINE_RE = re.compile(r"\n[^\S\n]*\n")
_WORD_RE = re.compile(r"[^\W_]+")


def script_weights(text: str) -> tuple[float, float]:
    """Content weight of `text` in Chinese and in English script: ``(zh, en)``.

    Each Han character weighs `HAN_WEIGHT`; each Latin word weighs its letters,
    at most `WORD_CAP`. URLs, e-mail addresses, hashtags, handles and pinyin
    glosses weigh nothing. Typography, not letters, says whose text a name is
    in (see `bitext.typography`): a Latin name set in Chinese typography
    (``（一）Białobrzegi區``) counts as Chinese, and Han characters glossed in
    English typography (``Lo Wu (羅湖)``) count as English when they are all
    the Han there is.
    """
    text = _URL_RE.sub(" ", _EMAIL_RE.sub(" ", text))
    text = _PINYIN_RE.sub("", _TAG_RE.sub(" ", text))
    words = [(m.start(), min(len(m.group()), WORD_CAP)) for m in _LATIN_RE.finditer(text)]
    han = [m.start() for m in HAN_RE.finditer(text)]
    if not words or not (han or has_chinese_mark(text)):
        return HAN_WEIGHT * len(han), float(sum(w for _, w in words))  # one script: no frame
    zh = en = 0.0
    in_zh, in_en = chinese_framed(text), english_framed(text)
    for start, weight in words:
        if in_zh(start):
            zh += weight
        else:
            en += weight
    # Glosses are English only where all the Han is glossed: in `一种名为 Omicron
    # (奥密克戎) 的变种` the bracket is a Chinese writer's, spaced mainland style.
    if han and all(in_en(i) for i in han):
        en += HAN_WEIGHT * len(han)
    else:
        zh += HAN_WEIGHT * len(han)
    return zh, en


def classify(text: str) -> str | None:
    """Language of a paragraph by script: ``"zh"``, ``"en"`` or ``None``.

    ``None`` means undecidable: no letters of either script once URLs, e-mail
    addresses and hashtags are set aside (a number, a date, punctuation), or an
    exact tie.
    """
    return _decide(*script_weights(text))


def _decide(zh: float, en: float) -> str | None:
    if zh > en:
        return ZH
    if en > zh:
        return EN
    return None


@dataclass(slots=True)
class _Run:
    """Consecutive decided paragraphs of one language (indices into the document)."""

    lang: str
    members: list[int]
    weight: float


def _runs(langs: list[str | None], weights: list[float]) -> list[_Run]:
    runs: list[_Run] = []
    for i, lang in enumerate(langs):
        if lang is None:
            continue
        if runs and runs[-1].lang == lang:
            runs[-1].members.append(i)
            runs[-1].weight += weights[i]
        else:
            runs.append(_Run(lang, [i], weights[i]))
    return runs


def _island_ratio(runs: list[_Run], k: int) -> float | None:
    """How small run `k` is next to its neighbours, or None if it cannot be an island."""
    if not 0 < k < len(runs) - 1 or len(runs[k].members) > ISLAND_MAX_PARAGRAPHS:
        return None
    smaller = min(runs[k - 1].weight, runs[k + 1].weight)
    return runs[k].weight / smaller if smaller else None


def _absorb_islands(runs: list[_Run]) -> list[_Run]:
    """Merge short interior islands into the runs around them, smallest first.

    Smallest first because a merge grows the neighbours, which can turn a
    borderline island next to it into a clear one, never the other way round.
    """
    runs = list(runs)
    while True:
        ratios = [(r, k) for k in range(len(runs)) if (r := _island_ratio(runs, k)) is not None]
        ratios = [(r, k) for r, k in ratios if r <= ISLAND_RATIO]
        if not ratios:
            return runs
        _, k = min(ratios)
        before, island, after = runs[k - 1], runs[k], runs[k + 1]
        merged = _Run(
            before.lang,
            before.members + island.members + after.members,
            before.weight + island.weight + after.weight,
        )
        runs[k - 1 : k + 2] = [merged]


def _copied(paras: tuple[Paragraph, ...], runs: list[_Run]) -> set[int]:
    """Paragraphs of English islands whose words the English around them also writes.

    An island is an English run of at most `ISLAND_MAX_PARAGRAPHS` paragraphs
    between two Chinese runs; the other English runs are the English version.
    A line that version repeats pairs with it as it stands: a name both versions
    write alike (``ViuTV`` in a Chinese list and in the English one, ``Leduc``
    beside ``(6) Leduc County``). Words are compared whole and in order, for
    lines of at most `COPY_MAX_WORDS` words (a name or a title, not prose), by
    sliding windows of those lengths over the English once: linear in its size.
    """
    islands = {k for k in range(1, len(runs) - 1) if _is_island(runs, k)}
    if not islands:  # most documents: no need to read their English word by word
        return set()
    words = {i: _WORD_RE.findall(paras[i].text.casefold()) for r in runs for i in r.members}
    wanted = {
        tuple(words[i])
        for k in islands
        for i in runs[k].members
        if 0 < len(words[i]) <= COPY_MAX_WORDS
    }
    lengths = {len(key) for key in wanted}
    repeated: set[tuple[str, ...]] = set()
    for k, r in enumerate(runs):
        if r.lang != EN or k in islands:
            continue
        for i in r.members:
            toks = words[i]
            for n in lengths:
                repeated.update(
                    key
                    for j in range(len(toks) - n + 1)
                    if (key := tuple(toks[j : j + n])) in wanted
                )
    return {i for k in islands for i in runs[k].members if tuple(words[i]) in repeated}


def _is_island(runs: list[_Run], k: int) -> bool:
    """Whether run `k` is a short English run between two Chinese ones."""
    return (
        runs[k].lang == EN
        and runs[k - 1].lang == ZH
        and runs[k + 1].lang == ZH
        and len(runs[k].members) <= ISLAND_MAX_PARAGRAPHS
    )


def _absorb_framed_islands(runs: list[_Run], han: list[bool]) -> list[_Run]:
    """Merge English islands set in a Chinese frame into the Chinese runs around them.

    An island of at most `ISLAND_MAX_PARAGRAPHS` paragraphs between two Chinese
    runs, each of whose paragraphs holds Chinese text or a name the English
    version also writes (`han`: a Han suffix, a Chinese word, `_copied`), is
    a list of names inside the Chinese version (``Białobrzegi 區`` typed with
    spaces, ``ViuTV`` in a column of broadcasters), however it weighs. Unless
    merging them all would leave the document interleaved, or they weigh more
    than `ISLAND_RATIO` of the English that would remain: then they are English
    paragraphs quoting Chinese, each beside its translation, and are kept.
    """
    islands = [
        k
        for k in range(1, len(runs) - 1)
        if _is_island(runs, k) and all(han[i] for i in runs[k].members)
    ]
    if not islands:
        return runs
    merged = list(runs)
    for k in reversed(islands):  # from the end, so earlier indices stay valid
        if k + 1 < len(merged) and merged[k - 1].lang == merged[k + 1].lang == ZH:
            before, island, after = merged[k - 1], merged[k], merged[k + 1]
            members = before.members + island.members + after.members
            weight = before.weight + island.weight + after.weight
            merged[k - 1 : k + 2] = [_Run(ZH, members, weight)]
    absorbed = sum(runs[k].weight for k in islands)
    english = sum(r.weight for r in merged if r.lang == EN)
    if _interleaved([r.lang for r in merged]) or absorbed > ISLAND_RATIO * english:
        return runs
    return merged


def _interleaved(langs: list[str]) -> bool:
    """More than one switch each way: every paragraph beside its translation."""
    pairs = list(itertools.pairwise(langs))
    return pairs.count((ZH, EN)) > 1 and pairs.count((EN, ZH)) > 1


def _boundary(doc: Document, last: int, first: int) -> int:
    """Index of the first paragraph of the next block, for runs ending at `last`
    and starting at `first`: the paragraph after the last blank line between them."""
    for i in range(first, last, -1):
        gap = doc.text[doc.paragraphs[i - 1].end : doc.paragraphs[i].start]
        if _BLANK_LINE_RE.search(gap):
            return i
    return first


def _block_spans(doc: Document, runs: list[_Run]) -> list[tuple[int, int]]:
    """Paragraph index ranges ``[start, stop)`` of the blocks, neutrals placed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for k, run in enumerate(runs):
        if k + 1 < len(runs):
            stop = _boundary(doc, run.members[-1], runs[k + 1].members[0])
        else:
            stop = len(doc.paragraphs)
        spans.append((start, stop))
        start = stop
    return spans


def _layout(doc: Document, runs: list[_Run], weights: list[float]) -> str:
    langs = [r.lang for r in runs]
    if len(set(langs)) == 1:
        return LAYOUT_ZH_ONLY if langs[0] == ZH else LAYOUT_EN_ONLY
    if _interleaved(langs):
        return LAYOUT_INTERLEAVED
    # Which language comes first by the centre of its text, not by its first
    # block: a stray English heading above the Chinese section does not make the
    # document English-first.
    centre: dict[str, float] = {}
    for lang in (ZH, EN):
        members = [i for r in runs if r.lang == lang for i in r.members]
        total = sum(weights[i] for i in members)
        mass = sum(weights[i] * (doc.paragraphs[i].start + doc.paragraphs[i].end) for i in members)
        centre[lang] = mass / total
    return LAYOUT_ZH_THEN_EN if centre[ZH] <= centre[EN] else LAYOUT_EN_THEN_ZH


def split_languages(doc: Document) -> LanguageSplit:
    """Cut `doc` into language blocks and name its layout (rules in the module docstring).

    Returns a `LanguageSplit` whose blocks hold the document's paragraphs with
    `Paragraph.lang` set (everything else unchanged), in document order.
    """
    paras = doc.paragraphs
    langs: list[str | None] = []
    weights: list[float] = []
    han: list[bool] = []
    for p in paras:
        zh, en = script_weights(p.text)
        langs.append(_decide(zh, en))
        weights.append(zh + en)
        han.append(zh > 0)
    runs = _runs(langs, weights)
    copied = _copied(paras, runs)
    # What ties a short English line to the Chinese around it: Chinese text in it,
    # or the English version writing the same words elsewhere.
    han = [h or i in copied for i, h in enumerate(han)]
    runs = _absorb_framed_islands(_absorb_islands(runs), han)
    if not runs:
        neutral = tuple(replace(p, lang=None) for p in paras)
        return LanguageSplit(layout=LAYOUT_NONE, blocks=(), neutral=neutral)
    blocks = []
    for run, (a, b) in zip(runs, _block_spans(doc, runs), strict=True):
        # Inside a Chinese block, a paragraph with Chinese text in it, or whose words the
        # English version also has, is Chinese: its Latin letters are names in a
        # Chinese list or sentence, not an English credit with no counterpart.
        own = [ZH if run.lang == ZH and han[i] else langs[i] or run.lang for i in range(a, b)]
        blocks.append(
            Block(run.lang, tuple(replace(p, lang=g) for p, g in zip(paras[a:b], own, strict=True)))
        )
    return LanguageSplit(layout=_layout(doc, runs, weights), blocks=tuple(blocks))


def raise_if_not_bilingual(split: LanguageSplit, source: str | None) -> None:
    """Raise `LanguageError` unless `split` holds both Chinese and English text.

    `source` names the input in the one-line message (``"input"`` when None).
    """
    missing = [display_name(lang) for lang in (ZH, EN) if not split.paragraphs(lang)]
    if not missing:
        return
    name = source or "input"
    what = " or ".join(missing)
    raise LanguageError(f"{name}: no {what} text found; bitext needs both Chinese and English")

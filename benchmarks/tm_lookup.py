"""Lookup latency of a 100,000-unit translation memory: fuzzy (zh, en), concordance, semantic.

    python benchmarks/tm_lookup.py [--store /tmp/bitext-tm-100k.sqlite] [--units 100000]

The store is built once and reused (delete it, or pass another --store, to
rebuild). Its units are the gold pairs of ``../shared/eval`` (each gold bead
with both sides non-empty, sentences joined) and variants of them, each a
distinct text: two consecutive pairs of a document joined, the last clause
dropped on both sides, numbers shifted on both sides, clause crossovers (the
first clause of one pair with the other clauses of another pair of the same
set) up to 60% of the units, and a news dateline (city and date, in both
languages) put before a random unit until the target count is reached. Every
text goes through `normalize_text` as the pipeline's would, and every unit gets
a real USE-m3 vector (normalized sum of both sides' embeddings, as `batch`
stores them). Units go in through `TranslationMemory.add`, 1,000 pairs per
document record.

Queries (seeded, 200 per kind by default): a stored Chinese side with one Han
character replaced (fuzzy zh), a stored English side with one word replaced
(fuzzy en), a 2-4 character Chinese run or an English word from a stored unit
(concordance), and a short Chinese or English phrase (semantic, query encoding
included). The first query of a kind that builds an index is timed apart.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import random
import re
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bitext.charclass import is_han
from bitext.embed import USEEncoder
from bitext.evaluate import load_gold_set
from bitext.normalize import normalize_text
from bitext.tm import DocumentRecord, Match, StoredPair, TranslationMemory

ROOT = Path(__file__).resolve().parents[1]
SETS = ("mac-dev", "paramed", "wmt22-news")
CHUNK = 1000
SETTINGS: dict[str, object] = {"benchmark": "tm_lookup", "version": 1}
TARGET_MS = 50.0
CROSSED_SHARE = 0.6

Pair = tuple[str, str]

CITIES = [
    ("北京", "BEIJING"), ("上海", "SHANGHAI"), ("重庆", "CHONGQING"), ("广州", "GUANGZHOU"),
    ("深圳", "SHENZHEN"), ("成都", "CHENGDU"), ("武汉", "WUHAN"), ("西安", "XI'AN"),
    ("南京", "NANJING"), ("杭州", "HANGZHOU"), ("天津", "TIANJIN"), ("香港", "HONG KONG"),
]  # fmt: skip
MONTHS = "January February March April May June July August September October November December"
_NUMBER = re.compile(r"\d+")


# -- the units ---------------------------------------------------------------------------------


def gold_documents(shared: Path) -> dict[str, list[list[Pair]]]:
    """Each set's documents as pairs: every bead with both sides, sentences joined, normalized."""
    sets: dict[str, list[list[Pair]]] = {}
    for name in SETS:
        docs = sets[name] = []
        for doc in load_gold_set(shared / "eval" / name):
            pairs = []
            for src, tgt in doc.gold:
                if src and tgt:
                    zh = normalize_text("".join(doc.zh[i] for i in src))
                    en = normalize_text(" ".join(doc.en[j] for j in tgt))
                    pairs.append((zh, en))
            docs.append(pairs)
    return sets


def _runs(docs: list[list[Pair]]) -> Iterator[Pair]:
    """Paragraph-like pairs: each two consecutive pairs of a document joined."""
    for pairs in docs:
        for (z1, e1), (z2, e2) in itertools.pairwise(pairs):
            yield z1 + z2, e1 + " " + e2


def _clauses(pair: Pair) -> tuple[list[str], list[str]] | None:
    """Both sides cut at commas, when they have the same number of clauses (2 or more)."""
    zh, en = pair[0].split("，"), pair[1].split(", ")
    return (zh, en) if len(zh) >= 2 and len(zh) == len(en) else None


def _crossed(sets: dict[str, list[list[Pair]]], rng: random.Random) -> Iterator[Pair]:
    """Endless crossovers: one pair's first clause with the other clauses of another pair
    of the same set (so novels cross with novels, medicine with medicine)."""
    cut = [[c for pairs in docs for p in pairs if (c := _clauses(p))] for docs in sets.values()]
    weights = [len(c) ** 2 for c in cut]
    while True:
        group = rng.choices(cut, weights)[0]
        (zh_a, en_a), (zh_b, en_b) = rng.sample(group, 2)
        yield "，".join([zh_a[0], *zh_b[1:]]), ", ".join([en_a[0], *en_b[1:]])


def _clause_dropped(pair: Pair) -> Pair | None:
    """The pair without its last clause when both sides have the same number of commas."""
    parts = _clauses(pair)
    if parts is None:
        return None
    return "，".join(parts[0][:-1]) + "。", ", ".join(parts[1][:-1]) + "."


def _numbers_shifted(pair: Pair, shift: int) -> Pair | None:
    """The pair with every number on both sides raised by `shift` (only if both have numbers)."""
    zh, en = pair
    if not (_NUMBER.search(zh) and _NUMBER.search(en)):
        return None

    def bump(m: re.Match[str]) -> str:
        return str(int(m.group()) + shift)

    return _NUMBER.sub(bump, zh), _NUMBER.sub(bump, en)


def _datelined(pair: Pair, rng: random.Random) -> Pair:
    (city_zh, city_en), month, day = rng.choice(CITIES), rng.randint(1, 12), rng.randint(1, 28)
    zh = f"新华社{city_zh}{month}月{day}日电 {pair[0]}"
    en = f"{city_en}, {MONTHS.split()[month - 1]} {day} (Xinhua) -- {pair[1]}"
    return normalize_text(zh), normalize_text(en)


def build_pairs(sets: dict[str, list[list[Pair]]], target: int, seed: int = 7) -> list[Pair]:
    """At least `target` distinct pairs: the gold pairs first, then variants of them.

    Clause crossovers fill up to `CROSSED_SHARE` of the target, datelines the
    rest, so no text has more than a handful of near-copies.
    """
    rng = random.Random(seed)
    docs = [pairs for group in sets.values() for pairs in group]
    out: dict[Pair, None] = dict.fromkeys(p for pairs in docs for p in pairs)
    stages: list[Callable[[], Iterator[Pair | None]]] = [
        lambda: _runs(docs),
        lambda: (_clause_dropped(p) for p in list(out)),
        lambda: (_numbers_shifted(p, rng.randint(1, 9)) for p in list(out)),
    ]
    for stage in stages:
        out.update(dict.fromkeys(p for p in stage() if p is not None))
    crossed = _crossed(sets, rng)
    while len(out) < int(target * CROSSED_SHARE):
        out.setdefault(next(crossed))
    sources = list(out)
    while len(out) < target:
        out.setdefault(_datelined(rng.choice(sources), rng))
    return list(out)[:target]


def build_store(path: Path, pairs: Sequence[Pair], encoder: USEEncoder) -> float:
    """Add `pairs` to a new store at `path`, CHUNK pairs per record, with real vectors."""
    start = time.perf_counter()
    with TranslationMemory(path) as tm:
        for k in range(0, len(pairs), CHUNK):
            chunk = pairs[k : k + CHUNK]
            src = encoder.encode([zh for zh, _ in chunk])
            tgt = encoder.encode([en for _, en in chunk])
            both = src + tgt
            vectors = both / np.maximum(np.linalg.norm(both, axis=1, keepdims=True), 1e-12)
            digest = hashlib.sha256("\n".join(z + "\t" + e for z, e in chunk).encode()).hexdigest()
            tm.add(
                DocumentRecord(
                    path=f"synthetic/{k // CHUNK:04d}.txt",
                    content_hash=digest,
                    settings=SETTINGS,
                    pairs=tuple(StoredPair(zh, en, "1-1", 1.0) for zh, en in chunk),
                    src_sentences=len(chunk),
                    tgt_sentences=len(chunk),
                    vectors=vectors,
                    embed_model=encoder.name,
                )
            )
            done = k + len(chunk)
            rate = done / (time.perf_counter() - start)
            print(f"\r  {done:,} / {len(pairs):,} pairs stored ({rate:.0f}/s)", end="", flush=True)
    print()
    return time.perf_counter() - start


# -- the queries -------------------------------------------------------------------------------


def fuzzy_zh_queries(rows: Sequence[Pair], n: int, rng: random.Random) -> list[tuple[str, str]]:
    """(query, the stored text it came from): one Han character replaced by another."""
    pool = [ch for zh, _ in rows[:2000] for ch in zh if is_han(ch)]
    out = []
    while len(out) < n:
        zh = rng.choice(rows)[0]
        spots = [i for i, ch in enumerate(zh) if is_han(ch)]
        if len(zh) < 8 or not spots:
            continue
        i = rng.choice(spots)
        new = rng.choice([c for c in rng.sample(pool, 5) if c != zh[i]] or ["国"])
        out.append((zh[:i] + new + zh[i + 1 :], zh))
    return out


def fuzzy_en_queries(rows: Sequence[Pair], n: int, rng: random.Random) -> list[tuple[str, str]]:
    """(query, the stored text it came from): one word replaced by a word of another unit."""
    vocab = sorted({w for _, en in rows[:2000] for w in en.split() if w.isalpha()})
    out = []
    while len(out) < n:
        en = rng.choice(rows)[1]
        words = en.split(" ")
        spots = [i for i, w in enumerate(words) if w.isalpha()]
        if len(words) < 4 or not spots:
            continue
        i = rng.choice(spots)
        new = rng.choice(vocab)
        if new.lower() != words[i].lower():
            words[i] = new
            out.append((" ".join(words), en))
    return out


def phrases(
    rows: Sequence[Pair], n: int, rng: random.Random, zh: tuple[int, int], en: tuple[int, int]
) -> list[str]:
    """Half runs of `zh` (min, max) Han characters, half runs of `en` English words (5+ letters)."""
    out: list[str] = []
    while len(out) < n:
        zh_text, en_text = rng.choice(rows)
        if len(out) % 2 == 0:
            size = rng.randint(*zh)
            spans = [zh_text[i : i + size] for i in range(len(zh_text) - size + 1)]
            found = [t for t in spans if all(map(is_han, t))]
        else:
            size = rng.randint(*en)
            words = [w for w in re.findall(r"[A-Za-z]+", en_text) if len(w) >= 5]
            found = [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]
        if found:
            out.append(rng.choice(found))
    return out


# -- timing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """Latencies of one lookup kind, in milliseconds."""

    kind: str
    first_ms: float | None  # the first call, when it builds an index
    times_ms: list[float]
    hits: list[int]
    found: int | None = None  # queries whose source unit came back (fuzzy only)

    def row(self) -> str:
        ts = sorted(self.times_ms)
        p50, p95 = statistics.median(ts), ts[min(len(ts) - 1, int(len(ts) * 0.95))]
        first = "—" if self.first_ms is None else f"{self.first_ms:,.0f}"
        found = "—" if self.found is None else f"{self.found}/{len(ts)}"
        met = "yes" if p50 < TARGET_MS else "**no**"
        return (
            f"| {self.kind} | {len(ts)} | {first} | {p50:.1f} | {p95:.1f} | {ts[-1]:.1f} "
            f"| {statistics.mean(self.hits):,.1f} | {max(self.hits):,} | {found} | {met} |"
        )


def timed(
    kind: str,
    queries: Sequence[str],
    lookup: Callable[[str], list[Match]],
    *,
    builds: bool = False,
    sources: Sequence[str] | None = None,
) -> Timing:
    """Run `lookup` on each query; with `builds`, the first call is timed apart and repeated."""
    first = None
    if builds:
        start = time.perf_counter()
        lookup(queries[0])
        first = (time.perf_counter() - start) * 1000
    times, hits, found = [], [], 0
    for k, query in enumerate(queries):
        start = time.perf_counter()
        matches = lookup(query)
        times.append((time.perf_counter() - start) * 1000)
        hits.append(len(matches))
        if sources is not None and any(sources[k] in (m.unit.src, m.unit.tgt) for m in matches):
            found += 1
    return Timing(kind, first, times, hits, found if sources is not None else None)


def measure(tm: TranslationMemory, encoder: USEEncoder, n: int, seed: int) -> list[Timing]:
    """Every lookup kind over `n` queries on a freshly opened memory."""
    rng = random.Random(seed)
    rows = [(src, tgt) for _, src, tgt, _, _ in tm.rows()]
    zh = fuzzy_zh_queries(rows, n, rng)
    en = fuzzy_en_queries(rows, n, rng)
    terms = phrases(rows, n, rng, zh=(2, 4), en=(1, 1))
    short = phrases(rows, n, rng, zh=(4, 8), en=(2, 4))
    return [
        timed("fuzzy zh (`search`)", [q for q, _ in zh], tm.search, builds=True,
              sources=[s for _, s in zh]),
        timed("fuzzy en (`search`)", [q for q, _ in en], tm.search, sources=[s for _, s in en]),
        timed("concordance, limit=None (API default)", terms, tm.concordance),
        timed("concordance, limit=10 (CLI default)", terms,
              lambda t: tm.concordance(t, limit=10)),
        timed("semantic (`semantic`, query encoded)", short,
              lambda q: tm.semantic(q, encoder=encoder), builds=True),
    ]  # fmt: skip


def index_only(tm: TranslationMemory, encoder: USEEncoder, n: int, seed: int) -> list[str]:
    """p50 of the in-memory part alone (no normalization, no SQLite fetch of the units)."""
    rng = random.Random(seed)
    rows = [(src, tgt) for _, src, tgt, _, _ in tm.rows()]
    index = tm._lookup_index(vectors=True)
    zh = [q for q, _ in fuzzy_zh_queries(rows, n, rng)]
    en = [q for q, _ in fuzzy_en_queries(rows, n, rng)]
    terms = phrases(rows, n, rng, zh=(2, 4), en=(1, 1))
    short = phrases(rows, n, rng, zh=(4, 8), en=(2, 4))
    parts: list[tuple[str, Sequence[str], Callable[[str], object]]] = [
        ("fuzzy zh", zh, index.fuzzy),
        ("fuzzy en", en, index.fuzzy),
        ("concordance", terms, index.concordance),
        ("semantic: encode the query", short, lambda q: encoder.encode([q])),
        ("semantic: encode + cosine top-10", short, lambda q: index.semantic(q, encoder)),
    ]
    out = []
    for name, queries, call in parts:
        times = []
        for query in queries:
            start = time.perf_counter()
            call(query)
            times.append((time.perf_counter() - start) * 1000)
        out.append(f"| {name} | {statistics.median(times):.1f} |")
    return out


def store_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, default=Path("/tmp/bitext-tm-100k.sqlite"))
    parser.add_argument("--units", type=int, default=100_000, help="units to build (default 100k)")
    parser.add_argument("--queries", type=int, default=200, help="per lookup kind (default 200)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)

    encoder = USEEncoder()
    built = not args.store.exists()
    if built:
        sets = gold_documents(args.shared)
        pairs = build_pairs(sets, args.units)
        base = sum(len(pairs) for docs in sets.values() for pairs in docs)
        print(f"building {args.store}: {base:,} gold pairs + {len(pairs) - base:,} variants")
        # Built under another name so a killed build is never taken for a finished store.
        part = args.store.with_name(args.store.name + ".part")
        part.unlink(missing_ok=True)
        seconds = build_store(part, pairs, encoder)
        part.rename(args.store)
        print(f"built in {seconds:.0f} s (encoding, normalizing and storing)")
    start = time.perf_counter()
    encoder.encode(["warm up"])  # the model load is not a lookup's cost: timed apart
    load_ms = (time.perf_counter() - start) * 1000

    with TranslationMemory(args.store, create=False) as tm:
        stats = tm.stats()
        rows = tm.rows()
        zh_len = statistics.mean(len(r[1]) for r in rows)
        en_len = statistics.mean(len(r[2].split()) for r in rows)
        del rows
        print(f"{args.store}: {stats['units']:,} units ({stats['with_vectors']:,} with vectors), "
              f"{stats['documents']} documents, {store_size(args.store) / 2**20:.0f} MiB on disk; "
              f"mean unit {zh_len:.0f} zh characters / {en_len:.0f} en words")  # fmt: skip
        print(f"USE model load (before any lookup): {load_ms:,.0f} ms\n")
        timings = measure(tm, encoder, args.queries, args.seed)
        print("| lookup | queries | first call ms (index build) | p50 ms | p95 ms | max ms "
              "| mean hits | max hits | source unit found | p50 < 50 ms |")  # fmt: skip
        print("|" + " --- |" * 10)
        for timing in timings:
            print(timing.row())
        print("\n| in-memory part alone (warm) | p50 ms |\n| --- | --- |")
        print("\n".join(index_only(tm, encoder, args.queries, args.seed + 1)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    note = " (includes building the store: rerun to see lookups alone)" if built else ""
    print(f"\npeak RSS {peak:,.0f} MB{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

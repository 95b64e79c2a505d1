"""Term extraction against the hand-built gold glossaries in data/terms-gold/.

    python benchmarks/terms.py              # recall and precision per gold set and type
    python benchmarks/terms.py --fit        # refit the pair weights (bitext.terms.pairing)
    python benchmarks/terms.py --misses     # also list every gold term missed or mis-rendered
    python benchmarks/terms.py --curve      # recall and precision at confidence floors
    python benchmarks/terms.py --memory     # each gold set extracted as one memory
    python benchmarks/terms.py --why        # where each missed gold term was lost
    python benchmarks/terms.py --min-score 0.96   # read only the pairs the TMX export takes

Each gold document is aligned by bitext as a translator would run it (the
Chinese and English versions in one release, ``zh_script="keep"``), its pairs
at or above `TERM_MIN_SCORE` (``--min-score``) become the units, and
`bitext.terms.extract` runs on that document alone. Scoring follows data/terms-gold/README.md:
recall over distinct gold (document, zh) entries, precision over extracted
pairs whose Chinese is a gold term of that document. Chinese is compared in
Simplified (the memory may hold 衛 where the file had 衞); English case- and
space-folded.

``--fit`` collects every candidate pair of every gold unit with its features
and a label (1: the pair is a gold term and its rendering; 0: it shares a
side with a gold occurrence but is not one), fits a logistic regression
(L2, Newton steps) and prints the weights to paste into pairing.py. It
reports the fit's quality by leave-one-set-out: weights fitted on one gold
set, recall and precision measured on the other.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("BITEXT_SHARED", ROOT.parent / "shared")) / "eval"
GOLD = ROOT / "data" / "terms-gold"
SETS = {"hk-releases": "hk-releases.tsv", "news": "news.tsv"}


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).casefold().strip()


def load_gold() -> dict[str, dict[tuple[str, str], tuple[set[str], str]]]:
    """Per set: (document, Simplified zh) -> (folded English renderings, type)."""
    from bitext.normalize.zh_script import any_to_simplified

    gold: dict[str, dict[tuple[str, str], tuple[set[str], str]]] = {}
    for name, file in SETS.items():
        rows: dict[tuple[str, str], tuple[set[str], str]] = {}
        with open(GOLD / file, encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                key = (row["document"], any_to_simplified(row["zh"]))
                rows.setdefault(key, (set(), row["type"]))[0].add(fold(row["en"]))
        gold[name] = rows
    return gold


def release_text(name: str, document: str) -> str:
    """The release as one mixed file: Chinese paragraphs, then English ones."""
    if name == "hk-releases":
        base = SHARED / "hk-releases" / "docs" / document
        zh = Path(f"{base}.zh.txt").read_text(encoding="utf-8")
        en = Path(f"{base}.en.txt").read_text(encoding="utf-8")
        return f"{zh}\n\n{en}\n"
    data = json.loads((SHARED / "wmt22-news" / "docs" / f"{document}.json").read_text("utf-8"))
    return "\n".join(data["zh"]) + "\n\n" + "\n".join(data["en"]) + "\n"


def document_units(gold: dict, min_score: float | None = None) -> dict[str, list]:
    """Each gold document's units, aligned by bitext: its pairs at or above `min_score`
    (default `TERM_MIN_SCORE`, as `bitext terms extract` reads a release)."""
    import bitext
    from bitext.config import PipelineConfig
    from bitext.terms import units_of
    from bitext.terms.units import TERM_MIN_SCORE

    config = PipelineConfig(zh_script="keep")
    min_score = TERM_MIN_SCORE if min_score is None else min_score
    units = {}
    for name, rows in gold.items():
        for document in sorted({d for d, _ in rows}):
            text = release_text(name, document)
            alignment = bitext.align_text(text, source=document, config=config)
            pairs = [(p.src, p.tgt) for p in alignment.pairs(min_score=min_score)]
            units[document] = units_of(pairs, document)
    return units


def score(gold: dict, terms: dict[str, list]) -> dict[str, dict]:
    """Recall, precision and per-type recall of `terms` (document -> Terms) per gold set."""
    from bitext.normalize.zh_script import any_to_simplified

    results = {}
    for name, rows in gold.items():
        found: dict[tuple[str, str], list[str]] = {}
        for document in {d for d, _ in rows}:
            for t in terms.get(document, []):
                renderings = [fold(t.en)] + [fold(v.en) for v in t.variants]
                found.setdefault((document, any_to_simplified(t.zh)), renderings)
        hits = {k for k, (ens, _) in rows.items() if k in found and set(found[k]) & ens}
        judged = [k for k in found if k in rows]
        right = sum(1 for k in judged if found[k][0] in rows[k][0])
        types = Counter(t for _, t in rows.values())
        typed = Counter(rows[k][1] for k in hits)
        results[name] = {
            "gold": len(rows),
            "recall": len(hits) / len(rows),
            "judged": len(judged),
            "precision": right / len(judged) if judged else 0.0,
            "by_type": {t: (typed[t], n) for t, n in types.most_common()},
            "missed": sorted(k for k in rows if k not in hits),
            "wrong": sorted(k for k in judged if found[k][0] not in rows[k][0]),
            "found": found,
        }
    return results


def extract_all(units: dict[str, list], encoder) -> dict[str, list]:
    from bitext.terms import extract

    return {document: extract(us, encoder=encoder) for document, us in units.items()}


def report(results: dict[str, dict], misses: bool) -> None:
    for name, r in results.items():
        types = ", ".join(f"{t} {h}/{n}" for t, (h, n) in r["by_type"].items())
        print(
            f"{name}: recall {r['recall']:.3f} ({r['gold']} gold terms), "
            f"precision {r['precision']:.3f} ({r['judged']} judged pairs); {types}"
        )
        if misses:
            for key in r["missed"]:
                print(f"  missed {key[0]} {key[1]} -> {r['found'].get(key)}")
            for key in r["wrong"]:
                print(f"  wrong  {key[0]} {key[1]} -> {r['found'][key][0]}")


FLOORS = (0.0, 0.5, 0.7, 0.9, 0.95)


def curve(gold: dict, units: dict[str, list], encoder) -> None:
    """Terms output, right / judged, precision and recall at each confidence floor."""
    from bitext.terms import extract

    every = {d: extract(us, encoder=encoder, min_confidence=0) for d, us in units.items()}
    for floor in FLOORS:
        kept = {d: [t for t in ts if t.confidence >= floor] for d, ts in every.items()}
        rows = []
        for name, r in score(gold, kept).items():
            output = sum(len(kept[d]) for d in {d for d, _ in gold[name]})
            right = round(r["precision"] * r["judged"])
            rows.append(
                f"{name}: {output} terms, right/judged {right}/{r['judged']}, "
                f"precision {r['precision']:.3f}, recall {r['recall']:.3f}"
            )
        print(f"confidence >= {floor}: " + " | ".join(rows))


def as_memory(gold: dict, units: dict[str, list], encoder) -> None:
    """Each gold set's units extracted in one call, as from a memory (`terms extract --tm`).

    A term counts for a release when one of its occurrences is there.
    """
    from bitext.terms import extract

    for name in gold:
        documents = sorted({d for d, _ in gold[name]})
        memory = [u for d in documents for u in units[d]]
        started = time.perf_counter()
        found = extract(memory, encoder=encoder)
        took = time.perf_counter() - started
        per: dict[str, list] = {d: [] for d in documents}
        for t in found:
            for d in {o.unit.document for o in t.occurrences} & set(per):
                per[d].append(t)
        r = score({name: gold[name]}, per)[name]
        print(
            f"{name} as one memory ({len(memory)} units, {took:.1f} s): recall {r['recall']:.3f}, "
            f"precision {r['precision']:.3f} ({r['judged']} judged pairs), {len(found)} terms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit the pair weights")
    parser.add_argument("--misses", action="store_true", help="list missed and wrong terms")
    parser.add_argument("--curve", action="store_true", help="scores at confidence floors")
    parser.add_argument("--memory", action="store_true", help="each set as one memory")
    parser.add_argument("--why", action="store_true", help="where the missed terms were lost")
    parser.add_argument("--min-score", type=float, help="read the pairs at least this sure")
    args = parser.parse_args()
    from bitext.embed import load_encoder

    encoder = load_encoder()
    gold = load_gold()
    started = time.perf_counter()
    units = document_units(gold, args.min_score)
    aligned = time.perf_counter() - started
    if args.fit:
        from terms_fit import fit_and_report

        fit_and_report(gold, units, encoder, score, extract_all, report)
        return
    if args.why:
        from terms_why import why_report

        why_report(gold, units, encoder, score, extract_all)
        return
    if args.curve or args.memory:
        (curve if args.curve else as_memory)(gold, units, encoder)
        return
    started = time.perf_counter()
    terms = extract_all(units, encoder)
    took = time.perf_counter() - started
    report(score(gold, terms), args.misses)
    n_units = sum(len(u) for u in units.values())
    print(
        f"{len(units)} documents, {n_units} units: aligned in {aligned:.1f} s, "
        f"terms extracted in {took:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()

"""Where each missed gold term was lost (``terms.py --why``).

A gold term is looked up in the units of its release, in the order the
extractor works: is there a unit holding both its Chinese and one of its
renderings; is the gold Chinese extent a candidate there; is the English one;
was the pair scored at all; was it linked, or did another pair take its
words. The first unit that gets furthest decides the miss's stage.
"""

from __future__ import annotations

from collections import Counter

#: The stages, in the order a gold pair passes them.
STAGES = (
    "no unit",  # no aligned unit holds both sides (the sentence pair was not exported)
    "no zh candidate",  # the gold Chinese extent is not a candidate span there
    "no en candidate",  # the gold English extent is not a candidate span there
    "too little evidence",  # both are candidates, the pair was not scored (no link, low cosine)
    "lost the choice",  # scored, but another pair took the words of one side
    "linked, not output",  # linked, then left out (not term-like, or outvoted across units)
)


def _stage(document: str, zh: str, ens: set[str], units: list, cache: dict) -> tuple[int, str]:
    from terms import fold

    from bitext.normalize.zh_script import any_to_simplified
    from bitext.terms.cooccurrence import cooccurrence
    from bitext.terms.extraction import _vocabulary
    from bitext.terms.linking import link_unit
    from bitext.terms.pairing import score_unit

    if document not in cache:
        spans, vectors = cache["encoder"](units)
        cache[document] = (spans, vectors, cooccurrence(spans))
    spans, vectors, together = cache[document]
    best, taker = 0, ""
    for unit, (zs, es) in zip(units, spans, strict=True):
        if zh not in any_to_simplified(unit.zh) or not any(e in fold(unit.en) for e in ens):
            continue
        stage = 1
        if any(any_to_simplified(z.text) == zh for z in zs):
            stage = 2
            if any(fold(e.text) in ens for e in es):
                stage = 3
                scored = score_unit(unit.zh, unit.en, zs, es, vectors, together)
                candidates = [c for c in scored if not _vocabulary(c)]
                mine = [
                    c
                    for c in candidates
                    if any_to_simplified(c.zh.text) == zh and fold(c.en.text) in ens
                ]
                if mine:
                    stage = 4
                    links = link_unit(candidates, unit.en, together)
                    if any(
                        any_to_simplified(k.zh.text) == zh and fold(k.en.text) in ens for k in links
                    ):
                        stage = 5
                    elif stage > best:
                        taker = next(
                            (
                                f"{k.zh.text} / {k.en.text}"
                                for k in links
                                if (k.zh.start < mine[0].zh.end and mine[0].zh.start < k.zh.end)
                                or (k.en.start < mine[0].en.end and mine[0].en.start < k.en.end)
                            ),
                            "",
                        )
        best = max(best, stage)
    return best, taker


def why_report(gold: dict, units: dict[str, list], encoder, score, extract_all) -> None:
    """Print, per gold set, how many missed terms were lost at each stage."""
    from bitext.terms.extraction import span_vectors

    terms = extract_all(units, encoder)
    cache: dict = {"encoder": lambda us: span_vectors(us, encoder)}
    for name, rows in gold.items():
        result = score({name: rows}, terms)[name]
        counts: Counter[str] = Counter()
        examples: dict[str, list[str]] = {}
        for document, zh in result["missed"]:
            stage, taker = _stage(document, zh, rows[(document, zh)][0], units[document], cache)
            counts[STAGES[stage]] += 1
            if taker:
                examples.setdefault(STAGES[stage], []).append(f"{zh} (taken by {taker})")
        ceiling = (result["gold"] - sum(counts[s] for s in STAGES[:3])) / result["gold"]
        print(
            f"{name}: {len(result['missed'])} of {result['gold']} missed; "
            + ", ".join(f"{s} {counts[s]}" for s in STAGES)
            + f"; recall with a perfect choice among the candidates {ceiling:.3f}"
        )
        for line in examples.get("lost the choice", [])[:10]:
            print(f"  {line}")

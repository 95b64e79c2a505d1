"""Fit the weights of `bitext.terms.pairing` on the gold glossaries (``terms.py --fit``)."""

from __future__ import annotations

import numpy as np

#: L2 penalty of the logistic regression: the features are few, the gold sets small.
L2 = 1.0
#: The link thresholds (`pairing.MIN_PROBABILITY`) the held-out sets are scored at.
THRESHOLDS = (0.01, 0.03, 0.1)


def pair_data(gold_rows: dict, units: dict[str, list], encoder) -> list[tuple[np.ndarray, int]]:
    """Choice sets of the gold units: (features of the candidates, index of the right one).

    One set per gold occurrence and side: every candidate pair sharing the
    gold pair's English span (which Chinese extent renders it?) and every one
    sharing its Chinese span (which English?). The right pair must be among them.
    """
    from terms import fold

    from bitext.normalize.zh_script import any_to_simplified
    from bitext.terms.extraction import span_vectors
    from bitext.terms.pairing import pair_features

    by_doc: dict[str, set[tuple[str, str]]] = {}
    for (document, zh), (ens, _) in gold_rows.items():
        by_doc.setdefault(document, set()).update((zh, en) for en in ens)
    sets = []
    for document, pairs in by_doc.items():
        spans, vectors = span_vectors(units[document], encoder)
        for unit, (zs, es) in zip(units[document], spans, strict=True):
            if not zs or not es:
                continue
            index, features, _ = pair_features(unit.zh, unit.en, zs, es, vectors)
            for n, (i, j) in enumerate(index):
                if (any_to_simplified(zs[i].text), fold(es[j].text)) not in pairs:
                    continue
                for side in (0, 1):
                    members = [m for m, ij in enumerate(index) if ij[side] == (i, j)[side]]
                    sets.append((features[members], members.index(n)))
    return sets


def fit(sets: list[tuple[np.ndarray, int]]) -> tuple[np.ndarray, float]:
    """Conditional logit: the weights under which the right candidate of each set wins.

    Gradient descent on the mean negative log-likelihood (+ L2). The intercept
    cancels inside a choice set; it is set afterwards so that the right
    candidates score 0.5 on the median.
    """
    dim = sets[0][0].shape[1]
    w = np.zeros(dim)
    rate = 0.5
    for _ in range(400):
        gradient = L2 * w / len(sets)
        for x, right in sets:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            gradient += (p @ x - x[right]) / len(sets)
        w -= rate * gradient
    right_scores = np.array([x[r] @ w for x, r in sets])
    return w, -float(np.median(right_scores))


def fit_and_report(gold, units, encoder, score, extract_all, report) -> None:
    from bitext.terms import pairing

    data = {name: pair_data(rows, units, encoder) for name, rows in gold.items()}
    for held_out in gold:
        train = [s for n in gold if n != held_out for s in data[n]]
        pairing.WEIGHTS, pairing.INTERCEPT = fit(train)
        held = {held_out: gold[held_out]}
        docs = {d for d, _ in gold[held_out]}
        print(f"fitted without {held_out} ({len(train)} choice sets):")
        for floor in THRESHOLDS:
            pairing.MIN_PROBABILITY = floor
            terms = extract_all({d: units[d] for d in docs}, encoder)
            print(f"  links from probability {floor}:", end=" ")
            report(score(held, terms), False)
    every = [s for sets in data.values() for s in sets]
    weights, intercept = fit(every)
    print(f"fitted on all ({len(every)} choice sets):")
    for name, value in zip(pairing.FEATURES, weights, strict=True):
        print(f"  {name:10s} {value:+.3f}")
    print(f"  intercept  {intercept:+.3f}")
    print("WEIGHTS = np.array([" + ", ".join(f"{v:.3f}" for v in weights) + "])")
    print(f"INTERCEPT = {intercept:.3f}")

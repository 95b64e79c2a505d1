"""Absolute translation evidence: whether a bead's two sides translate each other at all.

The margin (`margins`) scores a pair against each sentence's neighbours,
so two leftover sentences that are each other's only candidates look like a
fine pair. Their raw cosine does not: with USE-m3, sentences of two different
documents score about N(0.06, 0.10) (`UNRELATED`, pooled over the four gold
sets' cross-document pairs), while a document's true pairs centre on its own
typical cosine, high in news and lower, with a wider spread, in literary text.

`true_pairs` estimates, for one document, the distribution of its true pairs'
cosines from the first, 1-1 path (as `gaps.calibrated_cost` sets the null
costs: nothing is fitted per document against gold); `unrelated_cost` turns a
bead's raw cosine into how much more likely "unrelated" is than "one of this
document's translations" (a log-likelihood ratio), which the search charges
(`band_scores`). A tight, high distribution (news) makes a low cosine very costly;
a wide, low one (a literary translation, whose true pairs often score 0.2)
charges little.
"""

from __future__ import annotations

import numpy as np

#: Raw cosine of sentences from different documents: mean and standard deviation
#: (USE-multilingual-v3; docs/benchmarks.md says how to refit them for another encoder).
UNRELATED = (0.06, 0.10)
#: A document with few pairs keeps about this spread of its true pairs' cosines.
_PRIOR_SPREAD = 0.12
_PRIOR_WEIGHT = 5.0
_LEAST_CENTRE = 0.4


def true_pairs(cosines: np.ndarray) -> tuple[float, float]:
    """Centre and spread of a document's true pairs' cosines, from its first-path 1-1 beads.

    The median and interquartile spread are robust to the unrelated pairs
    among them; the spread is shrunk toward `_PRIOR_SPREAD` as if
    `_PRIOR_WEIGHT` more pairs had it, so a short document is not overconfident.
    """
    cosines = np.asarray(cosines, dtype=np.float64)
    if not len(cosines):
        return (0.6, _PRIOR_SPREAD)
    q75, q50, q25 = np.percentile(cosines, [75, 50, 25])
    weight = len(cosines) / (len(cosines) + _PRIOR_WEIGHT)
    spread = weight * (q75 - q25) / 1.349 + (1 - weight) * _PRIOR_SPREAD
    # A document whose pairs look unrelated is no translation to learn from: its
    # centre is held where the least similar gold set's documents lie (`_LEAST_CENTRE`).
    return (float(max(q50, _LEAST_CENTRE)), float(max(spread, 0.03)))


def unrelated_odds(cosines: np.ndarray, true: tuple[float, float]) -> np.ndarray:
    """Log-likelihood ratio "unrelated" over "true pair" of each raw cosine.

    Above the true pairs' centre the ratio is held at its value there: a
    cosine higher than usual is no more evidence of two unrelated sentences.
    """
    mu, sd = true
    mu_u, sd_u = UNRELATED
    c = np.minimum(np.asarray(cosines, dtype=np.float32), np.float32(mu))
    true_ll = -0.5 * ((c - mu) / sd) ** 2 - np.log(sd)
    unrelated_ll = -0.5 * ((c - mu_u) / sd_u) ** 2 - np.log(sd_u)
    return (unrelated_ll - true_ll).astype(np.float32)

"""The aligner's settings: `AlignConfig`, its defaults, and the checks a value given by name passes.

A module of its own, below everything else in `bitext.align`: the search's
modules (`passes`, `band_scores`, `guide`) take an `AlignConfig` and import it from
here, and the package (`bitext.align`) re-exports it, so that no module imports
the package that imports it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from .confidence import NULL_WEIGHTS, PAIR_WEIGHTS
from .options import coerce

__all__ = ["DEFAULT_BEAD_TYPES", "AlignConfig", "check_config", "check_options"]

#: Pairing bead types searched by default (1-0 and 0-1 are always allowed).
#: Lopsided toward the target: a long Chinese sentence often becomes five or six
#: English ones, and finding those beads paid on mac-dev; the mirror types found
#: nothing there (docs/benchmarks.md, "Figures formerly in code comments").
DEFAULT_BEAD_TYPES: tuple[tuple[int, int], ...] = (
    (1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (1, 4), (4, 1), (2, 2), (2, 3), (3, 2),
    (1, 5), (1, 6), (2, 4), (3, 3),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class AlignConfig:
    """Knobs of the aligner. Defaults were tuned on mac-dev only (see docs/benchmarks.md),
    except the `absolute_*` ones, fit on news-noisy, mac-dev and paramed together.

    - `margin`: share of the mean nearest-neighbour similarity subtracted from a
      cosine, so that a sentence close to everything does not win pairs.
    - `knn`: how many nearest neighbours that mean takes.
    - `skip`: cost of leaving a sentence without a counterpart (a 1-0 or 0-1
      bead) that opens a run of such sentences; `skip_extend`: cost of each
      further sentence of the run (None: `skip` too). Translators leave out
      passages more often than lone sentences (see `gaps`).
    - `skip_scale`: set the opening cost per document to this many times the
      spread of its pair scores, with `skip` as the prior a short document
      keeps (`skip_prior` scores' worth); None keeps `skip` fixed.
    - `merge_penalty`: cost of each sentence beyond the first on either side of
      a bead; equal to `skip`, a sentence joins a bead only if it raises the
      bead's score (an untranslated sentence lowers it).
    - `null_threshold`: subtracted from every pair's score; raise it to leave
      more sentences unaligned rather than pair them weakly.
    - `length_factor`: scale scores by Bertalign's length agreement log2(1 + short/long).
    - `paragraph_bonus`: reward for a bead that opens a paragraph on both sides;
      `paragraph_cross_penalty`: cost of a bead that spans a paragraph boundary.
    - `quote_weight`: cost of a bead whose last sentence ends a quotation on one
      side only; `quoted_weight`: cost of a bead that quotes on one side only.
    - `lexical_weight`: weight of the word-level similarity (dictionary glosses,
      numbers, Latin tokens, names; see `lexical`) added to every pairing bead;
      0 switches it off. `lexical_dictionary` switches off its dictionary part
      (numbers and Latin tokens always count); `lexical_names` adds names matched
      by their pinyin, off by default: it gained nothing on mac-dev, whose
      translators render names freely (docs/benchmarks.md).
    - `absolute_weight`: weight of the absolute translation evidence (see
      `evidence`): a bead whose raw cosine is likelier for two unrelated
      sentences than for one of this document's pairs pays the log-likelihood
      ratio, less `absolute_shift`, at most `absolute_cap`, scaled down for
      sides shorter than `absolute_chars` characters (short sentences embed
      poorly); each sentence of a bead with several on both sides (where an
      unrelated pair hides next to a true one) is judged likewise against
      `absolute_member_share` of the typical cosine (`absolute_square` False:
      in every many-sentence bead). `absolute_per_sentence`: the cost counts
      once per two sentences of the bead, so that one unrelated 2-2 bead is
      no cheaper than two unrelated 1-1 ones. 0 switches it off. These were
      fit on news-noisy, mac-dev and paramed together. `absolute_true` is set
      per document from its first path (leave it None).
    - `pair_weights`, `null_weights`: the logistic regressions that turn a
      pairing bead's evidence, and a null's, into the probability that the
      bead is exactly right (see `confidence`).
    - `band_width`: sentences on either side of the first, 1-1 path that the
      full search may move (see `passes`), doubled where the best path runs
      along the band's edge; mac-dev's result is the same over a range of
      widths (docs/benchmarks.md).
    - `embed_margin`: a window of several sentences is embedded only if a bead
      using it lies on a path scoring within this margin of the best one, as
      estimated from its sentences' own embeddings (a stand-in's score is close
      to the real window's, not equal). None embeds every window, as before:
      many times the embedding time for no better alignment (docs/benchmarks.md).
    - `refine_weight`: after the search, two neighbouring beads with at most
      three source sentences together are regrouped (a boundary moved, the
      beads merged or split) where aligning the source sentences' clauses to
      the target sentences says so and the clause evidence, times this
      weight, outweighs the search's own preference by more than
      `refine_threshold` (see `refine`); 0 switches it off.
    - `trim_gain`: after the search, a sentence at the edge of a many-sentence
      bead is left without counterpart when the bead's raw cosine is less than
      this much higher with it than without it (a true merge's extra sentence
      adds content the other side has; one whose translation was deleted does
      not); only in documents whose 1-1 pairs' median cosine is at least
      `trim_centre`, and only where the bead left still scores at least
      `trim_share` of that median (see `trim`). In the same documents a
      pairing bead whose cosine is below `unpair_share` of that median is
      left without counterpart altogether, unless its sides' lengths agree
      at least `unpair_agreement` (a long list embeds poorly, but its
      translation is as long as it); 0 switches that off. None
      switches both off. These were fit on news-noisy, mac-dev and paramed
      together.
    - `stretch_weak`: in any document, the beads between two pairs scoring at
      least `stretch_strong` spreads from the centre of its 1-1 pairs' raw
      cosines (or between one and the document's start or end) form a
      stretch; in a stretch holding a sentence without counterpart, a pair
      scoring below `stretch_weak` spreads and below `stretch_share` of that
      centre, with a confidence below `stretch_confidence`, is left without
      counterpart too (an editor's note against a media contact; see
      `stretches`). None switches it off. Chosen on the four gold sets pooled
      and the hk-releases (which it must not change).
    """

    bead_types: tuple[tuple[int, int], ...] = DEFAULT_BEAD_TYPES
    margin: float = 0.5
    knn: int = 4
    skip: float = 0.1
    skip_extend: float | None = 0.05
    skip_scale: float | None = 1.3
    skip_prior: float = 5.0
    merge_penalty: float = 0.0
    member_floor: float = 0.0
    member_weight: float = 0.5
    absolute_weight: float = 0.07
    absolute_shift: float = 1.0
    absolute_cap: float = 10.0
    absolute_chars: float = 45.0
    absolute_member_share: float = 0.6
    absolute_square: bool = True
    absolute_per_sentence: bool = True
    absolute_true: tuple[float, float] | None = None
    null_threshold: float = 0.0
    length_factor: bool = True
    paragraph_bonus: float = 0.05
    paragraph_cross_penalty: float = 0.3
    quote_weight: float = 0.07
    quoted_weight: float = 0.03
    lexical_weight: float = 0.1
    lexical_dictionary: bool = True
    lexical_names: bool = False
    pair_weights: tuple[float, ...] = PAIR_WEIGHTS
    null_weights: tuple[float, ...] = NULL_WEIGHTS
    band_width: int = 4
    embed_margin: float | None = 0.1
    refine_weight: float = 0.5
    refine_threshold: float = 0.05
    trim_gain: float | None = 0.02
    trim_centre: float = 0.65
    trim_share: float = 0.7
    unpair_share: float = 0.5
    unpair_agreement: float = 0.95
    stretch_weak: float | None = -2.75
    stretch_strong: float = -1.0
    stretch_share: float = 0.7
    stretch_confidence: float = 0.9

    @property
    def max_src(self) -> int:
        return max(a for a, _ in self.bead_types)

    @property
    def max_tgt(self) -> int:
        return max(b for _, b in self.bead_types)


def check_options(options: Mapping[str, Any]) -> AlignConfig:
    """The default config with `options` applied; TypeError/ValueError naming a bad one.

    What `align_sentences` does with its keyword options, without aligning
    anything: a command line checks its settings before the first file.
    """
    return check_config(None, options)


def check_config(
    config: AlignConfig | None, options: Mapping[str, Any] | None = None
) -> AlignConfig:
    """`config` (None: the defaults) with `options` applied, every field checked and coerced.

    TypeError names an unknown option, ValueError a bad value, in one line.
    """
    config, options = config or AlignConfig(), options or {}
    kinds = {f.name: str(f.type) for f in fields(AlignConfig)}
    unknown = set(options) - set(kinds)
    if unknown:
        raise TypeError(f"unknown alignment option(s): {', '.join(sorted(unknown))}")
    # Every field, not only the options: a config built by hand gets the same checks.
    values = {**{k: getattr(config, k) for k in kinds}, **options}
    config = replace(config, **{k: coerce(k, kinds[k], v) for k, v in values.items()})
    if config.knn < 1:
        raise ValueError("knn must be at least 1")
    if config.band_width < 1:
        raise ValueError("band_width must be at least 1")
    if config.skip_scale is not None and config.skip_scale <= 0:
        raise ValueError("skip_scale must be None or positive")
    if min(config.skip, config.skip_extend or 0.0, config.skip_prior) < 0:
        raise ValueError("skip, skip_extend and skip_prior must not be negative")
    if config.refine_weight < 0:
        raise ValueError("refine_weight must not be negative")
    if config.embed_margin is not None and config.embed_margin < 0:
        raise ValueError("embed_margin must be None or at least 0")
    return config

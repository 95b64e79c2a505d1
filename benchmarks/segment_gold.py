"""How often the segmenter re-finds gold sentence segmentation.

Each document's gold sentences of one language are joined into one paragraph
(Chinese with no separator, as Chinese is written; English with a space), the
paragraph is segmented, and the predicted cuts are compared with the gold
ones. Gold here is the eval sets' own units (for wmt22-news: one unit per
translated segment, so a headline without a full stop is glued to the next
sentence by any punctuation-based segmenter).

    python benchmarks/segment_gold.py [SHARED_DIR/eval/wmt22-news ...]

Prints, per set and language: documents, gold and predicted sentence counts,
boundary precision/recall/F1 and the share of gold sentences found exactly.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bitext.segment import split_sentences

SEPARATOR = {"zh": "", "en": " "}
DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "wmt22-news"


def gold_spans(sentences: list[str], sep: str) -> tuple[str, list[tuple[int, int]]]:
    """The joined paragraph and the stripped span of every gold sentence in it."""
    spans, pos = [], 0
    for s in sentences:
        lead = len(s) - len(s.lstrip())
        spans.append((pos + lead, pos + len(s.rstrip())))
        pos += len(s) + len(sep)
    return sep.join(sentences), spans


def score_set(folder: Path, lang: str) -> dict[str, float]:
    """Pooled counts over every document of one eval set, for one language."""
    docs = sorted((folder / "docs").glob("*.json"))
    gold_n = pred_n = hit_cuts = gold_cuts = pred_cuts = exact = 0
    for path in docs:
        sentences = [s for s in json.loads(path.read_text(encoding="utf-8"))[lang] if s.strip()]
        text, gold = gold_spans(sentences, SEPARATOR[lang])
        pred = split_sentences(text, lang)
        g_cuts = {s for s, _ in gold[1:]}
        p_cuts = {s for s, _ in pred[1:]}
        gold_n, pred_n = gold_n + len(gold), pred_n + len(pred)
        gold_cuts, pred_cuts = gold_cuts + len(g_cuts), pred_cuts + len(p_cuts)
        hit_cuts += len(g_cuts & p_cuts)
        exact += len(set(gold) & set(pred))
    p = hit_cuts / pred_cuts if pred_cuts else 1.0
    r = hit_cuts / gold_cuts if gold_cuts else 1.0
    return {
        "docs": len(docs),
        "gold": gold_n,
        "pred": pred_n,
        "P": p,
        "R": r,
        "F1": 2 * p * r / (p + r) if p + r else 0.0,
        "exact": exact / gold_n if gold_n else 1.0,
    }


def main(argv: list[str]) -> int:
    folders = [Path(a) for a in argv] or [DEFAULT]
    print("set          lang docs  gold  pred  bound-P bound-R bound-F1 exact")
    for folder in folders:
        for lang in ("zh", "en"):
            m = score_set(folder, lang)
            print(
                f"{folder.name:<12} {lang:<4} {m['docs']:>4} {m['gold']:>5} {m['pred']:>5}"
                f"  {m['P']:.3f}   {m['R']:.3f}   {m['F1']:.3f}    {m['exact']:.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

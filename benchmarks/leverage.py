"""OmegaT leverage of our TMX: the share of OmegaT's source segments our TMX matches exactly.

    python benchmarks/leverage.py [--shared ../shared] [--keep DIR]

Two sets, each one OmegaT 3.6 project (one source file per document, one
combined TMX in ``tm/auto/``, see ``omegat_harness.py``):

* the sample press release (``data/samples/press_release_chongqing.txt``);
* the 31 ``zh_then_en`` records of ``eval/mixed-layouts/mixed_docs.jsonl``,
  each written to a .txt file and run through ``bitext.align_document``;
* press-release-like files built from the gold sets (mac-dev, paramed,
  wmt22-news): paragraphs of three gold beads, the Chinese block then the
  English one, so paragraphs hold several sentences as real releases do. Their
  TUs are also checked against gold: a TU is right when it pairs exactly a
  run of whole gold beads (a coarser unit than gold, but a true translation).

Each set is run once per segmentation mode (``--segmentation``): bitext's own
rules and the shipped SRX rules (``bitext srx``), which cut as OmegaT does.

The source files hold the Chinese side as the pipeline read it (normalized),
one paragraph per blank-line separated block. OmegaT counts segments by its own
SRX rules; a segment is matched when OmegaT filled it from our TMX. Prints a
markdown table, then every unmatched segment with the likeliest reason.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import omegat_harness as omegat

import bitext
from bitext.embed import Encoder, USEEncoder
from bitext.evaluate import load_gold_set
from bitext.model import Alignment

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "press_release_chongqing.txt"


@dataclass(frozen=True)
class Doc:
    name: str  # the source file name inside the OmegaT project
    alignment: Alignment
    paired_only: bool = False  # source/ gets only the sentences in a TU (the translated part)
    gold: GoldLayout | None = None  # where the gold sentences lie in the file, if known

    def paragraphs(self) -> list[str]:
        a = self.alignment
        keep = {i for b in a.beads if b.is_pair for i in b.src} if self.paired_only else None
        return omegat.paragraphs(s for i, s in enumerate(a.src) if keep is None or i in keep)


@dataclass(frozen=True)
class GoldLayout:
    """Gold beads of a built file and the character span of each gold sentence in it."""

    beads: list[tuple[list[int], list[int]]]
    zh_spans: list[tuple[int, int]]
    en_spans: list[tuple[int, int]]


@dataclass(frozen=True)
class Result:
    label: str
    docs: int
    total: int
    matched: int
    unmatched: list[tuple[str, str, str]]  # (document, segment, reason)
    seconds: float
    tus_right: tuple[int, int] | None = None  # (right, all) TUs against gold, if known


def sample_docs(encoder: Encoder, mode: str) -> tuple[list[Doc], list[Doc]]:
    """The sample twice: its whole Chinese side, and only its translated part."""
    alignment = bitext.align_document(
        SAMPLE, encoder=encoder, config=bitext.PipelineConfig(segmentation=mode)
    )
    name = "press_release_chongqing.txt"
    return [Doc(name, alignment)], [Doc(name, alignment, paired_only=True)]


def eval_docs(shared: Path, encoder: Encoder, workdir: Path, mode: str) -> list[Doc]:
    """The zh_then_en records of the mixed-layouts set, aligned from a .txt each."""
    path = shared / "eval" / "mixed-layouts" / "mixed_docs.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    docs, config = [], bitext.PipelineConfig(segmentation=mode)
    for n, record in enumerate(r for r in records if r["layout"] == "zh_then_en"):
        name = f"{n:02d}_{record['id'].rsplit('/', 1)[-1]}.txt"
        text = workdir / name
        text.write_text(record["text"], encoding="utf-8")
        docs.append(Doc(name, bitext.align_document(text, encoder=encoder, config=config)))
    return docs


def _block(sentences: list[str], beads: list[list[int]], joiner: str, start: int):
    """Paragraphs of three beads' sentences; returns the text and each sentence's span."""
    spans: list[tuple[int, int]] = [(0, 0)] * len(sentences)
    paragraphs, pos = [], start
    for k in range(0, len(beads), 3):
        ids = [i for bead in beads[k : k + 3] for i in bead]
        if not ids:
            continue
        parts = []
        for i in ids:
            if parts:
                pos += len(joiner)
            spans[i] = (pos, pos + len(sentences[i]))
            parts.append(sentences[i])
            pos += len(sentences[i])
        paragraphs.append(joiner.join(parts))
        pos += 2  # the blank line
    return "\n\n".join(paragraphs) + "\n\n", spans


def gold_docs(shared: Path, encoder: Encoder, workdir: Path, mode: str) -> list[Doc]:
    """Each gold document as a zh-then-en file with multi-sentence paragraphs, aligned."""
    docs = []
    for set_name in ("mac-dev", "paramed", "wmt22-news"):
        for gold in load_gold_set(shared / "eval" / set_name):
            beads = [(list(z), list(e)) for z, e in gold.gold]
            zh_text, zh_spans = _block(gold.zh, [z for z, _ in beads], "", 0)
            en_text, en_spans = _block(gold.en, [e for _, e in beads], " ", len(zh_text))
            name = f"{set_name}_{gold.id}.txt"
            path = workdir / name
            path.write_text(zh_text + en_text, encoding="utf-8")
            alignment = bitext.align_document(
                path, encoder=encoder, config=bitext.PipelineConfig(segmentation=mode)
            )
            docs.append(Doc(name, alignment, gold=GoldLayout(beads, zh_spans, en_spans)))
    return docs


def _covered(sentence_span: tuple[int, int], spans: list[tuple[int, int]]) -> set[int]:
    a, b = sentence_span
    return {i for i, (s, e) in enumerate(spans) if s < b and a < e}


def tus_right(doc: Doc) -> tuple[int, int]:
    """(right, all) TUs of `doc`: right when a TU pairs exactly a run of whole gold beads."""
    layout, a = doc.gold, doc.alignment
    assert layout is not None
    zh_bead = {i: k for k, (z, _) in enumerate(layout.beads) for i in z}
    en_bead = {i: k for k, (_, e) in enumerate(layout.beads) for i in e}
    right = total = 0
    for bead in a.beads:
        if not bead.is_pair:
            continue
        total += 1
        zh = set().union(
            *(_covered((a.src[i].start, a.src[i].end), layout.zh_spans) for i in bead.src)
        )
        en = set().union(
            *(_covered((a.tgt[i].start, a.tgt[i].end), layout.en_spans) for i in bead.tgt)
        )
        touched = {zh_bead[i] for i in zh} | {en_bead[i] for i in en}
        whole_zh = {i for k in touched for i in layout.beads[k][0]}
        whole_en = {i for k in touched for i in layout.beads[k][1]}
        right += bool(zh) and bool(en) and zh == whole_zh and en == whole_en
    return right, total


def reason(segment: str, alignment: Alignment) -> str:
    """Why an OmegaT segment found no exact TU: our bead around it, or a segmentation mismatch."""
    for bead in alignment.beads:
        texts = [alignment.src[i].text for i in bead.src]
        if segment in texts:
            if not bead.is_pair:
                return "left unaligned by bitext (1-0 bead)"
            if len(texts) > 1:
                return f"one sentence of a {bead.kind} TU"
            return "1-1 TU exists, yet no exact match (whitespace or markup?)"
    ours = [s.text for s in alignment.src]
    inside = [t for t in ours if t in segment]
    if len(inside) > 1:
        return f"OmegaT keeps {len(inside)} of our sentences as one segment"
    if any(segment in t for t in ours):
        return "OmegaT splits one of our sentences"
    return "segmentation differs from ours"


def measure(label: str, docs: list[Doc], workdir: Path) -> Result:
    """One OmegaT project for all `docs`: its leverage and the unmatched segments."""
    alignments = [d.alignment for d in docs]
    sources = {d.name: d.paragraphs() for d in docs}
    directory = workdir / re.sub(r"\W+", "_", label)
    project = omegat.build_project(directory, sources, bitext.tmx_bytes(alignments))
    seconds = omegat.run_omegat(project)
    matched, total = omegat.leverage(project)
    tu_sources = {p.src for a in alignments for p in a.pairs()}
    texts = {d.name: "\n".join(sources[d.name]) for d in docs}
    unmatched = []
    for segment in sorted(s for s in omegat.segments(project) if s not in tu_sources):
        doc = next(d for d in docs if segment in texts[d.name])
        unmatched.append((doc.name, segment, reason(segment, doc.alignment)))
    # Document order, so that a reader can find each segment in its file.
    unmatched.sort(key=lambda u: (u[0], texts[u[0]].find(u[1])))
    right = [tus_right(d) for d in docs if d.gold is not None]
    tus = (sum(r for r, _ in right), sum(t for _, t in right)) if right else None
    return Result(label, len(docs), total, matched, unmatched, seconds, tus)


def report(results: list[Result], command: str, listing: bool) -> None:
    print(f"`{command}` — OmegaT 3.6 console-translate, default SRX, our TMX in tm/auto/\n")
    print(
        "| set | documents | OmegaT segments | matched | leverage | TUs right (gold) "
        "| unmatched, by reason |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        reasons = Counter(why for _, _, why in r.unmatched)
        why = "; ".join(f"{n}× {w}" for w, n in reasons.most_common(4)) or "—"
        share = r.matched / r.total if r.total else 0.0
        gold = (
            f"{r.tus_right[0]}/{r.tus_right[1]} ({r.tus_right[0] / r.tus_right[1]:.1%})"
            if r.tus_right
            else "—"
        )
        print(
            f"| {r.label} | {r.docs} | {r.total} | {r.matched} | {share:.1%} | {gold} | {why} |"
        )  # fmt: skip
    for r in results if listing else []:
        print(f"\n{r.label}: {r.total - r.matched} unmatched (OmegaT run {r.seconds:.1f} s)")
        if r.total - r.matched != len(r.unmatched):
            # The export lists distinct segments; OmegaT's count includes repeats.
            print(f"  note: {len(r.unmatched)} distinct unmatched segments in OmegaT's export")
        for name, segment, why in r.unmatched:
            print(f"  - {name}: {segment[:60]}{'…' if len(segment) > 60 else ''} — {why}")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--keep", type=Path, help="build the projects here and keep them")
    ap.add_argument("--segmentation", nargs="+", default=["bitext", "srx"], metavar="MODE")
    ap.add_argument("--list", action="store_true", help="list every unmatched segment")
    args = ap.parse_args(argv)
    if omegat.find_java() is None:
        print(f"OmegaT is not installed ({omegat.JAR}): apt-get install omegat", file=sys.stderr)
        return 2
    encoder = USEEncoder()
    with tempfile.TemporaryDirectory(prefix="leverage-") as tmp:
        workdir = args.keep or Path(tmp)
        results = []
        for mode in args.segmentation:
            texts = workdir / f"texts-{mode}"
            texts.mkdir(parents=True, exist_ok=True)
            whole, translated = sample_docs(encoder, mode)
            records = eval_docs(args.shared, encoder, texts, mode)
            built = gold_docs(args.shared, encoder, texts, mode)
            results += [
                measure(f"sample, Chinese side [{mode}]", whole, workdir),
                measure(f"sample, translated part [{mode}]", translated, workdir),
                measure(f"mixed-layouts zh_then_en [{mode}]", records, workdir),
                measure(f"gold sets, 3-bead paragraphs [{mode}]", built, workdir),
            ]
    report(results, "python benchmarks/leverage.py", args.list)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

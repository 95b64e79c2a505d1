"""Server-side time of the review's `load` and `apply` on a 2,000-bead document.

    python benchmarks/review_actions.py [--beads 2000] [--repeat 30]

Builds a memory holding one document of `--beads` 1-1 beads from the real
sentence pairs of ``../shared/eval/wmt22-news`` (numbered, so every pair is a
unit of its own), stored as `bitext batch` stores one: its pairs, sentences and
beads. Then times `bitext.review.load` and, for each action, the median of
`--repeat` calls of `bitext.review.apply` (each one SQLite transaction, WAL):
the time a review server spends per keyboard action, without HTTP. Then the same
through the web app (`bitext.review.web`, driven by Starlette's TestClient: the
token and CSRF checks, routing, the memory opened for the request, JSON both
ways): GET of the document, and the median POST of each action.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bitext.review import Action, Approve, Edit, Merge, Reject, Undo, apply, load
from bitext.tm import DocumentRecord, StoredPair, TranslationMemory
from bitext.tm.records import ReviewBead, ReviewSentence

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def _record(beads: int) -> DocumentRecord:
    texts = []
    for path in sorted((SHARED / "eval" / "wmt22-news" / "docs").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        texts.extend(zip(doc["zh"], doc["en"], strict=False))
    src, tgt, kept, pairs = [], [], [], []
    for k in range(beads):
        zh, en = texts[k % len(texts)]
        zh, en = f"{zh}（{k}）", f"{en} ({k})"
        src.append(ReviewSentence("src", k, zh, k // 10))
        tgt.append(ReviewSentence("tgt", k, en, k // 10))
        kept.append(ReviewBead((k,), (k,), 0.97))
        pairs.append(StoredPair(zh, en, "1-1", 0.97, k // 10))
    return DocumentRecord(
        "big.txt",
        "big",
        {"benchmark": 1},
        tuple(pairs),
        src_sentences=beads,
        tgt_sentences=beads,
        sentences=(*src, *tgt),
        beads=tuple(kept),
    )


ACTIONS: dict[str, Callable[[int], Action]] = {
    "approve": Approve,
    "reject": Reject,
    "merge": Merge,
    "undo": lambda i: Undo(),
    "edit": lambda i: Edit("tgt", i, f"Corrected sentence {i}."),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beads", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, TranslationMemory(Path(tmp, "m.sqlite")) as memory:
        doc_id = memory.add(_record(args.beads)).document_id
        start = time.perf_counter()
        doc = load(memory, doc_id)
        print(f"load: {1000 * (time.perf_counter() - start):.1f} ms ({len(doc.beads)} beads)")
        for name, make in ACTIONS.items():
            times = []
            for i in range(100, 100 + args.repeat):
                start = time.perf_counter()
                doc = apply(memory, doc_id, make(i), expected_version=doc.version)
                times.append(time.perf_counter() - start)
            print(f"{name}: median {1000 * statistics.median(times):.1f} ms")
        _through_the_app(memory.path, doc_id, args.repeat)


def _through_the_app(path: Path, doc_id: int, repeat: int) -> None:
    """The web app's time per request: what the page waits for, less the network."""
    import re

    from starlette.testclient import TestClient

    from bitext.review.web import CSRF_HEADER, create_app

    with TestClient(create_app(path, token="bench"), base_url="http://127.0.0.1") as client:
        page = client.get("/?token=bench").text
        csrf = re.search(r'name="bitext-csrf" content="([^"]+)"', page).group(1)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            doc = client.get(f"/api/documents/{doc_id}").json()
            times.append(time.perf_counter() - start)
        size = len(client.get(f"/api/documents/{doc_id}").content)
        print(
            f"http GET document: median {1000 * statistics.median(times):.1f} ms "
            f"({len(doc['beads'])} beads, {size / 1e6:.1f} MB of JSON)"
        )
        for name, make in ACTIONS.items():
            times = []
            for i in range(300, 300 + repeat):
                body = {"action": make(i).to_dict(), "version": doc["version"]}
                start = time.perf_counter()
                response = client.post(
                    f"/api/documents/{doc_id}/actions", json=body, headers={CSRF_HEADER: csrf}
                )
                times.append(time.perf_counter() - start)
                assert response.status_code == 200, response.text
                doc = response.json()
            print(f"http POST {name}: median {1000 * statistics.median(times):.1f} ms")


if __name__ == "__main__":
    main()

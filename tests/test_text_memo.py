"""The cache reaches the stages only as an argument: `memo=` (a `TextMemo`), never module state.

English sentence cuts and each Chinese sentence's word features are kept in the
memo given, read back from it on a rerun, and written into no other file: two
pipelines with two caches in one process keep their values apart.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

from bitext import align_document
from bitext.align import lexical_features
from bitext.embed_cache import CachedEncoder, TextMemo
from bitext.langsplit import split_languages
from bitext.model import EN, ZH, Paragraph
from bitext.normalize import normalize
from bitext.read import read, read_text
from bitext.segment import en as en_segmenter
from bitext.segment import segment

HK_DOCS = "eval/hk-releases/docs/20251113_bd_removal_order_fine"


class Counting(TextMemo):
    """A real cache file's memo, counting the keys asked for, found and written."""

    def __init__(self, inner: TextMemo) -> None:
        self.inner = inner
        self.asked = self.found = self.written = 0

    def get(self, keys: list[bytes]) -> dict[bytes, bytes]:
        out = self.inner.get(keys)
        self.asked += len(keys)
        self.found += len(out)
        return out

    def put(self, values: dict[bytes, bytes]) -> None:
        self.written += len(values)
        self.inner.put(values)


def memo_at(encoder: object, path: Path) -> Counting:
    return Counting(CachedEncoder(encoder, path).texts)


def stored(path: Path) -> dict[bytes, bytes]:
    with sqlite3.connect(path) as con:
        rows = dict(con.execute("SELECT key, value FROM texts"))
    con.close()
    return rows


def paragraphs(sample_path: Path, lang: str) -> list[Paragraph]:
    split = split_languages(normalize(read(sample_path)))
    return list(split.paragraphs(lang))


def test_english_cuts_go_into_the_memo_given_and_are_read_back(
    use_encoder, sample_path: Path, tmp_path: Path
):
    english = paragraphs(sample_path, EN)
    texts = {p.text for p in english}
    fresh = segment(english, "en")
    path = tmp_path / "c.sqlite"
    first = memo_at(use_encoder, path)
    assert segment(english, "en", memo=first) == fresh
    assert first.written == len(texts) == len(stored(path))  # one entry per paragraph
    second = memo_at(use_encoder, path)  # a rerun, in a new process: a new wrapper
    assert segment(english, "en", memo=second) == fresh
    assert (second.found, second.written) == (second.asked, 0)
    # What is read back is what is used: a paragraph planted with no cuts is one sentence.
    longest = max(english, key=lambda p: len(segment([p], "en")))
    assert len(segment([longest], "en")) > 1
    with sqlite3.connect(path) as con:
        con.execute("UPDATE texts SET value = ?", (b"[]",))
    con.close()
    planted = segment([longest], "en", memo=memo_at(use_encoder, path))
    assert [s.text for s in planted] == [longest.text.strip()]


def test_word_features_go_into_the_memo_given_and_are_read_back(
    use_encoder, sample_path: Path, tmp_path: Path
):
    zh = [s.text for s in segment(paragraphs(sample_path, ZH), "zh")]
    en = [s.text for s in segment(paragraphs(sample_path, EN), "en")]
    fresh = lexical_features(zh, en)
    path = tmp_path / "c.sqlite"
    first = memo_at(use_encoder, path)
    assert lexical_features(zh, en, memo=first).zh_bags == fresh.zh_bags
    assert first.written == len(set(zh)) == len(stored(path))
    second = memo_at(use_encoder, path)
    again = lexical_features(zh, en, memo=second)
    assert (second.found, second.written) == (len(set(zh)), 0)
    assert again.zh_bags == fresh.zh_bags
    assert (again.similarity(3, 3) == fresh.similarity(3, 3)).all()


def test_align_document_uses_the_memo_it_is_given(use_encoder, sample_path: Path, tmp_path: Path):
    # A wrapper around the cache (as the batch worker's timer is) hides it: the memo
    # passed is where the derived values go, and the vectors' file gets none of them.
    vectors, memo_file = tmp_path / "vectors.sqlite", tmp_path / "memo.sqlite"
    wrapped = Counting(CachedEncoder(use_encoder, memo_file).texts)
    timed = _Wrapper(CachedEncoder(use_encoder, vectors))
    fresh = align_document(sample_path, encoder=use_encoder)
    assert align_document(sample_path, encoder=timed, memo=wrapped) == fresh
    assert wrapped.written == len(stored(memo_file)) > 0 and not stored(vectors)
    rerun = Counting(CachedEncoder(use_encoder, memo_file).texts)
    assert align_document(sample_path, encoder=timed, memo=rerun) == fresh
    assert (rerun.found, rerun.written) == (rerun.asked, 0)
    # A `CachedEncoder` given as the encoder brings its own memo, as before.
    own = tmp_path / "own.sqlite"
    assert align_document(sample_path, encoder=CachedEncoder(use_encoder, own)) == fresh
    assert set(stored(own)) == set(stored(memo_file))


class _Wrapper:
    def __init__(self, inner: CachedEncoder) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim

    def encode(self, texts):
        return self.inner.encode(texts)


def test_two_pipelines_in_threads_write_only_into_their_own_caches(
    use_encoder, sample_path: Path, shared_dir: Path, tmp_path: Path
):
    hk = shared_dir / HK_DOCS
    hk_text = "\n\n".join(Path(f"{hk}.{lang}.txt").read_text("utf-8") for lang in ("zh", "en"))
    docs = {"sample": read(sample_path), "hk": read_text(hk_text, source="hk.txt")}
    # Each document alone, one after the other: the entries its cache should get.
    alone = {}
    for name, doc in docs.items():
        alignment = align_document(doc, encoder=CachedEncoder(use_encoder, tmp_path / name))
        alone[name] = (alignment, set(stored(tmp_path / name)))
    assert not alone["sample"][1] & alone["hk"][1]  # the two documents share no entry
    results: dict[str, object] = {}
    barrier = threading.Barrier(len(docs))

    def run(name: str) -> None:
        cache = CachedEncoder(use_encoder, tmp_path / f"{name}-threaded.sqlite")
        barrier.wait()  # both pipelines run at once
        results[name] = align_document(docs[name], encoder=cache)

    threads = [threading.Thread(target=run, args=(name,)) for name in docs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name, (alignment, keys) in alone.items():
        assert results[name] == alignment
        assert set(stored(tmp_path / f"{name}-threaded.sqlite")) == keys, name


def test_entries_are_stored_under_the_key_caches_already_hold(
    use_encoder, sample_path: Path, tmp_path: Path
):
    # A cache filled before the memo was an argument must still be hit: the key of a
    # paragraph's cuts is, as it was, sha256(namespace, NUL, text) cut to 20 bytes.
    path = tmp_path / "c.sqlite"
    english = paragraphs(sample_path, EN)
    segment(english, "en", memo=CachedEncoder(use_encoder, path).texts)
    namespace = en_segmenter._cuts_namespace()
    keys = {hashlib.sha256(namespace + b"\0" + p.text.encode()).digest()[:20] for p in english}
    assert set(stored(path)) == keys

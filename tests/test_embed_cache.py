"""The on-disk embedding cache: a rerun embeds nothing, results stay, damage is harmless.

The same file keeps the aligner's word features of each Chinese sentence."""

from __future__ import annotations

import json
import os
import sqlite3
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from bitext import align_sentences
from bitext.align import lexical_features
from bitext.cli import main
from bitext.embed_cache import APPLICATION_ID, CachedEncoder
from bitext.errors import InputError
from bitext.tm import TranslationMemory
from cli_helpers import run_cli

ZH = ["双方签署了合作协议。", "代表团参观了博物馆。", "今天重庆下雨了。"]
EN = ["The two sides signed a cooperation agreement.", "The delegation visited the museum.",
      "It rained in Chongqing today."]  # fmt: skip


class Counting:
    """The real encoder, counting the texts it is asked to embed."""

    def __init__(self, inner: object) -> None:
        self.inner, self.texts = inner, 0
        self.name, self.dim = inner.name, inner.dim  # type: ignore[attr-defined]

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.encode(texts)  # type: ignore[attr-defined]


def test_a_rerun_embeds_nothing_and_aligns_identically(use_encoder, tmp_path: Path):
    counting = Counting(use_encoder)
    first = align_sentences(ZH, EN, encoder=CachedEncoder(counting, tmp_path / "c.sqlite"))
    embedded = counting.texts
    assert embedded >= len(ZH) + len(EN)
    # A new process would open the file afresh: so does a new wrapper.
    second = align_sentences(ZH, EN, encoder=CachedEncoder(counting, tmp_path / "c.sqlite"))
    assert counting.texts == embedded  # nothing embedded again
    assert second == first == align_sentences(ZH, EN, encoder=use_encoder)
    cached = CachedEncoder(use_encoder, tmp_path / "c.sqlite").encode(EN)
    # The encoder's own vectors (to float rounding: USE's sums depend on the batch).
    assert np.allclose(cached, use_encoder.encode(EN), atol=1e-5)


def stamp(path: Path) -> int:
    """The SQLite application id in the file's header (bitext's cache: APPLICATION_ID)."""
    return int.from_bytes(path.read_bytes()[68:72], "big")


def test_a_damaged_cache_of_ours_is_rebuilt_not_fatal(use_encoder, tmp_path: Path):
    path = tmp_path / "c.sqlite"
    counting = Counting(use_encoder)
    CachedEncoder(counting, path).encode(EN)
    assert stamp(path) == APPLICATION_ID
    header = path.read_bytes()[:100]  # the header still says "bitext's cache"; the rest is junk
    path.write_bytes(header + b"definitely not sqlite" * 500)
    vectors = CachedEncoder(counting, path).encode(ZH)
    assert np.allclose(vectors, use_encoder.encode(ZH))
    CachedEncoder(counting, path).encode(ZH)
    assert counting.texts == len(EN) + len(ZH)  # the rebuilt cache served the third call
    assert stamp(path) == APPLICATION_ID


def foreign_files(tmp_path: Path, sample_path: Path) -> dict[str, Path]:
    """Files a cache path may name by mistake, none of which the cache may touch."""
    release = tmp_path / "release.txt"
    release.write_bytes(sample_path.read_bytes())
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    memory = tmp_path / "tm.sqlite"
    TranslationMemory(memory).close()
    other = tmp_path / "other.sqlite"  # someone's SQLite file, unstamped, other tables
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")
        con.execute("CREATE TABLE notes (text TEXT)")
    con.close()
    return {"release": release, "empty": empty, "memory": memory, "other": other}


def test_a_file_that_is_not_a_cache_is_refused_and_kept(
    use_encoder, sample_path: Path, tmp_path: Path
):
    for name, path in foreign_files(tmp_path, sample_path).items():
        before = path.read_bytes()
        with pytest.raises(InputError, match="not a bitext cache; refusing to replace it"):
            CachedEncoder(use_encoder, path).encode(ZH)
        assert path.read_bytes() == before, name
    blocked = tmp_path / "dir.sqlite"
    blocked.mkdir()
    with pytest.raises(InputError, match="is a directory, not a bitext cache"):
        CachedEncoder(use_encoder, blocked)
    fifo = tmp_path / "fifo.sqlite"
    os.mkfifo(fifo)  # reading it to check would wait forever
    with pytest.raises(InputError, match="not a regular file, not a bitext cache"):
        CachedEncoder(use_encoder, fifo)
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_cache_written_before_the_stamp_is_used_and_stamped(use_encoder, tmp_path: Path):
    path = tmp_path / "c.sqlite"
    with sqlite3.connect(path) as con:  # what bitext wrote before: one table, no stamp
        con.execute("CREATE TABLE vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")
    con.close()
    counting = Counting(use_encoder)
    CachedEncoder(counting, path).encode(ZH)
    CachedEncoder(counting, path).encode(ZH)
    assert counting.texts == len(ZH)
    assert stamp(path) == APPLICATION_ID


def test_the_cache_stays_under_its_size_limit(use_encoder, tmp_path: Path):
    path = tmp_path / "c.sqlite"
    cache = CachedEncoder(use_encoder, path, max_mb=1)
    for k in range(8):  # 8 x 100 vectors of 2 KB: about 1.6 MB unbounded
        cache.encode([f"sentence {k}-{j}" for j in range(100)])
    assert path.stat().st_size <= 2**20
    assert stamp(path) == APPLICATION_ID  # VACUUM keeps the file bitext's


@pytest.mark.slow
def test_cache_is_a_flag_and_never_takes_an_input(sample_path: Path, tmp_path: Path):
    # `--cache a.txt b.txt` once made a.txt the cache file and replaced the release.
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes(sample_path.read_bytes())
    b.write_bytes(sample_path.read_bytes())
    env = {**os.environ, "BITEXT_CACHE_DIR": str(tmp_path / "cache")}
    run = run_cli("align", "--cache", "a.txt", "b.txt", "-o", "o.tmx", "-q", cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr
    assert a.read_bytes() == b.read_bytes() == sample_path.read_bytes()
    assert stamp(tmp_path / "cache" / "embeddings.sqlite") == APPLICATION_ID
    assert (tmp_path / "o.tmx").read_bytes().count(b"<tu ") > 0


@pytest.mark.slow
def test_cache_file_that_is_not_a_cache_is_one_line_exit_2(sample_path: Path, tmp_path: Path):
    for name, path in foreign_files(tmp_path, sample_path).items():
        before = path.read_bytes()
        run = run_cli("align", sample_path, "-o", "o.tmx", "--cache-file", path, cwd=tmp_path)
        assert (run.returncode, run.stderr) == (
            2,
            f"bitext: error: {path}: not a bitext cache; refusing to replace it\n",
        ), name
        assert path.read_bytes() == before, name
        assert not (tmp_path / "o.tmx").exists()


def test_cli_cache_option_fills_the_cache(sample_path: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("BITEXT_CACHE_DIR", str(tmp_path / "cache"))
    args = [str(sample_path), "-o", str(tmp_path / "a.tmx"), "--cache", "-q"]
    assert main(["align", *args]) == 0
    cache = tmp_path / "cache" / "embeddings.sqlite"
    assert cache.stat().st_size > 0
    assert main(["align", *args[:2], str(tmp_path / "b.tmx"), "--cache", "-q"]) == 0
    named = tmp_path / "named.sqlite"  # --cache-file: this file instead, caching implied
    assert main(["align", *args[:2], str(tmp_path / "c.tmx"), "--cache-file", str(named)]) == 0
    assert stamp(named) == APPLICATION_ID
    assert (tmp_path / "a.tmx").read_bytes().count(b"<tu ") == 13
    assert (tmp_path / "b.tmx").read_bytes().count(b"<tu ") == 13


def stored_features(path: Path) -> dict[bytes, bytes]:
    with sqlite3.connect(path) as con:
        return dict(con.execute("SELECT key, value FROM texts"))


def test_word_features_are_kept_beside_the_vectors_and_served_from_there(
    use_encoder, tmp_path: Path
):
    path = tmp_path / "c.sqlite"
    fresh = lexical_features(ZH, EN)
    memo = CachedEncoder(use_encoder, path).texts
    assert np.array_equal(
        lexical_features(ZH, EN, memo=memo).similarity(1, 1), fresh.similarity(1, 1)
    )
    stored = stored_features(path)
    assert len(stored) == len(ZH)  # one entry per Chinese sentence
    # A later run reads them back: an entry planted for the first sentence is what it gets.
    first = next(k for k, v in stored.items() if "合作" in json.loads(v)[1])
    with sqlite3.connect(path) as con:
        con.execute("UPDATE texts SET value = ? WHERE key = ?", (b"[[], []]", first))
    served = lexical_features(ZH, EN, memo=CachedEncoder(use_encoder, path).texts)
    assert served.zh_bags[0] == Counter() and fresh.zh_bags[0]
    assert served.zh_bags[1:] == fresh.zh_bags[1:]
    # Without a memo nothing is cached.
    assert lexical_features(ZH, EN).zh_bags == fresh.zh_bags


def test_damaged_word_features_are_computed_again_not_fatal(use_encoder, tmp_path: Path):
    path = tmp_path / "c.sqlite"
    fresh = lexical_features(ZH, EN)
    lexical_features(ZH, EN, memo=CachedEncoder(use_encoder, path).texts)
    good = stored_features(path)
    # Not JSON; a word that is not a string; a token that is not a string.
    damages = [b"\xff not json", b"[[[1, []]], []]", b"[[], [1]]"]
    with sqlite3.connect(path) as con:
        for key, damaged in zip(good, damages, strict=True):
            con.execute("UPDATE texts SET value = ? WHERE key = ?", (damaged, key))
    again = lexical_features(ZH, EN, memo=CachedEncoder(use_encoder, path).texts)
    assert again.zh_bags == fresh.zh_bags
    assert np.array_equal(again.similarity(2, 1), fresh.similarity(2, 1))
    assert stored_features(path) == good  # the damaged entries were replaced

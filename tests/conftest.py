"""Shared fixtures: the bundled sample, the read-only shared material, one real encoder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "press_release_chongqing.txt"
# ../shared beside the checkout, in CI as on a developer's machine.
SHARED = Path(os.environ.get("BITEXT_SHARED", ROOT.parent / "shared"))
DTD = SHARED / "tmx" / "tmx14.dtd"


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"shared material not found at {SHARED} (set BITEXT_SHARED)")
    return SHARED


@pytest.fixture(scope="session")
def tmx_dtd(shared_dir: Path) -> Path:
    return shared_dir / "tmx" / "tmx14.dtd"


@pytest.fixture(scope="session")
def use_encoder():
    """The real default encoder, loaded once per test session (it takes ~1 s)."""
    from bitext.embed import USEEncoder

    return USEEncoder()


class MemoEncoder:
    """The real encoder with every text's vector kept: tests that align the same gold set
    under several configurations embed it once."""

    def __init__(self, encoder) -> None:
        self.encoder, self.name, self.dim = encoder, encoder.name, encoder.dim
        self.seen: dict[str, object] = {}

    def encode(self, texts):
        import numpy as np

        todo = [t for t in dict.fromkeys(texts) if t not in self.seen]
        if todo:
            self.seen.update(zip(todo, self.encoder.encode(todo), strict=True))
        return np.stack([self.seen[t] for t in texts]) if texts else self.encoder.encode([])


@pytest.fixture(scope="session")
def memo_encoder(use_encoder):
    """`use_encoder` remembering what it embedded, shared by the whole-set accuracy tests."""
    return MemoEncoder(use_encoder)


@pytest.fixture(autouse=True)
def _toolkit_reads_every_tmx_we_write(request):
    """After each test, every TMX that bitext wrote into the test's tmp_path must be
    read by translate-toolkit, an independent reader, with the same units and texts."""
    yield
    tmp = request.node.funcargs.get("tmp_path")
    if tmp is None:
        return
    try:
        from translate.storage.tmx import tmxfile
    except ImportError:
        if os.environ.get("BITEXT_REQUIRE_TOOLKIT") == "1":
            pytest.fail("translate-toolkit is required (BITEXT_REQUIRE_TOOLKIT=1)")
        return
    from bitext import tmx
    from bitext.errors import InputError

    for path in tmp.rglob("*.tmx"):
        if not path.is_file():  # tests also make FIFOs and folders named *.tmx
            continue
        try:
            ours = tmx.read(path)  # the safe reader first: hostile test files stop here
        except InputError:
            continue
        if ours.header.get("creationtool") != "bitext":
            continue
        store = tmxfile.parsefile(str(path))
        assert len(store.units) == len(ours.units), path
        for unit, mine in zip(store.units, ours.units, strict=True):
            texts = [v.text for v in mine.variants.values()]
            # The toolkit renders inline codes (<bpt>...) as markup in its text; ours drops them.
            plain = all("<" not in v.segment_xml for v in mine.variants.values())
            if len(texts) >= 2 and plain:
                seen = {t for t in (unit.source, unit.target) if t}
                assert seen and seen <= set(texts), path

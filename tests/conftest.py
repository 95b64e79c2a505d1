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

"""Headless Chromium for the tests that render a page or print a PDF (not a test module).

Chromium is Debian's (`/usr/bin/chromium`): no browser download. Tests skip
without it, and fail instead under ``BITEXT_REQUIRE_CHROMIUM=1`` (CI).
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# No network, no first-run work, no GPU: the same page renders the same way offline.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
)


def require_chromium() -> Path:
    """Chromium's path; skips the test where it is missing (fails it in CI)."""
    if not CHROMIUM.is_file():
        if os.environ.get("BITEXT_REQUIRE_CHROMIUM") == "1":
            pytest.fail(f"{CHROMIUM} is required (BITEXT_REQUIRE_CHROMIUM=1)")
        pytest.skip(f"{CHROMIUM} is not installed")
    return CHROMIUM


def run_chromium(work: Path, *args: str, timeout: float = 90) -> bytes:
    """Headless Chromium on a fresh profile in `work`; its stdout. Killed whole on timeout."""
    profile = tempfile.mkdtemp(prefix="profile-", dir=work)
    command = [str(require_chromium()), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    # Its own session, so that a hung browser and its helper processes go together.
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"chromium did not finish in {timeout} s: {args}")
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
    return out

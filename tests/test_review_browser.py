"""The review page in a real browser (issue 19): Playwright's Python API driving Debian's
Chromium against the real app (`bitext.review.web.create_app` under uvicorn on loopback), over
memories `bitext batch` built from the bundled sample. Every correction is made by keyboard;
what the page shows and what the memory keeps are checked against `bitext.review`'s pure
actions applied to the document as it was loaded."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bitext import tmx, validate_tmx
from bitext.cli import main
from bitext.lang import joiner
from bitext.review import DocumentState, apply_change, load, parse_action
from bitext.tm import DocumentRecord, StoredPair, TranslationMemory
from bitext.tm.records import ReviewBead, ReviewSentence
from cli_helpers import start_cli
from release_helpers import release_with_untranslated

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
SCRIPT = "The <script>window.__pwned=1</script> tag is text."
IMG = 'An <img src=x onerror="window.__pwned=1"> image is text.'


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium under Playwright; skipped (failed with BITEXT_REQUIRE_CHROMIUM=1)
    without Chromium, Playwright or the review extra."""
    missing = None if CHROMIUM.is_file() else f"{CHROMIUM} is not installed"
    try:
        import uvicorn  # noqa: F401
        from playwright.sync_api import sync_playwright

        from bitext.review.web import create_app  # noqa: F401
    except ImportError as exc:
        missing = missing or f"{exc.name} is not installed"
    if missing:
        if os.environ.get("BITEXT_REQUIRE_CHROMIUM") == "1":
            pytest.fail(f"{missing} (BITEXT_REQUIRE_CHROMIUM=1)")
        pytest.skip(missing)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


def _swapped(sample: Path, folder: Path) -> Path:
    """`folder`/swapped.txt: the sample with its first two English paragraphs (one sentence
    each) swapped, so the aligner cannot pair them one to one: a known wrong stretch."""
    lines = sample.read_text(encoding="utf-8").split("\n")
    first = next(k for k, line in enumerate(lines) if line[:1].isascii() and line[:1].isalpha())
    lines[first], lines[first + 1] = lines[first + 1], lines[first]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "swapped.txt").write_text("\n".join(lines), encoding="utf-8")
    return folder / "swapped.txt"


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory, sample_path: Path) -> Path:
    """The sample (document 1) and its swapped copy (document 2), batched into a memory."""
    folder = tmp_path_factory.mktemp("browser")
    shutil.copy(sample_path, folder / sample_path.name)
    swapped = _swapped(sample_path, folder)
    memory = folder / "office.sqlite"
    args = ["batch", str(folder / sample_path.name), str(swapped), "--tm", str(memory), "-q"]
    assert main(args) == 0
    return memory


def _copy(memory: Path, to: Path) -> Path:
    with sqlite3.connect(memory) as src, sqlite3.connect(to) as dst:
        src.backup(dst)
    return to


@pytest.fixture
def memory_path(stored: Path, tmp_path: Path) -> Path:
    return _copy(stored, tmp_path / "office.sqlite")


@contextlib.contextmanager
def serving(memory: Path) -> Iterator[str]:
    """The real app on 127.0.0.1, a free port; yields its URL with the access token."""
    import uvicorn

    from bitext.review.web import create_app

    token = secrets.token_urlsafe(32)
    config = uvicorn.Config(
        create_app(memory, token=token, user="tester"),
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the review server did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/?token={token}"
    finally:
        server.should_exit = True
        thread.join()


@contextlib.contextmanager
def serving_by_command(memory: Path, cwd: Path) -> Iterator[str]:
    """`bitext review --tm MEMORY --no-browser --port 0`, as a user starts it; yields the
    address it prints first, and stops it as Ctrl-C does (it must exit 0)."""
    import signal

    process = start_cli("review", "--tm", memory, "--no-browser", "--port", "0", cwd=cwd)
    try:
        yield process.stdout.readline().strip()
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err


def _open(page, url: str, nth: int) -> None:
    """Load the page and open its `nth` document (0-based), by keyboard."""
    page.goto(url)
    page.wait_for_selector("#doc-list tr.doc.focused")
    for _ in range(nth):
        page.keyboard.press("j")
    page.keyboard.press("Enter")
    _drawn(page)


def _version(page) -> int:
    return int(page.get_attribute("body", "data-version"))


def _drawn(page) -> None:
    """Wait until every bead of the document's current version is drawn."""
    page.wait_for_selector("body[data-version]", state="attached")
    page.wait_for_selector(f'body[data-drawn="{_version(page)}"]', state="attached")


def _press(page, key: str) -> None:
    """Press an action's key and wait for the document's next version to be drawn."""
    version = _version(page)
    page.keyboard.press(key)
    page.wait_for_selector(f'body[data-drawn="{version + 1}"]', state="attached")


SHOWN = """() => [...document.querySelectorAll('#beads .bead')].map((row) => [
  [...row.querySelectorAll('.side.src .s .t')].map((t) => t.textContent),
  [...row.querySelectorAll('.side.tgt .s .t')].map((t) => t.textContent),
  row.querySelector('.meta .status').textContent])"""


def _expected(state: DocumentState) -> list[list]:
    """What the page must show of `state`: each bead's texts, each side, and its status."""
    return [
        [[state.src[i].text for i in b.src], [state.tgt[j].text for j in b.tgt], b.status]
        for b in state.beads
    ]


def _kept_pairs(memory: Path) -> tuple[dict[tuple[str, str], set[str]], set[tuple[str, str]]]:
    """Every document's pairs not rejected, as the memory's units join them, with the documents
    holding each; and the approved ones."""
    kept: dict[tuple[str, str], set[str]] = {}
    approved = set()
    with TranslationMemory(memory) as tm:
        for doc_id in (1, 2):
            doc = load(tm, doc_id)
            for b in doc.beads:
                if b.is_pair and b.status != "rejected":
                    pair = (
                        joiner(doc.src_lang).join(doc.src[i].text for i in b.src),
                        joiner(doc.tgt_lang).join(doc.tgt[j].text for j in b.tgt),
                    )
                    kept.setdefault(pair, set()).add(doc.path)
                    if b.status == "approved":
                        approved.add(pair)
    return kept, approved


# The keys pressed on the swapped release, and the action each one asks (None: navigation).
# The focus starts on bead 0, Side on the target; a and r move the focus to the next bead.
FIX_BY_KEYBOARD = [
    ("j", None),
    ("m", {"name": "merge", "bead": 1}),  # the lone English sentence and the next pair...
    ("m", {"name": "merge", "bead": 1}),  # ...and the lone Chinese one: the right 2-2 bead
    ("a", {"name": "approve", "bead": 1}),
    ("m", {"name": "merge", "bead": 2}),
    ("s", {"name": "split", "bead": 2, "src_at": 1, "tgt_at": 1}),
    ("]", {"name": "move", "bead": 2, "side": "tgt", "to": "next"}),
    ("j", None),
    ("[", {"name": "move", "bead": 3, "side": "tgt", "to": "previous"}),
    ("u", {"name": "unpair", "bead": 3, "side": "tgt", "index": 3}),
    ("p", {"name": "pair", "bead": 3}),
    ("a", {"name": "approve", "bead": 3}),
    ("r", {"name": "reject", "bead": 4}),
    ("Control+z", "undo"),
    ("y", "redo"),
]


def test_a_wrong_bead_fixed_by_keyboard_stays_fixed_and_exports_as_corrected(
    browser, memory_path: Path, tmp_path: Path, tmx_dtd: Path
):
    with TranslationMemory(memory_path) as tm:
        before = load(tm, 2)
    state = before.state
    done: list = []  # the changes made, and those undone: how undo and redo walk the log
    undone: list = []
    with serving(memory_path) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        _open(page, url, 1)
        assert page.evaluate(SHOWN) == _expected(state)
        for key, action in FIX_BY_KEYBOARD:
            if action is None:
                page.keyboard.press(key)
                continue
            _press(page, key)
            if action == "undo":
                undone.append(done.pop())
                state = apply_change(state, undone[-1].inverse())
            elif action == "redo":
                done.append(undone.pop())
                state = apply_change(state, done[-1])
            else:
                done.append(parse_action(action).change(state))
                state = apply_change(state, done[-1])
            assert page.evaluate(SHOWN) == _expected(state), key
        # The known wrong stretch is one bead now: both Chinese sentences and both English
        # ones, the English in the release's (swapped) order, approved.
        fixed = state.beads[1]
        assert [before.src[i].text for i in fixed.src] == [before.src[1].text, before.src[2].text]
        assert {before.tgt[j].text for j in fixed.tgt} == {before.tgt[0].text, before.tgt[1].text}
        assert fixed.status == "approved" and state.beads[4].status == "rejected"
        assert "1 rejected" in page.inner_text("#progress")
        page.reload()
        _drawn(page)
        assert page.evaluate(SHOWN) == _expected(state)  # a reload keeps every decision
        page.close()
    with TranslationMemory(memory_path) as tm:
        stored = load(tm, 2)
    assert stored.state == state
    # Served again, by the command this time: the same.
    with serving_by_command(memory_path, tmp_path) as url:
        page = browser.new_page()
        _open(page, url, 1)
        assert page.evaluate(SHOWN) == _expected(state)
        page.close()

    everything, approved_only = tmp_path / "all.tmx", tmp_path / "approved.tmx"
    export = ["tm", "export", "--tm", str(memory_path)]
    assert main([*export, "--min-score", "0", "-o", str(everything)]) == 0
    assert main([*export, "--approved-only", "-o", str(approved_only)]) == 0
    kept, approved = _kept_pairs(memory_path)
    for path in (everything, approved_only):
        validate_tmx(path.read_bytes(), tmx_dtd)
    units = {(u.variant("zh").text, u.variant("en").text): u for u in tmx.read(everything).units}
    assert set(units) == set(kept)
    # The rejected pair is the sample's too: only the sample still holds it.
    rejected = state.beads[4]
    pair = (
        joiner(stored.src_lang).join(stored.src[i].text for i in rejected.src),
        joiner(stored.tgt_lang).join(stored.tgt[j].text for j in rejected.tgt),
    )
    assert units[pair].props["x-document"] == ("press_release_chongqing.txt",)
    for pair, unit in units.items():
        assert set(unit.props["x-document"]) == kept[pair]
    for pair, unit in units.items():
        assert unit.props["x-status"] == (("approved",) if pair in approved else ("auto",))
    only = {(u.variant("zh").text, u.variant("en").text) for u in tmx.read(approved_only).units}
    assert only == approved and len(approved) == 2


def test_a_second_tab_acting_on_a_stale_version_sees_a_conflict_and_overwrites_nothing(
    browser, memory_path: Path
):
    with serving(memory_path) as url:
        context = browser.new_context()
        first, second = context.new_page(), context.new_page()
        _open(first, url, 0)
        _open(second, url, 0)
        version = _version(first)
        _press(first, "a")  # tab 1 approves bead 0
        second.keyboard.press("r")  # tab 2, still at the old version, rejects it
        banner = second.locator("#banner.conflict")
        banner.wait_for(state="visible")
        assert "changed in another tab" in banner.inner_text().lower()
        _drawn(second)
        assert _version(second) == version + 1  # reloaded: it shows tab 1's decision
        assert second.evaluate(SHOWN)[0][2] == "approved"
        context.close()
    with TranslationMemory(memory_path) as tm:
        doc = load(tm, 1)
    assert doc.version == version + 1
    assert doc.beads[0].status == "approved"
    assert doc.progress.rejected == 0


@pytest.fixture
def hostile_memory(tmp_path: Path, sample_path: Path) -> Path:
    """A memory holding the sample with markup in its English, as text a release could carry."""
    release = release_with_untranslated(sample_path, tmp_path / "hostile", "end", (), (SCRIPT, IMG))
    memory = tmp_path / "hostile.sqlite"
    assert main(["batch", str(release), "--tm", str(memory), "-q"]) == 0
    return memory


def test_markup_in_a_document_shows_as_text_and_never_runs(browser, hostile_memory: Path):
    with TranslationMemory(hostile_memory) as tm:
        doc = load(tm, 1)
    texts = [s.text for s in doc.tgt]
    assert any("<script>" in t for t in texts) and any("onerror=" in t for t in texts)
    with serving(hostile_memory) as url:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        _open(page, url, 0)
        shown = [t for _, tgt, _ in page.evaluate(SHOWN) for t in tgt]
        assert [t for t in texts if "<" in t] == [t for t in shown if "<" in t]
        # A correction typed with markup in it shows as text too.
        page.keyboard.press("e")
        page.locator("textarea.edit").wait_for()
        page.keyboard.press("Control+a")
        page.keyboard.type('<img src=x onerror="window.__pwned=2"> corrected.')
        version = _version(page)
        page.keyboard.press("Enter")
        page.wait_for_selector(f'body[data-drawn="{version + 1}"]', state="attached")
        assert '<img src=x onerror="window.__pwned=2"> corrected.' in page.inner_text("#beads")
        assert page.locator("#beads img, #beads script").count() == 0
        assert page.evaluate("window.__pwned") is None
        assert errors == []
        page.close()


def test_the_sample_s_document_view_draws_and_makes_the_readme_screenshot(
    browser, memory_path: Path, tmp_path: Path
):
    import matplotlib.image

    with serving(memory_path) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        _open(page, url, 0)
        for key in "jjj":
            page.keyboard.press(key)
        _press(page, "a")
        page.keyboard.press("k")
        page.evaluate("window.scrollTo(0, 0)")
        shot = tmp_path / "review.png"
        page.screenshot(path=str(shot))
        page.close()
    pixels = matplotlib.image.imread(shot)[..., :3]
    assert pixels.shape == (860, 1280, 3) and pixels.std() > 0.05  # text, not a blank page
    # The approved bead's green marker (#2f855a) is drawn: the status really renders.
    green = (abs(pixels - (47 / 255, 133 / 255, 90 / 255)).max(axis=-1) < 0.05).sum()
    assert green > 100
    if os.environ.get("BITEXT_REVIEW_SCREENSHOT"):  # how docs/review.png is made
        shutil.copy(shot, os.environ["BITEXT_REVIEW_SCREENSHOT"])


@pytest.fixture
def long_memory(tmp_path: Path, shared_dir: Path) -> Path:
    """A memory holding one document of 2,000 1-1 beads: the real sentence pairs of
    wmt22-news, numbered (each a unit of its own), stored as a batch stores a document."""
    texts = []
    for path in sorted((shared_dir / "eval" / "wmt22-news" / "docs").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        texts.extend(zip(doc["zh"], doc["en"], strict=False))
    sentences, beads, pairs = [], [], []
    for k in range(2000):
        zh, en = texts[k % len(texts)]
        zh, en = f"{zh}（{k}）", f"{en} ({k})"
        sentences += [ReviewSentence("src", k, zh, k // 10), ReviewSentence("tgt", k, en, k // 10)]
        beads.append(ReviewBead((k,), (k,), 0.97))
        pairs.append(StoredPair(zh, en, "1-1", 0.97, k // 10))
    record = DocumentRecord(
        "long.txt",
        "long",
        {"test": 1},
        tuple(pairs),
        src_sentences=2000,
        tgt_sentences=2000,
        sentences=tuple(sentences),
        beads=tuple(beads),
    )
    memory = tmp_path / "long.sqlite"
    with TranslationMemory(memory) as tm:
        tm.add(record)
    return memory


def test_a_2000_bead_document_draws_in_chunks_and_an_action_redraws_only_its_beads(
    browser, long_memory: Path
):
    with serving(long_memory) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        page.wait_for_selector("#doc-list tr.doc.focused")
        page.keyboard.press("Enter")
        page.wait_for_selector("#beads .bead", state="visible")
        _drawn(page)
        assert page.locator("#beads .bead").count() == 2000
        last = page.locator("#beads .bead").last
        assert last.locator(".n").text_content() == "2000"
        assert last.locator(".side.tgt").text_content().endswith("(1999)")
        # Tag the rows, merge the first two beads: the rows after them are kept, renumbered.
        page.evaluate("document.querySelectorAll('#beads .bead').forEach((r) => r.tag = 1)")
        _press(page, "m")
        assert page.locator("#beads .bead").count() == 1999
        assert (
            page.evaluate(
                "[...document.querySelectorAll('#beads .bead')].filter((r) => !r.tag).length"
            )
            == 1
        )
        assert last.locator(".n").text_content() == "1999"
        assert page.evaluate(SHOWN)[0][2] == "auto" and len(page.evaluate(SHOWN)[0][0]) == 2
        # The address keeps the focused bead: opened on one far down, the page draws every row
        # at once to show it, and says it is done.
        page.goto("about:blank")
        page.goto(url.split("?")[0] + "#doc=1&bead=1500")
        page.wait_for_selector('.bead.focused[data-pos="1500"]', state="attached")
        _drawn(page)
        assert page.locator("#beads .bead").count() == 1999
        page.close()


def test_needs_review_filters_and_n_jumps_to_each_doubtful_bead_in_turn(browser, memory_path: Path):
    with TranslationMemory(memory_path) as tm:
        beads = load(tm, 2).beads
    doubtful = [
        k for k, b in enumerate(beads) if b.status == "auto" and (b.score is None or b.score < 0.96)
    ]
    assert 2 <= len(doubtful) < len(beads)  # the swapped release: some doubted, not all
    with serving(memory_path) as url:
        page = browser.new_page()
        _open(page, url, 1)
        focus, seen = 0, []
        for _ in range(len(doubtful) + 1):
            page.keyboard.press("n")
            focus = next((k for k in doubtful if k > focus), doubtful[0])  # wraps around
            seen.append(focus)
            page.wait_for_selector(f'.bead.focused[data-pos="{focus}"]', state="attached")
        assert seen[-1] == seen[0]  # once round, back to the first after the start
        page.keyboard.press("f")
        page.wait_for_selector("#beads.filtered", state="attached")
        shown = page.evaluate(
            "[...document.querySelectorAll('#beads .bead')]"
            ".map((r, k) => getComputedStyle(r).display === 'none' ? -1 : k)"
            ".filter((k) => k >= 0)"
        )
        assert shown == doubtful
        page.keyboard.press("f")
        page.wait_for_selector("#beads:not(.filtered)", state="attached")
        page.close()


def test_an_action_that_does_not_fit_shows_the_servers_reason_and_changes_nothing(
    browser, memory_path: Path
):
    with TranslationMemory(memory_path) as tm:
        before = load(tm, 1)
    assert not before.beads[0].is_pair and before.beads[1].is_pair  # p cannot pair them
    with serving(memory_path) as url:
        page = browser.new_page()
        _open(page, url, 0)
        page.keyboard.press("p")
        banner = page.locator("#banner.error")
        banner.wait_for(state="visible")
        assert "not two neighbouring sentences without counterpart" in banner.inner_text()
        assert _version(page) == before.version
        page.close()
    with TranslationMemory(memory_path) as tm:
        assert load(tm, 1) == before

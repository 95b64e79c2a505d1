"""The bad-input suite: every way an input or output can be wrong, through the real CLI.

Each case is a file in tests/bad_inputs/ (its README.md says what each holds), or
is generated here when it would be too big to commit. Every case runs
``python -m bitext.cli`` in a folder of its own and checks the whole one-line
error, the exit code, and that nothing was written or lost; the cases that are
not errors check the result instead. docs/reliability.md tabulates them all.

The runs that align something take seconds each (models load in every process),
so they start in the background when the module starts and their tests collect
the results; the error cases run in the foreground meanwhile.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from bitext import tmx
from bitext.align import check_size
from bitext.errors import InputError
from bitext.export import validate_tmx
from bitext.normalize import normalize
from bitext.read import MAX_BYTES, read_text
from bitext.tm import TranslationMemory
from cli_helpers import command, skip_if_setpriv_failed, unprivileged

# Not in the quick subset (-m "not slow"):
# the whole table of bad inputs, each through the command line.
pytestmark = pytest.mark.slow

BAD = Path(__file__).resolve().parent / "bad_inputs"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "press_release_chongqing.txt"
# The clean release most bad_inputs files are made from (README.md there).
ZH = (
    "双方签署合作协议，将用好用活外事资源，做大做强重庆国际传播平台。",
    "座谈会上，管洪对市政府外办一行表示欢迎。",
    "章勇武表示，此次签约是双方合作的起点。",
)
EN = (
    "The two parties signed a cooperation agreement to make good use of foreign affairs "
    "resources and expand Chongqing's international communication platform.",
    "At the meeting, Guan Hong welcomed the group of the Foreign Affairs Office.",
    "Zhang Yongwu said that this signing marks the starting point for bilateral cooperation.",
)
UTF8_ADVICE = "in an otherwise UTF-8 file (mixed encodings or damage); save it all as UTF-8"


@dataclass(frozen=True)
class Run:
    """One finished command: its folder, exit code and standard error (and peak memory)."""

    folder: Path
    code: int
    err: str
    peak_mb: float | None = None

    def listing(self) -> list[str]:
        return sorted(os.listdir(self.folder))

    def units(self, name: str = "out.tmx") -> list[tuple[str, ...]]:
        path = self.folder / name
        validate_tmx(path)
        return [tuple(v.text for v in u.variants.values()) for u in tmx.read(path).units]


def bitext(folder: Path, *args: str | Path, prefix: tuple[str, ...] = ()) -> Run:
    done = subprocess.run(
        [*prefix, *command(*args)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return Run(folder, done.returncode, done.stderr)


def staged(folder: Path, *names: str) -> Path:
    """`folder` holding copies of the named bad_inputs files."""
    for name in names:
        shutil.copyfile(BAD / name, folder / name)
    return folder


# --- runs that align: started in the background at module start -------------------------


def _align_file(name: str) -> Callable[[Path], Run]:
    return lambda folder: bitext(staged(folder, name), "align", name, "-o", "out.tmx")


# `python -m bitext.cli` that prints its peak memory (kB) on exit. VmHWM is the child's
# own; ru_maxrss would carry over the size of the pytest process it was forked from.
_CLI_WITH_PEAK = """
import sys
from bitext.cli import main
code = main()
with open("/proc/self/status") as status:
    print(next(x for x in status if x.startswith("VmHWM:")).split()[1])
sys.exit(code)
"""
BIG_ZH, BIG_EN = ("".join(ZH) + "\n").encode(), (" ".join(EN) + "\n").encode()
BIG_HALF = 25 * 2**20


def _fifty_megabytes(folder: Path) -> Run:
    # A Chinese block then an English block, of short sentences: a paragraph each
    # three sentences, far past what one search can align, whatever the exact limit.
    zh, en = BIG_ZH * (BIG_HALF // len(BIG_ZH)), BIG_EN * (BIG_HALF // len(BIG_EN))
    (folder / "big.txt").write_bytes(zh + b"\n" + en)
    done = subprocess.run(
        [sys.executable, "-c", _CLI_WITH_PEAK, "align", "big.txt", "-o", "out.tmx"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return Run(folder, done.returncode, done.stderr, int(done.stdout) / 1024)


def long_lines() -> tuple[str, str]:
    """100,000 characters of Chinese and of English words, neither with punctuation."""
    rng = random.Random(7)
    han = "双方签署合作协议将用好用活外事资源做大做强重庆国际传播平台座谈会上管洪对市政府外办"
    words = ("the", "two", "parties", "signed", "a", "cooperation", "agreement", "on", "media")
    en = " ".join(rng.choice(words) for _ in range(30_000))[:99_999] + "s"
    return "".join(rng.choice(han) for _ in range(100_000)), en


def _long_line(folder: Path) -> Run:
    zh, en = long_lines()
    (folder / "long.txt").write_text(f"{zh}\n{en}\n", encoding="utf-8")
    # Random words translate nothing: the pair is exported only because it is asked for.
    return bitext(folder, "align", "long.txt", "-o", "out.tmx", "--min-score", "0")


def _batch(folder: Path) -> Run:
    archive = folder / "archive"
    archive.mkdir()
    shutil.copyfile(SAMPLE, archive / SAMPLE.name)
    staged(archive, *BATCH_FAILURES)
    return bitext(folder, "batch", "archive", "--tm", "tm.sqlite", "-o", "archive.tmx")


def _batch_undecodable_name(folder: Path) -> Run:
    archive = folder / "archive"
    archive.mkdir()
    shutil.copyfile(SAMPLE, os.path.join(os.fsencode(archive), b"release-\xff.txt"))
    return bitext(folder, "batch", "archive", "--tm", "tm.sqlite")


BACKGROUND: dict[str, Callable[[Path], Run]] = {
    "big": _fifty_megabytes,
    "long": _long_line,
    "batch": _batch,
    "batch_name": _batch_undecodable_name,
    "one_english_line": _align_file("one_english_line.txt"),
    "one_chinese_line": _align_file("one_chinese_line.txt"),
    "one_line_each": _align_file("one_line_each.txt"),
    "stray_nul": _align_file("stray_nul.txt"),
    "control_chars": _align_file("control_chars.txt"),
    "char_refs": _align_file("char_refs.html"),
    **{
        name.partition(".")[0]: _align_file(name)
        for name in (
            "stray_utf16_bom.txt",
            "utf32_no_bom.txt",
            "paragraph_separators.txt",
            "bidi_emoji.txt",
            "fallback_markup.html",
            "text_box.docx",
            "macro_enabled.docm",
        )
    },
}


#: Background runs of the tests that are not parametrized by `key`.
NEEDS = {
    "test_one_line_each_aligns": "one_line_each",
    "test_batch_reports_each_bad_file_and_stores_the_good_one": "batch",
    "test_batch_survives_a_file_name_that_is_not_utf8": "batch_name",
    "test_50_mb_text_is_refused_with_a_clear_error": "big",
    "test_100000_character_line_without_punctuation_is_one_unit": "long",
}


class Background:
    """The aligning runs, a few at a time (the large ones take 2 GB each)."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.pool = ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2)))
        self.runs: dict[str, Future[Run]] = {}

    def start(self, key: str) -> None:
        if key not in self.runs:
            self.runs[key] = self.pool.submit(BACKGROUND[key], self.factory.mktemp(key))

    def result(self, key: str) -> Run:
        self.start(key)
        return self.runs[key].result()


@pytest.fixture(scope="module", autouse=True)
def background(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    """Starts, before the first test, the runs the selected tests of this module need."""
    runs = Background(tmp_path_factory)
    wanted = set()
    for item in request.session.items:
        if item.module is not request.module:
            continue
        callspec = getattr(item, "callspec", None)
        wanted.add(callspec.params.get("key") if callspec else NEEDS.get(item.originalname))
    for key in ("big", "long", *BACKGROUND):  # slowest first
        if key in wanted:
            runs.start(key)
    yield runs
    runs.pool.shutdown(wait=True, cancel_futures=True)


# --- bad input: one line, exit 2, nothing written ------------------------------------------

ERRORS = [
    ("missing.txt", "no such file"),
    ("empty.txt", "file is empty"),
    ("whitespace_only.txt", "file is empty"),
    ("image.png", "binary file (PNG image), not text"),
    ("document.pdf", "no text found in the PDF (it has no pages)"),
    ("archive.zip", "binary file (ZIP archive), not text"),
    ("not_a_zip.docx", "not a valid .docx (not a zip archive)"),
    ("no_text.docx", "no text found in the docx file"),
    ("no_text.html", "no text found in the html file"),
    ("chinese_only.txt", "no English text found; bitext needs both Chinese and English"),
    ("english_only.txt", "no Chinese text found; bitext needs both Chinese and English"),
    ("mixed_gbk_paragraph.txt", f"invalid UTF-8 at line 3 (byte 158) {UTF8_ADVICE}"),
    ("mixed_cp1252_apostrophe.txt", f"invalid UTF-8 at line 5 (byte 330) {UTF8_ADVICE}"),
    ("cesu8_emoji.txt", f"invalid UTF-8 at line 3 (byte 215) {UTF8_ADVICE}"),
    ("utf16_lone_surrogate.txt", "invalid utf-16 data at byte 148 (file damaged or mislabelled)"),
]


@pytest.mark.parametrize(("name", "problem"), ERRORS, ids=[name for name, _ in ERRORS])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path: Path, name: str, problem: str):
    present = [name] if (BAD / name).exists() else []
    run = bitext(staged(tmp_path, *present), "align", name, "-o", "out.tmx")
    assert (run.code, run.err) == (2, f"bitext: error: {name}: {problem}\n")
    assert run.listing() == present  # no out.tmx, no temporary file
    for kept in present:
        assert (tmp_path / kept).read_bytes() == (BAD / kept).read_bytes()


@pytest.mark.parametrize(
    ("name", "foreign", "line"),
    [
        ("mixed_gbk_paragraph.txt", "章勇武".encode("gbk"), 3),
        ("mixed_cp1252_apostrophe.txt", b"\x92s international", 5),
        ("cesu8_emoji.txt", b"\xed\xa0\xbd", 3),
    ],
    ids=["gbk", "cp1252", "cesu8"],
)
def test_encoding_errors_point_at_the_foreign_bytes(name: str, foreign: bytes, line: int):
    data = (BAD / name).read_bytes()
    at = data.index(foreign)
    assert data[:at].count(b"\n") + 1 == line
    assert f"at line {line} (byte {at})" in dict(ERRORS)[name]


def test_utf16_error_points_at_the_lone_surrogate():
    data = (BAD / "utf16_lone_surrogate.txt").read_bytes()
    at = data.index(b"\x3d\xd8")  # U+D83D, little-endian, with no low half after it
    assert at % 2 == 0 and data[at + 2 : at + 4] == b"\n\x00"
    assert f"at byte {at} " in dict(ERRORS)["utf16_lone_surrogate.txt"]


# --- output problems: exit 3, nothing written, nothing lost --------------------------------

OUTPUTS = [
    ("nowhere/out.tmx", (), "nowhere/out.tmx: directory nowhere does not exist"),
    ("notes.txt/out.tmx", (), "notes.txt/out.tmx: notes.txt is not a directory"),
    ("out.tmx", (), "out.tmx exists; use --force to overwrite"),
    (
        "out.xlsx",
        (),
        "unknown output format for 'out.xlsx'; known formats: tmx (.tmx), tsv (.tsv .tab)",
    ),
    (
        "one_line_each.txt",
        ("--format", "tmx", "--force"),
        "one_line_each.txt: is also an input; refusing to overwrite it",
    ),
]


@pytest.mark.parametrize(
    ("output", "options", "problem"),
    OUTPUTS,
    ids=["missing_directory", "parent_is_a_file", "exists", "unknown_format", "is_the_input"],
)
def test_unwritable_output_is_exit_3_and_loses_nothing(
    tmp_path: Path, output: str, options: tuple[str, ...], problem: str
):
    staged(tmp_path, "one_line_each.txt")
    (tmp_path / "notes.txt").write_bytes(b"a file where a folder was expected")
    (tmp_path / "out.tmx").write_bytes(b"<tmx>a curated memory</tmx>")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    run = bitext(tmp_path, "align", "one_line_each.txt", "-o", output, *options)
    assert (run.code, run.err) == (3, f"bitext: error: {problem}\n")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


@pytest.mark.parametrize("command", [("batch",), ("report",)], ids=["batch", "report"])
def test_other_commands_never_write_over_their_input(tmp_path: Path, command: tuple[str, ...]):
    name = "one_line_each.txt"
    run = bitext(staged(tmp_path, name), *command, name, "-o", name, "--force")
    assert (run.code, run.err) == (
        3,
        f"bitext: error: {name}: is also an input; refusing to overwrite it\n",
    )
    assert run.listing() == [name]  # no memory created either
    assert (tmp_path / name).read_bytes() == (BAD / name).read_bytes()


def test_read_only_output_directory(tmp_path: Path):
    # Root writes anywhere; drop the capabilities that allow it, as test_atomic.py does.
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    prefix = unprivileged()
    try:
        run = bitext(staged(tmp_path, "one_line_each.txt"), "align", "one_line_each.txt",
                     "-o", "locked/out.tmx", prefix=prefix)  # fmt: skip
    finally:
        locked.chmod(0o755)
    skip_if_setpriv_failed(prefix, run.err)
    assert (run.code, run.err) == (3, "bitext: error: locked/out.tmx: cannot write in locked\n")
    assert os.listdir(locked) == []


# --- not errors: a side of one line, junk characters ---------------------------------------


def test_one_line_each_aligns(background: Background):
    run = background.result("one_line_each")
    assert run.code == 0, run.err
    assert run.err.endswith("\nwrote out.tmx: 1 translation units from 1 file(s)\n")
    assert run.units() == [(ZH[0], EN[0])]
    assert run.listing() == ["one_line_each.txt", "out.tmx"]


@pytest.mark.parametrize("key", ["one_english_line", "one_chinese_line"])
def test_a_side_of_one_line_still_aligns(background: Background, key: str):
    run = background.result(key)
    assert run.code == 0, run.err
    summary, wrote = run.err.splitlines()
    assert summary.startswith(f"{key}.txt: 1 pair ")
    assert wrote == "wrote out.tmx: 1 translation units from 1 file(s)"
    assert run.listing() == sorted([f"{key}.txt", "out.tmx"])


@pytest.mark.parametrize(
    ("key", "zh_start", "en_start"),
    [
        ("one_english_line", "为深入贯彻落实习近平总书记", "In order to thoroughly implement"),
        ("one_chinese_line", "双方签署合作协议", "The two parties signed a cooperation"),
    ],
    ids=["one_english_line", "one_chinese_line"],
)
def test_a_side_of_one_line_pairs_its_translation(
    background: Background, key: str, zh_start: str, en_start: str
):
    ((zh, en),) = background.result(key).units()
    assert zh.startswith(zh_start) and en.startswith(en_start)
    assert "。" not in zh.rstrip("。")  # the one Chinese sentence, not several


JUNK = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x1f", "\ufffe", "\uffff", "\ud800", "&#"]


def assert_three_units(run: Run, pairs: list[tuple[str, str]]) -> str:
    """`run` aligned its input into exactly `pairs`; the TMX's text, for more checks."""
    assert run.code == 0, run.err
    assert run.err.endswith("\nwrote out.tmx: 3 translation units from 1 file(s)\n")
    assert run.units() == pairs  # validated against the TMX DTD on the way
    return (run.folder / "out.tmx").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("key", "pairs"),
    [
        ("stray_nul", list(zip(ZH, EN, strict=True))),
        ("control_chars", list(zip(ZH, EN, strict=True))),
        # &#0; and &#xD800; name no character: the HTML parser makes them U+FFFD, which
        # stays, flagged as encoding damage; &#x1F; and &#xFFFE; are dropped.
        (
            "char_refs",
            [
                (ZH[0].replace("，将", "，\ufffd将"), EN[0]),
                (ZH[1], EN[1]),
                (ZH[2].replace("起点", "起\ufffd点"), EN[2]),
            ],
        ),
    ],
    ids=["stray_nul", "control_chars", "char_refs"],
)
def test_junk_characters_are_cleaned_and_the_rest_kept(
    background: Background, key: str, pairs: list[tuple[str, str]]
):
    run = background.result(key)
    written = assert_three_units(run, pairs)
    assert not [c for c in JUNK if c in written]
    assert len(run.listing()) == 2  # the input and out.tmx: no temporary file left


FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize(
    ("key", "pairs"),
    [
        ("stray_utf16_bom", list(zip(ZH, EN, strict=True))),
        ("utf32_no_bom", list(zip(ZH, EN, strict=True))),
        ("paragraph_separators", list(zip(ZH, EN, strict=True))),
        ("fallback_markup", list(zip(ZH, EN, strict=True))),
        ("text_box", list(zip(ZH, EN, strict=True))),
        ("macro_enabled", list(zip(ZH, EN, strict=True))),
        # The bidi controls gone, the emoji family one sequence.
        (
            "bidi_emoji",
            list(zip((*ZH[:2], ZH[2].replace("起点", f"起点{FAMILY}")), EN, strict=True)),
        ),
    ],
)
def test_structures_and_encodings_are_read_whole(
    background: Background, key: str, pairs: list[tuple[str, str]]
):
    run = background.result(key)
    written = assert_three_units(run, pairs)
    assert not set(BIDI_CONTROLS) & set(written)
    if key == "bidi_emoji":  # the one unit whose sentences held controls says so
        flagged = [tu for tu in written.split("<tu ")[1:] if "bidi-control" in tu]
        assert len(flagged) == 1 and "管洪" in flagged[0] and "Guan Hong" in flagged[0]


def test_lone_surrogates_from_the_api_become_flagged_replacement_characters():
    # Only the library can be handed them (files holding them fail to decode, above);
    # OpenCC used to crash on them with a UnicodeEncodeError.
    text = "重庆\ud83d日报\udcff。\nChongqing\udc80 Daily.\n"
    doc = read_text(text, source="api")
    assert doc.text == "重庆\ufffd日报\ufffd。\nChongqing\ufffd Daily.\n"
    damaged = normalize(doc).paragraphs
    assert all(p.damage for p in damaged)


# --- batch: every bad file named in one line, the good one stored --------------------------

BATCH_FAILURES = {
    "empty.txt": "file is empty",
    "whitespace_only.txt": "file is empty",
    "photo.txt": "binary file (PNG image), not text",
    "not_a_zip.docx": "not a valid .docx (not a zip archive)",
    "no_text.docx": "no text found in the docx file",
    "no_text.html": "no text found in the html file",
    "chinese_only.txt": "no English text found; bitext needs both Chinese and English",
    "mixed_gbk_paragraph.txt": f"invalid UTF-8 at line 3 (byte 158) {UTF8_ADVICE}",
    "utf16_lone_surrogate.txt": "invalid utf-16 data at byte 148 (file damaged or mislabelled)",
}


def test_batch_reports_each_bad_file_and_stores_the_good_one(background: Background):
    run = background.result("batch")
    assert run.code == 1, run.err  # some inputs failed
    *failed, summary, wrote = run.err.splitlines()
    assert sorted(failed) == sorted(
        f"bitext: failed: archive/{name}: {problem}" for name, problem in BATCH_FAILURES.items()
    )
    assert summary.startswith(f"1 documents added, 0 skipped (already in the memory), "
                              f"{len(BATCH_FAILURES)} failed; 13 new units; ")  # fmt: skip
    assert wrote == "wrote archive.tmx: 13 translation units"
    assert len(run.units("archive.tmx")) == 13
    for name in BATCH_FAILURES:  # nothing lost: every input as it was
        assert (run.folder / "archive" / name).read_bytes() == (BAD / name).read_bytes()


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses non-UTF-8 file names")
def test_batch_survives_a_file_name_that_is_not_utf8(background: Background):
    run = background.result("batch_name")
    assert run.code == 0, run.err
    assert "1 documents added" in run.err
    with TranslationMemory(run.folder / "tm.sqlite") as memory:
        # The stray byte is kept visibly as \xff, so the file can still be found.
        assert [d.path for d in memory.documents()] == ["archive/release-\\xff.txt"]


# --- large inputs (peak memory and time: benchmarks/large_inputs.py) -----------------------


@pytest.mark.slow
def test_50_mb_text_is_refused_with_a_clear_error(background: Background):
    run = background.result("big")
    size = (run.folder / "big.txt").stat().st_size
    assert 49 * 2**20 < size < MAX_BYTES  # under the byte limit: the sentence limit decides
    line = re.fullmatch(
        r"bitext: error: big\.txt: at least (\d+) x (\d+) sentences is too long to align in "
        r"one piece \(limit [^()]+\); split the document\n",
        run.err,
    )
    assert run.code == 2 and line, run.err
    # Refused on its paragraphs (lines), before normalizing and segmenting them.
    assert (int(line[1]), int(line[2])) == (BIG_HALF // len(BIG_ZH), BIG_HALF // len(BIG_EN))
    with pytest.raises(InputError):  # the message and the library's limit agree
        check_size(int(line[1]), int(line[2]))
    assert run.listing() == ["big.txt"]
    # Refused after normalizing and segmenting, it peaked at 1,970 MB; now at about 330.
    assert run.peak_mb is not None and run.peak_mb < 800, run.peak_mb


@pytest.mark.slow
def test_100000_character_line_without_punctuation_is_one_unit(background: Background):
    run = background.result("long")
    assert run.code == 0, run.err
    assert run.err.endswith("\nwrote out.tmx: 1 translation units from 1 file(s)\n")
    assert run.units() == [long_lines()]  # one sentence each side, nothing cut or lost

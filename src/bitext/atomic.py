"""Write output files all at once or not at all.

A translation memory that is half written looks like a valid file to the next
tool in the chain, and an existing TMX is often hand-curated work, so every
output goes to a temporary file beside the target and is moved into place only
when it is complete. Without ``force`` an existing file is never replaced, even
if it appears between our check and the final move; with it, only a regular
file of the kind being written is (an old output: TMX over TMX, a report over a
report, see `file_kind`): a release, a directory, a symbolic link or a FIFO at
the target is refused, so ``--force`` with a mistyped ``-o`` loses nothing.

A process killed outright (kill -9, the OOM killer, a power cut) cannot remove
its temporary file: the target is still the old file (or absent), and a hidden
``.NAME.XXXXXXXX.tmp`` beside it holds the unfinished write. Nothing reads
such a file as output (no tool takes ``.tmp`` for TMX, batch skips hidden
files), and it is safe to delete.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from bitext.errors import OutputError, exists_error

__all__ = [
    "REPORT_MARK",
    "atomic_open",
    "atomic_write",
    "check_target",
    "file_kind",
    "remove_sqlite",
]

#: Bytes read from the start of a file to tell its kind.
_HEAD = 4096
_ROOT = re.compile(rb"<(?![?!])([A-Za-z][\w.:-]*)")
_LABELS = {
    "tmx": "TMX",
    "tbx": "TBX",
    "html": "HTML",
    "srx": "SRX",
    "tsv": "TSV",
    "report": "bitext report",
}
#: The line bitext's review pages carry in their head (see `bitext.report`).
REPORT_MARK = '<meta name="generator" content="bitext">'


def file_kind(head: bytes) -> str | None:
    """What a file starting with `head` is, as far as replacing it goes.

    An XML or HTML file: its root element's name (``tmx``, ``html``, ``srx``),
    ``report`` for a review page bitext wrote (`REPORT_MARK` in its head);
    a file whose first line has a tab: ``tsv``; anything else (a release, a
    binary file): None, which matches nothing, so it is never replaced.
    """
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<"):
        root = _ROOT.search(text)
        kind = root.group(1).decode("ascii").lower() if root else None
        # HTML is also what releases come as: only a page bitext wrote is an old report.
        return "report" if kind == "html" and REPORT_MARK.encode() in text else kind
    first = text.split(b"\n", 1)[0]
    return "tsv" if b"\t" in first and b"\0" not in head else None


def _head(path: Path | str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(_HEAD)


def check_target(
    path: str | os.PathLike[str], *, force: bool = False, kind: str | None = None
) -> Path:
    """Check that `path` can receive an output file; return it as a `Path`.

    Meant to be called before any expensive work, so that a refused output
    costs nothing; `atomic_open` runs the same check. Raises `OutputError`
    (one line, naming the path) when `path` is empty, when its directory is
    missing, not a directory or not writable, when it exists and `force` is
    false, and always when it is a directory, a symbolic link or another
    non-regular file: replacing a link would silently cut it from the file it
    pointed at, and a FIFO or device is not somewhere a TMX belongs. With
    `kind` (what will be written, as `file_kind` names it), a non-empty file of
    another kind is refused even with `force`; `atomic_open` checks the kind
    of what it wrote before it replaces anything in any case.
    """
    raw = os.fspath(path)
    if not raw:
        # Path("") means "." and would be reported as a directory; say what happened.
        raise OutputError("output path is empty")
    target = Path(raw)
    _check_directory(target)
    _check_existing(target, force)
    if force and kind is not None:
        _check_kind(target, kind)
    return target


def _check_directory(target: Path) -> None:
    """The directory that will hold `target` exists, is a directory and is writable."""
    parent = target.parent
    try:
        info = os.stat(parent)  # following links: a symlinked directory is a fine home
    except (FileNotFoundError, NotADirectoryError):
        blocker = _non_directory_ancestor(parent)
        if blocker is not None:
            raise OutputError(f"{target}: {blocker} is not a directory") from None
        raise OutputError(f"{target}: directory {parent} does not exist") from None
    except OSError as exc:
        raise OutputError(f"{target}: cannot write in {parent}: {exc.strerror}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{target}: {parent} is not a directory")
    # Root passes os.access everywhere; mkstemp in atomic_open still catches the rest.
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{target}: cannot write in {parent}")


def _non_directory_ancestor(directory: Path) -> Path | None:
    """The nearest existing ancestor of a missing `directory` if it is a file, else None."""
    for candidate in (directory, *directory.parents):
        try:
            info = os.stat(candidate)
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError:
            return None
        return None if stat.S_ISDIR(info.st_mode) else candidate
    return None


def _check_existing(target: Path, force: bool) -> None:
    """Refuse anything at `target` but a regular file, and that only without `force`."""
    try:
        info = os.lstat(target)  # lstat: a link is judged itself, never its target
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        kind = "is a directory"
    elif stat.S_ISLNK(info.st_mode):
        kind = "is a symbolic link"
    elif not stat.S_ISREG(info.st_mode):
        kind = "is not a regular file"
    elif force:
        return
    else:
        raise exists_error(target)
    raise OutputError(f"{target} {kind}; refusing to replace it")


def _check_kind(target: Path, kind: str | None) -> None:
    """With --force: refuse to replace a non-empty file that is not of `kind`.

    --force is for replacing an old output, and an old output is of the kind
    being written; anything else there (a release passed as -o by mistake,
    a memory, a spreadsheet) is someone's work that bitext did not make.
    """
    try:
        head = _head(target)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"{target}: cannot read it to check it: {exc.strerror}") from None
    if head and (kind is None or file_kind(head) != kind):
        label = _LABELS.get(kind, kind) if kind else "bitext output"
        raise OutputError(f"{target} is not a {label} file; refusing to replace it")


def _new_file_mode() -> int:
    """The mode an ordinary ``open(path, "w")`` would give a new file.

    mkstemp creates files 0600, which would make every output private to its
    writer; reading the umask means setting it, so it is put back at once.
    """
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable; not possible (nor needed) everywhere."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _commit(tmp: Path, path: Path, force: bool) -> None:
    """Move the finished temporary file to `path`."""
    if force:
        # Again just before replacing: a link or directory may have appeared meanwhile.
        _check_existing(path, force)
        _check_kind(path, file_kind(_head(tmp)))
        os.replace(tmp, path)
        return
    # A hard link fails if `path` exists, atomically, so a file created by
    # someone else since check_target is still never overwritten.
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise exists_error(path) from None
    except OSError:
        # File systems without hard links: fall back to check-then-replace.
        if os.path.lexists(path):
            raise exists_error(path) from None
        os.replace(tmp, path)
    else:
        tmp.unlink()


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], *, force: bool = False) -> Iterator[BinaryIO]:
    """Open a binary file that appears at `path` only if the block completes.

    The target is checked on entry with `check_target` (so a refused output
    costs no work, and the refusals are the same). If the block raises, the
    temporary file is removed and `path` is left as it was.
    """
    target = check_target(path, force=force)
    directory = target.parent
    try:
        fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"{target}: cannot write in {directory}: {exc.strerror}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _new_file_mode())
        _commit(tmp, target, force)
    except BaseException as exc:
        # BaseException: a Ctrl-C halfway must not leave a stray .tmp either.
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        if isinstance(exc, OSError):
            # A full disk or a vanished directory, reported like the checks above.
            raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from exc
        raise
    _fsync_dir(directory)


def atomic_write(path: str | os.PathLike[str], data: bytes, *, force: bool = False) -> Path:
    """Write `data` to `path` atomically and return the path written.

    Raises `OutputError` (one line, naming the path) in every case that
    `check_target` refuses; nothing is left behind in any of them.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"atomic_write needs bytes, not {type(data).__name__}")
    with atomic_open(path, force=force) as handle:
        handle.write(data)
    return Path(path)


def remove_sqlite(path: str | os.PathLike[str]) -> None:
    """Delete an SQLite file bitext made (and proved its own), with its -wal and -shm files.

    Callers decide it is theirs to delete: a memory this run created and stored
    nothing in, a cache `check_cache_file` proved ours, a temporary file.
    """
    name = os.fspath(path)
    for leftover in (f"{name}-wal", f"{name}-shm", name):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(leftover)

"""Write output files all at once or not at all.

A translation memory that is half written looks like a valid file to the next
tool in the chain, and an existing TMX is often hand-curated work, so every
output goes to a temporary file beside the target and is moved into place only
when it is complete. Without ``force`` an existing file is never replaced, even
if it appears between our check and the final move.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from bitext.errors import OutputError

__all__ = ["atomic_open", "atomic_write"]


def _check_target(path: Path, force: bool) -> None:
    """Fail early, with a message the user can act on, before any work is done."""
    if path.is_dir():
        raise OutputError(f"{path}: is a directory, not a file")
    parent = path.parent
    if not parent.exists():
        raise OutputError(f"{path}: directory {parent} does not exist")
    if not parent.is_dir():
        raise OutputError(f"{path}: {parent} is not a directory")
    # lexists: a dangling symlink is still something the user put there.
    if os.path.lexists(path) and not force:
        raise OutputError(f"{path} exists; use --force to overwrite")


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
        os.replace(tmp, path)
        return
    # A hard link fails if `path` exists, atomically, so a file created by
    # someone else since _check_target is still never overwritten.
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise OutputError(f"{path} exists; use --force to overwrite") from None
    except OSError:
        # File systems without hard links: fall back to check-then-replace.
        if os.path.lexists(path):
            raise OutputError(f"{path} exists; use --force to overwrite") from None
        os.replace(tmp, path)
    else:
        tmp.unlink()


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], *, force: bool = False) -> Iterator[BinaryIO]:
    """Open a binary file that appears at `path` only if the block completes.

    The target is checked on entry (so a refused output costs no work). If the
    block raises, the temporary file is removed and `path` is left as it was.
    Raises `OutputError` when `path` exists without `force`, is a directory,
    or its directory is missing or not writable.
    """
    target = Path(path)
    _check_target(target, force)
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

    Raises `OutputError` (one line, naming the path) when `path` exists and
    `force` is false, when it is a directory, or when its directory is missing
    or not writable; nothing is left behind in any of these cases.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"atomic_write needs bytes, not {type(data).__name__}")
    with atomic_open(path, force=force) as handle:
        handle.write(data)
    return Path(path)

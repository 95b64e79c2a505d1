"""Errors bitext raises on bad input or an unusable environment.

Every message is one line that names the problem and the file, so that the CLI
can print it as it is and exit non-zero.
"""

from __future__ import annotations


class BitextError(Exception):
    """Base class: a problem the user can act on (not a bug in bitext).

    The message speaks Python (``force=True``), the words of whoever called
    the library; `cli` is the same message in the command line's words
    (``--force``) where they differ, which `bitext.cli` prints instead.
    """

    exit_code = 1

    def __init__(self, *args: object, cli: str | None = None) -> None:
        super().__init__(*args)
        self.cli = cli

    def __reduce__(self) -> tuple[object, ...]:
        # Kept across processes (a batch's workers): pickling passes args only.
        return (_rebuild, (type(self), self.args, self.cli))

    def cli_message(self) -> str:
        """What the command line prints: `cli` when given, else the message."""
        return self.cli or str(self)


def _rebuild(cls: type[BitextError], args: tuple[object, ...], cli: str | None) -> BitextError:
    return cls(*args, cli=cli)


def exists_error(path: object) -> OutputError:
    """An output that is there already: the library's words and the command line's."""
    return OutputError(
        f"{path} exists; pass force=True to overwrite",
        cli=f"{path} exists; use --force to overwrite",
    )


class InputError(BitextError):
    """The input file is missing, unreadable, empty, binary or of an unknown format."""

    exit_code = 2


class LanguageError(InputError):
    """The input does not hold both languages that alignment needs."""


class OutputError(BitextError):
    """The output cannot be written (exists and not `force`, missing directory, ...)."""

    exit_code = 3


class EncoderError(BitextError):
    """A sentence encoder cannot be loaded (missing extra, model not available offline)."""

    exit_code = 4


class ReviewError(InputError):
    """A review action that does not fit the document: no such bead, a split point
    outside it, sentences not next to each other, a document with no alignment kept."""


class ReviewConflict(ReviewError):
    """The document changed since the caller loaded it (another tab, another reviewer).

    `current` is the document's version now: reload it, then act again.
    """

    def __init__(self, message: str, current: int = 0, *, cli: str | None = None) -> None:
        super().__init__(message, cli=cli)
        self.current = current

    def __reduce__(self) -> tuple[object, ...]:
        return (ReviewConflict, (str(self), self.current), {"cli": self.cli})

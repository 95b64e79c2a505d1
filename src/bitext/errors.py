"""Errors bitext raises on bad input or an unusable environment.

Every message is one line that names the problem and the file, so that the CLI
can print it as it is and exit non-zero.
"""

from __future__ import annotations


class BitextError(Exception):
    """Base class: a problem the user can act on (not a bug in bitext)."""

    exit_code = 1


class InputError(BitextError):
    """The input file is missing, unreadable, empty, binary or of an unknown format."""

    exit_code = 2


class LanguageError(InputError):
    """The input does not hold both languages that alignment needs."""


class OutputError(BitextError):
    """The output cannot be written (exists without --force, missing directory, ...)."""

    exit_code = 3


class EncoderError(BitextError):
    """A sentence encoder cannot be loaded (missing extra, model not available offline)."""

    exit_code = 4

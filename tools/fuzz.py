"""Fuzz the readers for longer than CI does (tests/test_fuzz.py), optionally with atheris.

    python tools/fuzz.py tmx --seconds 600              # random mutations, the tests' mutators
    python tools/fuzz.py docx --atheris --seconds 600   # coverage-guided (pip install atheris)

Targets: ``tmx`` (bitext.tmx.read), ``docx`` and ``html`` (bitext.read_bytes with that
format), ``sniff`` (read_bytes guessing the format). The seeds, the mutations and the
oracle are the tests' own: an input must read, or be refused with a one-line
InputError naming the file; any other outcome is a finding.

Random mode keeps going and writes every input whose failure is new (by exception type
and place) to ``--out``; atheris stops at its first finding and writes it as
``crash-<sha1>``. Move a finding into tests/fuzz_corpus/ once it is fixed.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import random
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

TESTS = Path(__file__).resolve().parents[1] / "tests"
TARGETS = ("tmx", "docx", "html", "sniff")


def load_suite(instrument: bool) -> ModuleType:
    """tests/test_fuzz.py as a module; under atheris, with bitext and python-docx instrumented."""
    sys.path.insert(0, str(TESTS))
    if not instrument:
        import test_fuzz

        return test_fuzz
    import atheris

    with atheris.instrument_imports(include=["bitext", "docx", "test_fuzz"]):
        import test_fuzz
    return test_fuzz


def seeds(suite: ModuleType, target: str) -> list[bytes]:
    by_target = {
        "tmx": list(suite.tmx_seeds()),
        "docx": [suite.docx_seed()],
        "html": list(suite.html_seeds()),
        "sniff": [suite.docx_seed(), suite.html_seeds()[0], suite.tmx_seeds()[1]],
    }
    return by_target[target]


def random_ops(rnd: random.Random, suite: ModuleType) -> list[tuple[str, int, Any]]:
    """Byte-level operations of the kinds `test_fuzz.mutate` applies, drawn at random."""
    ops: list[tuple[str, int, Any]] = []
    for _ in range(rnd.randint(1, 5)):
        pos = rnd.randrange(1 << 20)
        kind = rnd.choice(["flip", "insert", "write", "delete", "repeat", "truncate", "graft"])
        arg: Any = {
            "flip": rnd.randrange(8),
            "insert": rnd.choice(suite.TOKENS),
            "write": rnd.randbytes(rnd.randint(1, 8)),
            "delete": rnd.randint(1, 64),
            "repeat": rnd.randint(1, 256),
            "truncate": 0,
            "graft": rnd.choice(suite.TMX_GRAFTS + suite.WORDML_GRAFTS + suite.HTML_GRAFTS),
        }[kind]
        ops.append((kind, pos, arg))
    return ops


def random_input(rnd: random.Random, suite: ModuleType, seed: bytes) -> bytes:
    if seed.startswith(b"PK") and rnd.random() < 0.8:
        member_ops = []
        for _ in range(rnd.randint(1, 3)):
            kind = rnd.choice(["mutate", "mutate", "drop", "rename"])
            inner = random_ops(rnd, suite) if kind == "mutate" else []
            member_ops.append((kind, rnd.choice(suite.MEMBERS), inner))
        return suite.mutate_docx(seed, member_ops, rnd.random() < 0.7)
    return suite.mutate(seed, random_ops(rnd, suite))


def run_random(suite: ModuleType, target: str, seconds: float, out: Path, seed: int) -> int:
    """Mutate and check until time is up; returns the number of distinct findings."""
    check: Callable[[bytes], str] = suite.CHECKS[target]
    rnd, pool, outcomes, found = random.Random(seed), seeds(suite, target), Counter(), {}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        data = random_input(rnd, suite, rnd.choice(pool))
        try:
            outcomes[check(data)] += 1
        except Exception as exc:  # every escape is a finding, whatever its type
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            key = (type(exc).__name__, Path(frame.filename).name, frame.lineno)
            outcomes["finding"] += 1
            if key not in found:
                out.mkdir(parents=True, exist_ok=True)
                path = out / f"{target}-{hashlib.sha1(data).hexdigest()[:12]}.bin"
                path.write_bytes(data)
                found[key] = path
                print(f"finding {key}: {str(exc)[:120]!r} -> {path}", flush=True)
    total = sum(outcomes.values())
    print(f"{target}: {total} inputs, {dict(outcomes)}, {len(found)} distinct findings")
    return len(found)


def _docx_mutator(suite: ModuleType) -> Callable[[bytes, int, int], bytes]:
    import atheris

    def mutator(data: bytes, max_size: int, seed: int) -> bytes:
        rnd = random.Random(seed)
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = {i.filename: archive.read(i) for i in archive.infolist()}
        except Exception:  # a mutant that is no archive any more: mutate its bytes
            return atheris.Mutate(data, max_size)
        if not members:
            return suite.docx_seed()
        main = "word/document.xml"
        name = main if main in members and rnd.random() < 0.6 else rnd.choice(sorted(members))
        members[name] = atheris.Mutate(members[name], len(members[name]) * 2 + 64)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, content in members.items():
                archive.writestr(member, content)
        return buffer.getvalue()

    return mutator


def _dict_entry(token: bytes) -> str:
    """One line of a libFuzzer dictionary: the token with every byte escaped."""
    return '"' + "".join(f"\\x{byte:02x}" for byte in token) + '"\n'


def run_atheris(suite: ModuleType, target: str, seconds: float) -> None:
    """Coverage-guided run; libFuzzer reports and writes a finding, then exits."""
    import atheris

    check = suite.CHECKS[target]
    corpus = Path(tempfile.mkdtemp(prefix=f"bitext-fuzz-{target}-"))
    for i, data in enumerate(seeds(suite, target)):
        (corpus / f"seed-{i}").write_bytes(data)
    # libFuzzer's dictionary: the tests' markup tokens, inserted whole.
    tokens = suite.TOKENS + suite.TMX_GRAFTS + suite.WORDML_GRAFTS + suite.HTML_GRAFTS
    dictionary = corpus.parent / f"{corpus.name}.dict"
    # libFuzzer refuses dictionary entries over 64 bytes.
    dictionary.write_text("".join(_dict_entry(t) for t in tokens if len(t) <= 64))
    argv = [sys.argv[0], str(corpus), f"-max_total_time={int(seconds)}", f"-dict={dictionary}"]
    argv.append("-max_len=200000")
    mutator = _docx_mutator(suite) if target == "docx" else None
    atheris.Setup(argv, lambda data: check(bytes(data)), custom_mutator=mutator)
    atheris.Fuzz()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=TARGETS)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to run")
    parser.add_argument("--atheris", action="store_true", help="coverage-guided, with atheris")
    parser.add_argument("--out", type=Path, default=Path("fuzz-findings"), help="findings folder")
    parser.add_argument("--seed", type=int, default=0, help="random mode's seed")
    args = parser.parse_args(argv)
    suite = load_suite(args.atheris)
    if args.atheris:
        run_atheris(suite, args.target, args.seconds)
        return 0
    return 1 if run_random(suite, args.target, args.seconds, args.out, args.seed) else 0


if __name__ == "__main__":
    sys.exit(main())

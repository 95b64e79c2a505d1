"""`bitext review`: align what is new, then serve the review page over the memory."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import secrets
import signal
import socket
import threading
from collections.abc import Iterator
from typing import Any

from bitext.atomic import remove_sqlite
from bitext.errors import InputError

from ._common import add_pipeline_options, cache_setting, check_zh_options, pipeline_config, say

#: Where the review listens unless told otherwise: this machine only.
LOOPBACK = "127.0.0.1"


def add_review_command(sub: Any) -> None:
    review = sub.add_parser(
        "review",
        help="check and correct alignments in the browser before they enter the memory",
        description="Align the inputs not yet in the memory (as `bitext batch` does), then "
        "serve a review page over the memory on this machine: merge, split, move, pair, "
        "approve and reject beads, correct a sentence; every decision is saved in the "
        "memory at once. The first line printed is the page's address, with its access "
        "token; Ctrl-C stops the server.",
    )
    review.add_argument(
        "inputs", nargs="*", metavar="INPUT", help="folders or files to align first (optional)"
    )
    review.add_argument(
        "--tm",
        required=True,
        metavar="TM.sqlite",
        help="the memory to review (created if new when INPUTs are given)",
    )
    review.add_argument(
        "--host",
        default=LOOPBACK,
        help="address to listen on; anything but loopback lets other machines try the token",
    )
    review.add_argument(
        "--port", type=int, default=0, help="port to listen on (default 0: a free one)"
    )
    review.add_argument(
        "--no-browser", action="store_true", help="print the address only, open no browser"
    )
    review.add_argument("--user", metavar="NAME", help="the reviewer's name, kept with each action")
    add_pipeline_options(review)
    review.add_argument("-q", "--quiet", action="store_true", help="no progress while aligning")
    review.set_defaults(run=_review)


def _review(args: argparse.Namespace) -> int:
    check_zh_options(args)
    if not 0 <= args.port <= 65535:
        raise InputError(f"--port {args.port}: not a port number (0 to 65535)")
    settings = _settings(args) if args.inputs else None
    with _listening(args.host, args.port) as sock:  # a busy port fails before any aligning
        _prepare_memory(args, settings)
        from bitext.review.web import create_app

        token = secrets.token_urlsafe(32)
        app = create_app(args.tm, token=token, user=args.user)
        host, port = sock.getsockname()[:2]
        url = f"http://{_url_host(host)}:{port}/?token={token}"
        if not _is_loopback(args.host):
            say(f"bitext: warning: listening on {args.host}, reachable from other machines")
        print(url, flush=True)
        if not args.no_browser:
            # A daemon thread: a text-mode browser would otherwise hold the server back.
            threading.Thread(target=_open_browser, args=(url,), daemon=True).start()
        _serve(app, sock)
    return 0


def _prepare_memory(args: argparse.Namespace, settings: Any) -> None:
    """Align the inputs, then check there is something to review. A memory this run
    created and stored nothing in (every input failed, Ctrl-C) is removed again."""
    new = settings is not None and not os.path.lexists(args.tm)
    try:
        if settings is not None:
            _align(args, settings)
        _check_memory(args.tm)
    except BaseException:
        if new:
            _remove_if_empty(args.tm)
        raise


def _remove_if_empty(path: str) -> None:
    from bitext.tm import TranslationMemory

    try:
        with TranslationMemory(path, create=False) as memory:
            if memory.documents():
                return
    except InputError:  # not there, or not a memory: nothing of ours to remove
        return
    remove_sqlite(path)


def _settings(args: argparse.Namespace) -> Any:
    from bitext.tm import BatchSettings

    return BatchSettings(pipeline_config(args), cache=cache_setting(args))


def _align(args: argparse.Namespace, settings: Any) -> None:
    """The inputs into the memory, as `bitext batch` stores them (skipping those stored)."""
    from bitext.tm import TranslationMemory, find_inputs, iter_batch

    from .tm import _run_batch

    files = find_inputs(args.inputs)
    if not files:
        raise InputError("no .txt, .docx, .html, .pdf or .doc files in " + ", ".join(args.inputs))
    with TranslationMemory(args.tm, create=True) as memory:
        _run_batch(iter_batch(args.inputs, memory, settings), files, args, memory)


def _check_memory(path: str) -> None:
    """Refuse, before serving, a memory that is missing or holds nothing to review."""
    from bitext.tm import TranslationMemory

    with TranslationMemory(path, create=False, read_only=True) as memory:
        if not memory.documents():
            raise InputError(f"{path}: holds no documents to review")


@contextlib.contextmanager
def _listening(host: str, port: int) -> Iterator[socket.socket]:
    """A socket bound and listening, so that the address printed answers at once."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise InputError(f"--host {host}: {exc.strerror or exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise InputError(f"--host {host} --port {port}: cannot listen ({exc.strerror})") from None
    with sock:
        yield sock


def _serve(app: Any, sock: socket.socket) -> None:
    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            # uvicorn raises the signal again once it has shut down, which would turn
            # the normal way to stop a review (Ctrl-C, SIGTERM) into exit 130 or 143.
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            stops = (signal.SIGINT, signal.SIGTERM)
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in stops}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
    Server(config).run(sockets=[sock])


def _open_browser(url: str) -> None:
    import webbrowser

    with contextlib.suppress(Exception):  # no browser here: the printed address is enough
        webbrowser.open(url)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

"""The review's web app: the page and a JSON API over one memory (`bitext review`).

    from bitext.review.web import create_app
    app = create_app("office.sqlite", token=secrets.token_urlsafe(32), user="kc")
    # serve `app` with any ASGI server; `bitext review` runs uvicorn on loopback

Security, since the app can change a memory and shows untrusted text:
every request carries the access token (in the URL once, then an HttpOnly
cookie), else 403; state changes only by POST with the page's CSRF token in
a header and, when the browser sends one, the server's own Origin; the only
files served are the page's three, from a fixed table (no path from a
request reaches the file system); documents are those of this memory, by
id; every text goes out inside JSON and the page inserts it as text, under
a Content-Security-Policy that runs no inline script.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import asdict
from importlib.resources import files
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from bitext.errors import BitextError, OutputError, ReviewConflict, ReviewError
from bitext.tm import TranslationMemory

from .actions import parse_action
from .decisions import ReviewedDocument, apply, documents, load

__all__ = ["CSRF_HEADER", "SECURITY_HEADERS", "cookie_name", "create_app", "document_json"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The cookie that carries the access token after the first request (see `cookie_name`).
COOKIE = "bitext_review"
#: The header a POST must carry, holding the CSRF token of the page.
CSRF_HEADER = "X-Bitext-CSRF"

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # The page holds the CSRF token and the API the documents: neither belongs in a cache.
    "Cache-Control": "no-store",
}

#: The largest action a POST may carry, in bytes.
MAX_BODY = 1 << 20

#: The page's files: the only names /static/ answers, read once from the package.
STATIC_TYPES = {
    "index.html": "text/html; charset=utf-8",
    "review.js": "text/javascript; charset=utf-8",
    "review.css": "text/css; charset=utf-8",
}


def create_app(memory: str | os.PathLike[str], *, token: str, user: str | None = None) -> Starlette:
    """The review app over the memory at `memory`, refusing requests without `token`.

    The memory is checked now (`InputError` if it is missing or not a memory)
    and opened for each request, so that decisions go to the file at once and
    another process (a batch, a second server) sees them.
    """
    if not token:
        raise ValueError("the review app needs a non-empty access token")
    TranslationMemory(memory, create=False).close()
    csrf = secrets.token_urlsafe(32)
    assets = _assets(csrf)
    api = _Api(memory, user)

    def page(request: Request) -> Response:
        body, media_type = assets["index.html"]
        return Response(body, media_type=media_type)

    def static(request: Request) -> Response:
        asset = assets.get(request.path_params["name"])
        if asset is None:
            return PlainTextResponse("not found", status_code=404)
        return Response(asset[0], media_type=asset[1])

    routes = [
        Route("/", page),
        Route("/static/{name}", static),
        Route("/api/documents", api.documents),
        Route("/api/documents/{id:int}", api.document),
        Route("/api/documents/{id:int}/actions", api.act, methods=["POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={BitextError: _unavailable})
    app.add_middleware(_Guard, token=token, csrf=csrf)
    return app


def document_json(doc: ReviewedDocument) -> dict[str, Any]:
    """What the API says of a document (the contract with the page's review.js)."""

    def sentences(side: tuple[Any, ...]) -> list[dict[str, Any]]:
        return [
            {
                "index": s.index,
                "text": s.text,
                "original": s.original,
                "paragraph": s.paragraph,
                "flags": list(s.flags),
            }
            for s in side
        ]

    return {
        "id": doc.id,
        "path": doc.path,
        "version": doc.version,
        "can_undo": doc.can_undo,
        "can_redo": doc.can_redo,
        "src_lang": doc.src_lang,
        "tgt_lang": doc.tgt_lang,
        "progress": asdict(doc.progress),
        "src": sentences(doc.src),
        "tgt": sentences(doc.tgt),
        "beads": [
            {
                "pos": pos,
                "src": list(b.src),
                "tgt": list(b.tgt),
                "score": b.score,
                "doubt": b.doubt,
                "status": b.status,
            }
            for pos, b in enumerate(doc.beads)
        ],
    }


def _assets(csrf: str) -> dict[str, tuple[bytes, str]]:
    """The page's files by name; index.html with the CSRF token in its meta tag."""
    folder = files("bitext.review") / "static"
    assets: dict[str, tuple[bytes, str]] = {}
    for name, media_type in STATIC_TYPES.items():
        resource = folder / name
        if resource.is_file():
            assets[name] = (resource.read_bytes(), media_type)
    if "index.html" not in assets:
        raise RuntimeError("bitext is installed without its review page (review/static)")
    page, media_type = assets["index.html"]
    # token_urlsafe is [A-Za-z0-9_-]: nothing in it needs escaping inside an attribute.
    assets["index.html"] = (page.replace(b"{{csrf}}", csrf.encode("ascii")), media_type)
    return assets


class _JSON(JSONResponse):
    """JSON with ``<``, ``>`` and ``&`` as \\u escapes: a document's ``<script>`` is no
    markup even to a reader that mistakes the response for HTML (the page uses textContent)."""

    def render(self, content: Any) -> bytes:
        text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        for char, escape in _JSON_ESCAPES:
            text = text.replace(char, escape)
        return text.encode("utf-8")


_JSON_ESCAPES = (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"))


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return _JSON({"error": message, **extra}, status_code=status)


def _unavailable(request: Request, exc: Exception) -> Response:
    """The memory itself failed (moved away, replaced by another file while served):
    its one-line error, not a traceback."""
    return _error(503, str(exc))


class _Api:
    """The JSON endpoints. Plain functions: Starlette runs them in worker threads, each
    opening the memory for the request (an SQLite connection stays in its thread)."""

    def __init__(self, memory: str | os.PathLike[str], user: str | None) -> None:
        self.memory, self.user = memory, user

    def _open(self) -> TranslationMemory:
        return TranslationMemory(self.memory, create=False)

    def documents(self, request: Request) -> Response:
        with self._open() as memory:
            listed = documents(memory)
        return _JSON(
            {
                "documents": [
                    {
                        "id": d.id,
                        "path": d.path,
                        "kind": d.kind,
                        "version": d.version,
                        "reviewable": d.reviewable,
                        "progress": None if d.progress is None else asdict(d.progress),
                    }
                    for d in listed
                ]
            }
        )

    def document(self, request: Request) -> Response:
        doc_id = request.path_params["id"]
        with self._open() as memory:
            if not _exists(memory, doc_id):
                return _error(404, f"no document {doc_id} in the memory")
            try:
                doc = load(memory, doc_id)
            except ReviewError as exc:  # stored before schema 4: not reviewable
                return _error(400, str(exc))
        return _JSON(document_json(doc))

    async def act(self, request: Request) -> Response:
        data = b""
        async for chunk in request.stream():
            data += chunk
            if len(data) > MAX_BODY:  # an action is a few numbers, or one corrected sentence
                return _error(413, f"a request body is at most {MAX_BODY:,} bytes")
        try:
            body = json.loads(data)
        except (ValueError, UnicodeDecodeError, RecursionError):  # nested past Python's stack
            return _error(400, "the request body is not JSON")
        if not isinstance(body, dict) or not isinstance(body.get("action"), dict):
            return _error(400, 'expected {"action": {"name": ...}, "version": N}')
        version = body.get("version")
        if type(version) is not int:
            return _error(400, "version must be the document's version, an integer")
        return await run_in_threadpool(
            self._apply, request.path_params["id"], body["action"], version
        )

    def _apply(self, doc_id: int, data: dict[str, Any], version: int) -> Response:
        with self._open() as memory:
            if not _exists(memory, doc_id):
                return _error(404, f"no document {doc_id} in the memory")
            try:
                doc = apply(
                    memory, doc_id, parse_action(data), expected_version=version, user=self.user
                )
            except ReviewConflict as exc:
                return _error(409, str(exc), current=exc.current)
            except ReviewError as exc:
                return _error(400, str(exc))
            except OutputError as exc:  # locked past the timeout, a full disk: try again later
                return _error(503, str(exc))
        return _JSON(document_json(doc))


def _exists(memory: TranslationMemory, doc_id: int) -> bool:
    if not -(2**63) <= doc_id < 2**63:  # past SQLite's integers: no document has that id
        return False
    row = memory.connection.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,))
    return row.fetchone() is not None


class _Guard:
    """Token, CSRF and Origin checks before any route; the security headers after every one."""

    def __init__(self, app: ASGIApp, *, token: str, csrf: str) -> None:
        self.app, self.token, self.csrf = app, token.encode(), csrf.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        query = parse_qs(request.url.query).get("token", [""])[-1]
        name = cookie_name(request.url.port)
        given = query or request.cookies.get(name, "")
        if not _same(given, self.token):
            await self._send(_forbidden(), scope, receive, send)
            return
        if request.method not in ("GET", "HEAD") and not self._post_allowed(request):
            await self._send(_forbidden(), scope, receive, send)
            return
        cookie = f"{name}={query}; HttpOnly; SameSite=Strict; Path=/" if query else None
        if query and request.method == "GET" and request.url.path == "/":
            # The token leaves the address bar (and the history) at once: the cookie has it.
            await self._send(RedirectResponse("/", status_code=303), scope, receive, send, cookie)
            return
        await self.app(scope, receive, _with_headers(send, cookie))

    def _post_allowed(self, request: Request) -> bool:
        if not _same(request.headers.get(CSRF_HEADER, ""), self.csrf):
            return False
        origin = request.headers.get("origin")
        own = f"{request.url.scheme}://{request.url.netloc}"
        return origin is None or origin == own

    async def _send(
        self,
        response: Response,
        scope: Scope,
        receive: Receive,
        send: Send,
        cookie: str | None = None,
    ) -> None:
        await response(scope, receive, _with_headers(send, cookie))


def cookie_name(port: int | None) -> str:
    """The token's cookie for a server on `port`: ``bitext_review_PORT``.

    Browsers keep cookies per host, not per port: two reviews open at once
    (two memories, 127.0.0.1:8001 and :8002) would each overwrite the other's
    cookie under one name, and the first tab would be refused.
    """
    return COOKIE if port is None else f"{COOKIE}_{port}"


def _same(given: str, expected: bytes) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected)


def _forbidden() -> Response:
    return PlainTextResponse("forbidden", status_code=403)


def _with_headers(send: Send, cookie: str | None) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {name.lower() for name, _ in headers}
            for name, value in SECURITY_HEADERS.items():
                if name.lower().encode() not in present:
                    headers.append((name.lower().encode(), value.encode()))
            if cookie is not None:
                headers.append((b"set-cookie", cookie.encode("latin-1")))
            message = {**message, "headers": headers}
        await send(message)

    return sending

"""The review's web app and `bitext review` (issue 19, the server): the JSON API over a real
memory, its guards (token, CSRF, Origin, the files it serves, escaping, headers), and the
real command serving on loopback until Ctrl-C or SIGTERM. The page itself is tested in
a browser elsewhere."""

from __future__ import annotations

import http.cookiejar
import json
import re
import shutil
import signal
import socket
import sqlite3
import urllib.request
from pathlib import Path

import pytest
from starlette.testclient import TestClient  # needs httpx (the dev extra has both)

from bitext.cli import main
from bitext.review import documents, load
from bitext.review.web import CSRF_HEADER, SECURITY_HEADERS, cookie_name, create_app
from bitext.tm import TranslationMemory
from cli_helpers import start_cli

TOKEN = "t0ken-for-the-tests"
BASE = "http://127.0.0.1:8765"
COOKIE = cookie_name(8765)
HK_RELEASE = "20251113_cedd_chai_wan_barging_point.txt"
SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'


def _hostile_release(sample: Path, folder: Path) -> Path:
    """The sample with markup in a Chinese and an English sentence, as a page would carry it."""
    lines = sample.read_text(encoding="utf-8").split("\n")
    first_en = next(i for i, line in enumerate(lines) if re.match(r"[A-Za-z]", line))
    lines[1] = lines[1].replace("8月4日", f"8月4日{SCRIPT}", 1)
    lines[first_en] = lines[first_en].replace("on August 4", f"on August 4 {IMG}", 1)
    release = folder / "hostile.txt"
    release.write_text("\n".join(lines), encoding="utf-8")
    return release


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory, sample_path: Path, shared_dir: Path) -> Path:
    """The sample, a Hong Kong release and the hostile sample, stored by `bitext batch`."""
    folder = tmp_path_factory.mktemp("releases")
    shutil.copy(sample_path, folder / sample_path.name)
    shutil.copy(shared_dir / "eval" / "hk-releases" / "mixed" / HK_RELEASE, folder / HK_RELEASE)
    _hostile_release(sample_path, folder)
    memory = tmp_path_factory.mktemp("memory") / "office.sqlite"
    assert main(["batch", str(folder), "--tm", str(memory), "-q"]) == 0
    return memory


@pytest.fixture
def memory_path(stored: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "office.sqlite"
    with sqlite3.connect(stored) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    return copy


def _doc_id(memory_path: Path, name: str) -> int:
    with TranslationMemory(memory_path, create=False) as memory:
        return next(d.id for d in documents(memory) if d.path.endswith(name))


def _version(memory_path: Path, doc_id: int) -> int:
    with TranslationMemory(memory_path, create=False) as memory:
        return load(memory, doc_id).version


def _client(memory_path: Path, **options: str) -> TestClient:
    return TestClient(create_app(memory_path, token=TOKEN, **options), base_url=BASE)


def _signed_in(memory_path: Path) -> tuple[TestClient, str]:
    """A client holding the cookie (from the token in the address), and the page's CSRF token."""
    client = _client(memory_path, user="kc")
    page = client.get(f"/?token={TOKEN}")
    assert page.status_code == 200
    csrf = re.search(r'<meta name="bitext-csrf" content="([^"]+)">', page.text)
    assert csrf is not None, page.text
    return client, csrf.group(1)


def _act(client: TestClient, csrf: str, doc_id: int, action: dict, version: int, **headers: str):
    return client.post(
        f"/api/documents/{doc_id}/actions",
        json={"action": action, "version": version},
        headers={CSRF_HEADER: csrf, **headers},
    )


# -- the token --------------------------------------------------------------------------

ROUTES = [
    ("GET", "/"),
    ("GET", "/static/review.js"),
    ("GET", "/static/index.html"),
    ("GET", "/api/documents"),
    ("GET", "/api/documents/1"),
    ("POST", "/api/documents/1/actions"),
    ("GET", "/no/such/route"),
]


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_every_route_refuses_a_request_without_the_right_token(
    memory_path: Path, method: str, route: str
):
    _, csrf = _signed_in(memory_path)
    body = {"action": {"name": "approve", "bead": 0}, "version": 0}
    attempts = [
        _client(memory_path).request(method, route, json=body, headers={CSRF_HEADER: csrf}),
        _client(memory_path).request(
            method, route, params={"token": TOKEN[:-1]}, json=body, headers={CSRF_HEADER: csrf}
        ),
        _client(memory_path).request(
            method, route, json=body, headers={CSRF_HEADER: csrf, "Cookie": f"{COOKIE}=wrong"}
        ),
    ]
    for response in attempts:
        assert (response.status_code, response.text) == (403, "forbidden")
        assert "set-cookie" not in response.headers
    assert _version(memory_path, 1) == 0  # the refused POSTs wrote nothing


def test_the_token_in_the_address_becomes_a_cookie_and_leaves_the_address(memory_path: Path):
    client = _client(memory_path)
    response = client.get(f"/?token={TOKEN}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}={TOKEN};")
    assert {"HttpOnly", "SameSite=Strict", "Path=/"} <= {p.strip() for p in cookie.split(";")}
    # A fresh client with only the cookie is let in; the page does not carry the token.
    other = _client(memory_path)
    page = other.get("/", headers={"Cookie": f"{COOKIE}={TOKEN}"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert TOKEN not in page.text and "{{csrf}}" not in page.text
    listed = other.get("/api/documents", headers={"Cookie": f"{COOKIE}={TOKEN}"}).json()
    assert len(listed["documents"]) == 3


def test_two_reviews_on_one_host_keep_their_own_cookies(memory_path: Path, tmp_path: Path):
    # A browser keeps one cookie per name and host, whatever the port: two servers open at
    # once must not share a name, or signing in to the second locks the first tab out.
    other_memory = tmp_path / "other.sqlite"
    shutil.copy(memory_path, other_memory)
    first = TestClient(create_app(memory_path, token="first"), base_url="http://127.0.0.1:8001")
    second = TestClient(create_app(other_memory, token="second"), base_url="http://127.0.0.1:8002")
    jar = {}  # what the browser keeps for 127.0.0.1
    for client, token in ((first, "first"), (second, "second")):
        response = client.get(f"/?token={token}", follow_redirects=False)
        name, _, value = response.headers["set-cookie"].split(";")[0].partition("=")
        jar[name] = value
    assert len(jar) == 2
    sent = "; ".join(f"{k}={v}" for k, v in jar.items())
    for client in (first, second):
        client.cookies.clear()
        assert client.get("/api/documents", headers={"Cookie": sent}).status_code == 200


# -- CSRF and Origin --------------------------------------------------------------------


def test_a_post_without_the_pages_csrf_token_or_from_another_origin_is_refused(
    memory_path: Path,
):
    client, csrf = _signed_in(memory_path)
    approve = {"name": "approve", "bead": 0}
    refused = [
        client.post("/api/documents/1/actions", json={"action": approve, "version": 0}),
        _act(client, "not-the-csrf-token", 1, approve, 0),
        _act(client, csrf, 1, approve, 0, Origin="http://evil.example"),
        _act(client, csrf, 1, approve, 0, Origin="http://127.0.0.1:9999"),  # another port
    ]
    for response in refused:
        assert (response.status_code, response.text) == (403, "forbidden")
    assert _version(memory_path, 1) == 0
    # The page's own origin, with its token, is let through.
    assert _act(client, csrf, 1, approve, 0, Origin=BASE).status_code == 200
    assert _version(memory_path, 1) == 1


def test_a_get_changes_nothing(memory_path: Path):
    client, _ = _signed_in(memory_path)
    assert client.get("/api/documents/1/actions").status_code == 405
    assert _version(memory_path, 1) == 0


# -- what is served ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "route",
    [
        "/static/../../etc/passwd",
        "/static/..%2F..%2F..%2Fetc%2Fpasswd",
        "/static/%2e%2e%2fweb.py",
        "/static/x",
        "/static/office.sqlite",
        "/static/__init__.py",
        "/static/",
        "/etc/passwd",
        "/api/documents/999",
        "/api/documents/../../office.sqlite",
    ],
)
def test_nothing_outside_the_page_and_the_memorys_documents_is_served(
    memory_path: Path, route: str
):
    client, _ = _signed_in(memory_path)
    response = client.get(route)
    assert response.status_code == 404
    assert b"root:" not in response.content and b"SQLite format" not in response.content


def test_an_unknown_document_is_404_for_reading_and_acting(memory_path: Path):
    client, csrf = _signed_in(memory_path)
    response = client.get("/api/documents/999")
    assert response.status_code == 404 and "999" in response.json()["error"]
    response = _act(client, csrf, 999, {"name": "approve", "bead": 0}, 0)
    assert response.status_code == 404 and "error" in response.json()


def test_the_pages_files_are_served_with_their_types(memory_path: Path):
    client, _ = _signed_in(memory_path)
    for name, kind in (("review.js", "text/javascript"), ("review.css", "text/css")):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200 and response.headers["content-type"].startswith(kind)
    page = client.get("/static/index.html")
    assert page.status_code == 200 and "{{csrf}}" not in page.text


def test_every_response_carries_the_security_headers(memory_path: Path):
    client, csrf = _signed_in(memory_path)
    responses = [
        _client(memory_path).get("/api/documents"),  # 403
        client.get("/"),
        client.get("/static/review.js"),
        client.get("/static/nothing"),
        client.get("/api/documents"),
        client.get("/api/documents/1"),
        _act(client, csrf, 1, {"name": "approve", "bead": 0}, 0),
    ]
    for response in responses:
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (response.url, name)
    csp = responses[1].headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


# -- the API over the memory ------------------------------------------------------------


def test_the_document_list_says_each_documents_progress(memory_path: Path):
    client, _ = _signed_in(memory_path)
    listed = client.get("/api/documents").json()["documents"]
    with TranslationMemory(memory_path, create=False) as memory:
        stored = documents(memory)
    assert [d["id"] for d in listed] == [d.id for d in stored]
    assert {d["path"] for d in listed} == {d.path for d in stored}
    for entry, doc in zip(listed, stored, strict=True):
        assert entry["reviewable"] and entry["version"] == 0
        assert entry["progress"]["to_review"] == doc.progress.to_review > 0


def test_an_action_round_trip_is_saved_and_a_stale_version_is_a_conflict(memory_path: Path):
    doc_id = _doc_id(memory_path, HK_RELEASE)
    client, csrf = _signed_in(memory_path)
    doc = client.get(f"/api/documents/{doc_id}").json()
    pair = next(b["pos"] for b in doc["beads"] if b["src"] and b["tgt"])
    approved = _act(client, csrf, doc_id, {"name": "approve", "bead": pair}, doc["version"])
    assert approved.status_code == 200
    after = approved.json()
    assert after["version"] == doc["version"] + 1 and after["can_undo"]
    assert after["beads"][pair]["status"] == "approved"
    # Another tab still at the old version: refused, with the version now; nothing written.
    stale = _act(client, csrf, doc_id, {"name": "merge", "bead": pair}, doc["version"])
    assert stale.status_code == 409
    assert stale.json()["current"] == after["version"] and "error" in stale.json()
    merged = _act(client, csrf, doc_id, {"name": "merge", "bead": pair}, after["version"])
    assert merged.status_code == 200 and len(merged.json()["beads"]) == len(doc["beads"]) - 1
    with TranslationMemory(memory_path, create=False) as memory:  # a fresh connection
        kept = load(memory, doc_id)
        log = memory.connection.execute(
            "SELECT user, action FROM review_log WHERE document_id = ? ORDER BY id", (doc_id,)
        ).fetchall()
    assert kept.version == doc["version"] + 2 and len(kept.beads) == len(doc["beads"]) - 1
    first = doc["beads"][pair]
    second = doc["beads"][pair + 1]
    assert kept.beads[pair].src == tuple(first["src"] + second["src"])
    assert kept.beads[pair].tgt == tuple(first["tgt"] + second["tgt"])
    assert [(user, json.loads(a)["name"]) for user, a in log] == [
        ("kc", "approve"),
        ("kc", "merge"),
    ]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"action": {"name": "approve", "bead": 0}}',
        b'{"action": {"name": "approve", "bead": 0}, "version": "0"}',
        b'{"action": {"name": "explode", "bead": 0}, "version": 0}',
        b'{"action": {"name": "approve", "bead": 100000}, "version": 0}',
        b'{"action": {"name": "approve", "bead": 0, "path": "/etc/passwd"}, "version": 0}',
        b'{"action": {"name": "undo"}, "version": 0}',
    ],
)
def test_a_bad_request_is_400_with_a_one_line_error_and_writes_nothing(
    memory_path: Path, body: bytes
):
    client, csrf = _signed_in(memory_path)
    response = client.post(
        "/api/documents/1/actions",
        content=body,
        headers={CSRF_HEADER: csrf, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    message = response.json()["error"]
    assert message and "\n" not in message
    assert _version(memory_path, 1) == 0


def test_an_oversized_request_is_refused_unread(memory_path: Path):
    client, csrf = _signed_in(memory_path)
    text = "重庆" * 600_000  # a "correction" of 3.6 MB
    response = _act(client, csrf, 1, {"name": "edit", "side": "src", "index": 0, "text": text}, 0)
    assert response.status_code == 413 and "error" in response.json()
    assert _version(memory_path, 1) == 0


def test_a_memory_another_process_keeps_locked_is_503_and_the_action_can_be_retried(
    memory_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import bitext.tm._open

    monkeypatch.setattr(bitext.tm._open, "TIMEOUT", 0.2)  # not a minute's wait in a test
    client, csrf = _signed_in(memory_path)
    writer = sqlite3.connect(memory_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        assert client.get("/api/documents/1").status_code == 200  # reading is not blocked
        response = _act(client, csrf, 1, {"name": "approve", "bead": 0}, 0)
        assert response.status_code == 503
        assert "cannot write" in response.json()["error"]
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert _act(client, csrf, 1, {"name": "approve", "bead": 0}, 0).status_code == 200


def test_a_memory_moved_away_while_served_is_503_with_its_error(memory_path: Path):
    client, _ = _signed_in(memory_path)
    memory_path.rename(memory_path.with_name("elsewhere.sqlite"))
    for route in ("/api/documents", "/api/documents/1"):
        response = client.get(route)
        assert response.status_code == 503
        assert "no such translation memory" in response.json()["error"]


def test_a_document_that_kept_no_alignment_is_listed_but_not_reviewable(
    memory_path: Path, tmp_path: Path
):
    exported = tmp_path / "out.tmx"
    assert main(["tm", "export", "--tm", str(memory_path), "-o", str(exported)]) == 0
    assert main(["tm", "import", str(exported), "--tm", str(memory_path)]) == 0
    client, csrf = _signed_in(memory_path)
    imported = next(d for d in client.get("/api/documents").json()["documents"] if d["id"] == 4)
    assert imported["reviewable"] is False and imported["progress"] is None
    response = client.get("/api/documents/4")
    assert response.status_code == 400 and "align it again" in response.json()["error"]
    assert _act(client, csrf, 4, {"name": "approve", "bead": 0}, 0).status_code == 400


def test_markup_in_a_document_comes_back_as_escaped_text(memory_path: Path):
    doc_id = _doc_id(memory_path, "hostile.txt")
    client, csrf = _signed_in(memory_path)
    response = client.get(f"/api/documents/{doc_id}")
    assert response.headers["content-type"] == "application/json"
    assert b"<script" not in response.content and b"<img" not in response.content
    doc = response.json()
    src = next(s for s in doc["src"] if SCRIPT in s["text"])
    tgt = next(s for s in doc["tgt"] if IMG in s["text"])
    # An edit carrying markup is kept as the text it is, and answered escaped too.
    edit = {"name": "edit", "side": "tgt", "index": tgt["index"], "text": f"{SCRIPT} & {IMG}"}
    edited = _act(client, csrf, doc_id, edit, doc["version"])
    assert edited.status_code == 200 and b"<" not in edited.content
    assert edited.json()["tgt"][tgt["index"]]["text"] == f"{SCRIPT} & {IMG}"
    assert edited.json()["tgt"][tgt["index"]]["original"] == tgt["text"]
    assert src["text"].count(SCRIPT) == 1


# -- the command ------------------------------------------------------------------------


def _serve(*args: str | Path, cwd: Path):
    process = start_cli("review", *args, "--no-browser", "--port", "0", cwd=cwd)
    url = process.stdout.readline().strip()
    return process, url


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_bitext_review_serves_the_memory_on_loopback_until_stopped(
    memory_path: Path, tmp_path: Path, stop: signal.Signals
):
    process, url = _serve("--tm", memory_path, "--user", "kc", cwd=tmp_path)
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[A-Za-z0-9_-]{43}", url), url
        root = url.split("?")[0]
        refused = urllib.request.Request(root + "api/documents")
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(refused, timeout=30)
        assert caught.value.code == 403
        opener = _opener()
        page = opener.open(url, timeout=30).read().decode()  # 303 to /, the cookie kept
        csrf = re.search(r'name="bitext-csrf" content="([^"]+)"', page).group(1)
        listed = json.loads(opener.open(root + "api/documents", timeout=30).read())
        assert len(listed["documents"]) == 3
        body = json.dumps({"action": {"name": "reject", "bead": 0}, "version": 0}).encode()
        post = urllib.request.Request(
            root + "api/documents/1/actions",
            data=body,
            headers={CSRF_HEADER: csrf, "Content-Type": "application/json"},
        )
        assert json.loads(opener.open(post, timeout=30).read())["beads"][0]["status"] == "rejected"
    finally:
        process.send_signal(stop)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Traceback" not in err and out == ""
    with TranslationMemory(memory_path, create=False) as memory:  # saved, as the server stopped
        assert load(memory, 1).beads[0].status == "rejected"


@pytest.mark.slow
def test_bitext_review_aligns_new_inputs_before_serving(sample_path: Path, tmp_path: Path):
    shutil.copy(sample_path, tmp_path / "release.txt")
    process, url = _serve("release.txt", "--tm", "new.sqlite", "-q", cwd=tmp_path)
    try:
        opener = _opener()
        opener.open(url, timeout=30).read()
        listed = json.loads(opener.open(url.split("?")[0] + "api/documents", timeout=30).read())
        assert [d["path"] for d in listed["documents"]] == ["release.txt"]
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err


def test_bitext_review_refuses_a_missing_memory_a_bad_port_and_a_busy_one(
    memory_path: Path, sample_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    missing = tmp_path / "missing.sqlite"
    assert main(["review", "--tm", str(missing), "--no-browser"]) == 2
    assert not missing.exists()
    assert main(["review", "--tm", str(memory_path), "--port", "70000", "--no-browser"]) == 2
    new = tmp_path / "new.sqlite"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["review", "--tm", str(memory_path), "--port", str(port), "--no-browser"])
        # With an input too: refused before aligning it, so no memory is made.
        args = [str(sample_path), "--tm", str(new), "--port", str(port), "--no-browser"]
        assert main(["review", *args]) == 2 and not new.exists()
    assert code == 2
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert out == "" and len(lines) == 4
    assert all(line.startswith("bitext: error: ") for line in lines), err
    assert "no such translation memory" in lines[0] and "70000" in lines[1]
    assert str(port) in lines[2] and str(port) in lines[3]


def test_bitext_review_removes_a_memory_it_made_when_every_input_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    english = tmp_path / "english.txt"
    english.write_text("Only English here. Nothing to pair it with.\n", encoding="utf-8")
    memory = tmp_path / "new.sqlite"
    assert main(["review", str(english), "--tm", str(memory), "--no-browser", "-q"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["english.txt"]
    err = capsys.readouterr().err
    assert "no Chinese text" in err and err.splitlines()[-1].startswith("bitext: error: ")


def test_a_host_other_than_loopback_is_warned_about_and_the_browser_gets_the_address(
    memory_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    import threading
    import webbrowser

    import bitext.cli.review as review_cli

    served, browsed, opened = [], [], threading.Event()
    monkeypatch.setattr(review_cli, "_serve", lambda app, sock: served.append(sock.getsockname()))
    monkeypatch.setattr(webbrowser, "open", lambda url: browsed.append(url) or opened.set())
    assert main(["review", "--tm", str(memory_path), "--host", "0.0.0.0"]) == 0
    assert opened.wait(60)
    out, err = capsys.readouterr()
    url = out.splitlines()[0]
    assert url.startswith(f"http://0.0.0.0:{served[0][1]}/?token=") and browsed == [url]
    assert err.startswith("bitext: warning: listening on 0.0.0.0") and err.count("\n") == 1
    assert main(["review", "--tm", str(memory_path), "--no-browser"]) == 0
    assert capsys.readouterr().err == ""  # loopback: no warning


def test_the_pages_files_ship_in_the_package():
    import fnmatch
    import tomllib
    from importlib import resources

    from bitext.review.web import STATIC_TYPES

    root = Path(__file__).resolve().parents[1]
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["bitext"]
    for name in STATIC_TYPES:
        assert resources.files("bitext.review").joinpath("static", name).is_file(), name
        assert any(fnmatch.fnmatch(f"review/static/{name}", p) for p in patterns), name


def test_requests_past_the_limits_of_sqlite_json_and_unicode_are_answered_not_500(
    memory_path: Path,
):
    # An id SQLite cannot hold, JSON nested past Python's stack, a lone surrogate typed
    # as a correction: each a one-line answer, never an internal error.
    client, csrf = _signed_in(memory_path)
    huge = "/api/documents/" + "9" * 25
    assert client.get(huge).status_code == 404
    assert _act(client, csrf, int("9" * 25), {"name": "approve", "bead": 0}, 0).status_code == 404
    deep = client.post(
        "/api/documents/1/actions",
        content=b"[" * 100_000,
        headers={CSRF_HEADER: csrf, "Content-Type": "application/json"},
    )
    assert deep.status_code == 400
    lone = {"name": "edit", "side": "tgt", "index": 0, "text": "bad \ud800 text"}
    response = client.post(  # JSON escapes the surrogate: what a page would send
        "/api/documents/1/actions",
        content=json.dumps({"action": lone, "version": 0}).encode("ascii"),
        headers={CSRF_HEADER: csrf, "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and "\n" not in response.json()["error"]
    assert _version(memory_path, 1) == 0

"""The review page on a 2,000-bead document, in Chromium: time to the first bead, to every bead
drawn, and per keyboard action (key pressed to the changed bead drawn).

    python benchmarks/review_page.py [--beads 2000] [--repeat 20]

The document is review_actions.py's (real wmt22-news sentence pairs, stored as `bitext batch`
stores one); the app is `bitext.review.web.create_app` under uvicorn on 127.0.0.1, driven by
Playwright with Debian's /usr/bin/chromium. Times are the page's own clock
(performance marks the page sets, from the start of navigation) and wall time around each key.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright
from review_actions import _record

from bitext.review.web import create_app
from bitext.tm import TranslationMemory


def _serve(memory: Path, token: str) -> tuple[uvicorn.Server, threading.Thread, int]:
    config = uvicorn.Config(
        create_app(memory, token=token), host="127.0.0.1", port=0, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    return server, thread, server.servers[0].sockets[0].getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beads", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        memory = Path(tmp, "m.sqlite")
        with TranslationMemory(memory) as tm:
            doc_id = tm.add(_record(args.beads)).document_id
        token = secrets.token_urlsafe(32)
        server, thread, port = _serve(memory, token)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium")
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"http://127.0.0.1:{port}/?token={token}#doc={doc_id}")
                page.wait_for_selector("body[data-drawn]", state="attached")
                marks = dict(
                    page.evaluate(
                        "performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])"
                    )
                )
                answer = page.evaluate(
                    "performance.getEntriesByType('resource')"
                    ".filter((e) => e.name.includes('/api/documents/'))[0].responseEnd"
                )
                rows = page.locator("#beads .bead").count()
                print(
                    f"document JSON received: {answer:.0f} ms; first beads painted: "
                    f"{marks['bitext-first-beads-painted']:.0f} ms; all {rows} beads drawn: "
                    f"{marks['bitext-all-beads']:.0f} ms (from the start of navigation)"
                )
                times = []
                for _ in range(args.repeat):
                    version = int(page.get_attribute("body", "data-version"))
                    start = time.perf_counter()
                    page.keyboard.press("a")  # approve the focused bead, focus the next
                    page.wait_for_selector(f'body[data-drawn="{version + 1}"]', state="attached")
                    times.append(time.perf_counter() - start)
                median = 1000 * statistics.median(times)
                print(f"approve by key, to the bead redrawn: median {median:.0f} ms")
                browser.close()
        finally:
            server.should_exit = True
            thread.join()


if __name__ == "__main__":
    main()

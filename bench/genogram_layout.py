"""Drawing benchmark (not a timed test): milliseconds to lay out and draw a genogram (and an ecogram) of 10, 40
and 100 people, in the app and on the server. Prints a Markdown table of medians.

    python bench/genogram_layout.py [--runs 15]

App: the field app's own modules (pwa/js/drawings/, pwa/js/views/drawing.js) in Debian's Chromium, served from
loopback, with the CPU slowed down 6× (Chrome DevTools Protocol Emulation.setCPUThrottlingRate: a cheap phone)
and at full speed; each run makes the scene from the record and builds the <svg> in the page, and the browser
lays it out (getBBox). Server: app/domain/drawings, scene and SVG markup, as the PDF uses them. The records are
the made-up families of tests/drawings/families.py. Target (issue 16): under 100 ms for 40 people, throttled.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import statistics
import sys
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from playwright.sync_api import sync_playwright  # noqa: E402

from app.domain import drawings  # noqa: E402
from tests.drawings import families  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SIZES = (10, 40, 100)
SCHEMAS = {kind: json.loads((PROJECT / "forms" / f"{kind}.schema.json").read_text(encoding="utf-8"))
           for kind in ("genogram", "ecogram")}
RUN_IN_PAGE = """async ([kind, data, schema, runs]) => {
  const module = await import(`/js/drawings/${kind}.js`);
  const { drawScene } = await import('/js/views/drawing.js');
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  document.body.append(svg);
  const times = [];
  for (let i = 0; i < runs + 2; i += 1) {
    const started = performance.now();
    const scene = module.scene(data, (m) => m, schema);
    svg.setAttribute('viewBox', `0 0 ${scene.width} ${scene.height}`);
    drawScene(svg, scene);
    svg.getBBox();
    times.push(performance.now() - started);
  }
  return times.slice(2);  // the first runs compile the code
}"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_pwa():
    handler = functools.partial(Quiet, directory=str(PROJECT / "pwa"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def app_times(runs: int) -> dict:
    server = serve_pwa()
    out = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 360, "height": 780})
            # A plain page of the app's origin (not the app, which would start itself): a text file.
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/css/drawings.css")
            cdp = page.context.new_cdp_session(page)
            for rate in (6, 1):
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
                for kind, make in (("genogram", families.genogram), ("ecogram", families.ecogram)):
                    for n in SIZES:
                        times = page.evaluate(RUN_IN_PAGE, [kind, make(n), SCHEMAS[kind], runs])
                        out[(kind, n, rate)] = statistics.median(times)
            browser.close()
    finally:
        server.shutdown()
    return out


def server_times(runs: int) -> dict:
    out = {}
    for kind, make in (("genogram", families.genogram), ("ecogram", families.ecogram)):
        for n in SIZES:
            data = make(n)
            times = []
            for _ in range(runs + 2):
                started = time.perf_counter()
                drawings.svg(drawings.scene(kind, data, lambda m: m, SCHEMAS[kind]), kind)
                times.append((time.perf_counter() - started) * 1000)
            out[(kind, n)] = statistics.median(times[2:])
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    app = app_times(args.runs)
    server = server_times(args.runs)
    print(f"Median of {args.runs} runs, milliseconds to lay out and draw (app: scene and <svg> in the page; "
          "server: scene and SVG markup).\n")
    print("| drawing | people | app, CPU 6× slower | app, full speed | server (Python) |")
    print("|---|---:|---:|---:|---:|")
    for kind in ("genogram", "ecogram"):
        for n in SIZES:
            print(f"| {kind} | {n} | {app[(kind, n, 6)]:.1f} | {app[(kind, n, 1)]:.1f} | {server[(kind, n)]:.1f} |")


if __name__ == "__main__":
    main()

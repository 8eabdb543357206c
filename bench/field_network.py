"""The field app over real networks (not a timed test): two hosts in network namespaces, HTTPS through Caddy, and
the user-space link shaper (tests/network/) between the tablet's Chromium and the server, per profile:

- first visit -> offline-ready: from opening https://safefuture.test/ in a fresh Dutch browser profile until the
  service worker controls the page with everything the app needs in the UI language precached (the other
  languages' catalogs follow after that, and are timed too: "all languages");
- a week's sync: one counsellor's 50 new Overzicht 1 records (~3 KB each) in 5 new cases pushed in one
  POST /sync, then the change feed pulled down to its end (a colleague's week: 5 cases, 50 records), timed
  inside the tablet's browser (fetch; the app's own encryption on the device is not in it).

Profiles: LAN (no delay, no limit), 3G (100 ms each way, 1.6 Mbit/s) and 2G/EDGE (300 ms each way, 256 kbit/s).
Needs root (ip netns), Caddy, certutil and Chromium, like the two-host tests.

    python bench/field_network.py [--visits 2] [--syncs 3]     # a Markdown table
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.workload import answers  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, PHONE, FieldApp  # noqa: E402
from tests.network.field import PASSWORD, two_hosts  # noqa: E402
from tests.network.shaper import PROFILES  # noqa: E402

UI_LOCALE = "nl-NL"  # a Dutch counsellor: the catalog the worker installs with is Dutch (English needs none)
WEEK_SYNC = """async ([colleague, counsellor, password, theirs, mine]) => {
  const post = (path, body) => fetch('/api/v1' + path, {method: 'POST', body: JSON.stringify(body),
    headers: {'Content-Type': 'application/json', 'X-Requested-With': 'safefuture'}});
  const login = async (email) => {
    if ((await post('/session', {email, password})).status !== 200) throw new Error('login failed');
  };
  await login(colleague);  // a colleague's week, for the feed to bring down (not timed)
  await post('/sync', {cases: theirs.cases, push: theirs.push, since: null});
  await login(counsellor);
  const started = performance.now();
  let text = await (await post('/sync', {cases: mine.cases, push: mine.push, since: null})).text();
  let bytes = text.length;
  let answer = JSON.parse(text);
  while (answer.more) {
    text = await (await post('/sync', {since: answer.cursor})).text();
    bytes += text.length;
    answer = JSON.parse(text);
  }
  return {seconds: (performance.now() - started) / 1000, pulled: bytes};
}"""


def week(rng: random.Random) -> tuple[list[dict], list[dict]]:
    cases = [{"id": str(uuid.uuid4()), "client_code": f"W-{n}-{rng.randrange(10**6)}", "country_of_origin": "BG"}
             for n in range(5)]
    push = [{"id": str(uuid.uuid4()), "case_id": cases[n % 5]["id"], "form_id": "overzicht-1", "form_version": 1,
             "status": "draft", "data": answers(rng, n), "base_rev": None} for n in range(50)]
    return cases, push


def first_visit(playwright, hosts, profile: str, workdir: Path) -> tuple[float, float]:
    """Seconds to offline-ready in the UI language, and to every language's catalog, in a fresh profile."""
    context = playwright.chromium.launch_persistent_context(
        str(workdir / f"visit-{profile}-{uuid.uuid4().hex[:6]}"), executable_path=hosts.chromium(),
        args=[*CHROMIUM_ARGS, hosts.resolver_rule(profile)], base_url=hosts.https_url, viewport=PHONE,
        locale=UI_LOCALE)
    try:
        app = FieldApp(context.pages[0] if context.pages else context.new_page())
        started = time.monotonic()
        app.page.goto("/", timeout=300_000)
        while not (app.page.evaluate("Boolean(navigator.serviceWorker.controller)")
                   and app.precache_missing(ui_language_only=True) == []):
            time.sleep(0.05)
        ready = time.monotonic() - started
        app.wait_until_everything_cached(timeout=300)
        return ready, time.monotonic() - started
    finally:
        context.close()


def sync_week(playwright, hosts, profile: str, org: str, workdir: Path, rng: random.Random) -> tuple[float, int]:
    """Seconds for one counsellor's week: 50 records up, then the feed (a colleague's 50 records) down."""
    context = playwright.chromium.launch_persistent_context(
        str(workdir / f"sync-{profile}-{uuid.uuid4().hex[:6]}"), executable_path=hosts.chromium(),
        args=[*CHROMIUM_ARGS, hosts.resolver_rule(profile)], base_url=hosts.https_url, viewport=PHONE)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto("/manifest.webmanifest", timeout=300_000)  # an origin to fetch from, without the app's own work
        (their_cases, theirs), (my_cases, mine) = week(rng), week(rng)
        result = page.evaluate(WEEK_SYNC, [f"d@{org}.example.org", f"c@{org}.example.org", PASSWORD,
                                           {"cases": their_cases, "push": theirs}, {"cases": my_cases, "push": mine}])
        return result["seconds"], result["pulled"]
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--visits", type=int, default=2, help="first visits per profile (fresh profile each)")
    parser.add_argument("--syncs", type=int, default=3, help="week syncs per profile (fresh profile each)")
    args = parser.parse_args()
    profiles = ["lan", "3g", "2g"]
    # One organisation per profile and sync run, so each week's feed holds that week only.
    orgs = [{"id": f"week-{p}-{n}", "name": f"Week {p} {n}", "country": "NL", "kind": "counselling"}
            for p in profiles for n in range(args.syncs)]
    users = [{"email": f"{who}@{o['id']}.example.org", "org": o["id"], "role": "counsellor", "password": PASSWORD}
             for o in orgs for who in ("c", "d")]
    rows = []
    began = time.monotonic()
    rng = random.Random(7)
    with two_hosts(orgs, users) as hosts, sync_playwright() as playwright, \
            tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for profile in profiles:
            hosts.start_shaper(profile)
            visits = [first_visit(playwright, hosts, profile, workdir) for _ in range(args.visits)]
            syncs = [sync_week(playwright, hosts, profile, f"week-{profile}-{n}", workdir, rng)
                     for n in range(args.syncs)]
            p = PROFILES[profile]
            rows.append((p, statistics.median(v[0] for v in visits), statistics.median(v[1] for v in visits),
                         statistics.median(s[0] for s in syncs), statistics.median(s[1] for s in syncs)))
    print(f"Through the link shaper, HTTPS via Caddy, fresh browser profile each; median of {args.visits} first "
          f"visit(s) and {args.syncs} week sync(s); run took {time.monotonic() - began:.0f} s\n")
    print("| profile | one-way delay | rate | first visit -> offline-ready (s) | all languages cached (s) | "
          "week's sync: 50 up + 50 down (s) | KB down |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for p, ready, everything, sync, pulled in rows:
        rate = f"{p.rate / 1e6:g} Mbit/s" if p.rate and p.rate >= 1e6 else (f"{p.rate / 1e3:g} kbit/s" if p.rate else "-")
        print(f"| {p.name} | {p.delay * 1000:.0f} ms | {rate} | **{ready:.1f}** | {everything:.1f} | {sync:.1f} | "
              f"{pulled / 1024:.0f} |")
    goal = next(r for r in rows if r[0].name == "2G/EDGE")[1]
    print(f"\nGoal 2G/EDGE offline-ready <= 30 s: {'met' if goal <= 30 else 'NOT met'} ({goal:.1f} s).")


if __name__ == "__main__":
    main()

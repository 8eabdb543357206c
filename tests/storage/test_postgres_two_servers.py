"""Two app server processes on one PostgreSQL database, hammered on the same records from both at once:
no lost update, every conflict recorded, replays answered alike by either server, and the change feed complete
and in order, also for a reader following it while the writes happen."""
from __future__ import annotations

import random
import threading
import uuid
from pathlib import Path

import pytest

from app import create_app
from app.domain.access import Scope
from app.domain.audit import first_broken_link
from app.services import accounts
from app.storage.crypto import DataCipher, load_or_create_key
from app.storage.postgresql_store import PostgreSQLStore
from tests.conftest import PASSWORD, overzicht1
from tests.live_server import ApiClient, running_server
from tests.postgres import temporary_database

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ORG = "shelter-a"
EMAIL = "anna@shelter-a.nl"
RECORDS = 4
THREADS_PER_SERVER = 4
ROUNDS = 25


def body(case_id: str, marker: str, base_rev: str | None) -> dict:
    return {"case_id": case_id, "form_id": "overzicht-1", "form_version": 1, "status": "draft",
            "data": {**overzicht1(), "occasion": marker}, "base_rev": base_rev}


def prepare(url: str, tmp_path: Path, key_file: Path) -> None:
    app = create_app({"STORE": url, "DATA_DIR": tmp_path / "setup", "KEY_FILE": key_file})
    c = app.extensions["safefuture"]
    accounts.create_org(c, ORG, "Shelter A", "NL", "counselling")
    accounts.create_user(c, EMAIL, ORG, "counsellor", PASSWORD)
    c.store.close()


def hammer(base_urls: list[str], cookies: list[str], server: int, case_id: str, record_ids: list[str],
           seed: int, acks: list, replays: list) -> None:
    """Read records' heads and write on them, one PUT at a time or two in a sync batch, sometimes from an older
    revision on purpose; now and then send an acknowledged change again, to the other server."""
    rng = random.Random(seed)
    here = ApiClient(base_urls[server], cookies[server])
    there = ApiClient(base_urls[1 - server], cookies[1 - server])
    seen: dict[str, list[str]] = {}
    for n in range(ROUNDS):
        changes = []
        for record_id in rng.sample(record_ids, 2 if n % 3 == 2 else 1):
            status, current, _ = here.request("GET", f"/api/v1/records/{record_id}")
            assert status == 200, current
            seen.setdefault(record_id, []).append(current["rev"])
            stale = rng.random() < 0.3 and len(seen[record_id]) > 1
            base = seen[record_id][0] if stale else current["rev"]
            changes.append((record_id, body(case_id, f"server {server} seed {seed} round {n} {record_id}", base)))
        if len(changes) == 1:
            [(record_id, sent)] = changes
            status, answer, _ = here.request("PUT", f"/api/v1/records/{record_id}", sent)
            assert status in (200, 409), answer
            answers = [(status, answer["rev"])]
        else:
            status, answer, _ = here.request("POST", "/api/v1/sync", {
                "push": [{"id": record_id, **sent} for record_id, sent in changes], "since": None, "limit": 1})
            assert status == 200 and [r["id"] for r in answer["results"]] == [r for r, _ in changes], answer
            answers = [({"ok": 200, "conflict": 409}[r["status"]], r["rev"]) for r in answer["results"]]
        for (record_id, sent), (status, rev) in zip(changes, answers):
            acks.append((record_id, status, rev, sent["data"]["occasion"]))
        if n % 5 == 0:
            record_id, sent = changes[0]
            again, answer_again, _ = there.request("PUT", f"/api/v1/records/{record_id}", sent)
            replays.append((answers[0], (again, answer_again["rev"])))
    here.close()
    there.close()


def follow_feed(store: PostgreSQLStore, scope: Scope, stop: threading.Event, seen: list[int]) -> None:
    """Read the change feed like a device, page by page, while the servers write."""
    cursor = 0
    while True:
        finished = stop.is_set()  # read once more after the writers are done
        changes, cursor = store.changes_since(cursor, scope, 7)
        seen.extend(c.seq for c in changes)
        if finished and not changes:
            return


def test_two_servers_on_one_database_lose_no_update_and_keep_the_feed_whole(tmp_path):
    with temporary_database() as url:
        key_file = tmp_path / "keys" / "data.key"
        prepare(url, tmp_path, key_file)
        env = {"SAFEFUTURE_STORE": url, "SAFEFUTURE_KEY_FILE": str(key_file)}
        store = PostgreSQLStore(url, DataCipher(load_or_create_key(key_file)))
        scope = Scope(org_ids=frozenset({ORG}))
        try:
            with running_server(tmp_path / "server-a", env) as a, running_server(tmp_path / "server-b", env) as b:
                base_urls = [a, b]
                cookies = [ApiClient(u).login(EMAIL, PASSWORD).cookie for u in base_urls]
                setup = ApiClient(a, cookies[0])
                case_id = str(uuid.uuid4())
                status, _, _ = setup.request("POST", "/api/v1/cases", {"id": case_id, "client_code": "C-1",
                                                                         "country_of_origin": "NG"})
                assert status == 201
                record_ids = [str(uuid.uuid4()) for _ in range(RECORDS)]
                acks, replays, feed_seen = [], [], []
                for record_id in record_ids:
                    sent = body(case_id, "created", None)
                    status, answer, _ = setup.request("PUT", f"/api/v1/records/{record_id}", sent)
                    assert status == 201
                    acks.append((record_id, status, answer["rev"], "created"))

                stop = threading.Event()
                follower = threading.Thread(target=follow_feed, args=(store, scope, stop, feed_seen))
                follower.start()
                writers = [threading.Thread(target=hammer, args=(base_urls, cookies, server, case_id, record_ids,
                                                                  server * 100 + t, acks, replays))
                           for server in (0, 1) for t in range(THREADS_PER_SERVER)]
                for t in writers:
                    t.start()
                for t in writers:
                    t.join()
                stop.set()
                follower.join()

                # The feed through the API, page by page, alternating between the servers.
                api_seqs, api_cursor, page = [], None, 0
                while True:
                    client = ApiClient(base_urls[page % 2], cookies[page % 2])
                    status, pulled, _ = client.request("POST", "/api/v1/sync", {"since": api_cursor, "limit": 20})
                    assert status == 200
                    api_seqs += [c["seq"] for c in pulled["changes"]]
                    api_cursor, page = pulled["cursor"], page + 1
                    if not pulled["more"]:
                        break
                setup.close()

            written = [a for a in acks if a[1] == 200 or a[1] == 201]
            conflicts = [a for a in acks if a[1] == 409]
            assert len(written) > RECORDS and conflicts, "the hammering produced no concurrent writes"
            for record_id in record_ids:
                state, line = store.get_record(record_id), store.record_history(record_id)
                revisions = {r.rev: r for r in line}
                # One line of revisions: each based on the one before it, none lost or forked.
                assert [r.base_rev for r in line] == [None] + [r.rev for r in line[:-1]]
                assert [r.generation for r in line] == list(range(1, len(line) + 1))
                # Every acknowledged write is in that line with what was sent, and nothing else is.
                mine = {(rev, marker) for rid, _, rev, marker in written if rid == record_id}
                assert mine == {(r.rev, r.data["occasion"]) for r in revisions.values()}
                # Every 409 is a stored conflict with what was sent, and every stored conflict was answered 409.
                refused = {(rev, marker) for rid, _, rev, marker in conflicts if rid == record_id}
                assert refused == {(c.rev, c.data["occasion"]) for c in state.conflicts}

            # A change sent again, to the other server, gets the same answer and stores nothing new.
            assert replays and all(first == again for first, again in replays)

            last = store.last_seq()
            changes, cursor = store.changes_since(0, scope, 100_000)
            assert [c.seq for c in changes] == list(range(1, last + 1)) and cursor == last
            record_changes = [c.entity_id for c in changes if c.kind == "record"]
            assert len(record_changes) == len(written) + len(conflicts)
            # The reader that followed the feed during the writes saw every change once, in order.
            assert feed_seen == list(range(1, last + 1))
            # Through the API: strictly increasing, ending at the last change.
            assert api_seqs == sorted(set(api_seqs)) and api_seqs[-1] == last and api_cursor == last
            assert first_broken_link(store.audit_events()) is None
        finally:
            store.close()

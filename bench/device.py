"""A simulated device for the benchmarks: a counsellor (see seeded_server.py) logged in over one keep-alive
connection, with its cursor in the change feed. It notes the time and response size of every request."""
from __future__ import annotations

import random
import time
import uuid

from bench.seeded_server import PASSWORD, email
from bench.workload import answers
from tests.live_server import ApiClient


class Device:
    def __init__(self, base_url: str, org: int, seed: int = 0):
        self.client = ApiClient(base_url).login(email(org), PASSWORD)
        self.rng = random.Random(seed)
        self.cursor: int | None = None
        self.requests: list[tuple[float, int]] = []  # (seconds, bytes received) per request
        self.rtt = 0.0  # a network round trip to simulate per request, in seconds

    def request(self, method: str, path: str, body=None) -> dict:
        start = time.perf_counter()
        time.sleep(self.rtt)
        status, answer, size = self.client.request(method, path, body)
        self.requests.append((time.perf_counter() - start, size))
        if status not in (200, 201):
            raise RuntimeError(f"{method} {path} answered {status}: {answer}")
        return answer

    def new_case(self) -> str:
        """Create a case on the server (POST /cases); returns its id."""
        case = self.case()
        self.request("POST", "/api/v1/cases", case)
        return case["id"]

    @staticmethod
    def case() -> dict:
        """A new case, to send in a sync batch or on its own."""
        case_id = str(uuid.uuid4())
        return {"id": case_id, "client_code": f"C-{case_id[:6]}", "country_of_origin": "BG"}

    def records(self, case_ids: list[str], count: int) -> list[dict]:
        """`count` new Overzicht 1 records of ~3 KB, spread over the cases, each with its id."""
        return [{"id": str(uuid.uuid4()), "case_id": case_ids[n % len(case_ids)], "form_id": "overzicht-1",
                 "form_version": 1, "status": "draft", "data": answers(self.rng, n), "base_rev": None}
                for n in range(count)]

    def pull(self, first: dict | None = None) -> None:
        """Pull until the feed has no more (going on from the answer `first` if one was received already)."""
        answer = first or self.request("POST", "/api/v1/sync", {"since": self.cursor})
        while answer["more"]:
            answer = self.request("POST", "/api/v1/sync", {"since": answer["cursor"]})
        self.cursor = answer["cursor"]

    def push(self, changes: list[dict], cases: list[dict] = ()) -> list[dict]:
        """One sync request with the cases and changes, then pull the rest; returns the push results."""
        answer = self.request("POST", "/api/v1/sync", {"cases": list(cases), "push": changes, "since": self.cursor})
        failed = [r for r in answer["case_results"] + answer["results"] if r["status"] not in ("ok", "conflict")]
        if failed:
            raise RuntimeError(f"refused in a sync: {failed[:3]}")
        self.pull(first=answer)
        return answer["results"]

    def put_each(self, changes: list[dict]) -> None:
        """One PUT per record, then pull."""
        for change in changes:
            self.request("PUT", f"/api/v1/records/{change['id']}", {k: v for k, v in change.items() if k != "id"})
        self.pull()

    def close(self) -> None:
        self.client.close()

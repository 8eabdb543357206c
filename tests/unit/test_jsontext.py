"""The JSON text hashes are taken of: orjson's output equals the standard library's canonical form, so revision
ids and the audit chain come out as they did before it was used (and every server computes the same)."""
from __future__ import annotations

import hashlib
import json
import random

from app.domain.audit import AuditEvent, chain
from app.domain.jsontext import canonical, compact
from bench.workload import answers

CHARS = "aZé Ж\n\t\r\"\\/\x00\x1f\x7f\u2028\u2029ẹ́😀中"


def reference(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def text(rng: random.Random) -> str:
    return "".join(rng.choice(CHARS) for _ in range(rng.randint(0, 12)))


def value(rng: random.Random, depth: int = 0):
    kind = rng.randrange(8 if depth < 3 else 5)
    if kind == 0:
        return text(rng)
    if kind == 1:
        return rng.choice([0, -1, 7, 2**31, -(2**53), 2**63 - 1, 2**64 - 1, 10**30])
    if kind == 2:
        return rng.choice([True, False, None])
    if kind == 3:
        return rng.choice([0.5, -2.25, 1.0, 123456.789, 0.1, 3e20])
    if kind == 4:
        return ""
    if kind == 5:
        return [value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {text(rng) or "k": value(rng, depth + 1) for _ in range(rng.randint(0, 5))}


def test_canonical_text_is_the_standard_librarys_for_every_kind_of_value():
    rng = random.Random(20261129)
    samples = [value(rng) for _ in range(3000)] + [answers(rng, n) for n in range(50)]
    assert [canonical(v) for v in samples] == [reference(v) for v in samples]
    assert all(json.loads(compact(v)) == v for v in samples)


def test_an_audit_chain_sealed_with_the_standard_library_still_verifies():
    event = AuditEvent(seq=0, at="2026-11-29T10:00:00.000Z", actor_id="u-1", org_id="shelter-a",
                       action="write_record", case_id="c-1", record_id="r-1", device_id="tablet \x00 2\u2028é",
                       details={"status": "ok", "rev": "2-abc", "via": "sync"})
    sealed = chain(None, event)
    body = {k: v for k, v in sealed.to_dict().items() if k != "hash"}
    assert sealed.hash == hashlib.sha256(reference(body)).hexdigest()

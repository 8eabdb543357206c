"""The audit trail's hash chain, its verification command, and tamper detection."""
import dataclasses
import json

import pytest

from app.domain.audit import GENESIS, AuditEvent, chain, first_broken_link
from app.services import audit


def events(n: int) -> list[AuditEvent]:
    out, prev = [], None
    for i in range(n):
        prev = chain(prev, AuditEvent(0, f"2026-03-0{i + 1}T10:00:00Z", "u1", "shelter-a", "read_case",
                                      case_id="c1", details={"i": i}))
        out.append(prev)
    return out


def test_an_untouched_chain_is_intact():
    chained = events(5)
    assert [e.seq for e in chained] == [1, 2, 3, 4, 5] and chained[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(chained, chained[1:]))
    assert first_broken_link(chained) is None and first_broken_link([]) is None


@pytest.mark.parametrize("tamper, broken_at", [
    (lambda ev: ev[2].details.update(i=99), 3),  # an edited field
    (lambda ev: setattr(ev[2], "action", "login"), 3),
    (lambda ev: ev.__setitem__(2, dataclasses.replace(ev[2], actor_id="u2", hash="")), 3),
    (lambda ev: ev.__setitem__(3, chain(ev[2], dataclasses.replace(ev[3], details={"i": 7}))), 5),  # resealed
    (lambda ev: ev.pop(1), 2),  # a deleted event
    (lambda ev: ev.insert(1, ev.pop(3)), 2),  # reordered
])
def test_every_kind_of_tampering_names_the_first_broken_link(tamper, broken_at):
    chained = events(5)
    tamper(chained)
    assert first_broken_link(chained) == broken_at


def test_recording_an_unknown_action_is_a_bug_not_an_event(app):
    with pytest.raises(ValueError):
        audit.record(app.extensions["safefuture"], None, "read_everything")


def test_verify_audit_reports_an_intact_chain_and_the_first_broken_link(app, runner, make_user, login):
    api = login(make_user("anna@shelter-a.nl"))
    case_id = api.new_case()
    api.get(f"/api/v1/cases/{case_id}")
    store = app.extensions["safefuture"].store
    count = len(store.audit_events())
    assert count == 3  # login, create_case, read_case
    result = runner.invoke(args=["verify-audit"])
    assert result.exit_code == 0 and result.output.strip() == f"audit chain intact: {count} events"

    # Edit one stored event in the TinyDB store's audit file, as someone with access to the disk could.
    (chunk,) = (app.config["DATA_DIR"] / "store" / "audit").glob("*.json")
    stored = json.loads(chunk.read_text())
    stored["entries"]["2"]["case_id"] = "another-case"
    chunk.write_text(json.dumps(stored))
    result = runner.invoke(args=["verify-audit"])
    assert result.exit_code == 1 and "audit chain broken at event 2" in result.output

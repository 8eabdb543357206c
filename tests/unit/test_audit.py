"""The audit trail's hash chain, its verification command, and tamper detection."""
import dataclasses
import json

import pytest

from app.domain.audit import GENESIS, AuditEvent, anchor, anchor_problem, chain, first_broken_link
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
    assert result.exit_code == 0 and result.output.splitlines()[0] == f"audit chain intact: {count} events"

    # Edit one stored event in the TinyDB store's audit file, as someone with access to the disk could.
    (chunk,) = (app.config["DATA_DIR"] / "store" / "audit").glob("*.json")
    stored = json.loads(chunk.read_text())
    stored["entries"]["2"]["case_id"] = "another-case"
    chunk.write_text(json.dumps(stored))
    result = runner.invoke(args=["verify-audit"])
    assert result.exit_code == 1 and "audit chain broken at event 2" in result.output


def test_an_anchor_noted_earlier_shows_a_cut_off_or_resealed_trail():
    """The chain checks itself but cannot see that its end was cut off, or that everything after an edit was
    sealed again; an anchor (the last event's seq and hash) kept outside the server can."""
    chained = events(6)
    noted = anchor(chained[:4])
    assert noted == f"4:{chained[3].hash}"
    assert anchor_problem(chained, noted) is None  # the trail grew, the noted event is unchanged
    cut = chained[:3]
    assert first_broken_link(cut) is None
    assert anchor_problem(cut, noted) == "the trail ends at event 3, before the anchor's event 4: events were removed"
    resealed, prev = [], None
    for e in chained:
        prev = chain(prev, dataclasses.replace(e, details={"i": 0} if e.seq == 2 else e.details))
        resealed.append(prev)
    assert first_broken_link(resealed) is None
    assert anchor_problem(resealed, noted) == "event 4 is not the one the anchor noted: the trail was rewritten"
    for bad in ("", "4", "x:abc", f"four:{chained[3].hash}", "4:" + "0" * 63):
        with pytest.raises(ValueError):
            anchor_problem(chained, bad)


def test_verify_audit_prints_an_anchor_and_checks_one_noted_earlier(app, runner, make_user, login):
    api = login(make_user("anna@shelter-a.nl"))
    api.new_case()
    first = runner.invoke(args=["verify-audit"])
    noted = first.output.splitlines()[1].split()[1]
    assert first.exit_code == 0 and noted == anchor(app.extensions["safefuture"].store.audit_events())
    api.new_case()  # the trail grows after the anchor was noted
    later = runner.invoke(args=["verify-audit", "--anchor", noted])
    assert later.exit_code == 0, later.output

    # Someone with access to the disk cuts the trail back to before the anchor: the chain still holds.
    (chunk,) = (app.config["DATA_DIR"] / "store" / "audit").glob("*.json")
    stored = json.loads(chunk.read_text())
    stored["entries"] = {k: v for k, v in stored["entries"].items() if int(k) < int(noted.split(":")[0])}
    chunk.write_text(json.dumps(stored))
    assert runner.invoke(args=["verify-audit"]).exit_code == 0
    cut = runner.invoke(args=["verify-audit", "--anchor", noted])
    assert cut.exit_code == 1 and "events were removed" in cut.output

    wrong = runner.invoke(args=["verify-audit", "--anchor", "not an anchor"])
    assert wrong.exit_code == 2 and "seq:hash" in wrong.output

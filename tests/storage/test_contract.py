"""The storage contract: every Store implementation must pass every test here (see conftest.STORE_FACTORIES)."""
from __future__ import annotations

import gc
import threading
import weakref

import pytest

from app.domain.access import Scope
from app.domain.audit import GENESIS, AuditEvent, first_broken_link
from app.domain.errors import Invalid
from app.domain.model import Case, Organisation, Session, User
from app.domain.revisions import RecordChange, decide
from app.storage import postgresql_store
from app.storage.base import AlreadyExists

ORG_A, ORG_B = "org-a", "org-b"
SEES_A = Scope(org_ids=frozenset({ORG_A}))
SEES_B = Scope(org_ids=frozenset({ORG_B}))


def case(case_id="case-1", org_id=ORG_A, created_at="2024-05-01T10:00:00Z", **fields) -> Case:
    fields = {"client_code": f"code-{case_id}", "country_of_origin": "NG", **fields}
    return Case(id=case_id, org_id=org_id, created_at=created_at, **fields)


def change(record_id="rec-1", case_id="case-1", data=None, base_rev=None, status="draft", resolves=(),
           saved_by="user-1") -> RecordChange:
    return RecordChange(id=record_id, case_id=case_id, form_id="overzicht-1", form_version=1, status=status,
                        data={"occasion": "first talk"} if data is None else data, base_rev=base_rev,
                        saved_by=saved_by, saved_at="2024-05-01T10:00:00Z", device_id="tablet-1",
                        resolves=list(resolves))


def push(store, ch: RecordChange, org_id=ORG_A):
    return store.apply_record_change(ch, org_id, decide)


# --- organisations, users, sessions -------------------------------------------------------------------------

def test_orgs_round_trip_and_list_sorted_by_id(store):
    store.put_org(Organisation("org-z", "Zeta", "BG", "partner"))
    store.put_org(Organisation("org-a", "Alpha", "NL", "counselling"))
    assert store.get_org("org-z") == Organisation("org-z", "Zeta", "BG", "partner")
    assert [o.id for o in store.list_orgs()] == ["org-a", "org-z"]
    assert store.get_org("org-unknown") is None


def test_put_org_replaces_the_stored_org(store):
    store.put_org(Organisation("org-a", "Alpha", "NL", "counselling"))
    store.put_org(Organisation("org-a", "Alpha Opvang", "NL", "counselling"))
    assert store.get_org("org-a").name == "Alpha Opvang"
    assert len(store.list_orgs()) == 1


def test_users_round_trip_and_replace(store):
    user = User("user-1", "ana@example.org", ORG_A, "counsellor", "$argon2id$hash")
    store.put_user(user)
    assert store.get_user("user-1") == user
    store.put_user(User("user-1", "ana@example.org", ORG_A, "coordinator", "$argon2id$hash", active=False))
    assert store.get_user("user-1").role == "coordinator"
    assert store.get_user("user-1").active is False
    assert store.get_user("user-2") is None


def test_find_user_by_email_ignores_case_and_surrounding_spaces(store):
    store.put_user(User("user-1", "ana@example.org", ORG_A, "counsellor", "h"))
    store.put_user(User("user-2", "Bo@Example.org", ORG_B, "partner", "h"))
    assert store.find_user_by_email("  ANA@Example.ORG ").id == "user-1"
    assert store.find_user_by_email("bo@example.org").id == "user-2"
    assert store.find_user_by_email("nobody@example.org") is None


def test_sessions_round_trip_and_delete(store):
    session = Session("sess-hash-1", "user-1", "2024-05-01T10:00:00Z", "2024-05-01T10:05:00Z")
    store.put_session(session)
    store.put_session(Session("sess-hash-2", "user-2", "2024-05-01T11:00:00Z", "2024-05-01T11:00:00Z"))
    assert store.get_session("sess-hash-1") == session
    store.delete_session("sess-hash-1")
    assert store.get_session("sess-hash-1") is None
    assert store.get_session("sess-hash-2").user_id == "user-2"
    store.delete_session("sess-hash-1")  # deleting a dead session again is not an error


def test_sessions_of_a_user_or_a_device_end_together_except_the_one_kept(store):
    T = "2024-05-01T10:00:00.000Z"
    for session_id, user_id, device_id in (("s1", "u1", "d1"), ("s2", "u1", "d2"), ("s3", "u1", None),
                                           ("s4", "u2", "d1"), ("s5", "u2", None)):
        store.put_session(Session(session_id, user_id, T, T, device_id=device_id, key_hash="k" if device_id else None))
    assert store.get_session("s1").device_id == "d1" and store.get_session("s1").key_hash == "k"
    assert sorted(store.delete_sessions_of(user_id="u1", keep="s2")) == ["s1", "s3"]
    assert store.get_session("s2") is not None and store.get_session("s4") is not None
    assert store.delete_sessions_of(device_id="d1") == ["s4"]
    assert store.delete_sessions_of(user_id="u2", device_id="d2") == []
    assert sorted(store.delete_sessions_of(user_id="u2")) == ["s5"]
    assert [s for s in ("s1", "s2", "s3", "s4", "s5") if store.get_session(s)] == ["s2"]
    with pytest.raises(ValueError):
        store.delete_sessions_of()


def test_sessions_idle_since_a_moment_are_deleted_together(store):
    seen = {"old-1": "2024-04-01T09:00:00.000Z", "old-2": "2024-04-30T23:59:59Z",
            "edge": "2024-05-01T00:00:00Z", "new": "2024-05-01T00:00:00.001Z"}
    for n, (session_id, last_seen) in enumerate(seen.items()):
        store.put_session(Session(session_id, f"user-{n}", "2024-03-01T00:00:00.000Z", last_seen))
    assert sorted(store.delete_sessions_idle_since("2024-05-01T00:00:00.000Z")) == ["old-1", "old-2"]
    assert store.get_session("old-1") is None and store.get_session("old-2") is None
    assert store.get_session("edge").user_id == "user-2" and store.get_session("new").user_id == "user-3"
    assert store.delete_sessions_idle_since("2024-05-01T00:00:00.0005Z") == ["edge"]  # times, not text, compared
    assert store.delete_sessions_idle_since("2024-05-01T00:00:00.000Z") == []


# --- cases -------------------------------------------------------------------------------------------------

def test_create_and_get_case(store):
    store.create_case(case(counsellor_id="user-1", created_by="user-1"))
    assert store.get_case("case-1") == case(counsellor_id="user-1", created_by="user-1")
    assert store.get_case("case-unknown") is None


def test_create_case_with_a_taken_id_raises_and_keeps_the_first(store):
    store.create_case(case())
    seq = store.last_seq()
    with pytest.raises(AlreadyExists):
        store.create_case(case(client_code="other"))
    assert store.get_case("case-1").client_code == "code-case-1"
    assert store.last_seq() == seq


def test_update_case_replaces_it_and_announces_the_change(store):
    store.create_case(case())
    store.update_case(case(step="NL-5", updated_at="2024-06-01T09:00:00Z"))
    assert store.get_case("case-1").step == "NL-5"
    changes, _ = store.changes_since(0, SEES_A, 10)
    assert [(c.kind, c.entity_id) for c in changes] == [("case", "case-1"), ("case", "case-1")]


def test_list_cases_by_organisation_sorted_by_creation(store):
    store.create_case(case("case-2", created_at="2024-05-02T00:00:00Z"))
    store.create_case(case("case-1", created_at="2024-05-01T00:00:00Z"))
    store.create_case(case("case-b", org_id=ORG_B))
    assert [c.id for c in store.list_cases(SEES_A)] == ["case-1", "case-2"]
    assert [c.id for c in store.list_cases(SEES_B)] == ["case-b"]
    assert store.list_cases(SEES_A)[0].client_code == "code-case-1"


def test_list_cases_by_granted_case_ids(store):
    store.create_case(case("case-1"))
    store.create_case(case("case-2"))
    partner = Scope(case_ids=frozenset({"case-2", "case-never-created"}))
    assert [c.id for c in store.list_cases(partner)] == ["case-2"]
    assert store.list_cases(Scope()) == []


def test_iter_cases_yields_what_list_cases_lists_once_each_over_several_pages(store, monkeypatch):
    monkeypatch.setattr(postgresql_store, "CASE_PAGE", 2)  # the PostgreSQL store pages by 2: five pages here
    for i in range(7):
        store.create_case(case(f"case-{i}"))
    store.create_case(case("case-b1", org_id=ORG_B))
    store.create_case(case("case-b2", org_id=ORG_B))
    mixed = Scope(org_ids=frozenset({ORG_A}), case_ids=frozenset({"case-b2", "case-3", "case-never-created"}))
    for scope in (SEES_A, SEES_B, mixed, Scope(case_ids=frozenset({"case-b1"})), Scope()):
        ids = [c.id for c in store.iter_cases(scope)]
        assert sorted(ids) == [c.id for c in sorted(store.list_cases(scope), key=lambda c: c.id)]
        assert len(ids) == len(set(ids))
    assert {c.client_code for c in store.iter_cases(SEES_B)} == {"code-case-b1", "code-case-b2"}


def test_a_record_read_is_freed_as_soon_as_it_is_dropped(store):
    """No reference cycle in what the store gives (a state whose lookup of earlier revisions refers back to it):
    an export reads thousands of records, and cycles would pile up until a full garbage collection."""
    store.create_case(case())
    outcome = push(store, change())
    for n in range(8):  # enough revisions that the earlier ones go to the record's history
        outcome = push(store, change(base_rev=outcome.rev, data={"occasion": f"talk {n}"}))
    gc.disable()
    try:
        for read in (lambda: store.get_record("rec-1"), lambda: store.list_records("case-1")[0]):
            state = read()
            assert state.accepted_rev(1) is not None  # its earlier revisions can be looked up
            alive = weakref.ref(state)
            del state
            assert alive() is None
    finally:
        gc.enable()


def test_a_case_moved_to_another_organisation_is_listed_there_only(store):
    store.create_case(case())
    store.update_case(case(org_id=ORG_B))
    assert store.list_cases(SEES_A) == []
    assert [c.id for c in store.list_cases(SEES_B)] == ["case-1"]


def test_returned_objects_are_copies(store):
    store.create_case(case())
    got = store.get_case("case-1")
    got.client_code = "changed by the caller"
    assert store.get_case("case-1").client_code == "code-case-1"
    push(store, change(data={"occasion": "a"}))
    record = store.get_record("rec-1")
    record.head.data["occasion"] = "changed by the caller"
    assert store.get_record("rec-1").head.data == {"occasion": "a"}


def test_text_with_control_characters_comes_back_unchanged(store):
    """A NUL or another control character in a field stored readable (a device name, a social-map edit) or
    sealed (record data) is kept as it was: no store refuses what another accepts."""
    odd = "a\u0000b\u0007c"
    store.put_org(Organisation("org-a", f"Name {odd}", "NL", "counselling"))
    assert store.get_org("org-a").name == f"Name {odd}"
    store.append_audit(AuditEvent(seq=0, at="2024-05-01T10:00:00Z", actor_id="user-1", org_id=ORG_A,
                                  action="write_record", device_id=f"tablet {odd}", details={"note": odd}))
    assert store.audit_events()[-1].device_id == f"tablet {odd}"
    assert first_broken_link(store.audit_events()) is None
    store.append_socialmap_edit({"id": "e1", "org_id": "x", "changes": {"name": odd}}, 0)
    assert store.list_socialmap_edits()[0]["changes"]["name"] == odd
    push(store, change(data={"occasion": odd}))
    assert store.get_record("rec-1").head.data["occasion"] == odd
    store.put_doc("handovers", {"id": "h1", "purpose": odd})
    assert store.get_doc("handovers", "h1")["purpose"] == odd


# --- records and revisions ---------------------------------------------------------------------------------

def test_new_record_gets_its_first_revision(store):
    store.create_case(case())
    outcome = push(store, change(data={"occasion": "intake"}))
    assert (outcome.status, outcome.created, outcome.changed) == ("ok", True, True)
    assert outcome.rev.startswith("1-")
    record = store.get_record("rec-1")
    assert record.head.rev == outcome.rev
    assert record.head.data == {"occasion": "intake"}
    assert (record.case_id, record.org_id, record.head.saved_by, record.head.device_id) == (
        "case-1", ORG_A, "user-1", "tablet-1")
    assert record == outcome.state


def test_change_from_the_head_adds_a_revision_and_keeps_the_history(store):
    first = push(store, change(data={"occasion": "v1"}))
    second = push(store, change(data={"occasion": "v2"}, base_rev=first.rev, status="final"))
    assert second.status == "ok" and second.rev.startswith("2-")
    record, line = store.get_record("rec-1"), store.record_history("rec-1")
    assert [r.rev for r in line] == [first.rev, second.rev]
    assert [r.data for r in line] == [{"occasion": "v1"}, {"occasion": "v2"}]
    assert record.head.status == "final" and record.head == line[-1]
    assert line[1].base_rev == first.rev


def test_change_from_an_old_revision_is_kept_as_a_conflict_next_to_the_newer_one(store):
    first = push(store, change(data={"occasion": "v1"}))
    newer = push(store, change(data={"occasion": "tablet A"}, base_rev=first.rev))
    late = push(store, change(data={"occasion": "tablet B"}, base_rev=first.rev, saved_by="user-2"))
    assert late.status == "conflict"
    record = store.get_record("rec-1")
    assert record.head.rev == newer.rev and record.head.data == {"occasion": "tablet A"}
    assert [(c.rev, c.data, c.saved_by) for c in record.conflicts] == [(late.rev, {"occasion": "tablet B"}, "user-2")]
    assert [c["data"] for c in record.view()["conflicts"]] == [{"occasion": "tablet B"}]


def test_resending_a_change_is_idempotent(store):
    first = push(store, change(data={"occasion": "v1"}))
    second = push(store, change(data={"occasion": "v2"}, base_rev=first.rev))
    seq = store.last_seq()
    again = push(store, change(data={"occasion": "v2"}, base_rev=first.rev))
    assert (again.status, again.rev, again.changed) == ("ok", second.rev, False)
    assert len(store.record_history("rec-1")) == 2
    assert store.last_seq() == seq
    assert store.changes_since(seq, SEES_A, 10) == ([], seq)


def test_resending_a_conflicting_change_gives_the_same_conflict(store):
    first = push(store, change(data={"occasion": "v1"}))
    push(store, change(data={"occasion": "A"}, base_rev=first.rev))
    conflict = push(store, change(data={"occasion": "B"}, base_rev=first.rev))
    seq = store.last_seq()
    again = push(store, change(data={"occasion": "B"}, base_rev=first.rev))
    assert (again.status, again.rev, again.changed) == ("conflict", conflict.rev, False)
    assert len(store.get_record("rec-1").conflicts) == 1
    assert store.last_seq() == seq


def test_resolving_a_conflict_marks_it_and_keeps_it_in_history(store):
    first = push(store, change(data={"occasion": "v1"}))
    head = push(store, change(data={"occasion": "A"}, base_rev=first.rev))
    conflict = push(store, change(data={"occasion": "B"}, base_rev=first.rev))
    merged = push(store, change(data={"occasion": "A and B"}, base_rev=head.rev, resolves=[conflict.rev]))
    assert merged.status == "ok"
    record = store.get_record("rec-1")
    assert record.head.rev == merged.rev and record.head.resolves == [conflict.rev]
    assert [(c.rev, c.resolved_by, c.data) for c in record.conflicts] == [(conflict.rev, merged.rev, {"occasion": "B"})]
    assert record.view()["conflicts"] == []


def test_an_invalid_change_changes_nothing(store):
    first = push(store, change(data={"occasion": "v1"}))
    seq = store.last_seq()
    with pytest.raises(Invalid) as unknown_base:
        push(store, change(data={"occasion": "v2"}, base_rev="7-0000000000000000"))
    assert unknown_base.value.errors[0]["path"] == "/base_rev"
    with pytest.raises(Invalid):
        push(store, change(case_id="case-2", data={"occasion": "v2"}, base_rev=first.rev))
    with pytest.raises(Invalid):
        push(store, change(record_id="rec-new", base_rev=first.rev))
    assert store.get_record("rec-1").revisions == [first.state.head]
    assert store.get_record("rec-new") is None
    assert store.last_seq() == seq


def test_list_records_returns_the_records_of_one_case(store):
    push(store, change("rec-1", "case-1"))
    push(store, change("rec-2", "case-1"))
    push(store, change("rec-3", "case-2"))
    assert sorted(r.id for r in store.list_records("case-1")) == ["rec-1", "rec-2"]
    assert [r.id for r in store.list_records("case-2")] == ["rec-3"]
    assert store.list_records("case-none") == []
    assert store.get_record("rec-unknown") is None


def test_get_records_reads_many_records_at_once_and_leaves_out_unknown_ids(store):
    ids = [f"rec-{n}" for n in range(70)]  # more than the TinyDB index has shards, over three cases
    for n, record_id in enumerate(ids):
        push(store, change(record_id, f"case-{n % 3}", data={"occasion": f"v{n}"}))
    second = push(store, change("rec-5", "case-2", data={"occasion": "again"}, base_rev=store.get_record("rec-5").head.rev))
    found = store.get_records(ids + ["rec-unknown"])
    assert sorted(found) == sorted(ids)
    assert found["rec-5"] == store.get_record("rec-5") and found["rec-5"].head == second.state.head
    assert found["rec-7"].head.data == {"occasion": "v7"} and found["rec-7"].case_id == "case-1"
    assert store.get_records([]) == {} and store.get_records(["rec-unknown"]) == {}
    found["rec-7"].head.data["occasion"] = "changed by a caller"
    assert store.get_record("rec-7").head.data == {"occasion": "v7"}


def test_concurrent_changes_from_one_revision_give_one_head_and_conflicts(store):
    first = push(store, change(data={"occasion": "v1"}))
    start = threading.Barrier(8)
    outcomes = []

    def edit(n):
        start.wait()
        outcomes.append(push(store, change(data={"occasion": f"tablet {n}"}, base_rev=first.rev)))

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o.status for o in outcomes) == ["conflict"] * 7 + ["ok"]
    record, line = store.get_record("rec-1"), store.record_history("rec-1")
    assert len(line) == 2 and len(record.conflicts) == 7
    assert {r.data["occasion"] for r in line[1:] + record.conflicts} == {f"tablet {n}" for n in range(8)}


def test_a_batch_is_decided_in_order_each_change_seeing_the_ones_before(store):
    store.create_case(case())
    seq = store.last_seq()
    first = push(store, change("rec-0"))
    results = store.apply_record_changes([
        (change("rec-1", data={"occasion": "new"}), ORG_A),
        (change("rec-0", data={"occasion": "edited"}, base_rev=first.rev), ORG_A),
        (change("rec-0", data={"occasion": "late"}, base_rev=first.rev), ORG_A),  # the edit above came first
        (change("rec-1", data={"occasion": "new"}), ORG_A),  # a replay within the batch
    ], decide)
    assert [(r.status, r.changed) for r in results] == [("ok", True), ("ok", True), ("conflict", True), ("ok", False)]
    assert results[3].rev == results[0].rev
    record = store.get_record("rec-0")
    assert record.head.data == {"occasion": "edited"} and [c.data for c in record.conflicts] == [{"occasion": "late"}]
    changes, _ = store.changes_since(seq, SEES_A, 100)
    assert [(c.seq, c.entity_id) for c in changes] == [(seq + 1, "rec-0"), (seq + 2, "rec-1"), (seq + 3, "rec-0"),
                                                      (seq + 4, "rec-0")]
    # Each persisted outcome knows its entry in the feed; the replay persisted nothing.
    assert first.seq == seq + 1 and [r.seq for r in results] == [seq + 2, seq + 3, seq + 4, None]


def test_a_batch_of_a_few_hundred_changes_keeps_its_order(store):
    first = push(store, change("rec-000"))
    batch = [(change(f"rec-{n:03d}"), ORG_A) for n in range(1, 300)]
    batch.append((change("rec-000", data={"occasion": "edited last"}, base_rev=first.rev), ORG_A))
    results = store.apply_record_changes(batch, decide)
    assert [r.status for r in results] == ["ok"] * 300 and results[-1].rev.startswith("2-")
    changes, cursor = store.changes_since(1, SEES_A, 1000)
    assert [c.entity_id for c in changes] == [f"rec-{n:03d}" for n in range(1, 300)] + ["rec-000"]
    assert [r.seq for r in results] == [c.seq for c in changes]
    assert cursor == store.last_seq() == 301


def test_a_refused_change_in_a_batch_changes_nothing_and_the_others_go_through(store):
    first = push(store, change("rec-0"))
    seq = store.last_seq()
    results = store.apply_record_changes([
        (change("rec-1"), ORG_A),
        (change("rec-0", data={"occasion": "v2"}, base_rev="9-0000000000000000"), ORG_A),
        (change("rec-new", base_rev=first.rev), ORG_A),
        (change("rec-2"), ORG_A),
    ], decide)
    assert [type(r).__name__ for r in results] == ["Outcome", "Invalid", "Invalid", "Outcome"]
    assert results[1].errors[0]["path"] == "/base_rev"
    assert store.get_record("rec-0").revisions == [first.state.head] and store.get_record("rec-new") is None
    changes, _ = store.changes_since(seq, SEES_A, 100)
    assert [c.entity_id for c in changes] == ["rec-1", "rec-2"]


def test_concurrent_batches_over_the_same_records_lose_nothing(store):
    """Batches that touch the same records in opposite orders wait for each other (and never deadlock)."""
    ids = [f"rec-{n}" for n in range(6)]
    start = threading.Barrier(4)

    def writer(n):
        start.wait()
        for round_ in range(3):
            order = ids if n % 2 else list(reversed(ids))
            store.apply_record_changes([(change(i, data={"occasion": f"writer {n} round {round_}"}), ORG_A)
                                        for i in order], decide)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    changes, cursor = store.changes_since(0, SEES_A, 1000)
    assert [c.seq for c in changes] == list(range(1, cursor + 1))
    for record_id in ids:
        record = store.get_record(record_id)
        # every writer's every round created the record or conflicted with the first one (base_rev None)
        assert len(record.revisions) + len(record.conflicts) == 12
        assert sum(1 for c in changes if c.entity_id == record_id) == 12


# --- change feed -------------------------------------------------------------------------------------------

def test_every_write_gets_the_next_number_in_the_change_feed(store):
    assert store.last_seq() == 0
    store.create_case(case())
    first = push(store, change())
    push(store, change(data={"occasion": "v2"}, base_rev=first.rev))
    changes, cursor = store.changes_since(0, SEES_A, 100)
    assert [(c.seq, c.kind, c.entity_id, c.case_id, c.org_id) for c in changes] == [
        (1, "case", "case-1", "case-1", ORG_A), (2, "record", "rec-1", "case-1", ORG_A),
        (3, "record", "rec-1", "case-1", ORG_A)]
    assert cursor == store.last_seq() == 3


def test_change_feed_shows_only_what_the_scope_may_see(store):
    store.create_case(case("case-a1"))
    store.create_case(case("case-b1", org_id=ORG_B))
    store.create_case(case("case-b2", org_id=ORG_B))
    push(store, change("rec-a", "case-a1"))
    push(store, change("rec-b", "case-b1"), org_id=ORG_B)
    push(store, change("rec-b2", "case-b2"), org_id=ORG_B)

    def seen(scope):
        changes, cursor = store.changes_since(0, scope, 100)
        assert cursor == store.last_seq()
        return [c.entity_id for c in changes]

    assert seen(SEES_A) == ["case-a1", "rec-a"]
    assert seen(SEES_B) == ["case-b1", "case-b2", "rec-b", "rec-b2"]
    # A partner's scope: a granted case, and within it exactly the granted records.
    assert seen(Scope(case_ids=frozenset({"case-b2"}), record_ids=frozenset({"rec-b2"}))) == ["case-b2", "rec-b2"]
    assert seen(Scope(case_ids=frozenset({"case-b2"}))) == ["case-b2"]
    assert seen(Scope()) == []


def test_change_feed_pages_with_limit_and_cursor(store):
    for n in range(7):
        push(store, change(f"rec-a{n}", "case-a"))
        push(store, change(f"rec-b{n}", "case-b"), org_id=ORG_B)
    pages, cursor = [], 0
    while True:
        changes, next_cursor = store.changes_since(cursor, SEES_A, 3)
        assert next_cursor >= cursor
        if not changes:
            break
        assert len(changes) <= 3 and all(c.seq > cursor for c in changes)
        pages.append([c.entity_id for c in changes])
        cursor = next_cursor
    assert pages == [["rec-a0", "rec-a1", "rec-a2"], ["rec-a3", "rec-a4", "rec-a5"], ["rec-a6"]]
    assert cursor == store.last_seq()


def test_changes_since_the_end_or_with_no_room_are_empty(store):
    push(store, change())
    assert store.changes_since(store.last_seq(), SEES_A, 10) == ([], 1)
    assert store.changes_since(99, SEES_A, 10) == ([], 99)
    assert store.changes_since(0, SEES_A, 0) == ([], 0)


# --- audit trail -------------------------------------------------------------------------------------------

def audit(action="read_case", case_id="case-1", **fields) -> AuditEvent:
    return AuditEvent(seq=0, at="2024-05-01T10:00:00Z", actor_id="user-1", org_id=ORG_A, action=action,
                      case_id=case_id, **fields)


def test_audit_events_are_numbered_and_hash_chained(store):
    event = audit("create_case", details={"via": "sync"})
    first = store.append_audit(event)
    second = store.append_audit(audit("read_record", record_id="rec-1", device_id="tablet-1"))
    assert (first.seq, first.prev_hash) == (1, GENESIS)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    assert event.seq == 0 and event.hash == ""  # the caller's event is not changed
    events = store.audit_events()
    assert events == [first, second]
    assert first_broken_link(events) is None


def test_audit_events_of_one_case(store):
    store.append_audit(audit(case_id="case-1"))
    store.append_audit(audit("login", case_id=None))
    store.append_audit(audit(case_id="case-2"))
    store.append_audit(audit("update_case", case_id="case-1"))
    assert [(e.seq, e.action) for e in store.audit_events("case-1")] == [(1, "read_case"), (4, "update_case")]
    assert [e.seq for e in store.audit_events()] == [1, 2, 3, 4]


def test_case_steps_are_the_step_events_of_the_scopes_cases_oldest_first(store):
    store.create_case(case("case-1"))
    store.create_case(case("case-2", org_id=ORG_B))
    store.create_case(case("case-3", org_id=ORG_B))
    store.append_audit(audit("create_case", case_id="case-1", details={"step": "NL-1"}))
    store.append_audit(audit("create_case", case_id="case-2", details={"step": "NL-3"}))
    store.append_audit(audit("read_case", case_id="case-1"))
    store.append_audit(audit("update_case", case_id="case-1", details={"counsellor_id": "user-2"}))  # no step
    store.append_audit(AuditEvent(seq=0, at="2024-06-01T10:00:00Z", actor_id="user-1", org_id=ORG_A,
                                  action="update_case", case_id="case-1", details={"step": "NL-2"}))
    store.append_audit(audit("export_data", case_id=None, details={"step": "NL-9"}))
    assert store.case_steps(SEES_A) == {"case-1": [("2024-05-01T10:00:00Z", "NL-1"), ("2024-06-01T10:00:00Z", "NL-2")]}
    assert store.case_steps(SEES_B) == {"case-2": [("2024-05-01T10:00:00Z", "NL-3")]}  # case-3 has none
    granted = Scope(org_ids=frozenset(), case_ids=frozenset({"case-2"}))
    assert store.case_steps(granted) == {"case-2": [("2024-05-01T10:00:00Z", "NL-3")]}
    # a step change after a first read is there at the next (a store that keeps an index keeps it current)
    store.append_audit(AuditEvent(seq=0, at="2024-07-01T10:00:00Z", actor_id="user-1", org_id=ORG_B,
                                  action="update_case", case_id="case-2", details={"step": "NL-4"}))
    assert store.case_steps(granted) == {"case-2": [("2024-05-01T10:00:00Z", "NL-3"), ("2024-07-01T10:00:00Z", "NL-4")]}


def test_concurrent_audit_appends_keep_one_unbroken_chain(store):
    start = threading.Barrier(8)

    def append(n):
        start.wait()
        for i in range(5):
            store.append_audit(audit(details={"writer": n, "i": i}))

    threads = [threading.Thread(target=append, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    events = store.audit_events()
    assert [e.seq for e in events] == list(range(1, 41))
    assert first_broken_link(events) is None


# --- social-map edits ------------------------------------------------------------------------------------------

def test_socialmap_edits_are_numbered_in_order_and_listed_after_a_cursor(store):
    from app.storage.base import StaleSequence

    assert store.last_socialmap_edit_seq() == 0 and store.list_socialmap_edits() == []
    first = store.append_socialmap_edit({"id": "e1", "org_id": "cosudow", "changes": {}}, 0)
    second = store.append_socialmap_edit({"id": "e2", "org_id": "animus", "changes": {}}, 1)
    assert (first["seq"], second["seq"]) == (1, 2) and store.last_socialmap_edit_seq() == 2
    assert [e["id"] for e in store.list_socialmap_edits()] == ["e1", "e2"]
    assert [e["id"] for e in store.list_socialmap_edits(since=1)] == ["e2"]
    with pytest.raises(StaleSequence):  # someone else appended first: nothing is written
        store.append_socialmap_edit({"id": "e3", "org_id": "x", "changes": {}}, 1)
    with pytest.raises(StaleSequence):  # a number from the future would leave a gap
        store.append_socialmap_edit({"id": "e3", "org_id": "x", "changes": {}}, 5)
    assert store.last_socialmap_edit_seq() == 2 and len(store.list_socialmap_edits()) == 2


def test_a_batch_of_audit_events_continues_the_chain(store):
    from app.domain.audit import AuditEvent, first_broken_link

    store.append_audit(AuditEvent(0, "2026-01-01T00:00:00Z", "u1", "org", "login"))
    batch = [AuditEvent(0, "2026-01-01T00:00:01Z", "u1", "org", "read_record", case_id="c", record_id=f"r{i}")
             for i in range(200)]  # crosses a chunk boundary in the TinyDB store
    sealed = store.append_audit_many(batch)
    assert [e.seq for e in sealed] == list(range(2, 202))
    events = store.audit_events()
    assert len(events) == 201 and first_broken_link(events) is None


# --- small documents ---------------------------------------------------------------------------------------------

def test_documents_round_trip_filter_replace_and_delete(store):
    store.put_doc("handovers", {"id": "h1", "case_id": "c1", "to_org": "cosudow", "purpose": "re-integration"})
    store.put_doc("handovers", {"id": "h2", "case_id": "c2", "to_org": "animus"})
    assert store.get_doc("handovers", "h1")["purpose"] == "re-integration"
    assert [d["id"] for d in store.list_docs("handovers", to_org="animus")] == ["h2"]
    store.put_doc("handovers", {"id": "h2", "case_id": "c2", "to_org": "cosudow"})
    assert sorted(d["id"] for d in store.list_docs("handovers", to_org="cosudow")) == ["h1", "h2"]
    store.delete_doc("handovers", "h1")
    assert store.get_doc("handovers", "h1") is None and store.get_doc("other", "h2") is None
    assert store.list_docs("nothing_here") == []


def test_a_document_with_feed_is_announced_to_the_scope_that_sees_it(store):
    from app.domain.access import Scope

    before = store.last_seq()
    store.put_doc("handovers", {"id": "h1", "case_id": "c1", "to_org": "cosudow"}, feed=("c1", "shelter-a"))
    store.put_doc("subscriptions", {"id": "s1"})  # no feed: not announced
    assert store.last_seq() == before + 1
    seen, _ = store.changes_since(before, Scope(doc_org_ids=frozenset({"shelter-a"})), 10)
    assert [(c.kind, c.entity_id) for c in seen] == [("handovers", "h1")]
    unseen, _ = store.changes_since(before, Scope(doc_org_ids=frozenset({"shelter-b"})), 10)
    assert unseen == []

"""The revision rules of the sync protocol, on their own (no store)."""
from __future__ import annotations

import copy
import hashlib
import json

import pytest

from app.domain.errors import Invalid
from app.domain.revisions import RecordChange, decide

ORG = "org-a"


def change(data=None, base_rev=None, resolves=(), case_id="case-1", status="draft", saved_by="user-1",
           saved_at="2024-05-01T10:00:00Z", device_id="tablet-1") -> RecordChange:
    return RecordChange(id="rec-1", case_id=case_id, form_id="overzicht-1", form_version=1, status=status,
                        data={"occasion": "v1"} if data is None else data, base_rev=base_rev, saved_by=saved_by,
                        saved_at=saved_at, device_id=device_id, resolves=list(resolves))


def error_paths(exc_info) -> list[str]:
    return [e["path"] for e in exc_info.value.errors]


def test_a_new_record_starts_at_generation_one_named_by_its_content():
    ch = change()
    outcome = decide(None, ch, ORG)
    assert (outcome.status, outcome.created, outcome.changed) == ("ok", True, True)
    canonical = json.dumps({"base_rev": None, "form_id": "overzicht-1", "form_version": 1, "status": "draft",
                            "data": {"occasion": "v1"}, "resolves": []}, sort_keys=True, separators=(",", ":"))
    assert outcome.rev == "1-" + hashlib.sha256(canonical.encode()).hexdigest()[:16]
    state = outcome.state
    assert (state.id, state.case_id, state.org_id) == ("rec-1", "case-1", ORG)
    assert [r.rev for r in state.revisions] == [outcome.rev] and state.conflicts == []
    assert (state.head.saved_by, state.head.device_id, state.head.base_rev) == ("user-1", "tablet-1", None)


def test_the_content_hash_ignores_who_sent_it_and_when():
    a = change(saved_by="user-1", saved_at="2024-05-01", device_id="tablet-1")
    b = change(saved_by="user-2", saved_at="2024-06-01", device_id="phone-9")
    assert a.content_hash() == b.content_hash()
    assert a.content_hash() != change(data={"occasion": "v2"}).content_hash()
    assert a.content_hash() != change(base_rev="1-abc").content_hash()
    assert a.content_hash() != change(status="final").content_hash()


@pytest.mark.parametrize("kwargs, path", [({"base_rev": "1-0000000000000000"}, "/base_rev"),
                                          ({"resolves": ["1-0000000000000000"]}, "/resolves")])
def test_a_new_record_cannot_claim_a_history(kwargs, path):
    with pytest.raises(Invalid) as exc:
        decide(None, change(**kwargs), ORG)
    assert error_paths(exc) == [path]


def test_a_change_from_the_head_becomes_the_next_revision_without_touching_the_old_state():
    first = decide(None, change(), ORG)
    before = copy.deepcopy(first.state)
    second = decide(first.state, change({"occasion": "v2"}, base_rev=first.rev), ORG)
    assert second.status == "ok" and second.changed and not second.created
    assert second.rev.startswith("2-")
    assert [r.data for r in second.state.revisions] == [{"occasion": "v1"}, {"occasion": "v2"}]
    assert second.state.head.base_rev == first.rev
    assert first.state == before


def test_a_replay_gets_the_same_answer_and_changes_nothing():
    first = decide(None, change(), ORG)
    second = decide(first.state, change({"occasion": "v2"}, base_rev=first.rev), ORG)
    for replay, expected in [(change(), first.rev), (change({"occasion": "v2"}, base_rev=first.rev), second.rev)]:
        outcome = decide(second.state, replay, ORG)
        assert (outcome.status, outcome.rev, outcome.changed) == ("ok", expected, False)
        assert outcome.state == second.state


def test_saving_the_head_content_again_is_no_new_revision():
    first = decide(None, change(), ORG)
    outcome = decide(first.state, change(base_rev=first.rev, saved_by="user-2"), ORG)
    assert (outcome.status, outcome.rev, outcome.changed) == ("ok", first.rev, False)


def test_a_change_from_an_older_revision_is_kept_as_a_conflict():
    first = decide(None, change(), ORG)
    second = decide(first.state, change({"occasion": "A"}, base_rev=first.rev), ORG)
    late = decide(second.state, change({"occasion": "B"}, base_rev=first.rev), ORG)
    assert (late.status, late.changed) == ("conflict", True)
    assert late.rev.startswith("2-") and late.rev != second.rev
    assert late.state.head == second.state.head
    assert [(c.rev, c.data) for c in late.state.conflicts] == [(late.rev, {"occasion": "B"})]
    replay = decide(late.state, change({"occasion": "B"}, base_rev=first.rev), ORG)
    assert (replay.status, replay.rev, replay.changed) == ("conflict", late.rev, False)


def test_two_devices_making_the_same_edit_do_not_conflict():
    first = decide(None, change(), ORG)
    second = decide(first.state, change({"occasion": "A"}, base_rev=first.rev), ORG)
    same = decide(second.state, change({"occasion": "A"}, base_rev=first.rev, saved_by="user-2"), ORG)
    assert (same.status, same.rev, same.changed) == ("ok", second.rev, False)


def test_a_second_creation_of_the_same_record_is_a_conflict():
    first = decide(None, change({"occasion": "tablet"}), ORG)
    other = decide(first.state, change({"occasion": "phone"}), ORG)
    assert other.status == "conflict" and other.rev.startswith("1-")
    assert other.state.head.data == {"occasion": "tablet"}


def test_resolving_marks_the_conflict_and_keeps_it():
    first = decide(None, change(), ORG)
    head = decide(first.state, change({"occasion": "A"}, base_rev=first.rev), ORG)
    conflict = decide(head.state, change({"occasion": "B"}, base_rev=first.rev), ORG)
    merged = decide(conflict.state, change({"occasion": "A+B"}, base_rev=head.rev, resolves=[conflict.rev]), ORG)
    assert merged.status == "ok" and merged.rev.startswith("3-")
    assert merged.state.head.resolves == [conflict.rev]
    assert [(c.rev, c.resolved_by) for c in merged.state.conflicts] == [(conflict.rev, merged.rev)]
    assert merged.state.open_conflicts == []


def test_resolving_with_the_head_content_still_resolves():
    first = decide(None, change(), ORG)
    head = decide(first.state, change({"occasion": "A"}, base_rev=first.rev), ORG)
    conflict = decide(head.state, change({"occasion": "B"}, base_rev=first.rev), ORG)
    keep_head = decide(conflict.state, change({"occasion": "A"}, base_rev=head.rev, resolves=[conflict.rev]), ORG)
    assert keep_head.changed and keep_head.rev.startswith("3-")
    assert keep_head.state.open_conflicts == []


def test_a_resolution_from_an_old_revision_is_itself_a_conflict():
    first = decide(None, change(), ORG)
    head = decide(first.state, change({"occasion": "A"}, base_rev=first.rev), ORG)
    conflict = decide(head.state, change({"occasion": "B"}, base_rev=first.rev), ORG)
    stale = decide(conflict.state, change({"occasion": "B"}, base_rev=first.rev, resolves=[conflict.rev]), ORG)
    assert stale.status == "conflict"
    assert stale.state.head == head.state.head
    assert conflict.rev in [c.rev for c in stale.state.open_conflicts]


@pytest.mark.parametrize("kwargs, path", [({"base_rev": "9-ffffffffffffffff"}, "/base_rev"),
                                          ({"resolves": ["2-ffffffffffffffff"]}, "/resolves"),
                                          ({"case_id": "case-2"}, "/case_id")])
def test_a_change_the_record_cannot_take_is_invalid(kwargs, path):
    first = decide(None, change(), ORG)
    kwargs.setdefault("base_rev", first.rev)
    with pytest.raises(Invalid) as exc:
        decide(first.state, change({"occasion": "v2"}, **kwargs), ORG)
    assert error_paths(exc) == [path]

"""One sync round trip (ARCHITECTURE §5): push cases and record changes, then pull the change feed."""
from __future__ import annotations

from ..domain.access import Scope
from ..domain.errors import N_, BadRequest, Conflict, DomainError, Forbidden, Invalid
from ..domain.model import User
from ..domain.validation import type_error
from . import audit, handovers
from . import cases as case_service
from . import records as record_service
from .container import Container
from .savers import Savers

MAX_PUSH = 500  # items per request; a device with more sends several batches
PULL_LIMIT = 500


def parse_cursor(value) -> int:
    if value is None:
        return 0
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise BadRequest(N_("The cursor is not valid."), path="/since")


def _item_result(item_id, error: DomainError) -> dict:
    status = "forbidden" if isinstance(error, Forbidden) else "conflict" if isinstance(error, Conflict) else "invalid"
    return {"id": item_id, "status": status, "message": error.message,
            "errors": getattr(error, "errors", []) or []}


def sync(c: Container, user: User, scope: Scope, body) -> dict:
    if not isinstance(body, dict):
        raise Invalid(N_("The sync request must be a JSON object."), [type_error("", "object")])
    unknown = [k for k in body if k not in ("cases", "push", "since", "limit")]
    if unknown:
        raise Invalid(N_("The sync request is not valid."), [{"path": f"/{k}", "message": N_("Unknown field.")} for k in unknown])
    cases, push = body.get("cases", []), body.get("push", [])
    for key, items in (("cases", cases), ("push", push)):
        if not isinstance(items, list):
            raise Invalid(N_("The sync request is not valid."),
                          [{"path": f"/{key}", "message": N_("Wrong type: expected %(type)s."), "params": {"type": "array"}}])
    if len(cases) + len(push) > MAX_PUSH:
        raise Invalid(N_("Too many changes in one request: send at most %(limit)s."),
                      [{"path": "/push", "message": N_("Too many entries: at most %(limit)s."), "params": {"limit": MAX_PUSH}}],
                      params={"limit": MAX_PUSH})
    since = parse_cursor(body.get("since"))
    limit = body.get("limit", PULL_LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= PULL_LIMIT:
        limit = PULL_LIMIT

    case_results = []
    for item in cases:
        item_id = item.get("id") if isinstance(item, dict) else None
        try:
            case, _ = case_service.create_case(c, user, scope, item)
            case_results.append({"id": case.id, "status": "ok"})
        except DomainError as e:
            case_results.append(_item_result(item_id, e))

    # Every change is checked on its own; those that pass are saved together, in one step of the store.
    results: list[dict | None] = [None] * len(push)
    known: dict[str, int] = {}  # record id -> the feed entry of this request's save, which the device has
    items = []
    for i, item in enumerate(push):
        item_id = item.get("id") if isinstance(item, dict) else None
        if isinstance(item_id, str):
            items.append((i, item_id, item))
        else:
            results[i] = _item_result(item_id, Invalid(N_("The change is not valid."), [
                {"path": "/id", "message": N_("Not a valid id: expected a UUID.")}]))
    saved, scope = record_service.save_records(c, user, scope, [(item_id, item) for _, item_id, item in items])
    for (i, item_id, _), res in zip(items, saved):
        if isinstance(res, DomainError):
            results[i] = _item_result(item_id, res)
            continue
        entry = {"id": res.record.id, "status": res.status, "rev": res.rev}
        if res.status == "conflict":
            entry["current"] = Savers(c, user).name(record_service.record_view(scope, res.record))
        elif res.seq is not None and not res.record.open_conflicts:
            known[res.record.id] = res.seq
        results[i] = entry

    # `more` asks the device to pull again at once: the page was full when the feed had more than it. What
    # other writers commit meanwhile comes with the next sync (it does not cost this device another request).
    last = c.store.last_seq()
    changes, cursor = c.store.changes_since(since, scope, limit)
    return {"case_results": case_results, "results": results, "changes": materialise(c, user, scope, changes, known),
            "cursor": cursor, "more": cursor < last, "granted_case_ids": sorted(scope.case_ids)}


def _entity(change) -> tuple[str, str]:
    """What a change is about: a handover's documents all stand for the handover."""
    if change.kind == handovers.HANDOVERS:
        return "handover", change.entity_id
    if change.kind == handovers.EVENTS:
        return "handover", change.entity_id.split(":", 1)[0]
    return change.kind, change.entity_id


def materialise(c: Container, user: User, scope: Scope, changes, known: dict[str, int] | None = None) -> list[dict]:
    """The current state of every changed case, record and handover, once each, in feed order. Each is checked
    against the scope again, whatever the store filtered. The reads are audited together, in one write.

    `known` maps a record id to the feed entry of a save whose result the device has just received: while that
    entry is the record's latest, the device holds the current state and it is left out (a week of work does
    not come straight back down a costly connection)."""
    known = known or {}
    latest = {}
    for change in changes:
        key = _entity(change)
        latest.pop(key, None)
        if not (key[0] == "record" and known.get(key[1]) == change.seq):
            latest[key] = change
    states = c.store.get_records([entity_id for kind, entity_id in latest if kind == "record"])
    out, reads, savers = [], [], Savers(c, user)
    for (kind, entity_id), change in latest.items():
        if kind == "case":
            case = c.store.get_case(entity_id)
            if case and scope.sees_case(case):
                out.append({"kind": "case", "seq": change.seq, "case": case_service.case_view(case, scope)})
                reads.append(audit.event(c, user, "read_case", case_id=case.id, via="sync"))
        elif kind == "record":
            state = states.get(entity_id)
            if state and scope.sees_record(state):
                out.append(_record_entry(c, user, scope, state, change.seq, reads, savers))
        elif kind == "handover":
            out.extend(_handover_entries(c, user, scope, entity_id, change.seq, reads, savers))
    audit.record_many(c, reads)
    return out


def _record_entry(c: Container, user: User, scope: Scope, state, seq: int, reads: list, savers: Savers) -> dict:
    reads.append(audit.event(c, user, "read_record", case_id=state.case_id, record_id=state.id, via="sync"))
    return {"kind": "record", "seq": seq, "record": savers.name(record_service.record_view(scope, state))}


def _handover_entries(c: Container, user: User, scope: Scope, handover_id: str, seq: int, reads: list,
                      savers: Savers) -> list[dict]:
    """A handover as the partner device needs it. When it is active, the case and its records come with it:
    their own changes may be older than the device's cursor. When consent ended, the device drops the case."""
    handover = handovers.get(c, handover_id)
    if handover is None or not (handovers.is_receiver(user, handover) or handovers.is_sender(user, handover)):
        return []
    entry = {"kind": "handover", "seq": seq, "handover": handovers.view(c, user, handover)}
    case = c.store.get_case(handover.case_id)
    if handovers.is_receiver(user, handover) and handover.active(handovers.today(c)) and case:
        entry["case"] = case_service.case_view(case, scope)
        reads.append(audit.event(c, user, "read_case", case_id=case.id, via="sync"))
        ids = list(dict.fromkeys(handover.record_ids + handover.partner_record_ids))
        states = c.store.get_records(ids)
        entry["records"] = [_record_entry(c, user, scope, states[r], seq, reads, savers)["record"] for r in ids if r in states]
    return [entry]

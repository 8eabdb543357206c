"""Handing a case over to a partner organisation abroad, with the client's consent; withdrawal and expiry; and
the grants that active handovers give the partner organisation (its `Scope`).

Stored as small documents (Store.put_doc). A handover document is written once and never changed; what happens
to it later is stored as separate documents with fixed ids, so two writers never overwrite each other's news:
- `handovers`:        {id, case_id, from_org, to_org, record_ids, consent, created_by, created_at, departure_date}
- `handover_events`:  {id: "<handover id>:<kind>", handover_id, case_id, from_org, to_org, kind, date,
                       recorded_by, recorded_at}; kind is `withdrawn`, `expired` or a monitoring item
- `partner_records`:  {id: record id, case_id, org_id: the partner organisation, case_org, created_by, created_at}
Handovers and their events are fed to the partner organisation's change feed (feed = (case_id, to_org)).
"""
from __future__ import annotations

import uuid
from collections import defaultdict

from ..domain.access import Grants, Scope
from ..domain.audit import AuditEvent
from ..domain.errors import N_, Forbidden, Invalid, NotFound
from ..domain.handover import RECORDABLE_ITEMS, Consent, Handover, MonitoringEvent, parse_request
from ..domain.model import Case, User
from ..domain.validation import uuid_error
from . import audit, notifications
from .container import Container

HANDOVERS = "handovers"
EVENTS = "handover_events"
PARTNER_RECORDS = "partner_records"
NL_ROLES = ("counsellor", "coordinator")
MINIMAL_FIELDS = ("id", "case_id", "from_org", "from_org_name", "to_org", "to_org_name", "created_at", "status")


def today(c: Container) -> str:
    return c.now()[:10]


# Loading ---------------------------------------------------------------------------------------------------

def _assemble(docs: list[dict], events: list[dict], partner_records: list[dict]) -> list[Handover]:
    by_handover = defaultdict(list)
    for event in events:
        by_handover[event["handover_id"]].append(event)
    own_records = defaultdict(list)
    for doc in partner_records:
        own_records[(doc["case_id"], doc["org_id"])].append(doc["id"])
    out = []
    for doc in docs:
        consent = Consent(**doc["consent"])
        monitoring = {}
        for event in by_handover[doc["id"]]:
            if event["kind"] == "withdrawn":
                consent.withdrawn_at, consent.withdrawn_by = event["recorded_at"], event["recorded_by"]
            elif event["kind"] in RECORDABLE_ITEMS:
                monitoring[event["kind"]] = MonitoringEvent(event["kind"], event["date"], event["recorded_by"],
                                                            event["recorded_at"])
        out.append(Handover(id=doc["id"], case_id=doc["case_id"], from_org=doc["from_org"], to_org=doc["to_org"],
                            record_ids=list(doc["record_ids"]), consent=consent, created_by=doc["created_by"],
                            created_at=doc["created_at"], departure_date=doc.get("departure_date"),
                            partner_record_ids=sorted(own_records[(doc["case_id"], doc["to_org"])]),
                            events=monitoring))
    return sorted(out, key=lambda h: (h.created_at, h.id))


# The field of a partner-record document that corresponds to a handover field.
_PARTNER_RECORD_FIELD = {"case_id": "case_id", "to_org": "org_id", "from_org": "case_org"}


def _load(c: Container, **equals) -> list[Handover]:
    """Handovers whose documents match `equals` (case_id, from_org and/or to_org)."""
    docs = c.store.list_docs(HANDOVERS, **equals)
    if not docs:
        return []
    events = c.store.list_docs(EVENTS, **equals)
    partner = c.store.list_docs(PARTNER_RECORDS, **{_PARTNER_RECORD_FIELD[k]: v for k, v in equals.items()})
    return _assemble(docs, events, partner)


def get(c: Container, handover_id: str) -> Handover | None:
    if not isinstance(handover_id, str) or uuid_error(handover_id, ""):
        return None
    doc = c.store.get_doc(HANDOVERS, handover_id.lower())
    if doc is None:
        return None
    return _assemble([doc], c.store.list_docs(EVENTS, handover_id=doc["id"]),
                     c.store.list_docs(PARTNER_RECORDS, case_id=doc["case_id"], org_id=doc["to_org"]))[0]


def for_case(c: Container, case_id: str) -> list[Handover]:
    return _load(c, case_id=case_id)


def all_handovers(c: Container) -> list[Handover]:
    return _load(c)


def grants(c: Container, org_id: str) -> Grants:
    """What the active handovers to partner organisation `org_id` let it see and write today."""
    active = [h for h in _load(c, to_org=org_id) if h.active(today(c))]
    own = frozenset(r for h in active for r in h.partner_record_ids)
    return Grants(case_ids=frozenset(h.case_id for h in active),
                  record_ids=frozenset(r for h in active for r in h.record_ids) | own,
                  writable_record_ids=own)


def partner_records_of(c: Container, case_org: str) -> frozenset[str]:
    """The records partner organisations created in the cases of counselling organisation `case_org`."""
    return frozenset(doc["id"] for doc in c.store.list_docs(PARTNER_RECORDS, case_org=case_org))


# Who may do what with a handover ----------------------------------------------------------------------------

def is_sender(user: User, handover: Handover) -> bool:
    return user.role in NL_ROLES and user.org_id == handover.from_org


def is_receiver(user: User, handover: Handover) -> bool:
    return user.role == "partner" and user.org_id == handover.to_org


def visible(c: Container, user: User, handover_id: str) -> Handover:
    """A handover the user's organisation sent or received, else NotFound (whether it exists or not)."""
    handover = get(c, handover_id)
    if handover is None or not (is_sender(user, handover) or is_receiver(user, handover)):
        raise NotFound(N_("No such handover."))
    return handover


def view(c: Container, user: User, handover: Handover) -> dict:
    """The handover as the API shows it. A partner whose consent ended sees only that it ended."""
    names = {o.id: o.name for o in (c.store.get_org(handover.from_org), c.store.get_org(handover.to_org)) if o}
    status = handover.status(today(c))
    out = {**handover.to_dict(), "status": status, "from_org_name": names.get(handover.from_org),
           "to_org_name": names.get(handover.to_org)}
    if is_receiver(user, handover) and status != "active":
        out = {k: out[k] for k in MINIMAL_FIELDS}
        out["consent"] = {"withdrawn_at": handover.consent.withdrawn_at, "expires": handover.consent.expires}
    return out


# Use cases --------------------------------------------------------------------------------------------------

def _case_for_sender(c: Container, user: User, scope: Scope, case_id: str) -> Case:
    case = c.store.get_case(case_id.lower()) if not uuid_error(case_id, "") else None
    if case is None or not scope.sees_case(case):
        raise NotFound(N_("No such case."))
    if not (scope.owns_case(case) and user.role in NL_ROLES):
        raise Forbidden(N_("Only counsellors and coordinators of the case's organisation hand it over."))
    return case


def create(c: Container, user: User, scope: Scope, case_id: str, payload) -> tuple[Handover, bool]:
    """Hand records of a case over to a partner organisation. Returns (handover, created); resending a request
    with the same `id` returns the handover made the first time."""
    case = _case_for_sender(c, user, scope, case_id)
    p = parse_request(payload, today(c))
    errors = []
    org = c.store.get_org(p["to_org"])
    if org is None or org.kind != "partner":
        errors.append({"path": "/to_org", "message": N_("Choose a partner organisation.")})
    record_ids = [r.lower() for r in p["record_ids"]]
    for i, record_id in enumerate(record_ids):
        state = c.store.get_record(record_id)
        if state is None or state.case_id != case.id:
            errors.append({"path": f"/record_ids/{i}", "message": N_("This record does not belong to the case.")})
    handover_id = (p.get("id") or str(uuid.uuid4())).lower()
    existing = c.store.get_doc(HANDOVERS, handover_id)
    if existing is not None:
        if existing["case_id"] == case.id and existing["from_org"] == user.org_id:
            return get(c, handover_id), False
        errors.append({"path": "/id", "message": N_("This id is taken.")})
    if errors:
        raise Invalid(N_("The handover cannot be made."), errors)
    now, consent = c.now(), p["consent"]
    doc = {"id": handover_id, "case_id": case.id, "from_org": case.org_id, "to_org": org.id,
           "record_ids": record_ids, "created_by": user.id, "created_at": now,
           "departure_date": p.get("departure_date"),
           "consent": {"given_by": consent["given_by"], "date": consent["date"], "documents": record_ids,
                       "to_org": org.id, "purpose": consent["purpose"].strip(), "language": consent["language"],
                       "expires": consent.get("expires"), "recorded_by": user.id, "recorded_at": now}}
    c.store.put_doc(HANDOVERS, doc, feed=(case.id, org.id), audit=[  # in the handover's own write step
        audit.event(c, user, "consent_recorded", case_id=case.id, handover_id=handover_id, to_org=org.id,
                    given_by=consent["given_by"], language=consent["language"], expires=consent.get("expires")),
        audit.event(c, user, "handover", case_id=case.id, handover_id=handover_id, to_org=org.id,
                    record_ids=record_ids)])
    notifications.notify(c, notifications.org_users(c, org.id, ("partner",)), "handover", case_id=case.id,
                         handover_id=handover_id)
    return get(c, handover_id), True


def list_for_user(c: Container, user: User) -> list[Handover]:
    """A partner's incoming handovers (every status); a Dutch organisation's outgoing ones."""
    if user.role == "partner":
        return _load(c, to_org=user.org_id)
    if user.role in NL_ROLES:
        return _load(c, from_org=user.org_id)
    return []


def list_for_case(c: Container, user: User, scope: Scope, case_id: str) -> list[Handover]:
    case = c.store.get_case(case_id.lower()) if not uuid_error(case_id, "") else None
    if case is None or not scope.sees_case(case):
        raise NotFound(N_("No such case."))
    return [h for h in for_case(c, case.id) if is_sender(user, h) or is_receiver(user, h)]


def withdraw(c: Container, user: User, handover_id: str) -> Handover:
    """The client withdrew consent: from now on the partner sees nothing of the case. The sending organisation
    records it, or the partner when the client tells them; repeating it changes nothing."""
    handover = visible(c, user, handover_id)
    if is_receiver(user, handover) and not handover.active(today(c)):
        raise NotFound(N_("No such handover."))
    if handover.consent.withdrawn_at:
        return handover
    put_event(c, user, handover, "withdrawn", today(c),
              audit.event(c, user, "consent_withdrawn", case_id=handover.case_id, handover_id=handover.id,
                          to_org=handover.to_org))
    case = c.store.get_case(handover.case_id)
    recipients = notifications.org_users(c, handover.to_org, ("partner",)) + notifications.case_team(c, case)
    notifications.notify(c, [u for u in recipients if u != user.id], "handover_withdrawn", case_id=handover.case_id,
                         handover_id=handover.id)
    return get(c, handover.id)


def put_event(c: Container, user: User | None, handover: Handover, kind: str, day: str,
              event: AuditEvent | None = None) -> None:
    """Store a handover event (withdrawn, expired, a monitoring item) and announce it, with its audit event in the
    same write step."""
    c.store.put_doc(EVENTS, {"id": f"{handover.id}:{kind}", "handover_id": handover.id, "case_id": handover.case_id,
                             "from_org": handover.from_org, "to_org": handover.to_org, "kind": kind, "date": day,
                             "recorded_by": user.id if user else None, "recorded_at": c.now()},
                    feed=(handover.case_id, handover.to_org), audit=[event] if event else [])


def expire(c: Container) -> int:
    """Tell partner devices (through the change feed) about consents that expired; returns how many. Access
    ends at expiry anyway: the scope is computed from the dates."""
    count = 0
    events = {e["id"] for e in c.store.list_docs(EVENTS, kind="expired")}
    for handover in all_handovers(c):
        if handover.status(today(c)) == "expired" and f"{handover.id}:expired" not in events:
            put_event(c, None, handover, "expired", today(c))
            notifications.notify(c, notifications.org_users(c, handover.to_org, ("partner",)), "handover_expired",
                                 case_id=handover.case_id, handover_id=handover.id)
            count += 1
    return count


def register_partner_record(c: Container, user: User, case: Case, record_id: str) -> None:
    """A partner user created a record in a handed-over case: it belongs to the partner organisation."""
    c.store.put_doc(PARTNER_RECORDS, {"id": record_id, "case_id": case.id, "org_id": user.org_id,
                                      "case_org": case.org_id, "created_by": user.id, "created_at": c.now()})

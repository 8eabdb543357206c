"""Who may see and write what. Every query the services make is scoped by a `Scope`.

Counsellors and coordinators see and write every case and record of their organisation. A partner
organisation sees only what active handovers grant it: the handed-over cases, exactly the handed-over records
(read-only) and the records the partner organisation itself created in those cases (writable). Those records
the counselling organisation reads and does not change: they are the partner's (a monitoring report). An admin
manages the server, not case content.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from .model import Case, Change, RecordState, User

CASE_KINDS = ("case",)
RECORD_KINDS = ("record",)


@dataclass(frozen=True)
class Grants:
    """What active handovers give a partner organisation (see services.handovers.grants)."""

    case_ids: frozenset[str] = frozenset()
    record_ids: frozenset[str] = frozenset()  # handed over (read-only) and the partner's own
    writable_record_ids: frozenset[str] = frozenset()  # the partner organisation's own records


@dataclass(frozen=True)
class Scope:
    org_ids: frozenset[str] = frozenset()  # every case and record of these organisations
    case_ids: frozenset[str] = field(default_factory=frozenset)  # single cases granted by handover
    writable_case_ids: frozenset[str] = field(default_factory=frozenset)  # granted cases one may add records to
    record_ids: frozenset[str] = field(default_factory=frozenset)  # single records granted by handover
    writable_record_ids: frozenset[str] = field(default_factory=frozenset)
    # Records partner organisations created in this organisation's cases: read here, written by the partner only.
    partner_record_ids: frozenset[str] = field(default_factory=frozenset)
    # Organisations whose documents (handovers and their events) reach the user's change feed.
    doc_org_ids: frozenset[str] = field(default_factory=frozenset)

    # Cases
    def sees(self, org_id: str, case_id: str) -> bool:
        """Case-level visibility: the case itself (not necessarily all of its records)."""
        return org_id in self.org_ids or case_id in self.case_ids

    def sees_case(self, case: Case) -> bool:
        return self.sees(case.org_id, case.id)

    def owns_case(self, case: Case) -> bool:
        """The user belongs to the owning organisation (as opposed to seeing it through a handover)."""
        return case.org_id in self.org_ids

    def may_write_case(self, case: Case) -> bool:
        """May add records to the case."""
        return self.may_write_case_ids(case.org_id, case.id)

    def may_write_case_ids(self, org_id: str, case_id: str) -> bool:
        return org_id in self.org_ids or case_id in self.writable_case_ids

    # Records
    def sees_record(self, state: RecordState) -> bool:
        return state.org_id in self.org_ids or state.id in self.record_ids

    def may_write_record(self, state: RecordState) -> bool:
        return ((state.org_id in self.org_ids and state.id not in self.partner_record_ids)
                or state.id in self.writable_record_ids)

    # The change feed
    def sees_change(self, change: Change) -> bool:
        if change.kind in CASE_KINDS:
            return self.sees(change.org_id, change.case_id)
        if change.kind in RECORD_KINDS:
            return change.org_id in self.org_ids or change.entity_id in self.record_ids
        return change.org_id in self.doc_org_ids  # documents are fed to one organisation (Store.put_doc)

    def with_own_record(self, record_id: str) -> "Scope":
        """This scope after the user's organisation created `record_id` in a granted case (same request)."""
        return replace(self, record_ids=self.record_ids | {record_id},
                       writable_record_ids=self.writable_record_ids | {record_id})


def scope_for(user: User, grants: Grants = Grants(), partner_record_ids: frozenset[str] = frozenset()) -> Scope:
    """`partner_record_ids`: for a counselling organisation, the records partners created in its cases."""
    if user.role in ("counsellor", "coordinator"):
        own = frozenset({user.org_id})
        return Scope(org_ids=own, doc_org_ids=own, partner_record_ids=partner_record_ids)
    if user.role == "partner":
        return Scope(case_ids=grants.case_ids, writable_case_ids=grants.case_ids, record_ids=grants.record_ids,
                     writable_record_ids=grants.writable_record_ids, doc_org_ids=frozenset({user.org_id}))
    return Scope()

"""Who may see and write what. Every query the services make is scoped by a `Scope`."""
from __future__ import annotations

from dataclasses import dataclass, field

from .model import Case, User


@dataclass(frozen=True)
class Scope:
    """The cases a user may see: all cases of `org_ids`, plus single cases granted by handover."""

    org_ids: frozenset[str] = frozenset()
    case_ids: frozenset[str] = field(default_factory=frozenset)
    writable_case_ids: frozenset[str] = field(default_factory=frozenset)

    def sees(self, org_id: str, case_id: str) -> bool:
        return org_id in self.org_ids or case_id in self.case_ids

    def sees_case(self, case: Case) -> bool:
        return self.sees(case.org_id, case.id)

    def may_write_case(self, case: Case) -> bool:
        return self.may_write_case_ids(case.org_id, case.id)

    def may_write_case_ids(self, org_id: str, case_id: str) -> bool:
        return org_id in self.org_ids or case_id in self.writable_case_ids


def scope_for(user: User, granted_case_ids: frozenset[str] = frozenset()) -> Scope:
    """Counsellors and coordinators see their organisation's cases; partners see only cases handed over to
    their organisation (granted per case); an admin manages the server, not case content."""
    if user.role in ("counsellor", "coordinator"):
        return Scope(org_ids=frozenset({user.org_id}))
    if user.role == "partner":
        return Scope(case_ids=granted_case_ids, writable_case_ids=granted_case_ids)
    return Scope()

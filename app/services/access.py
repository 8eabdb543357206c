"""The scope of a user: what their role and organisation allow, plus what active handovers grant a partner."""
from __future__ import annotations

from ..domain.access import Grants, Scope, scope_for
from ..domain.model import User
from . import handovers
from .container import Container


def scope_of(c: Container, user: User) -> Scope:
    """Compute once per request: a partner's grants, and the records partners created in a counselling
    organisation's cases, are read from the store."""
    if user.role == "partner":
        return scope_for(user, handovers.grants(c, user.org_id))
    if user.role in handovers.NL_ROLES:
        return scope_for(user, partner_record_ids=handovers.partner_records_of(c, user.org_id))
    return scope_for(user, Grants())

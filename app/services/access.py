"""The scope of a user: what their role and organisation allow, plus what active handovers grant a partner."""
from __future__ import annotations

from ..domain.access import Grants, Scope, scope_for
from ..domain.model import User
from . import handovers
from .container import Container


def scope_of(c: Container, user: User) -> Scope:
    """Compute once per request: a partner's grants are read from the store."""
    grants = handovers.grants(c, user.org_id) if user.role == "partner" else Grants()
    return scope_for(user, grants)

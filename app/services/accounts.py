"""Organisations and users (the CLI and coordinators use these)."""
from __future__ import annotations

import re
import uuid
from typing import Callable, Sequence

from argon2 import PasswordHasher

from ..domain.audit import AuditEvent
from ..domain.errors import N_, Forbidden, Invalid
from ..domain.model import ORG_KINDS, ROLES, Organisation, User
from ..domain.passwords import password_problem
from . import audit as audit_log
from .container import Container

_hasher = PasswordHasher()  # argon2id with the library's (OWASP-conform) defaults
_ORG_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except Exception:  # argon2 raises several mismatch/invalid-hash errors; all mean "no" (also for "": no password)
        return False


def org_created(c: Container, actor: User | None, **details) -> Callable[[Organisation], list[AuditEvent]]:
    """`create_org`'s `audit` for an organisation made by `actor` (None: on the command line)."""
    return lambda org: [audit_log.event(c, actor, "org_created", target_org=org.id, kind=org.kind, country=org.country,
                                        **details)]


def user_created(c: Container, actor: User | None, **details) -> Callable[[User], list[AuditEvent]]:
    """`create_user`'s `audit` for a user made by `actor` (None: on the command line)."""
    return lambda user: [audit_log.event(c, actor, "user_created", user_id=user.id, role=user.role,
                                         target_org=user.org_id, **details)]


def create_org(c: Container, org_id: str, name: str, country: str, kind: str,
               audit: Callable[[Organisation], Sequence[AuditEvent]] = lambda org: ()) -> Organisation:
    """A new organisation, stored with the audit events `audit` gives for it in the same step."""
    errors = []
    if not _ORG_ID.match(org_id or ""):
        errors.append({"path": "/id", "message": N_("Use 2-63 lower-case letters, digits and hyphens.")})
    if not (name or "").strip():
        errors.append({"path": "/name", "message": N_("This field is required.")})
    if not re.match(r"^[A-Z]{2}$", country or ""):
        errors.append({"path": "/country", "message": N_("Use an ISO 3166-1 alpha-2 code such as NL, NG or BG.")})
    if kind not in ORG_KINDS:
        errors.append({"path": "/kind", "message": N_("Choose counselling or partner.")})
    if not errors and c.store.get_org(org_id):
        errors.append({"path": "/id", "message": N_("An organisation with this id exists already.")})
    if errors:
        raise Invalid(N_("The organisation cannot be created."), errors)
    org = Organisation(org_id, name.strip(), country, kind)
    c.store.put_org(org, audit(org))
    return org


def create_user(c: Container, email: str, org_id: str, role: str, password: str | None,
                audit: Callable[[User], Sequence[AuditEvent]] = lambda user: ()) -> User:
    """A new user, stored with the audit events `audit` gives for it in the same step. Without a password (made
    in the app) nobody can log in as them until they choose one through a set-up link (services.users)."""
    email = (email or "").strip().lower()
    errors = []
    if not _EMAIL.match(email):
        errors.append({"path": "/email", "message": N_("Not a valid e-mail address.")})
    org = c.store.get_org(org_id)
    if org is None:
        errors.append({"path": "/org_id", "message": N_("No organisation with this id.")})
    if role not in ROLES:
        errors.append({"path": "/role", "message": N_("Choose counsellor, coordinator, partner or admin.")})
    elif org is not None and (role == "partner") != (org.kind == "partner") and role != "admin":
        errors.append({"path": "/role", "message": N_("Partner users belong to partner organisations, and only they.")})
    if not errors and c.store.find_user_by_email(email):
        errors.append({"path": "/email", "message": N_("A user with this e-mail address exists already.")})
    problem = password_problem(password or "", email) if password is not None else None
    if problem:
        errors.append({"path": "/password", "message": problem})
    if errors:
        raise Invalid(N_("The user cannot be created."), errors)
    user = User(str(uuid.uuid4()), email, org_id, role, hash_password(password) if password is not None else "")
    c.store.put_user(user, audit(user))
    return user


def partner_organisations(c: Container, user: User) -> list[Organisation]:
    """The partner organisations abroad a case can be handed over to (for those who hand over)."""
    if user.role not in ("counsellor", "coordinator", "admin"):
        raise Forbidden(N_("You may not do this."))
    return [o for o in c.store.list_orgs() if o.kind == "partner"]

"""Running an organisation in the app: a coordinator manages the users of their own organisation, an admin the
organisations and their users. Nobody ever sees a password: a new user, or one who forgot theirs, gets a
one-time set-up link and chooses the password there. The store keeps only a hash of the link's token."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from ..domain.errors import N_, Forbidden, Invalid, NotFound
from ..domain.model import Organisation, User
from ..domain.passwords import password_problem
from ..domain.validation import string_error
from . import audit, auth
from .accounts import create_org, create_user, hash_password, org_created, user_created
from .container import Container

SETUP_LINKS = "setup_links"
APP_ROLES = ("counsellor", "coordinator", "partner")  # admins are made on the command line


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _later(c: Container, seconds: int) -> str:
    now = datetime.fromisoformat(c.now().replace("Z", "+00:00"))
    return (now + timedelta(seconds=seconds)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _manager(actor: User) -> None:
    if actor.role not in ("coordinator", "admin"):
        raise Forbidden(N_("Only coordinators and admins manage users."))


def _admin(actor: User) -> None:
    if actor.role != "admin":
        raise Forbidden(N_("Only admins manage organisations."))


def _body(body) -> dict:
    if not isinstance(body, dict):
        raise Invalid(N_("Send a JSON object."), [{"path": "", "message": N_("Wrong type: expected %(type)s."),
                                                   "params": {"type": "object"}}])
    return body


def _unknown_fields(body: dict, allowed: set[str]) -> list[dict]:
    return [{"path": f"/{k}", "message": N_("Unknown field.")} for k in sorted(set(body) - allowed)]


def _user_for(c: Container, actor: User, user_id: str) -> User:
    """A user the actor may manage, or 404 (another organisation's user does not exist for a coordinator)."""
    user = c.store.get_user(user_id) if isinstance(user_id, str) else None
    if user is None or (actor.role != "admin" and user.org_id != actor.org_id):
        raise NotFound(N_("No such user."))
    if user.role == "admin" and actor.role != "admin":
        raise Forbidden(N_("Only admins manage admin accounts."))
    return user


def _open_links(c: Container, **equals) -> dict[str, str]:
    """user id -> when their open set-up link expires."""
    now = c.now()
    return {d["user_id"]: d["expires_at"] for d in c.store.list_docs(SETUP_LINKS, **equals) if d["expires_at"] > now}


def view(c: Container, user: User, open_links: dict[str, str] | None = None,
         org_names: dict[str, str] | None = None) -> dict:
    links = _open_links(c, user_id=user.id) if open_links is None else open_links
    if org_names is None:
        org = c.store.get_org(user.org_id)
        org_names = {org.id: org.name} if org else {}
    return {**user.public(), "org_name": org_names.get(user.org_id), "active": user.active,
            "has_password": bool(user.password_hash), "setup_link_expires": links.get(user.id)}


def list_users(c: Container, actor: User, org_id: str | None = None) -> list[dict]:
    """A coordinator sees their organisation; an admin every organisation, or the one asked for."""
    _manager(actor)
    if actor.role != "admin":
        org_ids = [actor.org_id]
    elif org_id:
        org_ids = [org_id]
    else:
        org_ids = [o.id for o in c.store.list_orgs()]
    links = _open_links(c)  # one read for the whole list, and one for the organisations' names
    names = {o.id: o.name for o in c.store.list_orgs()}
    return [view(c, u, links, names) for oid in org_ids for u in c.store.list_users(oid)]


def _issue_link(c: Container, actor: User, user: User) -> str:
    """A new one-time set-up link for `user`: any older one, the password and every session end. The link and its
    audit event are one write; the password is cleared after it, so a crash between the two leaves the old
    password working, never a user with neither."""
    for old in c.store.list_docs(SETUP_LINKS, user_id=user.id):
        c.store.delete_doc(SETUP_LINKS, old["id"])
    token = secrets.token_urlsafe(32)
    c.store.put_doc(SETUP_LINKS, {"id": _token_hash(token), "user_id": user.id,
                                  "expires_at": _later(c, c.config["SETUP_LINK_SECONDS"])},
                    audit=[audit.event(c, actor, "setup_link_issued", user_id=user.id)])
    if user.password_hash:
        user.password_hash = ""
        user.password_version += 1  # every session of the user is over with the password
        c.store.put_user(user)
    auth.end_sessions(c, user_id=user.id)
    return token


def add_user(c: Container, actor: User, body) -> tuple[User, str]:
    """{email, role, org_id?} -> the new user and the token of their set-up link."""
    _manager(actor)
    body = _body(body)
    errors = _unknown_fields(body, {"email", "role", "org_id"})
    errors += [e for e in (string_error(body.get("email"), "/email", 254),
                           string_error(body.get("org_id"), "/org_id", 63, required=False)) if e]
    if body.get("role") not in APP_ROLES:
        errors.append({"path": "/role", "message": N_("Choose one of: %(allowed)s."),
                       "params": {"allowed": ", ".join(APP_ROLES)}})
    org_id = body.get("org_id") or actor.org_id
    if actor.role != "admin" and org_id != actor.org_id:
        raise NotFound(N_("No organisation with this id."))
    if errors:
        raise Invalid(N_("The user cannot be created."), errors)
    user = create_user(c, body["email"], org_id, body["role"], None, user_created(c, actor))
    return user, _issue_link(c, actor, user)


def update_user(c: Container, actor: User, user_id: str, body) -> User:
    """{role?, active?}. Deactivating ends the user's sessions at once."""
    _manager(actor)
    user = _user_for(c, actor, user_id)
    body = _body(body)
    errors = _unknown_fields(body, {"role", "active"})
    if "role" in body and body["role"] not in APP_ROLES:
        errors.append({"path": "/role", "message": N_("Choose one of: %(allowed)s."),
                       "params": {"allowed": ", ".join(APP_ROLES)}})
    elif "role" in body:
        org = c.store.get_org(user.org_id)
        if (body["role"] == "partner") != (org is not None and org.kind == "partner"):
            errors.append({"path": "/role",
                           "message": N_("Partner users belong to partner organisations, and only they.")})
    if "active" in body and not isinstance(body["active"], bool):
        errors.append({"path": "/active", "message": N_("Wrong type: expected %(type)s."), "params": {"type": "boolean"}})
    if user.id == actor.id and ("role" in body or body.get("active") is False):
        errors.append({"path": "/role" if "role" in body else "/active",
                       "message": N_("You cannot change your own role or deactivate yourself.")})
    if errors:
        raise Invalid(N_("The user cannot be changed."), errors)
    user.role = body.get("role", user.role)
    user.active = body.get("active", user.active)
    c.store.put_user(user, [audit.event(c, actor, "user_updated", user_id=user.id, role=user.role, active=user.active)])
    if not user.active:  # a deactivated user's requests are refused already; their sessions go too
        auth.end_sessions(c, user_id=user.id)
    return user


def new_setup_link(c: Container, actor: User, user_id: str) -> str:
    """For a user who forgot the password: the old password and sessions end."""
    _manager(actor)
    return _issue_link(c, actor, _user_for(c, actor, user_id))


def complete_setup(c: Container, body) -> User:
    """{token, password}: the user of a valid set-up link chooses their password. The link is used up."""
    body = _body(body)
    errors = [e for e in (string_error(body.get("token"), "/token", 200),
                          string_error(body.get("password"), "/password", 1000)) if e]
    if errors:
        raise Invalid(N_("The password cannot be set."), errors)
    link = c.store.get_doc(SETUP_LINKS, _token_hash(body["token"]))
    user = c.store.get_user(link["user_id"]) if link else None
    if link is None or user is None or link["expires_at"] <= c.now() or not user.active:
        raise NotFound(N_("This set-up link is not valid any more. Ask your coordinator for a new one."))
    problem = password_problem(body["password"], user.email)
    if problem:
        raise Invalid(N_("The password cannot be set."), [{"path": "/password", "message": problem}])
    user.password_hash = hash_password(body["password"])
    user.password_version += 1
    c.store.put_user(user, [audit.event(c, user, "password_set")])
    c.store.delete_doc(SETUP_LINKS, link["id"])
    return user


# --- organisations (admin) -----------------------------------------------------------------------------------

def org_view(org: Organisation) -> dict:
    return org.to_dict()


def list_organisations(c: Container, actor: User) -> list[dict]:
    _admin(actor)
    return [org_view(o) for o in c.store.list_orgs()]


def add_organisation(c: Container, actor: User, body) -> Organisation:
    """{id, name, country, kind}: the first coordinator is then added with POST /users and `org_id`."""
    _admin(actor)
    body = _body(body)
    errors = _unknown_fields(body, {"id", "name", "country", "kind"})
    # Types and lengths here; what the values must be, create_org says (for all fields at once).
    errors += [{"path": f"/{k}", "message": N_("Wrong type: expected %(type)s."), "params": {"type": "string"}}
               for k in ("id", "name", "country", "kind") if not isinstance(body.get(k), str)]
    if isinstance(body.get("name"), str) and len(body["name"]) > 200:
        errors.append({"path": "/name", "message": N_("Too long: at most %(limit)s characters."), "params": {"limit": 200}})
    if errors:
        raise Invalid(N_("The organisation cannot be created."), errors)
    return create_org(c, body["id"], body["name"], body["country"], body["kind"], org_created(c, actor))


def update_organisation(c: Container, actor: User, org_id: str, body) -> Organisation:
    """{active}: a deactivated organisation's users are logged out and cannot log in until reactivated."""
    _admin(actor)
    org = c.store.get_org(org_id)
    if org is None:
        raise NotFound(N_("No organisation with this id."))
    body = _body(body)
    errors = _unknown_fields(body, {"active"})
    if not isinstance(body.get("active"), bool):
        errors.append({"path": "/active", "message": N_("Wrong type: expected %(type)s."), "params": {"type": "boolean"}})
    elif body["active"] is False and org.id == actor.org_id:
        errors.append({"path": "/active", "message": N_("You cannot deactivate your own organisation.")})
    if errors:
        raise Invalid(N_("The organisation cannot be changed."), errors)
    org.active = body["active"]
    c.store.put_org(org, [audit.event(c, actor, "org_updated", target_org=org.id, active=org.active)])
    if not org.active:  # its users' requests are refused already; their sessions go too
        for user in c.store.list_users(org.id):
            auth.end_sessions(c, user_id=user.id)
    return org

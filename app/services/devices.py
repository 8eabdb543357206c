"""Devices: each installation of the app has an id (a UUID it makes itself and sends as X-Device-Id) and a name
its user gives it. The server notes who used it last, when, and how many changes it had not sent then. A lost
device can be wiped: from then on every request carrying its id is refused with 410, its sessions end, and the
app erases what it holds at its next contact (pwa/README.md)."""
from __future__ import annotations

from datetime import datetime

from ..domain.errors import N_, BadRequest, DeviceWiped, Forbidden, Invalid, NotFound
from ..domain.model import User
from ..domain.validation import string_error, uuid_error
from . import audit, auth
from .container import Container

DEVICES = "devices"
CONTACT_EVERY_SECONDS = 60  # last contact is written at most this often (unless something else changed)
MAX_NAME = 80


def parse_header(value: str | None) -> str | None:
    """The X-Device-Id of a request, lower-cased, or None without one. Only a UUID: nothing else may reach the
    audit trail."""
    if value is None:
        return None
    if uuid_error(value.lower(), "") is not None:
        raise BadRequest(N_("The header X-Device-Id must be a UUID."))
    return value.lower()


def refuse_if_wiped(c: Container, device_id: str | None, session_token: str | None) -> None:
    """410 for a wiped device, ending the session it came with. The first refusal is noted: the app erases on
    receiving it."""
    if device_id is None:
        return
    device = c.store.get_doc(DEVICES, device_id)
    if device is None or not device.get("wipe"):
        return
    if session_token:
        auth.logout(c, session_token)
    auth.end_sessions(c, device_id=device_id)
    if not device["wipe"].get("delivered_at"):
        device["wipe"]["delivered_at"] = c.now()
        c.store.put_doc(DEVICES, device, audit=[
            audit.event(c, None, "device_wipe_delivered", device_id=device_id, target_org=device["org_id"])])
    raise DeviceWiped(N_("This device was wiped by your organisation. Everything the app kept here is erased."))


def _seconds_between(earlier: str, later: str) -> float:
    return (datetime.fromisoformat(later.replace("Z", "+00:00"))
            - datetime.fromisoformat(earlier.replace("Z", "+00:00"))).total_seconds()


def contact(c: Container, user: User, device_id: str, unsent: int | None) -> None:
    """A request of `user` from the device: note it (cheaply: one write a minute unless something changed)."""
    device = c.store.get_doc(DEVICES, device_id)
    now = c.now()
    if device is None:
        device = {"id": device_id, "name": "", "first_contact": now, "wipe": None}
    elif (device["user_id"] == user.id and device["org_id"] == user.org_id
          and (unsent is None or device.get("unsent") == unsent)
          and _seconds_between(device["last_contact"], now) < CONTACT_EVERY_SECONDS):
        return
    device.update(user_id=user.id, org_id=user.org_id, last_contact=now)
    if unsent is not None:
        device["unsent"] = unsent
    c.store.put_doc(DEVICES, device)


def _view(c: Container, device: dict, emails: dict[str, str | None]) -> dict:
    if device["user_id"] not in emails:
        user = c.store.get_user(device["user_id"])
        emails[device["user_id"]] = user.email if user else None
    return {"id": device["id"], "name": device.get("name", ""), "user_id": device["user_id"],
            "user_email": emails[device["user_id"]], "org_id": device["org_id"],
            "first_contact": device.get("first_contact"), "last_contact": device["last_contact"],
            "unsent": device.get("unsent"), "wipe": device.get("wipe")}


def list_devices(c: Container, user: User) -> list[dict]:
    """A coordinator sees the organisation's devices, an admin all, anyone else their own."""
    if user.role == "admin":
        found = c.store.list_docs(DEVICES)
    elif user.role == "coordinator":
        found = c.store.list_docs(DEVICES, org_id=user.org_id)
    else:
        found = c.store.list_docs(DEVICES, user_id=user.id)
    emails: dict[str, str | None] = {}
    return sorted((_view(c, d, emails) for d in found), key=lambda d: d["last_contact"], reverse=True)


def _device_for(c: Container, user: User, device_id: str) -> dict:
    device = c.store.get_doc(DEVICES, device_id.lower()) if uuid_error(device_id.lower(), "") is None else None
    if device is None:
        raise NotFound(N_("No such device."))
    mine = device["user_id"] == user.id
    if user.role == "admin" or mine or (user.role == "coordinator" and device["org_id"] == user.org_id):
        return device
    raise NotFound(N_("No such device."))


def rename(c: Container, user: User, device_id: str, body) -> dict:
    """{name}: the name the user gives their own device ("Tablet 2, Lagos office")."""
    device = _device_for(c, user, device_id)
    if device["user_id"] != user.id:
        raise Forbidden(N_("Only the device's user names it."))
    error = string_error(body.get("name") if isinstance(body, dict) else None, "/name", MAX_NAME)
    if error:
        raise Invalid(N_("The name cannot be saved."), [error])
    device["name"] = body["name"].strip()
    c.store.put_doc(DEVICES, device)
    return _view(c, device, {})


def wipe(c: Container, user: User, device_id: str) -> dict:
    """Order the wipe of a device (a coordinator for their organisation's, anyone for their own)."""
    device = _device_for(c, user, device_id)
    if not device.get("wipe"):
        device["wipe"] = {"ordered_at": c.now(), "ordered_by": user.id, "delivered_at": None, "confirmed_at": None}
        c.store.put_doc(DEVICES, device, audit=[
            audit.event(c, user, "device_wipe_ordered", device_id=device["id"], target_org=device["org_id"])])
        auth.end_sessions(c, device_id=device["id"])  # its requests are refused already (refuse_if_wiped)
    return _view(c, device, {})


def confirm_wipe(c: Container, device_id: str) -> None:
    """The app says it erased everything (no session: it has just ended its own). Only a device whose wipe was
    delivered can be confirmed, once."""
    device = c.store.get_doc(DEVICES, device_id) if uuid_error(device_id, "") is None else None
    if device is None or not (device.get("wipe") or {}).get("delivered_at"):
        raise NotFound(N_("No such device."))
    if not device["wipe"].get("confirmed_at"):
        device["wipe"]["confirmed_at"] = c.now()
        c.store.put_doc(DEVICES, device, audit=[
            audit.event(c, None, "device_wipe_confirmed", device_id=device_id, target_org=device["org_id"])])

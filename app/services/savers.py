"""Who saved each version of a conflicted record, as the conflict screen names it: the saver's e-mail and the
name of the device, when the saver is of the requester's organisation. A version saved by another organisation
(a partner's, in a handed-over case, or the counselling side's as the partner sees it) is named by that
organisation only: no organisation learns the other's users or devices."""
from __future__ import annotations

from ..domain.model import User
from . import devices
from .container import Container


class Savers:
    """Names for the versions of records, for one requester; users, organisations and devices are read once."""

    def __init__(self, c: Container, requester: User):
        self.c, self.requester = c, requester
        self.users: dict[str, User | None] = {}
        self.orgs: dict[str, str | None] = {}
        self.devices: dict[str, str | None] = {}

    def _names(self, version: dict) -> dict:
        user_id = version.get("saved_by")
        if user_id not in self.users:
            self.users[user_id] = self.c.store.get_user(user_id) if user_id else None
        user = self.users[user_id]
        if user is None:
            return {"saved_by_name": None, "device_name": None}
        if user.org_id != self.requester.org_id:
            if user.org_id not in self.orgs:
                org = self.c.store.get_org(user.org_id)
                self.orgs[user.org_id] = org.name if org else None
            return {"saved_by_name": self.orgs[user.org_id], "device_name": None}
        device_id = version.get("device_id")
        if device_id and device_id not in self.devices:
            device = self.c.store.get_doc(devices.DEVICES, device_id)
            self.devices[device_id] = (device.get("name") or None) if device and device["org_id"] == user.org_id else None
        return {"saved_by_name": user.email, "device_name": self.devices.get(device_id) if device_id else None}

    def name(self, view: dict) -> dict:
        """The record view, its head and open conflicts named when it has conflicts (only then does a screen show
        whose version is whose; a record without them costs no read)."""
        if view.get("conflicts"):
            view.update(self._names(view))
            for conflict in view["conflicts"]:
                conflict.update(self._names(conflict))
        return view

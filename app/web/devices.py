"""Devices: the X-Device-Id every request of the app carries, GET /devices, naming and wiping one."""
from __future__ import annotations

from flask import g, jsonify, request

from ..domain.errors import N_, BadRequest
from ..services import devices
from .api import SESSION_COOKIE, bp, container, current_user, login_required, read_json

UNSENT_HEADER = "X-Unsent-Changes"  # how many changes the app holds that the server has not confirmed


def device_id() -> str | None:
    """The request's device id (a UUID) or None, refused with 410 when the device was wiped."""
    if "device_id" not in g:
        g.device_id = devices.parse_header(request.headers.get("X-Device-Id"))
    return g.device_id


def _unsent() -> int | None:
    value = request.headers.get(UNSENT_HEADER)
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 7:
        raise BadRequest(N_("The header X-Unsent-Changes must be a whole number."))
    return int(value)


@bp.before_request
def refuse_wiped_devices():
    """Headers checked before the route runs: a bad one is a 400, never an error after the response is made."""
    g.unsent = _unsent()
    devices.refuse_if_wiped(container(), device_id(), request.cookies.get(SESSION_COOKIE))


@bp.after_request
def note_contact(response):
    user = g.get("user")
    if user is not None and g.get("device_id") and response.status_code < 500:
        devices.contact(container(), user, g.device_id, g.get("unsent"))
    return response


@bp.get("/devices")
@login_required
def list_devices():
    return jsonify({"devices": devices.list_devices(container(), current_user())})


@bp.patch("/devices/<device_id>")
@login_required
def rename_device(device_id: str):
    if device_id.lower() == g.get("device_id"):  # naming the device in hand before its first contact was noted
        devices.contact(container(), current_user(), g.device_id, g.get("unsent"))
    return jsonify(devices.rename(container(), current_user(), device_id, read_json()))


@bp.post("/devices/<device_id>/wipe")
@login_required
def wipe_device(device_id: str):
    return jsonify(devices.wipe(container(), current_user(), device_id)), 202


@bp.post("/devices/<device_id>/wipe-confirmation")
def confirm_wipe(device_id: str):
    devices.confirm_wipe(container(), device_id)
    return "", 204

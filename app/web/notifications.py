"""Web push registration and the in-app inbox (where push is unavailable, the inbox alone tells the user)."""
from __future__ import annotations

from flask import jsonify

from ..services import notifications, push
from .api import bp, container, current_scope, current_session_id, current_user, login_required, read_json


@bp.get("/push/key")
@login_required
def push_key():
    return jsonify({"public_key": push.public_key(container())})


@bp.post("/push/subscriptions")
@login_required
def subscribe():
    created = push.subscribe(container(), current_user(), current_session_id(), read_json())
    return "", 201 if created else 204


@bp.delete("/push/subscriptions")
@login_required
def unsubscribe():
    push.unsubscribe(container(), current_user(), read_json())
    return "", 204


@bp.get("/inbox")
@login_required
def inbox():
    notes = notifications.inbox(container(), current_user(), current_scope())
    return jsonify({"notifications": notes, "unread": sum(1 for n in notes if n["read_at"] is None)})


@bp.post("/inbox/<notification_id>/read")
@login_required
def mark_read(notification_id: str):
    notifications.mark_read(container(), current_user(), notification_id)
    return "", 204

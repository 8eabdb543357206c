"""The OpenAPI description of running an organisation: own password, users, organisations, set-up links and
devices (added to openapi.SPEC)."""
from __future__ import annotations

from .openapi import SPEC, _op, _id

USER = {"type": "object", "description": "{id, email, org_id, org_name, role, active, has_password, setup_link_expires}"}
SETUP = "setup_url: the one-time set-up link (valid 7 days) to pass on to the user; the password is chosen there"
DEVICE = {"type": "object", "description": (
    "{id, name, user_id, user_email, org_id, first_contact, last_contact, unsent (changes not sent at the last "
    "contact), wipe: null | {ordered_at, ordered_by, delivered_at, confirmed_at}}")}
ROLE = {"enum": ["counsellor", "coordinator", "partner"]}
_text_id = {"name": "org_id", "in": "path", "required": True, "schema": {"type": "string"}}

SPEC["info"]["description"] += (
    " Every request of the app carries X-Device-Id: a UUID naming the installation (anything else is a 400); "
    "a wiped device's requests answer 410 {error: device_wiped} and its sessions end. A lockable session (login "
    "with lockable: true) answers only to requests that carry its X-Session-Key. X-Unsent-Changes: N reports "
    "the changes the app has not sent yet.")
SPEC["components"]["schemas"].update(User=USER, Device=DEVICE)
SPEC["paths"].update({
    "/session/password": {"put": _op(
        "Change one's own password (the policy refuses short, common and trivial ones); the user's other "
        "sessions end", "204", "401", "422", "429",
        body={"type": "object", "required": ["current", "new"],
              "properties": {"current": {"type": "string"}, "new": {"type": "string"}}})},
    "/users": {
        "get": {**_op("Users a coordinator manages (their organisation) or an admin (all, or ?org_id=): "
                      "{users: [User]}", "200", "401", "403"),
                "parameters": [{"name": "org_id", "in": "query", "required": False, "schema": {"type": "string"}}]},
        "post": _op("Add a user (coordinator: to their organisation; admin: to org_id). Answers {id, user, "
                    f"setup_url}}; {SETUP}", "201", "401", "403", "404", "422",
                    body={"type": "object", "required": ["email", "role"],
                          "properties": {"email": {"type": "string", "format": "email"}, "role": ROLE,
                                         "org_id": {"type": "string"}}})},
    "/users/{user_id}": {"patch": {**_op(
        "Change a role or (de)activate; deactivating ends the user's sessions at once. Returns the User", "200",
        "401", "403", "404", "422",
        body={"type": "object", "properties": {"role": ROLE, "active": {"type": "boolean"}}}),
        "parameters": [_id("user_id")]}},
    "/users/{user_id}/setup-link": {"post": {**_op(
        f"A new set-up link; the old password, link and sessions end. Answers {{setup_url}}; {SETUP}", "201", "401",
        "403", "404"), "parameters": [_id("user_id")]}},
    "/account-setup": {"post": {**_op(
        "The user of a set-up link chooses a password (the link's token is the part after #/setup/). Answers "
        "{email}; 404 for an unknown, used or expired link", "200", "400", "404", "422",
        body={"type": "object", "required": ["token", "password"],
              "properties": {"token": {"type": "string"}, "password": {"type": "string"}}}), "security": []}},
    "/organisations": {
        "get": _op("All organisations (admin): {organisations: [{id, name, country, kind, active}]}", "200", "401",
                   "403"),
        "post": _op("Create an organisation (admin); add its first coordinator with POST /users and org_id", "201",
                    "401", "403", "422",
                    body={"type": "object", "required": ["id", "name", "country", "kind"],
                          "properties": {"id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{1,62}$"},
                                         "name": {"type": "string", "maxLength": 200},
                                         "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
                                         "kind": {"enum": ["counselling", "partner"]}}})},
    "/organisations/{org_id}": {"patch": {**_op(
        "Deactivate (its users' sessions end, nobody can log in) or reactivate an organisation (admin)", "200",
        "401", "403", "404", "422", body={"type": "object", "required": ["active"],
                                          "properties": {"active": {"type": "boolean"}}}),
        "parameters": [_text_id]}},
    "/devices": {"get": _op("Devices: a coordinator's organisation's, an admin's all, anyone else's own: "
                            "{devices: [Device]}", "200", "401")},
    "/devices/{device_id}": {"patch": {**_op(
        "Name one's own device. Returns the Device", "200", "401", "403", "404", "422",
        body={"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "maxLength": 80}}}),
        "parameters": [_id("device_id")]}},
    "/devices/{device_id}/wipe": {"post": {**_op(
        "Wipe a lost device (a coordinator: their organisation's; anyone: their own). From now on its requests "
        "answer 410 and its sessions end; the app erases its data at the next contact. Returns the Device",
        "202", "401", "404"), "parameters": [_id("device_id")]}},
    "/devices/{device_id}/wipe-confirmation": {"post": {**_op(
        "The app reports it erased everything after a 410 (no session)", "204", "404"),
        "parameters": [_id("device_id")], "security": []}},
})

"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of the API (a test checks every route is here)."""
from __future__ import annotations

from flask import jsonify

from .api import bp

ERROR = {"$ref": "#/components/schemas/Error"}
SAID = {"message": {"type": "string"}, "msgid": {"type": "string"}, "params": {"type": "object"}}


def _op(summary: str, ok: str, *errors: str, body: dict | None = None, also: dict | None = None) -> dict:
    """`also`: further success codes with what each means, e.g. {"200": "The same case, resent"}. An operation
    with a body answers 400 when the body is missing or not JSON."""
    if body and "400" not in errors:
        errors = ("400", *errors)
    responses = {ok: {"description": "OK"}, **{code: {"description": text} for code, text in (also or {}).items()}}
    responses.update({code: {"description": "Error", "content": {"application/json": {"schema": ERROR}}}
                      for code in errors})
    op = {"summary": summary, "responses": responses}
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return op


def _id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}


RECORD_CHANGE = {"type": "object", "required": ["case_id", "form_id", "form_version", "status", "data"],
                 "properties": {"id": {"type": "string", "format": "uuid"}, "case_id": {"type": "string", "format": "uuid"},
                                "form_id": {"type": "string"}, "form_version": {"type": "integer"},
                                "status": {"enum": ["draft", "final", "discarded"],
                                           "description": "discarded: a draft the user threw away, kept as a "
                                                          "revision in its history and listed nowhere; a final "
                                                          "record or a new one cannot be discarded (422)"},
                                "data": {"type": "object"},
                                "base_rev": {"type": ["string", "null"]},
                                "resolves": {"type": "array", "items": {"type": "string"}},
                                "device_id": {"type": "string", "format": "uuid"}}}
CASE = {"type": "object", "required": ["id", "client_code", "country_of_origin"],
        "properties": {"id": {"type": "string", "format": "uuid"}, "client_code": {"type": "string", "maxLength": 64},
                       "country_of_origin": {"type": "string", "pattern": "^[A-Z]{2}$"},
                       "step": {"type": "string"}, "counsellor_id": {"type": "string", "format": "uuid"}}}
CONSENT = {"type": "object", "required": ["given_by", "date", "purpose", "language"],
           "properties": {"given_by": {"enum": ["client", "legal_representative"]},
                          "date": {"type": "string", "format": "date", "description": "not in the future"},
                          "purpose": {"type": "string", "maxLength": 2000},
                          "language": {"type": "string", "description": "ISO 639 code of the language the consent "
                                                                        "was explained in, e.g. nl, en, bg, pcm"},
                          "expires": {"type": ["string", "null"], "format": "date",
                                      "description": "valid through this date"}}}
HANDOVER_REQUEST = {"type": "object", "required": ["to_org", "record_ids", "consent"],
                    "properties": {"id": {"type": "string", "format": "uuid",
                                          "description": "optional; resending the same id returns the first handover"},
                                   "to_org": {"type": "string", "description": "a partner organisation's id"},
                                   "record_ids": {"type": "array", "minItems": 1, "maxItems": 200,
                                                  "items": {"type": "string", "format": "uuid"}},
                                   "consent": {"$ref": "#/components/schemas/Consent"},
                                   "departure_date": {"type": ["string", "null"], "format": "date",
                                                      "description": "planned; anchors the monitoring schedule"}}}
HANDOVER = {"type": "object", "description": (
    "id, case_id, from_org(_name), to_org(_name), record_ids, partner_record_ids (records the partner created), "
    "consent {given_by, date, documents, to_org, purpose, language, expires, recorded_by, recorded_at, "
    "withdrawn_at, withdrawn_by}, created_by, created_at, departure_date, events {item: {date, recorded_by, "
    "recorded_at}}, status: active | withdrawn | expired. A partner whose consent ended gets only id, case_id, "
    "from_org(_name), to_org(_name), created_at, status and consent {withdrawn_at, expires}."),
    "properties": {"status": {"enum": ["active", "withdrawn", "expired"]}}}
MONITORING = {"type": "object", "description": (
    "{handover_id, to_org, to_org_name, status, anchor: {source: departed | planned | unknown, date}, items: "
    "[{item: arrival_confirmed | first_contact | report_6 | report_12, due, status: done | due | overdue | "
    "upcoming | awaiting_departure | cancelled, done_on?, record_id?}]}. Dates count from the departure; an "
    "item is due from 0 (arrival), 7 (first contact) or 14 (reports) days before its date, overdue after it.")}
PUSH_SUBSCRIPTION = {"type": "object", "required": ["endpoint", "keys"],
                     "properties": {"endpoint": {"type": "string", "description": "https URL of a known push service"},
                                    "expirationTime": {"type": ["number", "null"]},
                                    "keys": {"type": "object", "required": ["p256dh", "auth"],
                                             "properties": {"p256dh": {"type": "string"}, "auth": {"type": "string"}}}}}
LANG = {"name": "lang", "in": "query", "required": True, "schema": {"enum": ["nl", "en", "bg"]},
        "description": "The language of the labels (answers are printed as typed)."}
LANG2 = {"name": "lang2", "in": "query", "required": False, "schema": {"enum": ["nl", "en", "bg"]},
         "description": "A second language, printed beside the first on the same page."}
RECORDS = {"name": "records", "in": "query", "required": False, "schema": {"type": "string"},
           "description": "Record ids of this case separated by commas, printed in that order (default: all)."}
PDF = {"application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}}}


def _pdf_op(summary: str, *params: dict) -> dict:
    op = _op(summary, "200", "400", "401", "404", "503")
    op["responses"]["200"] = {"description": "The PDF, as an attachment named with ids and codes only",
                              "content": PDF}
    return {**op, "parameters": list(params)}


def _query_date(name: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": {"type": "string", "format": "date"}}


SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Safe Future API", "version": "1",
             "description": "State-changing requests carry the header X-Requested-With: safefuture. Request bodies "
                            "are at most 4 MB. Errors are JSON {error, message, errors?: [{path, message}]} in the "
                            "language of Accept-Language (nl, en, bg) or X-UI-Language."},
    "servers": [{"url": "/api/v1"}],
    "components": {
        "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "sf_session"}},
        "schemas": {
            # `message` in the asked language; `msgid` and `params` let a device that keeps it show it in another.
            "Error": {"type": "object", "required": ["error", "message"],
                      "properties": {"error": {"type": "string"}, **SAID,
                                     "errors": {"type": "array", "items": {"type": "object", "properties": {
                                         "path": {"type": "string"}, **SAID}}}}},
            "RecordChange": RECORD_CHANGE, "Case": CASE, "Consent": CONSENT, "HandoverRequest": HANDOVER_REQUEST,
            "Handover": HANDOVER, "Monitoring": MONITORING, "PushSubscription": PUSH_SUBSCRIPTION},
    },
    "security": [{"session": []}],
    "paths": {
        "/session": {
            "post": {**_op("Log in", "200", "400", "401", "422", "429",
                           body={"type": "object", "required": ["email", "password"],
                                 "properties": {"email": {"type": "string"}, "password": {"type": "string"},
                                                "lockable": {"type": "boolean", "description": (
                                                    "the app's login: the answer holds a session_key that every "
                                                    "request must then carry as X-Session-Key")}}}),
                     "security": []},
            "get": _op("The logged-in user", "200", "401"),
            "delete": {**_op("Log out: the session ends on the server", "204"), "security": []},
        },
        "/forms": {"get": {**_op("The instruments: [{id, version, title}]", "200"), "security": []}},
        "/forms/{form_id}": {"get": {**_op("An instrument's JSON Schema (?version=N for an older one)", "200", "404"),
                                     "security": [],
                                     "parameters": [{"name": "form_id", "in": "path", "required": True,
                                                     "schema": {"type": "string"}}]}},
        "/cases": {"post": _op("Create a case (idempotent for the same id). 409 when the id is taken by a case with "
                               "another client code or country; 422 at /counsellor_id for someone not of the "
                               "organisation", "201", "400", "401", "403", "409", "422",
                               body={"$ref": "#/components/schemas/Case"},
                               also={"200": "The case was there already (a resend): the stored case"}),
                   "get": _op("The cases the user may see", "200", "401")},
        "/cases/{case_id}": {"get": {**_op("A case with a summary of its records", "200", "401", "404"),
                                     "parameters": [_id("case_id")]}},
        "/cases/{case_id}/overview": {"get": {**_op("The case view: steps with their instruments (final, draft, "
                                                     "missing), the moves possible now (label and "
                                                     "problem in the asked language, with their msgids), the "
                                                     "Overzicht 1 history",
                                                     "200", "401", "404"),
                                              "parameters": [_id("case_id")]}},
        "/cases/{case_id}/step": {"post": {**_op("Move the case to another step of the flowchart; 422 says why not",
                                                 "200", "400", "401", "403", "404", "422",
                                                 body={"type": "object", "required": ["step"],
                                                       "properties": {"step": {"type": "string"}}}),
                                           "parameters": [_id("case_id")]}},
        "/records/{record_id}": {
            "put": {**_op("Save a change to a record. 409 keeps the incoming version as a conflict; a change "
                          "resent unchanged gets the first answer again", "201", "400", "401", "403", "409", "413",
                          "422", body={"$ref": "#/components/schemas/RecordChange"},
                          also={"200": "A new revision of a record that exists"}),
                    "parameters": [_id("record_id")]},
            "get": {**_op("A record with rev, data and unresolved conflicts, and read_only: true when the reader may not "
                          "change it (a partner's record on the counselling side, a handed-over one on the partner's). "
                          "A record with conflicts names each "
                          "version's saver (saved_by_name) and device (device_name): by e-mail and device name "
                          "within the reader's organisation, by organisation name only across organisations",
                          "200", "401", "404"),
                    "parameters": [_id("record_id")]},
        },
        "/records/{record_id}/pdf": {"get": _pdf_op(
            "A record as a PDF in the reader's language (audited); 503 when the PDF engine fails or overruns",
            _id("record_id"), LANG, LANG2)},
        "/cases/{case_id}/pdf": {"get": _pdf_op(
            "A case's dossier as a PDF: a cover with the contents, then the chosen records (audited)",
            _id("case_id"), LANG, LANG2, RECORDS)},
        "/cases/{case_id}/handovers": {
            "post": {**_op("Hand records over to a partner organisation with the client's consent (422 without)",
                           "201", "400", "401", "403", "404", "422",
                           body={"$ref": "#/components/schemas/HandoverRequest"},
                           also={"200": "The same id was sent before (a resend): the first handover"}),
                     "parameters": [_id("case_id")]},
            "get": {**_op("The case's handovers the user's organisation sent or received: {handovers: [Handover]}",
                          "200", "401", "404"), "parameters": [_id("case_id")]},
        },
        "/cases/{case_id}/monitoring": {"get": {**_op(
            "The monitoring schedule per handover: {case_id, today, handovers: [Monitoring]}", "200", "401", "404"),
            "parameters": [_id("case_id")]}},
        "/cases/{case_id}/audit": {"get": {**_op(
            "The case's audit trail, for coordinators of the owning organisation: {events: [{seq, at, actor_id, "
            "actor_email, org_id, action, case_id, record_id, device_id, details}]}", "200", "401", "403", "404"),
            "parameters": [_id("case_id")]}},
        "/handovers": {"get": _op("A partner's incoming handovers, a Dutch organisation's outgoing ones: "
                                  "{handovers: [Handover]}", "200", "401")},
        "/handovers/{handover_id}/withdrawal": {"post": {**_op(
            "The client withdrew consent: the partner sees nothing of the case from now on. Returns the Handover",
            "200", "401", "404"), "parameters": [_id("handover_id")]}},
        "/handovers/{handover_id}/monitoring": {"post": {**_op(
            "Record departure, confirmed arrival or the first contact. Returns the handover's Monitoring", "200",
            "400", "401", "404", "422",
            body={"type": "object", "required": ["item", "date"],
                  "properties": {"item": {"enum": ["departed", "arrival_confirmed", "first_contact"]},
                                 "date": {"type": "string", "format": "date"}}}),
            "parameters": [_id("handover_id")]}},
        "/partner-organisations": {"get": _op("The partner organisations a case can be handed over to: "
                                              "{organisations: [{id, name, country}]}", "200", "401", "403")},
        "/push/key": {"get": _op("The VAPID public key (applicationServerKey): {public_key}", "200", "401")},
        "/push/subscriptions": {
            "post": _op("Register this device for web push (201 new, 204 known)", "201", "400", "401", "422",
                        body={"$ref": "#/components/schemas/PushSubscription"}),
            "delete": _op("Unregister a device", "204", "400", "401", "422",
                          body={"type": "object", "required": ["endpoint"],
                                "properties": {"endpoint": {"type": "string"}}}),
        },
        "/inbox": {"get": _op("The user's notifications, newest first: {notifications: [{id, kind, case_id, "
                              "handover_id, record_id, item, created_at, read_at}], unread}", "200", "401")},
        "/inbox/{notification_id}/read": {"post": {**_op("Mark a notification read", "204", "401", "404"),
                                                   "parameters": [_id("notification_id")]}},
        "/sync": {"post": _op("Push cases and record changes, pull the change feed since a cursor. changes are "
                              "{kind: case | record | handover, seq, ...}; a handover change carries the case and "
                              "its records while active. A record saved by this request is left out while that save is "
                              "its latest change (the result carries its rev). more is true when the page was full: "
                              "pull again at once. granted_case_ids lists the handed-over cases the user may "
                              "see now", "200", "400", "401", "413", "422",
                              body={"type": "object", "properties": {
                                  "cases": {"type": "array", "items": {"$ref": "#/components/schemas/Case"}},
                                  "push": {"type": "array", "items": {"$ref": "#/components/schemas/RecordChange"}},
                                  "since": {"type": ["integer", "null"]}}})},
        "/socialmap": {"get": {**_op("Search the social map (shipped data with coordinators' edits). 400 lists the "
                                     "allowed values of an unknown country or service", "200", "400", "401"),
                                 "parameters": [{"name": n, "in": "query", "required": False, "schema": {"type": "string"}}
                                                for n in ("country", "service", "q")]}},
        "/socialmap/countries": {"get": _op("Countries in the map, named in the UI language", "200", "401")},
        "/socialmap/organisations/{org_id}": {"get": {**_op("One organisation with its edit history", "200", "401",
                                                               "404"),
                                                       "parameters": [{"name": "org_id", "in": "path", "required": True,
                                                                       "schema": {"type": "string"}}]}},
        "/socialmap/retired": {"get": _op("Organisations coordinators took off the map (coordinators only)", "200",
                                          "401", "403")},
        "/socialmap/edits": {"post": _op("A coordinator's edit (add, change, retire, restore); 409 when the old "
                                         "values are stale", "201", "400", "401", "403", "409", "422",
                                         body={"type": "object", "required": ["id", "kind", "changes"]})},
        "/socialmap/changes": {"get": {**_op("Organisations changed since a cursor, for the device", "200", "400", "401"),
                                       "parameters": [{"name": "since", "in": "query", "schema": {"type": "integer"}}]}},
        "/reports/summary": {"get": {**_op(
            "The coordinator's report over a period (a partner organisation's users: the cases handed over to it): "
            "cases by current step, opened and closed per month and how they closed, returns per country, median "
            "days per step, monitoring reports due / on time / late / missing, the change in Overzicht 1 between the "
            "first and the latest scoring. Counts only; a count from 1 to 4 is the text \"< 5\", and a count left "
            "out so that a lone \"< 5\" cannot be worked out from its group's sum is the text \"x\". format=xlsx or "
            "pdf downloads it in lang (audited). Counsellors and admins 403", "200", "400", "401", "403", "503"),
            "parameters": [_query_date("from"), _query_date("to"),
                           {"name": "format", "in": "query", "schema": {"enum": ["json", "xlsx", "pdf"]}},
                           {**LANG, "required": False, "description": "required for xlsx and pdf"}]}},
        "/exports/{form_id}": {"get": {**_op(
            "One instrument's records for analysis, streamed (coordinators only, audited): a row per record with "
            "record_id, case_id, client_code (only with client_codes=1), status, form_version, saved_at, "
            "saved_by_org, then a column per field; header rows of JSON pointers and of labels in lang. Repeating "
            "groups: a sheet each (XLSX) or a CSV each in a zip, keyed by record_id and row (\"2.1\": row 1 of "
            "the group in row 2). A link to a genogram person is the person's name; ids that only link rows are "
            "left out. CSV is UTF-8 with a BOM. from/to filter by the day last saved. 403 for other "
            "roles, 404 for an unknown form, 400 naming a bad parameter", "200", "400", "401", "403", "404"),
            "parameters": [{"name": "form_id", "in": "path", "required": True, "schema": {"type": "string"}},
                           {"name": "format", "in": "query", "required": True, "schema": {"enum": ["csv", "xlsx"]}},
                           LANG, _query_date("from"), _query_date("to"),
                           {"name": "labels", "in": "query", "schema": {"enum": ["labels", "codes"],
                                                                         "default": "labels"}},
                           {"name": "client_codes", "in": "query", "schema": {"enum": ["0", "1"], "default": "0"}}]}},
        "/openapi.json": {"get": {**_op("This description", "200"), "security": []}},
    },
}


@bp.get("/openapi.json")
def openapi():
    return jsonify(SPEC)

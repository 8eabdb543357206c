"""Handover to a partner organisation abroad, the client's consent, and the monitoring schedule.

Seed-spec §2.4 and I-18/I-22: with the client's consent the updated risk analysis and the personal action plan go
to the partner organisation in the country of origin, which follows the client for a year and reports after six
months and after a year. No consent, no handover; consent can be withdrawn, and it may expire.

Pure: dates come in as ISO strings, "today" is passed in. Messages are gettext msgids.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from .errors import N_, Invalid
from .validation import date_error, string_error, type_error, uuid_error

GIVEN_BY = ("client", "legal_representative")
CONSENT_FIELDS = ("given_by", "date", "purpose", "language", "expires")
REQUEST_FIELDS = ("id", "to_org", "record_ids", "consent", "departure_date")
MAX_RECORDS = 200
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")  # ISO 639 code, optional subtags: nl, bg, pcm, en-NG

# Monitoring (seed-spec I-18 items 7-9, I-22): safe arrival, a contact after one month, reports at 6 and 12
# months, counted from the departure: the recorded one (`departed`), else the planned one (`departure_date`).
# Until either is known nothing is due. An item is "due" from `lead` days before its date, "overdue" after it.
RECORDABLE_ITEMS = ("departed", "arrival_confirmed", "first_contact")
SCHEDULE = (("arrival_confirmed", 0, 0), ("first_contact", 1, 7), ("report_6", 6, 14),
            ("report_12", 12, 14))  # item, months after departure, lead days
REPORT_ITEMS = {6: "report_6", 12: "report_12"}
MONITORING_REPORT_FORM = "monitoring-report"


@dataclass
class Consent:
    given_by: str
    date: str
    documents: list[str]  # the record ids the consent covers
    to_org: str
    purpose: str
    language: str  # the language the consent was explained in (ISO 639)
    recorded_by: str
    recorded_at: str
    expires: str | None = None  # valid through this date
    withdrawn_at: str | None = None
    withdrawn_by: str | None = None


@dataclass
class MonitoringEvent:
    item: str  # one of RECORDABLE_ITEMS
    date: str
    recorded_by: str
    recorded_at: str


@dataclass
class Handover:
    id: str
    case_id: str
    from_org: str
    to_org: str
    record_ids: list[str]
    consent: Consent
    created_by: str
    created_at: str
    departure_date: str | None = None  # planned
    partner_record_ids: list[str] = field(default_factory=list)  # records the partner created in the case
    events: dict[str, MonitoringEvent] = field(default_factory=dict)  # by item

    def status(self, today: str) -> str:
        if self.consent.withdrawn_at:
            return "withdrawn"
        if self.consent.expires and self.consent.expires < today:
            return "expired"
        return "active"

    def active(self, today: str) -> bool:
        return self.status(today) == "active"

    def to_dict(self) -> dict:
        return asdict(self)


def _errors_at(prefix: str, errors) -> list[dict]:
    return [{**e, "path": prefix + e["path"]} for e in errors if e]


def _unknown(payload: dict, allowed, prefix: str = "") -> list[dict]:
    return [{"path": f"{prefix}/{k}", "message": N_("Unknown field.")} for k in payload if k not in allowed]


def consent_errors(consent, today: str) -> list[dict]:
    """Errors of the `consent` object of a handover request, with paths under /consent."""
    if consent is None:
        return [{"path": "/consent", "message": N_("Record the client's consent before handing over.")}]
    if not isinstance(consent, dict):
        return [type_error("/consent", "object")]
    errors = _unknown(consent, CONSENT_FIELDS, "/consent")
    if consent.get("given_by") not in GIVEN_BY:
        errors.append({"path": "/consent/given_by", "message": N_("Choose client or legal_representative.")})
    date_problem = past_date_error(consent.get("date"), "/consent/date", today,
                                   N_("Consent cannot be dated in the future."))
    if date_problem:
        errors.append(date_problem)
    purpose = string_error(consent.get("purpose"), "/consent/purpose", 2000)
    if purpose:
        errors.append(purpose)
    language = consent.get("language")
    if not isinstance(language, str) or not LANGUAGE.match(language) or len(language) > 35:
        errors.append({"path": "/consent/language",
                       "message": N_("Give the language the consent was explained in as a code such as nl, en or bg.")})
    expires_problem = date_error(consent.get("expires"), "/consent/expires", required=False)
    if expires_problem:
        errors.append(expires_problem)
    elif consent.get("expires") is not None:
        if not date_problem and consent["expires"] < consent["date"]:
            errors.append({"path": "/consent/expires", "message": N_("The consent cannot expire before it was given.")})
        elif consent["expires"] < today:
            errors.append({"path": "/consent/expires", "message": N_("This consent has expired already.")})
    return errors


def parse_request(payload, today: str) -> dict:
    """Check a handover request {id?, to_org, record_ids, consent, departure_date?}. Raises Invalid with every
    problem and its path; the checks that need the store (organisation, records of the case) come after."""
    if not isinstance(payload, dict):
        raise Invalid(N_("The handover must be a JSON object."), [type_error("", "object")])
    errors = _unknown(payload, REQUEST_FIELDS)
    if payload.get("id") is not None:
        errors.extend(_errors_at("", [uuid_error(payload["id"], "/id")]))
    errors.extend(_errors_at("", [string_error(payload.get("to_org"), "/to_org", 63)]))
    record_ids = payload.get("record_ids")
    if not isinstance(record_ids, list) or not record_ids:
        errors.append({"path": "/record_ids", "message": N_("Choose at least one record to hand over.")})
    elif len(record_ids) > MAX_RECORDS:
        errors.append({"path": "/record_ids", "message": N_("Too many entries: at most %(limit)s."),
                       "params": {"limit": MAX_RECORDS}})
    else:
        errors.extend(_errors_at("", [uuid_error(r, f"/record_ids/{i}") for i, r in enumerate(record_ids)]))
        if len({r for r in record_ids if isinstance(r, str)}) != len(record_ids):
            errors.append({"path": "/record_ids", "message": N_("A record is chosen twice.")})
    errors.extend(consent_errors(payload.get("consent"), today))
    departure = date_error(payload.get("departure_date"), "/departure_date", required=False)
    if departure:
        errors.append(departure)
    if errors:
        raise Invalid(N_("The handover cannot be made."), errors)
    return payload


def past_date_error(value, path: str, today: str, future_message: str) -> dict | None:
    """A required ISO date that is not after `today` (something that has happened)."""
    problem = date_error(value, path)
    if problem is None and value > today:
        problem = {"path": path, "message": future_message}
    return problem


def parse_monitoring_event(payload, today: str) -> dict:
    """Check {item, date} of a monitoring event. Raises Invalid."""
    if not isinstance(payload, dict):
        raise Invalid(N_("The monitoring event must be a JSON object."), [type_error("", "object")])
    errors = _unknown(payload, ("item", "date"))
    if payload.get("item") not in RECORDABLE_ITEMS:
        errors.append({"path": "/item", "message": N_("Choose departed, arrival_confirmed or first_contact.")})
    problem = past_date_error(payload.get("date"), "/date", today, N_("This date lies in the future."))
    if problem:
        errors.append(problem)
    if errors:
        raise Invalid(N_("The monitoring event is not valid."), errors)
    return payload


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 month = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def anchor(handover: Handover) -> tuple[str, str | None]:
    """(source, ISO date) the schedule counts from: ("departed", d), ("planned", d) or ("unknown", None)."""
    if "departed" in handover.events:
        return "departed", handover.events["departed"].date
    if handover.departure_date:
        return "planned", handover.departure_date
    return "unknown", None


def schedule(handover: Handover, reports: dict[int, dict], today: str) -> list[dict]:
    """Each monitoring item with its due date and status: done, overdue, due, upcoming, awaiting_departure (no
    departure date yet), or cancelled (not done when consent ended). `reports` maps a period (6, 12) to
    {record_id, date} of the final monitoring report filed for it."""
    start = anchor(handover)[1]
    now = date.fromisoformat(today)
    active = handover.active(today)
    done = {item: {"done_on": e.date} for item, e in handover.events.items()}
    done.update({REPORT_ITEMS[p]: {"done_on": r["date"], "record_id": r["record_id"]}
                 for p, r in reports.items() if p in REPORT_ITEMS})
    out = []
    for item, months, lead in SCHEDULE:
        due = add_months(date.fromisoformat(start), months) if start else None
        entry = {"item": item, "due": due.isoformat() if due else None}
        if item in done:
            entry.update(status="done", **done[item])
        elif not active:
            entry["status"] = "cancelled"
        elif due is None:
            entry["status"] = "awaiting_departure"
        elif now > due:
            entry["status"] = "overdue"
        elif now >= due - timedelta(days=lead):
            entry["status"] = "due"
        else:
            entry["status"] = "upcoming"
        out.append(entry)
    return out


def report_period(form_id: str, status: str, data: dict) -> int | None:
    """The period (6 or 12) of a final monitoring report, else None."""
    if form_id != MONITORING_REPORT_FORM or status != "final" or not isinstance(data, dict):
        return None
    period = data.get("period")
    if isinstance(period, str) and period.isdigit():  # the form may keep the period as an option string
        period = int(period)
    return period if period in REPORT_ITEMS and not isinstance(period, bool) else None

"""The coordinator's report over the API, on a fixture organisation whose figures are known, suppression
included: 4 returns to a country show "< 5", 5 show 5. And its downloads (XLSX, PDF), audited."""
from __future__ import annotations

import io
import uuid

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.domain.access import Scope
from app.services import accounts
from tests.api.partners import FAST_HASHER, Clock, add_org, add_user, handover_body, make_app, report
from tests.conftest import Api, change, overzicht1

CODE_PREFIX = "SECRET-"


class Shelter:
    """shelter-a with known figures. Every case is opened on 2026-01-05 unless said otherwise.
    - 5 cases to BG and 4 to NG start at step NL-12 and close as returned without a partner on 2026-02-14
      (BG, 40 days in NL-12) or 2026-03-06 (NG, 60 days);
    - 6 cases stay at NL-3, 2 at NL-5 (opened 2026-03-10);
    - 1 case closed for another reason on 2026-03-06, from NL-3 (60 days there);
    - 5 cases at NL-7 with two final Overzicht 1 scorings each: /nl/f1 goes from - to + (total + up by 1,
      total − down by 1), /coo/f1 stays ++ ;
    - 1 case at NL-12 handed over to animus (departure 2026-01-10): its 6-month report was filed on time.
    An older case (opened and closed in 2025) lies outside the period 2026-01-01 … 2026-06-30."""

    def __init__(self, tmp_path):
        self.app = make_app(tmp_path)
        self.c = self.app.extensions["safefuture"]
        self.clock = Clock("2025-03-01")
        self.c.now = self.clock
        add_org(self.app, "shelter-a", "counselling", "NL")
        add_org(self.app, "shelter-b", "counselling", "NL")
        add_org(self.app, "animus", "partner", "BG")
        for email, org, role in (("anna@a.nl", "shelter-a", "counsellor"), ("carla@a.nl", "shelter-a", "coordinator"),
                                 ("bram@b.nl", "shelter-b", "coordinator"), ("petya@animus.bg", "animus", "partner"),
                                 ("root@a.nl", "shelter-a", "admin")):
            add_user(self.app, email, org, role)
        self.anna, self.carla = Api(self.app, "anna@a.nl"), Api(self.app, "carla@a.nl")
        old = self.case("NL", "NL-12")
        self.clock.day = "2025-04-01"
        self.step(old, "closed_returned_no_partner")
        self.clock.day = "2026-01-05"
        returned = [self.case("BG", "NL-12") for _ in range(5)] + [self.case("NG", "NL-12") for _ in range(4)]
        at_3 = [self.case("NG", "NL-3") for _ in range(7)]
        scored = [self.case("ER", "NL-7") for _ in range(5)]
        self.handed = self.case("BG", "NL-12")
        plan = self.record(self.handed, overzicht1(), "draft")
        r = self.anna.post(f"/api/v1/cases/{self.handed}/handovers",
                           handover_body("animus", [plan], departure_date="2026-01-10",
                                         consent={"given_by": "client", "date": "2026-01-05", "purpose": "support",
                                                  "language": "bg"}))
        assert r.status_code == 201, r.json
        for case_id in scored:
            self.record(case_id, {**overzicht1(nl_f1="-", coo_f1="++"), "scored_on": "2026-01-20"})
            self.record(case_id, {**overzicht1(nl_f1="+", coo_f1="++"), "scored_on": "2026-04-20"})
        self.clock.day = "2026-02-14"
        for case_id in returned[:5]:
            self.step(case_id, "closed_returned_no_partner")
        self.clock.day = "2026-03-06"
        for case_id in returned[5:]:
            self.step(case_id, "closed_returned_no_partner")
        self.step(at_3[0], "closed_other")
        self.clock.day = "2026-03-10"
        self.case("NG", "NL-5"), self.case("NG", "NL-5")
        self.clock.day = "2026-07-05"
        petya = Api(self.app, "petya@animus.bg")
        r = petya.put(f"/api/v1/records/{uuid.uuid4()}", report(self.handed, 6))
        assert r.status_code == 201, r.json
        self.clock.day = "2026-08-01"

    def case(self, country: str, step: str) -> str:
        case_id = str(uuid.uuid4())
        r = self.anna.post("/api/v1/cases", {"id": case_id, "client_code": f"{CODE_PREFIX}{case_id[:6]}",
                                             "country_of_origin": country, "step": step})
        assert r.status_code == 201, r.json
        return case_id

    def step(self, case_id: str, target: str) -> None:
        r = self.anna.post(f"/api/v1/cases/{case_id}/step", {"step": target})
        assert r.status_code == 200, r.json

    def record(self, case_id: str, data: dict, status: str = "final") -> str:
        record_id = str(uuid.uuid4())
        r = self.anna.put(f"/api/v1/records/{record_id}", change(case_id, data, status=status))
        assert r.status_code == 201, r.json
        return record_id


@pytest.fixture(scope="module")
def shelter(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(accounts, "_hasher", FAST_HASHER)
        yield Shelter(tmp_path_factory.mktemp("reports"))


PERIOD = "from=2026-01-01&to=2026-06-30"


def test_the_figures_of_the_fixture_organisation(shelter):
    r = shelter.carla.get(f"/api/v1/reports/summary?{PERIOD}")
    assert r.status_code == 200, r.json
    s = r.json
    assert s["period"] == {"from": "2026-01-01", "to": "2026-06-30"}
    assert s["cases"] == 5 + 4 + 7 + 5 + 1 + 2
    steps = {row["step"]: row["count"] for row in s["steps"]}
    assert steps["NL-3"] == 6 and steps["NL-7"] == 5 and steps["NL-5"] == "< 5" and steps["NL-12"] == "< 5"
    assert steps["NL-1"] == 0 and steps["R-1"] == 0
    assert [row["title"] for row in s["steps"]][:1] == ["First needs and safety"]
    months = {row["month"]: (row["opened"], row["closed"]) for row in s["months"]}
    assert list(months) == [f"2026-{m:02d}" for m in range(1, 7)]
    # Opened: 22 in January, 2 in March; as the 24 cases of the period were all opened in it, the 22 is left out
    # ("x") so that the "< 5" cannot be worked out from the total.
    assert months["2026-01"] == ("x", 0)
    assert months["2026-02"] == (0, 5)
    assert months["2026-03"] == ("< 5", 5)  # two opened; four returns and one other closure
    assert {row["kind"]: row["count"] for row in s["closures"]} == {
        "returned": "x", "departed_without_support": 0, "other": "< 5"}  # 9 would give the 1 away (10 closed)


def test_four_returns_to_a_country_show_as_less_than_five_and_five_as_five(shelter):
    s = shelter.carla.get(f"/api/v1/reports/summary?{PERIOD}").json
    assert s["returns"] == [{"country": "BG", "count": 5}, {"country": "NG", "count": "< 5"}]


def test_median_days_per_step_only_over_five_stays_or_more(shelter):
    s = shelter.carla.get(f"/api/v1/reports/summary?{PERIOD}").json
    days = {row["step"]: (row["stays"], row["median_days"]) for row in s["step_days"]}
    assert days["NL-12"] == (9, 40.0)  # five stays of 40 days, four of 60
    assert days["NL-3"] == ("< 5", None)  # one stay: no median that would give it away
    assert days["NL-1"] == (0, None)


def test_monitoring_reports_due_in_the_period(shelter):
    s = shelter.carla.get("/api/v1/reports/summary?from=2026-01-01&to=2026-12-31").json
    # The 6-month report was due on 2026-07-10 and filed on 2026-07-05; the 12-month one is due 2027.
    assert s["monitoring"] == {"due": "< 5", "on_time": "< 5", "late": 0, "missing": 0, "not_yet_due": 0}


def test_overzicht1_change_between_the_first_and_the_latest_scoring(shelter):
    o1 = shelter.carla.get(f"/api/v1/reports/summary?{PERIOD}").json["overzicht1"]
    assert o1["clients"] == 5
    assert o1["total_plus_median_change"] == 1 and o1["total_minus_median_change"] == -1
    factors = {f["pointer"]: f for f in o1["factors"]}
    assert factors["/nl/f1"] | {} == {**factors["/nl/f1"], "up": 5, "same": 0, "down": 0, "share_up": 1.0,
                                      "share_same": 0.0, "share_down": 0.0}
    assert (factors["/coo/f1"]["same"], factors["/coo/f1"]["share_same"]) == (5, 1.0)
    assert factors["/nl/f2"]["up"] == 0 and factors["/nl/f2"]["share_up"] is None  # never scored
    # Before the second scoring nobody has two.
    early = shelter.carla.get("/api/v1/reports/summary?from=2026-01-01&to=2026-03-31").json["overzicht1"]
    assert early["clients"] == 0 and early["total_plus_median_change"] is None


def test_the_report_names_nobody(shelter):
    r = shelter.carla.get(f"/api/v1/reports/summary?{PERIOD}")
    assert CODE_PREFIX.encode() not in r.data
    for case in shelter.c.store.list_cases(Scope(org_ids=frozenset({"shelter-a"}))):
        assert case.id.encode() not in r.data and case.id[:8].encode() not in r.data


def test_another_organisation_sees_its_own_empty_figures_and_the_partner_the_handed_over_case(shelter):
    bram = Api(shelter.app, "bram@b.nl").get(f"/api/v1/reports/summary?{PERIOD}").json
    assert bram["cases"] == 0 and bram["returns"] == []
    petya = Api(shelter.app, "petya@animus.bg").get("/api/v1/reports/summary?from=2026-01-01&to=2026-12-31").json
    assert petya["cases"] == "< 5"
    assert {row["step"]: row["count"] for row in petya["steps"]}["NL-12"] == "< 5"
    assert petya["monitoring"]["on_time"] == "< 5"


@pytest.mark.parametrize("who", ["anna@a.nl", "root@a.nl"])
def test_counsellors_and_admins_get_403(shelter, who):
    r = Api(shelter.app, who).get(f"/api/v1/reports/summary?{PERIOD}")
    assert r.status_code == 403 and r.json["error"] == "forbidden"


@pytest.mark.parametrize("query, param", [
    ("from=2026-13-01", "from"), ("to=yesterday", "to"), ("from=2026-06-01&to=2026-01-01", "from"),
    ("from=1990-01-01&to=2026-01-01", "from"), ("format=doc&lang=en", "format"), ("format=pdf&lang=de", "lang"),
    ("format=xlsx", "lang")])
def test_a_bad_parameter_is_400_naming_it(shelter, query, param):
    r = shelter.carla.get(f"/api/v1/reports/summary?{query}", headers={"Accept-Language": "nl"})
    assert r.status_code == 400, r.json
    assert r.json["path"] == param and param in r.json["message"]


def _cells(sheet) -> list[list]:
    return [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]


def test_the_report_downloads_as_xlsx_with_the_same_suppressed_counts(shelter):
    r = shelter.carla.get(f"/api/v1/reports/summary?{PERIOD}&format=xlsx&lang=nl")
    assert r.status_code == 200
    assert r.headers["Content-Disposition"] == 'attachment; filename="report_2026-01-01_2026-06-30_nl.xlsx"'
    rows = _cells(load_workbook(io.BytesIO(r.data)).active)
    start = [row[0] for row in rows].index("Terugkeer per land")
    assert rows[start + 1][:2] == ["Land", "Aantal"]
    assert rows[start + 2][:2] == ["Bulgarije", 5] and rows[start + 3][:2] == ["Nigeria", "< 5"]
    assert CODE_PREFIX.encode() not in r.data


def test_a_single_suppressed_count_cannot_be_worked_out_on_screen_in_the_xlsx_or_in_the_pdf(shelter):
    """10 cases closed in the period (5 in February, 5 in March): 9 returned, 0 departed, 1 other. With the 9 shown
    the "< 5" would be 10 - 9 - 0 = 1; so the 9 shows as "x" everywhere the report goes."""
    s = shelter.carla.get(f"/api/v1/reports/summary?{PERIOD}").json
    assert sum(m["closed"] for m in s["months"]) == 10
    assert [c["count"] for c in s["closures"]] == ["x", 0, "< 5"]
    rows = _cells(load_workbook(io.BytesIO(shelter.carla.get(
        f"/api/v1/reports/summary?{PERIOD}&format=xlsx&lang=nl").data)).active)
    start = [row[0] for row in rows].index("Hoe dossiers werden gesloten")
    assert [row[:2] for row in rows[start + 2:start + 5]] == [
        ["Teruggekeerd, met begeleiding", "x"], ["Vertrokken zonder begeleiding", 0], ["Anders", "< 5"]]
    assert any(row[0] and row[0].startswith("„x”") for row in rows[:4])  # the note says what "x" means
    pdf = shelter.carla.get(f"/api/v1/reports/summary?{PERIOD}&format=pdf&lang=en").data
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Returned, with support x Departed without support 0 Other < 5" in text
    assert "Returned, with support 9" not in text


def test_the_report_downloads_as_pdf_in_the_document_language(shelter):
    r = shelter.carla.get(f"/api/v1/reports/summary?{PERIOD}&format=pdf&lang=bg")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(r.data)).pages)
    assert "Връщания по държави" in text and "България" in text and "< 5" in text
    assert CODE_PREFIX not in text


def test_every_download_is_audited_and_reading_the_figures_is_not(shelter):
    before = len(shelter.c.store.audit_events())
    shelter.carla.get(f"/api/v1/reports/summary?{PERIOD}")
    assert len(shelter.c.store.audit_events()) == before
    shelter.carla.get(f"/api/v1/reports/summary?{PERIOD}&format=xlsx&lang=en")
    (event,) = shelter.c.store.audit_events()[before:]
    assert event.action == "export_report" and event.actor_id == shelter.carla.user["id"]
    assert event.details == {"format": "xlsx", "lang": "en", "from": "2026-01-01", "to": "2026-06-30"}

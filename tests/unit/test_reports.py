"""The report's figures from case facts (domain/reports.py): what counts where, and suppression."""
from app.domain.reports import HIDDEN, SMALL, CaseFacts, closure_kind, protected, shown, summarise

START, END, TODAY = "2026-01-01", "2026-06-30", "2026-08-01"


def facts(*history, country="NG", monitoring=(), scorings=None) -> CaseFacts:
    history = [(f"{at}T10:00:00.000Z", state) for at, state in history]
    return CaseFacts(country=country, opened=history[0][0], state=history[-1][1], history=history,
                     monitoring=list(monitoring), scorings=scorings)


def test_counts_from_one_to_four_are_suppressed_zero_and_five_are_not():
    assert [shown(n) for n in (0, 1, 4, 5, 17)] == [0, SMALL, SMALL, 5, 17]


def test_one_suppressed_count_of_a_group_hides_the_smallest_other_above_zero_too():
    # 9 + 0 + "< 5" with a known sum of 10 would give the 1 away: the 9 goes too.
    assert protected({"returned": 9, "departed": 0, "other": 1}) == {"returned": HIDDEN, "departed": 0, "other": SMALL}
    assert protected({"a": 7, "b": 6, "c": 3, "d": 6}) == {"a": 7, "b": HIDDEN, "c": SMALL, "d": 6}  # first of equals
    assert protected({"a": 7, "b": 2, "c": 3}) == {"a": 7, "b": SMALL, "c": SMALL}  # two already: nothing to add
    assert protected({"a": 0, "b": 3}) == {"a": 0, "b": SMALL}  # the whole sum, itself "< 5" where it shows
    assert protected({"a": 5, "b": 0}) == {"a": 5, "b": 0}


def test_the_period_selects_the_cases_that_were_open_in_it():
    cases = [facts(("2025-01-01", "NL-1"), ("2025-12-31", "closed_other")),  # closed before: out
             facts(("2026-07-01", "NL-1")),  # opened after: out
             *[facts(("2025-06-01", "NL-2"))] * 5,  # opened before, still open: in
             facts(("2025-06-01", "NL-2"), ("2026-01-01", "closed_other"))]  # closed on the first day: in
    s = summarise(cases, START, END, TODAY)
    assert s["cases"] == 6
    assert {r["step"]: r["count"] for r in s["steps"]}["NL-2"] == 5
    assert s["months"][0] == {"month": "2026-01", "opened": 0, "closed": SMALL}


def test_how_a_case_closed():
    assert closure_kind(facts(("2026-01-01", "NL-12"), ("2026-02-01", "R-1"), ("2026-03-01", "closed_other"))) \
        == "returned"
    assert closure_kind(facts(("2026-01-01", "NL-12"), ("2026-02-01", "closed_returned_no_partner"))) == "returned"
    assert closure_kind(facts(("2026-01-01", "NL-3"), ("2026-02-01", "closed_quiet_departure"))) \
        == "departed_without_support"
    assert closure_kind(facts(("2026-01-01", "NL-9"), ("2026-02-01", "closed_stay_permit"))) == "other"


def test_a_return_counts_in_the_month_of_departure_by_country():
    went = [facts(("2025-11-01", "NL-12"), ("2026-02-01", "R-1"), ("2026-09-01", "R-2"), country="BG")] * 5
    earlier = [facts(("2025-11-01", "NL-12"), ("2025-12-01", "R-1"), country="NG")] * 6
    s = summarise(went + earlier, START, END, TODAY)
    assert s["returns"] == [{"country": "BG", "count": 5}]
    steps = {r["step"]: r["count"] for r in s["steps"]}
    assert (steps["R-1"], steps["R-2"]) == (6, 5)  # the step they are in now, after the period too


def test_median_days_of_stays_that_ended_in_the_period_over_five_or_more():
    stays = [facts(("2026-01-01", "NL-1"), (f"2026-01-{1 + d:02d}", "NL-2")) for d in (2, 4, 6, 8, 30)]
    s = summarise(stays, START, END, TODAY)
    days = {r["step"]: (r["stays"], r["median_days"]) for r in s["step_days"]}
    assert days["NL-1"] == (5, 6.0)
    assert days["NL-2"] == (0, None)  # still going: no stay ended
    assert summarise(stays[:4], START, END, TODAY)["step_days"][0] == {
        "step": "NL-1", "title": "First needs and safety", "stays": SMALL, "median_days": None}


def test_monitoring_reports_due_in_the_period_on_time_late_missing_or_not_yet_due():
    def item(due, status, done_on=None, name="report_6"):
        return {"item": name, "due": due, "status": status, **({"done_on": done_on} if done_on else {})}

    monitoring = [item("2026-03-01", "done", "2026-02-20"), item("2026-03-01", "done", "2026-03-01"),
                  item("2026-04-01", "done", "2026-04-09"), item("2026-05-01", "overdue"),
                  item("2026-06-30", "due", name="report_12"), item("2026-05-01", "cancelled"),
                  item("2026-09-01", "upcoming"), item("2026-02-01", "done", "2026-02-01", name="first_contact")]
    case = facts(("2025-06-01", "R-6"), monitoring=monitoring)
    assert summarise([case] * 5, START, "2026-06-30", "2026-06-15")["monitoring"] == {
        "due": 25, "on_time": 10, "late": 5, "missing": 5, "not_yet_due": 5}
    assert summarise([facts(("2025-06-01", "R-6"), monitoring=monitoring[:2])], START, END, TODAY)["monitoring"] == {
        "due": SMALL, "on_time": SMALL, "late": 0, "missing": 0, "not_yet_due": 0}


def test_overzicht1_change_per_factor_first_against_latest_scoring_in_the_period():
    def history(scores_f1, scores_f2, plus, minus, dates=("2026-01-10", "2026-03-10", "2026-09-10")):
        return {"scorings": [{"date": d, "plus": p, "minus": m} for d, p, m in zip(dates, plus, minus)],
                "factors": [{"pointer": "/nl/f1", "block_title": "NL", "title": "Safety", "scores": scores_f1},
                            {"pointer": "/nl/f2", "block_title": "NL", "title": "Protection", "scores": scores_f2}]}

    up = [facts(("2025-06-01", "NL-7"), scorings=history([-1, 2, -2], [None, 1, 1], [1, 4, 9], [3, 1, 0]))] * 6
    down = [facts(("2025-06-01", "NL-7"), scorings=history([2, None, 2], [1, -1, 2], [2, 0, 0], [0, 2, 0]))] * 2
    one_scoring = [facts(("2025-06-01", "NL-7"), scorings=history([1, 2, 2], [1, 1, 1], [1, 1, 1], [0, 0, 0],
                                                                  dates=("2026-01-10", "2026-09-10", "2026-10-10")))]
    o1 = summarise(up + down + one_scoring, START, END, TODAY)["overzicht1"]
    assert o1["clients"] == 8
    assert o1["total_plus_median_change"] == 3.0 and o1["total_minus_median_change"] == -2.0
    f1, f2 = o1["factors"]
    # f1: up for 6 (−1 → 2); the two others scored it only once by the end of June: not compared.
    assert (f1["up"], f1["same"], f1["down"]) == (6, 0, 0)
    assert (f1["share_up"], f1["share_same"], f1["share_down"]) == (1.0, 0.0, 0.0)
    # f2: the six scored it once only; the two went down: a suppressed count, and no shares that would show it.
    assert (f2["up"], f2["same"], f2["down"]) == (0, 0, SMALL)
    assert (f2["share_up"], f2["share_same"], f2["share_down"]) == (None, None, None)

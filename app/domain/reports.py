"""The coordinator's report: counts over cases for a period, with small counts suppressed.

Pure: the service gathers one `CaseFacts` per case the user may report on; `summarise` turns them into the
figures. Every figure is a count over cases (or a median or share computed from them); no client code, case
number or name goes in. A count from 1 to 4 is shown as "< 5" (`SMALL`) so that a small country or month cannot
point at one person; 0 points at nobody and stays 0. A median over fewer than `THRESHOLD` cases is left out
(None) for the same reason, and so are shares that would give a suppressed count away.

Secondary suppression, as statistical offices apply it: a group of counts whose sum is shown or can be worked out
(the open cases by step, opened and closed per month, how cases closed, the monitoring reports due, each factor's
higher / same / lower) must not have exactly one suppressed count, or the sum minus the others gives it away. So
where one count of such a group is "< 5", the smallest other count above 0 is left out as well (`HIDDEN`, "x").
Returns per country are not such a group (their sum is not shown), and a median is not a count.

What counts where (the period is `start`…`end`, both inclusive, ISO dates):
- the report's cases: those opened on or before `end` and not closed before `start`;
- by current step: those of them still open, by the step they are in now;
- opened / closed per month: cases opened / closed within the period, by month; how they closed;
- returns per country: cases that returned within the period (departed to the partner, step R-1, or closed as
  returned without a partner), by country of origin;
- time per step: stays in a step that ended within the period, the median in days;
- monitoring: the 6- and 12-month reports due within the period (handovers whose consent ended are left out):
  received on time, late, missing (overdue), or not yet due;
- Overzicht 1: cases with at least two final scorings dated on or before `end`; per factor, whether the latest
  score is higher, the same or lower than the first (each factor's first and latest scoring that scored it);
  and the median change of "total +" and "total −" between the first and the latest scoring.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median
from typing import Iterable

from .workflow import END_STATES, STEP_LIST, STEPS

THRESHOLD = 5
SMALL = "< 5"
HIDDEN = "x"  # a count left out so that a "< 5" beside it cannot be worked out (secondary suppression)

RETURNED = "returned"
DEPARTED = "departed_without_support"
OTHER = "other"
CLOSURE_KINDS = (RETURNED, DEPARTED, OTHER)
RETURN_STATES = ("R-1", "closed_returned_no_partner")  # entering either is the return
RETURN_ENDS = ("closed_after_monitoring", "closed_returned_no_partner")
REPORT_ITEMS = ("report_6", "report_12")
MONITORING_KEYS = ("due", "on_time", "late", "missing", "not_yet_due")
MOVES = ("up", "same", "down")


@dataclass
class CaseFacts:
    """What the report needs of one case. `history` is every state the case was in, with when it got there,
    oldest first (from the audit trail: the creation and each step change). `monitoring` holds the schedule
    items of its handovers (domain.handover.schedule). `scorings` is domain.scores.overzicht1_history of its
    final Overzicht 1 records."""

    country: str
    opened: str  # ISO time
    state: str  # the step or end state now
    history: list[tuple[str, str]] = field(default_factory=list)  # (ISO time, state)
    monitoring: list[dict] = field(default_factory=list)
    scorings: dict | None = None


def shown(count: int) -> int | str:
    """A count as it may be shown: 1…4 become "< 5"."""
    return SMALL if 0 < count < THRESHOLD else count


def protected(counts: dict) -> dict:
    """A group of counts whose sum is known, as they may be shown: each suppressed as `shown` does, and, when that
    leaves exactly one count suppressed, also the smallest other count above 0 (the first of equals), so that
    neither can be worked out from the sum. Without another count above 0 the suppressed one is the whole sum,
    itself below 5 and suppressed wherever it shows."""
    out = {key: shown(count) for key, count in counts.items()}
    small = [key for key, count in counts.items() if 0 < count < THRESHOLD]
    if len(small) == 1:
        others = [(count, i, key) for i, (key, count) in enumerate(counts.items()) if key != small[0] and count > 0]
        if others:
            out[min(others)[2]] = HIDDEN
    return out


def _day(moment: str) -> str:
    return moment[:10]


def _entered(facts: CaseFacts, states) -> str | None:
    """When the case first entered one of `states`, or None."""
    return next((at for at, state in facts.history if state in states), None)


def closed_at(facts: CaseFacts) -> str | None:
    if facts.state not in END_STATES:
        return None
    return _entered(facts, (facts.state,)) or (facts.history[-1][0] if facts.history else facts.opened)


def closure_kind(facts: CaseFacts) -> str:
    if facts.state in RETURN_ENDS or _entered(facts, ("R-1",)):
        return RETURNED
    return DEPARTED if facts.state == "closed_quiet_departure" else OTHER


def _days_between(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 86400


def _months(start: str, end: str) -> list[str]:
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _median(values: list[float]) -> float | None:
    return round(median(values), 1) if len(values) >= THRESHOLD else None


def summarise(cases: Iterable[CaseFacts], start: str, end: str, today: str) -> dict:
    """The report's figures, suppressed. Step and end-state titles are msgids of the `messages` domain."""
    in_period = lambda moment: moment is not None and start <= _day(moment) <= end  # noqa: E731
    steps, opened, closed, kinds, returns = Counter(), Counter(), Counter(), Counter(), Counter()
    stays: dict[str, list[float]] = {step: [] for step in STEPS}
    monitoring = Counter()
    factor_moves: dict[str, Counter] = {}
    factor_titles: dict[str, tuple[str, str]] = {}
    plus_changes, minus_changes = [], []
    total = 0
    for facts in cases:
        end_at = closed_at(facts)
        if _day(facts.opened) > end or (end_at is not None and _day(end_at) < start):
            continue
        total += 1
        if end_at is None:
            steps[facts.state] += 1
        if in_period(facts.opened):
            opened[_day(facts.opened)[:7]] += 1
        if in_period(end_at):
            closed[_day(end_at)[:7]] += 1
            kinds[closure_kind(facts)] += 1
        if in_period(_entered(facts, RETURN_STATES)):
            returns[facts.country] += 1
        for (entered, state), (left, _) in zip(facts.history, facts.history[1:]):
            if state in stays and in_period(left):
                stays[state].append(_days_between(entered, left))
        _count_monitoring(facts.monitoring, start, end, today, monitoring)
        _count_change(facts.scorings, end, factor_moves, factor_titles, plus_changes, minus_changes)
    clients = len(plus_changes)
    months = _months(start, end)
    by_step = protected({s.id: steps[s.id] for s in STEP_LIST})
    opened_shown, closed_shown = protected({m: opened[m] for m in months}), protected({m: closed[m] for m in months})
    closures = protected({kind: kinds[kind] for kind in CLOSURE_KINDS})
    outcomes = protected({key: monitoring[key] for key in MONITORING_KEYS[1:]})
    return {
        "period": {"from": start, "to": end},
        "cases": shown(total),
        "steps": [{"step": s.id, "phase": s.phase, "number": s.number, "title": s.title, "count": by_step[s.id]}
                  for s in STEP_LIST],
        "months": [{"month": m, "opened": opened_shown[m], "closed": closed_shown[m]} for m in months],
        "closures": [{"kind": kind, "count": closures[kind]} for kind in CLOSURE_KINDS],
        "returns": [{"country": country, "count": shown(n)} for country, n in sorted(returns.items())],
        "step_days": [{"step": s.id, "title": s.title, "stays": shown(len(stays[s.id])),
                       "median_days": _median(stays[s.id])} for s in STEP_LIST],
        "monitoring": {"due": shown(monitoring["due"]), **outcomes},
        "overzicht1": {
            "clients": shown(clients),
            "total_plus_median_change": _median(plus_changes),
            "total_minus_median_change": _median(minus_changes),
            "factors": [_factor_row(pointer, factor_titles[pointer], moves)
                        for pointer, moves in factor_moves.items()],
        },
    }


def _count_monitoring(items: list[dict], start: str, end: str, today: str, into: Counter) -> None:
    for item in items:
        if item["item"] not in REPORT_ITEMS or item["status"] == "cancelled" or not item.get("due"):
            continue
        if not start <= item["due"] <= end:
            continue
        into["due"] += 1
        if item["status"] == "done":
            into["on_time" if item["done_on"] <= item["due"] else "late"] += 1
        elif item["due"] < today:
            into["missing"] += 1
        else:
            into["not_yet_due"] += 1


def _count_change(history: dict | None, end: str, moves: dict, titles: dict, plus: list, minus: list) -> None:
    if not history:
        return
    dated = [i for i, s in enumerate(history["scorings"]) if s["date"] <= end]
    if len(dated) < 2:
        return
    first, latest = history["scorings"][dated[0]], history["scorings"][dated[-1]]
    plus.append(latest["plus"] - first["plus"])
    minus.append(latest["minus"] - first["minus"])
    for factor in history["factors"]:
        scores = [factor["scores"][i] for i in dated if factor["scores"][i] is not None]
        counter = moves.setdefault(factor["pointer"], Counter())
        titles.setdefault(factor["pointer"], (factor["block_title"], factor["title"]))
        if len(scores) >= 2:
            counter["up" if scores[-1] > scores[0] else "down" if scores[-1] < scores[0] else "same"] += 1


def _factor_row(pointer: str, titles: tuple[str, str], moves: Counter) -> dict:
    """Counts up / same / down (protected: their sum is about the clients compared), and their shares only when
    none of the three is suppressed: a share of a known total would give a suppressed count away, and so would
    the two other shares."""
    compared = sum(moves.values())
    counts = protected({key: moves[key] for key in MOVES})
    exact = all(counts[key] == moves[key] for key in MOVES)
    row = {"pointer": pointer, "block_title": titles[0], "title": titles[1]}
    for key in MOVES:
        row[key] = counts[key]
        row[f"share_{key}"] = round(moves[key] / compared, 3) if exact and compared else None
    return row

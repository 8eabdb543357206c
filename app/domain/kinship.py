"""The links of a genogram (version 2): who is whose parent, who are partners, who has which relationship, who
took part in an event. Each link names people by the `id` of their row in `/persons`.

`link_errors` finds the links that make no family tree: a link to nobody, someone who is their own parent, parent
links that go round in a circle, a line from someone to themselves, two people with one id. Each error names the
JSON pointer of the link at fault. Pure: the caller has already checked the record against its schema.
"""
from __future__ import annotations

from .errors import N_

UNKNOWN = N_("No family member has this id.")
DUPLICATE = N_("Two family members have the same id.")
OWN_PARENT = N_("No one can be their own parent.")
CYCLE = N_("These parent links go round in a circle: someone would be their own ancestor.")
SAME_PERSON = N_("A line joins two different people.")


def _error(path: str, message: str) -> dict:
    return {"path": path, "message": message, "params": {}}


def _rows(data: dict, key: str) -> list:
    rows = data.get(key)
    return [r if isinstance(r, dict) else {} for r in rows] if isinstance(rows, list) else []


def person_ids(data: dict) -> dict[str, int]:
    """id → index of the person's row (the first row, where two share an id)."""
    ids: dict[str, int] = {}
    for i, person in enumerate(_rows(data, "persons")):
        pid = person.get("id")
        if isinstance(pid, str) and pid not in ids:
            ids[pid] = i
    return ids


def link_errors(data: dict) -> list[dict]:
    persons = _rows(data, "persons")
    ids = person_ids(data)
    errors = [_error(f"/persons/{i}/id", DUPLICATE) for i, p in enumerate(persons)
              if isinstance(p.get("id"), str) and ids[p["id"]] != i]

    def check(value, path: str) -> bool:
        if isinstance(value, str) and value not in ids:
            errors.append(_error(path, UNKNOWN))
            return False
        return isinstance(value, str)

    parents: dict[str, list[tuple[str, str]]] = {}  # child id -> [(parent id, pointer of the link)]
    for i, person in enumerate(persons):
        for j, parent in enumerate(person.get("parents") or []):
            path = f"/persons/{i}/parents/{j}"
            if not check(parent, path):
                continue
            if parent == person.get("id"):
                errors.append(_error(path, OWN_PARENT))
            elif isinstance(person.get("id"), str) and ids[person["id"]] == i:
                parents.setdefault(person["id"], []).append((parent, path))
    errors += [_error(path, CYCLE) for path in _cycle_links(parents)]

    check(data.get("client"), "/client")
    for key, ends in (("partners", ("first", "second")), ("relations", ("from", "to"))):
        for i, row in enumerate(_rows(data, key)):
            known = [check(row.get(end), f"/{key}/{i}/{end}") for end in ends]
            if all(known) and row[ends[0]] == row[ends[1]]:
                errors.append(_error(f"/{key}/{i}/{ends[1]}", SAME_PERSON))
    for i, event in enumerate(_rows(data, "events")):
        for j, pid in enumerate(event.get("persons") or []):
            check(pid, f"/events/{i}/persons/{j}")
    return errors


def _cycle_links(parents: dict[str, list[tuple[str, str]]]) -> list[str]:
    """One pointer per circle of parent links (depth-first from the people in row order): the circle's link that
    belongs to the person listed first."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    found: list[str] = []
    row = lambda path: int(path.split("/")[2])  # noqa: E731 - /persons/<row>/parents/<n>
    for start in parents:
        if state.get(start):
            continue
        stack = [(start, iter(parents[start]), None)]  # (person, their links still to follow, link that led here)
        state[start] = 1
        while stack:
            node, links, _ = stack[-1]
            for parent, path in links:
                if state.get(parent) == 1:
                    on_path = [n for n, _, _ in stack]
                    circle = [led for _, _, led in stack[on_path.index(parent) + 1:]] + [path]
                    found.append(min(circle, key=row))
                elif not state.get(parent):
                    state[parent] = 1
                    stack.append((parent, iter(parents.get(parent, [])), path))
                    break
            else:
                state[node] = 2
                stack.pop()
    return found

"""Made-up genograms and ecograms of any size, for the drawing tests and bench/genogram_layout.py: an ordinary
family over three to five generations (couples with children, some in-laws, a few relationship lines), built
deterministically from the number of people."""
from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).parents[1] / "forms" / "examples"
STRENGTHS = ["strong", "weak", "stressful", "strained"]
CATEGORIES = ["family", "friend", "fellow_sufferer", "professional", "colleague", "authority", "school", "other"]
PAGE = ["practical", "advice", "companionship", "emotional"]


def genogram(n: int) -> dict:
    """About `n` people: the client's grandparents, then generation by generation, each person of an older row
    with a partner (every third without) and two or three children, until there are `n` people."""
    persons: list[dict] = []
    partners: list[dict] = []

    def add(gen: int, sex: str, parents: list[str] | None = None) -> str:
        pid = f"p{len(persons)}"
        person = {"id": pid, "name": f"Person {len(persons)}", "generation": gen, "sex": sex,
                  "birth_year": 1940 + 20 * (gen + 2) + len(persons) % 15}
        if parents:
            person["parents"] = parents
        if len(persons) % 7 == 3:
            person["deceased"] = True
        persons.append(person)
        return pid

    queue = [(add(-2, "male"), add(-2, "female"))]
    partners.append({"first": queue[0][0], "second": queue[0][1], "status": "married"})
    gen = -2
    while len(persons) < n and queue and gen < 2:
        gen += 1
        next_queue = []
        for couple in queue:
            for k in range(2 + n // 40 + len(persons) % 2):
                if len(persons) >= n:
                    break
                child = add(gen, "female" if k % 2 else "male", list(couple))
                if gen < 2 and len(persons) < n and len(persons) % 3:
                    partner = add(gen, "male" if k % 2 else "female")
                    partners.append({"first": child, "second": partner,
                                     "status": ["married", "living_together", "separated", "divorced"][len(partners) % 4]})
                    next_queue.append((child, partner))
                elif gen < 2:
                    next_queue.append((child,))
        queue = next_queue
    relations = [{"from": persons[i]["id"], "to": persons[(i * 7 + 3) % len(persons)]["id"],
                  "kind": ["close", "distant", "conflict", "broken_contact", "violence"][i % 5]}
                 for i in range(0, len(persons), 6) if (i * 7 + 3) % len(persons) != i]
    client = next((p["id"] for p in persons if p["generation"] == 0), persons[0]["id"])
    return {"persons": persons, "partners": partners, "relations": relations, "client": client}


def ecogram(n: int) -> dict:
    return {"contacts": [{"name": f"Contact {i}", "category": CATEGORIES[(i * 5) % len(CATEGORIES)],
                          "strength": STRENGTHS[i % 4], "support": PAGE[: 1 + i % 4], **({"risk": "ja"} if i % 6 == 2 else {})}
                         for i in range(n)]}


def fixtures(kind: str) -> dict[str, dict]:
    """name → record data: the filled example, the edge cases, and made-up records of 10, 40 and 100."""
    out = {"example": json.loads((EXAMPLES / f"{kind}.v2.json").read_text(encoding="utf-8"))["valid"]}
    out.update(json.loads((FIXTURES / f"{kind}-edge-cases.json").read_text(encoding="utf-8")))
    make = genogram if kind == "genogram" else ecogram
    out.update({f"{n} made up": make(n) for n in (10, 40, 100)})
    return out

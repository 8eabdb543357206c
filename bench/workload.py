"""What the benchmarks write: Overzicht 1 answers of realistic size."""
from __future__ import annotations

import random

SCORES = ("--", "-", "+", "++")


def answers(rng: random.Random, n: int) -> dict:
    """A filled-in Overzicht 1 of about 3 KB."""
    note = "Client describes the situation in her own words; counsellor notes follow-up. "

    def block():
        return {f"f{i}": {"score": rng.choice(SCORES), "note": note + str(rng.random())} for i in range(1, 11)}

    return {"scored_on": "2024-05-01", "occasion": f"future conversation {n}", "status": "b8_3",
            "status_note": note * 4, "nl": block(), "coo": block()}

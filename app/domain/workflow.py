"""The methodology's steps (seed-spec §2): NL-1…NL-12 in the Netherlands, R-1…R-6 abroad."""
from __future__ import annotations

NL_STEPS = tuple(f"NL-{i}" for i in range(1, 13))
ABROAD_STEPS = tuple(f"R-{i}" for i in range(1, 7))
STEPS = NL_STEPS + ABROAD_STEPS

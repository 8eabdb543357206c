"""Import the social map from the seed text: `python -m socialmap.importer SEED_PATH OUT_PATH`.

Run once to produce the data file the app ships (`socialmap/data/organisations.json`). Everything comes from the
seed text; the few corrections a parser cannot make are in `overrides.json`, each with its reason, and are
applied by id after parsing. Coordinators' edits live in the app's store, never in this file, so rerunning the
importer cannot overwrite them (ids are derived from the seed text and stay the same for the same seed).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from .parsers import iom, other_contacts, partners, return_orgs, table_records
from .record import slug, validation_errors
from .seedtext import Seed, SeedFormatError, find_sections, read_seed

PACKAGE_DIR = Path(__file__).resolve().parent
OVERRIDES_PATH = PACKAGE_DIR / "overrides.json"
DATA_FORMAT = 1

_PARSERS = {
    "11": partners.parse_section,
    "12": iom.parse_section,
    "13": return_orgs.parse_section,
    "14": lambda seed, first, last: table_records.parse_section(seed, first, last, "14"),
    "other-contacts": other_contacts.parse_section,
    "network": lambda seed, first, last: table_records.parse_section(seed, first, last, "network"),
}
_ID_PREFIX = {"11": "b11", "12": "b12", "13": "b13", "14": "b14", "network": "net", "other-contacts": "oc"}


class OverrideError(ValueError):
    """An override that no longer fits the parsed data (its record is gone or its `test` fails)."""


def parse_seed(seed: Seed) -> list[dict]:
    records = []
    for section, (first, last) in find_sections(seed).items():
        records += _PARSERS[section](seed, first, last)
    assign_ids(records)
    return records


def assign_ids(records: list[dict]) -> None:
    """`<part>-<country>-<name slug>`, e.g. `b14-bg-caritas-bulgarije`; unique, or the import fails."""
    seen: dict[str, list[int]] = {}
    for record in records:
        parts = [_ID_PREFIX[record["appendix"]], (record["country"] or "").lower(), slug(record["name"])]
        record["id"] = "-".join(p for p in parts if p)
        if record["id"] in seen:
            raise SeedFormatError(f"two entries get the id {record['id']!r} (lines {seen[record['id']]} and "
                                  f"{record['source_lines']})")
        seen[record["id"]] = record["source_lines"]


def _resolve_pointer(document, pointer: str):
    """(parent, key) for a JSON pointer (RFC 6901); key is an int for list items, '-' for the end of a list."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    parent = document
    for token in tokens[:-1]:
        parent = parent[int(token)] if isinstance(parent, list) else parent[token]
    key = tokens[-1]
    if isinstance(parent, list) and key != "-":
        key = int(key)
    return parent, key


def _apply_operation(record: dict, op: dict) -> None:
    parent, key = _resolve_pointer(record, op["path"])
    if op["op"] == "test":
        if parent[key] != op["value"]:
            raise OverrideError(f"{op['path']}: expected {op['value']!r}, found {parent[key]!r}")
    elif op["op"] == "replace":
        parent[key] = op["value"]
    elif op["op"] == "add" and isinstance(parent, list):
        parent.insert(len(parent) if key == "-" else key, op["value"])
    elif op["op"] == "add":
        parent[key] = op["value"]
    elif op["op"] == "remove":
        del parent[key]
    else:
        raise OverrideError(f"{op['path']}: unknown operation {op['op']!r}")


def apply_overrides(records: list[dict], overrides: list[dict]) -> None:
    """Apply JSON-Patch-style operations (`test`, `replace`, `add`, `remove`) to records by id.

    A `test` that fails or an id that is gone raises OverrideError: an override must never silently apply to
    data it was not written for.
    """
    by_id = {record["id"]: record for record in records}
    for entry in overrides:
        record = by_id.get(entry["id"])
        if record is None:
            raise OverrideError(f"override for unknown id {entry['id']!r}")
        for op in entry["patch"]:
            try:
                _apply_operation(record, op)
            except OverrideError as error:
                raise OverrideError(f"{entry['id']}{error}") from None
            except (KeyError, IndexError, ValueError, TypeError) as error:
                raise OverrideError(f"{entry['id']}{op.get('path', '')}: {error!r}") from None


def load_overrides(path: Path = OVERRIDES_PATH) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["overrides"]


def validate(records: list[dict]) -> None:
    for record in records:
        errors = validation_errors(record)
        if errors:
            raise SeedFormatError(f"{record['id']}: {errors[0]['path']}: {errors[0]['message']}")


def build(seed_path: Path, overrides: list[dict]) -> dict:
    seed = read_seed(seed_path)
    records = parse_seed(seed)
    apply_overrides(records, overrides)
    validate(records)
    return {
        "format": DATA_FORMAT,
        "source": {"file": seed_path.name, "sha256": hashlib.sha256(seed_path.read_bytes()).hexdigest(),
                   "lines": len(seed.lines)},
        "organisations": records,
    }


def write(data: dict, out_path: Path) -> None:
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_suffix(out_path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(out_path)


def _id_changes(out_path: Path, data: dict) -> tuple[set[str], set[str]]:
    """(ids that disappear, ids that are new) compared with the file being replaced."""
    if not out_path.exists():
        return set(), set()
    old = {o["id"] for o in json.loads(out_path.read_text(encoding="utf-8"))["organisations"]}
    new = {o["id"] for o in data["organisations"]}
    return old - new, new - old


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m socialmap.importer", description=__doc__.splitlines()[0])
    parser.add_argument("seed_path", type=Path)
    parser.add_argument("out_path", type=Path)
    parser.add_argument("--overrides", type=Path, default=OVERRIDES_PATH)
    args = parser.parse_args(argv)
    try:
        data = build(args.seed_path, load_overrides(args.overrides))
    except (OSError, SeedFormatError, OverrideError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    gone, added = _id_changes(args.out_path, data)
    if gone:
        # Coordinators' edits refer to organisations by id; they survive (see edits.py) but would no longer
        # apply to a shipped entry, so say so loudly.
        listed = ", ".join(sorted(gone)[:10]) + (" …" if len(gone) > 10 else "")
        print(f"warning: {len(gone)} ids no longer produced (edits on them become orphans): {listed}",
              file=sys.stderr)
    write(data, args.out_path)
    counts: dict[str, int] = {}
    for record in data["organisations"]:
        counts[record["appendix"]] = counts.get(record["appendix"], 0) + 1
    print(f"{len(data['organisations'])} organisations written to {args.out_path} {counts}"
          + (f"; new ids: {len(added)}" if added and not gone else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())

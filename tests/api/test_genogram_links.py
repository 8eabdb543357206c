"""PUT /records and POST /sync refuse a version 2 genogram whose links make no family tree: 422 (or the sync
result `invalid`) with the JSON pointer of the link, in the user's language, and nothing stored."""
from __future__ import annotations

import json
import uuid
from pathlib import Path

from tests.conftest import change

EXAMPLE = json.loads((Path(__file__).resolve().parents[1] / "forms" / "examples" / "genogram.v2.json")
                     .read_text(encoding="utf-8"))["valid"]


def genogram(case_id, data, status="final"):
    return change(case_id, data, status=status, form_id="genogram", form_version=2)


def test_a_bad_link_is_a_422_with_the_pointer_of_the_link(counsellor):
    case_id = counsellor.new_case()
    data = json.loads(json.dumps(EXAMPLE))
    data["relations"][1]["to"] = "step"  # the stepfather against himself
    data["persons"][6]["parents"] = ["mother", "nobody"]
    record_id = str(uuid.uuid4())
    r = counsellor.put(f"/api/v1/records/{record_id}", genogram(case_id, data, status="draft"))
    assert r.status_code == 422 and r.json["error"] == "invalid"
    assert [(e["path"], e["message"]) for e in r.json["errors"]] == [
        ("/data/persons/6/parents/1", "No family member has this id."),
        ("/data/relations/1/to", "A line joins two different people.")]
    assert counsellor.get(f"/api/v1/records/{record_id}").status_code == 404  # nothing stored
    assert counsellor.put(f"/api/v1/records/{record_id}", genogram(case_id, EXAMPLE)).status_code == 201


def test_the_sync_refuses_the_same_link_in_dutch(counsellor):
    case_id = counsellor.new_case()
    data = json.loads(json.dumps(EXAMPLE))
    data["persons"][0]["parents"] = ["son"]  # the grandfather a child of his great-grandson
    push = {"id": str(uuid.uuid4()), **genogram(case_id, data)}
    r = counsellor.post("/api/v1/sync", {"push": [push], "since": None}, headers={"Accept-Language": "nl"})
    result, = r.json["results"]
    assert result["status"] == "invalid"
    assert [(e["path"], e["message"]) for e in result["errors"]] == [
        ("/data/persons/0/parents/0", "Deze ouderlijnen lopen in een kring rond: iemand zou zijn eigen voorouder zijn.")]

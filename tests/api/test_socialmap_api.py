"""GET /socialmap and coordinators' edits through the API."""
import uuid

import pytest


@pytest.fixture
def coordinator(make_user, login):
    return login(make_user("cora@shelter-a.nl", role="coordinator"))


def test_search_by_country_and_service(counsellor):
    r = counsellor.get("/api/v1/socialmap?country=NG&service=shelter")
    assert r.status_code == 200
    names = [o["name"] for o in r.json["organisations"]]
    assert "COSUDOW" in names
    assert all("shelter" in o["services"] for o in r.json["organisations"])
    assert all(set(o) >= {"id", "name", "country", "services", "other_services", "contact"}
               for o in r.json["organisations"])


def test_unknown_country_or_service_is_a_400_listing_the_allowed_values(counsellor):
    r = counsellor.get("/api/v1/socialmap?country=XX")
    assert r.status_code == 400 and "NG" in r.json["allowed"] and "BG" in r.json["allowed"]
    r = counsellor.get("/api/v1/socialmap?service=spa", headers={"Accept-Language": "nl"})
    assert r.status_code == 400 and "airport_pickup" in r.json["allowed"] and len(r.json["allowed"]) == 11


def test_the_map_needs_a_login(client):
    assert client.get("/api/v1/socialmap").status_code == 401


def test_a_coordinators_edit_is_kept_with_who_and_when_and_reaches_other_devices(coordinator, counsellor):
    cosudow = next(o for o in counsellor.get("/api/v1/socialmap?q=COSUDOW").json["organisations"])
    cursor = counsellor.get("/api/v1/socialmap/changes?since=0").json["cursor"]
    edit = {"id": str(uuid.uuid4()), "org_id": cosudow["id"], "kind": "change", "reason": "new director",
            "changes": {"description": {"old": cosudow["description"], "new": "Updated in 2026."}}}
    assert counsellor.post("/api/v1/socialmap/edits", edit).status_code == 403
    r = coordinator.post("/api/v1/socialmap/edits", edit)
    assert r.status_code == 201 and r.json["by"] == coordinator.user["id"] and r.json["at"]
    assert coordinator.post("/api/v1/socialmap/edits", edit).json["seq"] == r.json["seq"]  # idempotent
    changed = counsellor.get(f"/api/v1/socialmap/changes?since={cursor}").json
    assert [o["description"] for o in changed["organisations"]] == ["Updated in 2026."]
    history = counsellor.get(f"/api/v1/socialmap/organisations/{cosudow['id']}").json["history"]
    assert history[-1]["changes"]["description"]["old"] == cosudow["description"]
    # A stale change (based on the old value) is refused and changes nothing.
    stale = {**edit, "id": str(uuid.uuid4()), "changes": {"description": {"old": cosudow["description"], "new": "X"}}}
    assert coordinator.post("/api/v1/socialmap/edits", stale).status_code == 409


def test_an_organisation_taken_off_the_map_is_listed_for_coordinators_and_can_be_put_back(coordinator, counsellor):
    def found() -> list[dict]:
        return counsellor.get("/api/v1/socialmap?q=COSUDOW").json["organisations"]

    cosudow = found()[0]
    assert coordinator.get("/api/v1/socialmap/retired").json["organisations"] == []
    assert counsellor.get("/api/v1/socialmap/retired").status_code == 403
    retire = {"id": str(uuid.uuid4()), "org_id": cosudow["id"], "kind": "retire", "changes": {},
              "reason": "closed in 2026"}
    assert coordinator.post("/api/v1/socialmap/edits", retire).status_code == 201
    assert [o["id"] for o in coordinator.get("/api/v1/socialmap/retired").json["organisations"]] == [cosudow["id"]]
    assert cosudow["id"] not in [o["id"] for o in found()]
    restore = {"id": str(uuid.uuid4()), "org_id": cosudow["id"], "kind": "restore", "changes": {},
               "reason": "reopened"}
    assert coordinator.post("/api/v1/socialmap/edits", restore).status_code == 201
    assert coordinator.get("/api/v1/socialmap/retired").json["organisations"] == []
    assert cosudow["id"] in [o["id"] for o in found()]

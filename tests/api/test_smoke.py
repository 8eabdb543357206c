import uuid

from tests.conftest import change, overzicht1


def test_counsellor_saves_and_reads_back_a_record(counsellor):
    case_id = counsellor.new_case()
    record_id = str(uuid.uuid4())
    r = counsellor.put(f"/api/v1/records/{record_id}", change(case_id, overzicht1(nl_f1="++", coo_f2="-")))
    assert r.status_code == 201, r.json
    got = counsellor.get(f"/api/v1/records/{record_id}").json
    assert got["rev"] == r.json["rev"]
    assert got["data"]["totals"]["nl_plus"] == 2 and got["data"]["totals"]["coo_minus"] == 1

"""Running an organisation in the app (issue 14): own password, users and set-up links, organisations, devices
and wiping, the lockable session, the session's absolute lifetime and the password policy."""
from __future__ import annotations

import uuid

import pytest

from app.domain.passwords import password_problem
from tests.conftest import HEADERS, PASSWORD, Api

NEW_PASSWORD = "silver lantern over the river"
V1 = "/api/v1"
pytestmark = pytest.mark.usefixtures("fast_passwords")


def token_of(setup_url: str) -> str:
    assert "#/setup/" in setup_url and setup_url.startswith("http://localhost/")
    return setup_url.split("#/setup/", 1)[1]


def log_in(app, email, password=PASSWORD, **body):
    client = app.test_client()
    r = client.post(f"{V1}/session", json={"email": email, "password": password, **body}, headers=HEADERS)
    return client, r


@pytest.fixture
def carla(make_user, login):
    """A coordinator of shelter-a."""
    return login(make_user("carla@shelter-a.nl", role="coordinator"))


# --- password policy ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("password", ["123456789012", "Password1234!", "qwertyuiop12", "abcdefghijkl",
                                      "P@ssw0rd2024", "aaaabbbbcccc", "wachtwoord2024", "1q2w3e4r5t6y7u"])
def test_the_policy_refuses_common_passwords_and_trivial_sequences(password):
    assert password_problem(password, "anna@shelter-a.nl") is not None


@pytest.mark.parametrize("password", ["correct horse battery staple", "zomer-fiets-regen-42", "Lagos office tablet"])
def test_the_policy_accepts_long_unusual_passwords(password):
    assert password_problem(password, "anna@shelter-a.nl") is None


def test_the_common_list_is_the_shipped_ten_thousand():
    from app.domain.passwords import common_passwords
    common = common_passwords()
    assert len(common) >= 10000 and {"123456", "password", "dragon", "wachtwoord"} <= common


# --- own password -------------------------------------------------------------------------------------------------

def test_changing_the_own_password_ends_the_other_sessions_and_keeps_this_one(app, make_user, login):
    make_user("anna@shelter-a.nl")
    here, elsewhere = login("anna@shelter-a.nl"), login("anna@shelter-a.nl")
    r = here.put(f"{V1}/session/password", {"current": PASSWORD, "new": NEW_PASSWORD})
    assert r.status_code == 204
    assert here.get(f"{V1}/cases").status_code == 200
    assert elsewhere.get(f"{V1}/cases").status_code == 401
    assert login_status(app, "anna@shelter-a.nl", PASSWORD) == 401
    assert login_status(app, "anna@shelter-a.nl", NEW_PASSWORD) == 200


def test_other_sessions_are_over_with_the_password_write_even_if_their_removal_never_happens(app, make_user, login,
                                                                                              monkeypatch):
    """A server that stops right after storing the new password (here: removing the other sessions fails) leaves
    no session of the old password working: a session is valid only with the password it was opened with."""
    make_user("anna@shelter-a.nl")
    here, elsewhere = login("anna@shelter-a.nl"), login("anna@shelter-a.nl")
    store = app.extensions["safefuture"].store

    def crash(**_):
        raise OSError("the server stopped here")

    monkeypatch.setattr(store, "delete_sessions_of", crash)
    assert here.put(f"{V1}/session/password", {"current": PASSWORD, "new": NEW_PASSWORD}).status_code >= 500
    monkeypatch.undo()
    assert elsewhere.get(f"{V1}/cases").status_code == 401
    assert here.get(f"{V1}/cases").status_code == 200  # the session that changed it goes on
    assert login_status(app, "anna@shelter-a.nl", NEW_PASSWORD) == 200


def login_status(app, email, password):
    return log_in(app, email, password)[1].status_code


def test_a_wrong_current_password_a_weak_new_one_and_a_bad_body_are_422_with_pointers(make_user, login):
    anna = login(make_user("anna@shelter-a.nl"))
    r = anna.put(f"{V1}/session/password", {"current": "not it at all", "new": NEW_PASSWORD})
    assert r.status_code == 422 and [e["path"] for e in r.json["errors"]] == ["/current"]
    r = anna.put(f"{V1}/session/password", {"current": PASSWORD, "new": "Password1234!"})
    assert r.status_code == 422 and [e["path"] for e in r.json["errors"]] == ["/new"]
    r = anna.put(f"{V1}/session/password", {"new": 5})
    assert r.status_code == 422 and sorted(e["path"] for e in r.json["errors"]) == ["/current", "/new"]
    assert anna.get(f"{V1}/cases").status_code == 200  # nothing changed


# --- users and set-up links ----------------------------------------------------------------------------------------

def test_a_new_user_chooses_a_password_through_a_one_time_link(app, carla):
    r = carla.post(f"{V1}/users", {"email": "Nina@Shelter-A.nl", "role": "counsellor"})
    assert r.status_code == 201, r.json
    assert "password" not in r.text.lower().replace("has_password", "")
    token = token_of(r.json["setup_url"])
    assert r.json["user"]["has_password"] is False and r.json["user"]["setup_link_expires"]
    assert login_status(app, "nina@shelter-a.nl", "") == 401
    client = app.test_client()
    weak = client.post(f"{V1}/account-setup", json={"token": token, "password": "123456789012"}, headers=HEADERS)
    assert weak.status_code == 422 and weak.json["errors"][0]["path"] == "/password"
    done = client.post(f"{V1}/account-setup", json={"token": token, "password": NEW_PASSWORD}, headers=HEADERS)
    assert done.status_code == 200 and done.json == {"email": "nina@shelter-a.nl"}
    assert login_status(app, "nina@shelter-a.nl", NEW_PASSWORD) == 200
    again = client.post(f"{V1}/account-setup", json={"token": token, "password": "another river lantern"},
                        headers=HEADERS)
    assert again.status_code == 404  # used up
    # Only a hash of the token is stored.
    store = app.extensions["safefuture"].store
    assert token not in str(store.list_docs("setup_links"))


def test_a_set_up_link_expires_after_seven_days(app, carla):
    c = app.extensions["safefuture"]
    token = token_of(carla.post(f"{V1}/users", {"email": "nina@shelter-a.nl", "role": "counsellor"}).json["setup_url"])
    real_now = c.now
    c.now = lambda: "2999-01-01T00:00:00.000Z"
    try:
        r = app.test_client().post(f"{V1}/account-setup", json={"token": token, "password": NEW_PASSWORD},
                                   headers=HEADERS)
    finally:
        c.now = real_now
    assert r.status_code == 404


def test_a_new_link_ends_the_old_password_link_and_sessions(app, carla, make_user, login):
    make_user("anna@shelter-a.nl")
    anna = login("anna@shelter-a.nl")
    anna_id = anna.user["id"]
    first = token_of(carla.post(f"{V1}/users/{anna_id}/setup-link").json["setup_url"])
    second = token_of(carla.post(f"{V1}/users/{anna_id}/setup-link").json["setup_url"])
    assert anna.get(f"{V1}/cases").status_code == 401
    assert login_status(app, "anna@shelter-a.nl", PASSWORD) == 401
    client = app.test_client()
    assert client.post(f"{V1}/account-setup", json={"token": first, "password": NEW_PASSWORD},
                       headers=HEADERS).status_code == 404
    assert client.post(f"{V1}/account-setup", json={"token": second, "password": NEW_PASSWORD},
                       headers=HEADERS).status_code == 200
    assert login_status(app, "anna@shelter-a.nl", NEW_PASSWORD) == 200


def test_deactivating_ends_the_sessions_at_once_and_reactivating_lets_her_in_again(app, carla, make_user, login):
    make_user("anna@shelter-a.nl")
    anna = login("anna@shelter-a.nl")
    r = carla.patch(f"{V1}/users/{anna.user['id']}", {"active": False})
    assert r.status_code == 200 and r.json["active"] is False
    assert anna.get(f"{V1}/cases").status_code == 401
    assert login_status(app, "anna@shelter-a.nl", PASSWORD) == 401
    assert carla.patch(f"{V1}/users/{anna.user['id']}", {"active": True, "role": "coordinator"}).status_code == 200
    assert log_in(app, "anna@shelter-a.nl")[1].json["user"]["role"] == "coordinator"
    actions = [e.action for e in app.extensions["safefuture"].store.audit_events()]
    assert actions.count("user_updated") == 2


def test_a_coordinator_never_reaches_another_organisations_users(app, carla, make_user, login):
    make_user("olga@shelter-b.nl", org="shelter-b")
    olga = login("olga@shelter-b.nl")
    listed = carla.get(f"{V1}/users").json["users"]
    assert [(u["email"], u["org_name"]) for u in listed] == [("carla@shelter-a.nl", "Shelter-A")]
    assert carla.patch(f"{V1}/users/{olga.user['id']}", {"active": False}).status_code == 404
    assert carla.post(f"{V1}/users/{olga.user['id']}/setup-link").status_code == 404
    assert carla.post(f"{V1}/users", {"email": "x@shelter-b.nl", "role": "counsellor",
                                      "org_id": "shelter-b"}).status_code == 404
    assert olga.get(f"{V1}/cases").status_code == 200


def test_bad_user_bodies_are_422_with_json_pointers(carla):
    r = carla.post(f"{V1}/users", {"email": "no-at-sign", "role": "admin", "extra": 1})
    assert r.status_code == 422
    assert sorted(e["path"] for e in r.json["errors"]) == ["/extra", "/role"]
    r = carla.post(f"{V1}/users", {"email": "no-at-sign", "role": "counsellor"})
    assert r.status_code == 422 and [e["path"] for e in r.json["errors"]] == ["/email"]
    r = carla.post(f"{V1}/users", {"email": "p@shelter-a.nl", "role": "partner"})
    assert r.status_code == 422 and [e["path"] for e in r.json["errors"]] == ["/role"]
    r = carla.patch(f"{V1}/users/{carla.user['id']}", {"active": False})
    assert r.status_code == 422 and r.json["errors"][0]["path"] == "/active"
    r = carla.post(f"{V1}/users", [1, 2])
    assert r.status_code == 422 and r.json["errors"][0]["path"] == ""


# --- organisations ------------------------------------------------------------------------------------------------

def test_an_admin_creates_an_organisation_and_its_first_coordinator_and_deactivates_it(app, make_user, login):
    make_user("root@shelter-a.nl", role="admin")
    root = login("root@shelter-a.nl")
    r = root.post(f"{V1}/organisations", {"id": "sofia-ngo", "name": "Sofia NGO", "country": "BG",
                                          "kind": "partner"})
    assert r.status_code == 201 and r.json == {"id": "sofia-ngo", "name": "Sofia NGO", "country": "BG",
                                               "kind": "partner", "active": True}
    r = root.post(f"{V1}/users", {"email": "vera@sofia.bg", "role": "partner", "org_id": "sofia-ngo"})
    assert r.status_code == 201
    app.test_client().post(f"{V1}/account-setup", json={"token": token_of(r.json["setup_url"]),
                                                        "password": NEW_PASSWORD}, headers=HEADERS)
    vera_client, vera = log_in(app, "vera@sofia.bg", NEW_PASSWORD)
    assert vera.status_code == 200
    assert root.patch(f"{V1}/organisations/sofia-ngo", {"active": False}).status_code == 200
    assert vera_client.get(f"{V1}/cases").status_code == 401
    assert login_status(app, "vera@sofia.bg", NEW_PASSWORD) == 401
    r = root.post(f"{V1}/organisations", {"id": "X", "name": "", "country": "bg", "kind": "shelter"})
    assert r.status_code == 422 and sorted(e["path"] for e in r.json["errors"]) == ["/country", "/id", "/kind", "/name"]


# --- devices ----------------------------------------------------------------------------------------------------

def test_only_a_uuid_is_accepted_as_a_device_id(app, make_user, login):
    anna = login(make_user("anna@shelter-a.nl"))
    r = anna.get(f"{V1}/cases", headers={"X-Device-Id": "tablet <b>2</b>"})
    assert r.status_code == 400 and "X-Device-Id" in r.json["message"]
    r = anna.get(f"{V1}/cases", headers={"X-Device-Id": str(uuid.uuid4()), "X-Unsent-Changes": "many"})
    assert r.status_code == 400 and "X-Unsent-Changes" in r.json["message"]
    case_id = anna.new_case()
    from tests.conftest import change
    r = anna.put(f"{V1}/records/{uuid.uuid4()}", change(case_id, device_id="Lagos office tablet"))
    assert r.status_code == 422 and r.json["errors"][0]["path"] == "/device_id"


def test_a_coordinator_sees_the_devices_and_a_wiped_device_gets_410_and_erases(app, carla, make_user, login):
    make_user("anna@shelter-a.nl")
    device = str(uuid.uuid4())
    anna_client = app.test_client()
    assert anna_client.post(f"{V1}/session", json={"email": "anna@shelter-a.nl", "password": PASSWORD},
                            headers={**HEADERS, "X-Device-Id": device}).status_code == 200
    assert anna_client.get(f"{V1}/cases", headers={"X-Device-Id": device, "X-Unsent-Changes": "3"}).status_code == 200
    assert anna_client.patch(f"{V1}/devices/{device}", json={"name": "Tablet 2, Lagos office"},
                             headers={**HEADERS, "X-Device-Id": device}).status_code == 200
    (seen,) = carla.get(f"{V1}/devices").json["devices"]
    assert (seen["id"], seen["name"], seen["user_email"], seen["unsent"], seen["wipe"]) == (
        device, "Tablet 2, Lagos office", "anna@shelter-a.nl", 3, None)
    assert carla.post(f"{V1}/devices/{device}/wipe").status_code == 202
    # Her session from that device ended at once; every request carrying its id is refused.
    r = anna_client.get(f"{V1}/cases", headers={"X-Device-Id": device})
    assert r.status_code == 410 and r.json["error"] == "device_wiped"
    assert anna_client.get(f"{V1}/cases").status_code == 401
    r = app.test_client().post(f"{V1}/session", json={"email": "anna@shelter-a.nl", "password": PASSWORD},
                               headers={**HEADERS, "X-Device-Id": device})
    assert r.status_code == 410
    (seen,) = carla.get(f"{V1}/devices").json["devices"]
    assert seen["wipe"]["delivered_at"] and seen["wipe"]["confirmed_at"] is None
    assert app.test_client().post(f"{V1}/devices/{device}/wipe-confirmation", headers=HEADERS).status_code == 204
    (seen,) = carla.get(f"{V1}/devices").json["devices"]
    assert seen["wipe"]["confirmed_at"]
    actions = [e.action for e in app.extensions["safefuture"].store.audit_events() if e.device_id == device]
    assert {"device_wipe_ordered", "device_wipe_delivered", "device_wipe_confirmed"} <= set(actions)


def test_another_organisations_coordinator_cannot_see_or_wipe_a_device(app, make_user, login):
    make_user("anna@shelter-a.nl")
    bram = login(make_user("bram@shelter-b.nl", org="shelter-b", role="coordinator"))
    device = str(uuid.uuid4())
    anna = Api(app, "anna@shelter-a.nl")
    anna.get(f"{V1}/cases", headers={"X-Device-Id": device})
    assert bram.get(f"{V1}/devices").json["devices"] == []
    assert bram.post(f"{V1}/devices/{device}/wipe").status_code == 404
    assert anna.get(f"{V1}/cases", headers={"X-Device-Id": device}).status_code == 200


# --- the lockable session and the session's lifetime ----------------------------------------------------------------

def test_a_lockable_session_reads_nothing_without_its_key(app, make_user):
    make_user("anna@shelter-a.nl")
    client, r = log_in(app, "anna@shelter-a.nl", lockable=True)
    key = r.json["session_key"]
    assert client.get(f"{V1}/cases").status_code == 401  # the cookie alone: what a locked app leaves
    assert client.get(f"{V1}/cases", headers={"X-Session-Key": "x" + key[1:]}).status_code == 401
    assert client.get(f"{V1}/cases", headers={"X-Session-Key": key}).status_code == 200
    plain, r = log_in(app, "anna@shelter-a.nl")
    assert "session_key" not in r.json and plain.get(f"{V1}/cases").status_code == 200
    _, r = log_in(app, "anna@shelter-a.nl", lockable="yes")
    assert r.status_code == 422 and r.json["errors"][0]["path"] == "/lockable"


def test_a_session_ends_thirty_days_after_login_however_busy(app, make_user, login):
    make_user("anna@shelter-a.nl")
    c = app.extensions["safefuture"]
    anna = login("anna@shelter-a.nl")
    real_now = c.now
    try:
        for day in range(1, 31, 4):  # used every 4 days: never idle for long
            c.now = lambda day=day: _days_after(real_now(), day)
            assert anna.get(f"{V1}/cases").status_code == 200, day
        c.now = lambda: _days_after(real_now(), 31)
        assert anna.get(f"{V1}/cases").status_code == 401
    finally:
        c.now = real_now


def _days_after(moment: str, days: int) -> str:
    from datetime import datetime, timedelta
    t = datetime.fromisoformat(moment.replace("Z", "+00:00")) + timedelta(days=days)
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")

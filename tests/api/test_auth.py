"""Login, logout, sessions, throttling, CSRF defence and security headers."""
from tests.conftest import HEADERS, PASSWORD


def login(client, email, password=PASSWORD, **headers):
    return client.post("/api/v1/session", json={"email": email, "password": password}, headers={**HEADERS, **headers})


def test_login_sets_a_strict_httponly_cookie_and_logout_kills_the_session(client, make_user):
    make_user("anna@shelter-a.nl")
    r = login(client, "Anna@Shelter-A.nl")
    assert r.status_code == 200 and r.json["user"]["email"] == "anna@shelter-a.nl"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie  # localhost
    token = cookie.split(";")[0].split("=", 1)[1]
    assert client.get("/api/v1/cases").status_code == 200
    assert client.delete("/api/v1/session", headers=HEADERS).status_code == 204
    # The old token is dead on the server, even if a client kept it.
    client.set_cookie("sf_session", token)
    assert client.get("/api/v1/cases").status_code == 401


def test_cookie_is_secure_when_not_on_localhost(client, make_user):
    make_user("anna@shelter-a.nl")
    r = client.post("/api/v1/session", json={"email": "anna@shelter-a.nl", "password": PASSWORD},
                    headers=HEADERS, base_url="https://safefuture.example.org")
    assert r.status_code == 200 and "Secure" in r.headers["Set-Cookie"]


def test_wrong_password_and_unknown_user_get_the_same_401(client, make_user):
    make_user("anna@shelter-a.nl")
    a = login(client, "anna@shelter-a.nl", "wrong password here")
    b = login(client, "nobody@shelter-a.nl", "wrong password here")
    assert a.status_code == b.status_code == 401 and a.json == b.json


def test_login_is_rate_limited_after_five_failures(client, make_user):
    make_user("anna@shelter-a.nl")
    for _ in range(5):
        assert login(client, "anna@shelter-a.nl", "not the password").status_code == 401
    r = login(client, "anna@shelter-a.nl")  # even the right password now waits
    assert r.status_code == 429 and r.json["error"] == "too_many_requests"


def test_error_messages_come_in_the_users_language(client):
    r = login(client, "x@y.nl", "whatever password", **{"Accept-Language": "bg"})
    assert r.status_code == 401 and r.json["message"] != "Wrong e-mail address or password."
    r = client.post("/api/v1/session", data="{", headers={**HEADERS, "Accept-Language": "nl"})
    assert r.status_code == 400 and "JSON" in r.json["message"]


def test_state_change_without_the_csrf_header_is_refused(client, make_user):
    make_user("anna@shelter-a.nl")
    r = client.post("/api/v1/session", json={"email": "anna@shelter-a.nl", "password": PASSWORD})
    assert r.status_code == 403 and "X-Requested-With" in r.json["message"]


def test_state_change_from_a_foreign_origin_is_refused(client, make_user):
    make_user("anna@shelter-a.nl")
    assert login(client, "anna@shelter-a.nl", Origin="https://evil.example").status_code == 403
    assert login(client, "anna@shelter-a.nl", **{"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert login(client, "anna@shelter-a.nl", Origin="http://localhost").status_code == 200


def test_security_headers_on_every_response(client):
    for url in ("/api/v1/forms", "/api/v1/cases", "/api/v1/nothing-here", "/"):
        h = client.get(url).headers
        csp = h["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert h["X-Content-Type-Options"] == "nosniff" and h["Referrer-Policy"] == "no-referrer"


def test_unknown_api_path_is_a_json_404(client):
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.json["error"] == "not_found"

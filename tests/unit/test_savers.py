"""The conflict screen's names for versions: the saver's e-mail and device name within the organisation, only the
organisation's name across organisations."""
from types import SimpleNamespace

from app.domain.model import Organisation, User
from app.services.savers import Savers


class Store:
    users = {"u1": User("u1", "anna@a.example", "org-a", "counsellor", ""),
             "u2": User("u2", "bea@a.example", "org-a", "counsellor", ""),
             "p1": User("p1", "pat@p.example", "org-p", "counsellor", "")}
    orgs = {"org-a": Organisation("org-a", "Shelter A", "NL", "counselling"),
            "org-p": Organisation("org-p", "Partner Lagos", "NG", "partner")}
    devices = {"d2": {"id": "d2", "name": "Tablet 2", "org_id": "org-a", "user_id": "u2"},
               "dp": {"id": "dp", "name": "Lagos phone", "org_id": "org-p", "user_id": "p1"}}

    def get_user(self, user_id):
        return self.users.get(user_id)

    def get_org(self, org_id):
        return self.orgs.get(org_id)

    def get_doc(self, kind, doc_id):
        assert kind == "devices"
        return self.devices.get(doc_id)


def view(saved_by, device_id, *conflicts):
    return {"saved_by": saved_by, "device_id": device_id,
            "conflicts": [{"saved_by": s, "device_id": d} for s, d in conflicts]}


def test_a_colleagues_version_is_named_by_email_and_device():
    named = Savers(SimpleNamespace(store=Store()), Store.users["u1"]).name(view("u1", None, ("u2", "d2")))
    assert (named["saved_by_name"], named["device_name"]) == ("anna@a.example", None)
    assert named["conflicts"][0] | {} == {"saved_by": "u2", "device_id": "d2", "saved_by_name": "bea@a.example",
                                           "device_name": "Tablet 2"}


def test_another_organisations_version_is_named_by_the_organisation_only():
    named = Savers(SimpleNamespace(store=Store()), Store.users["u1"]).name(view("u2", "d2", ("p1", "dp")))
    assert named["conflicts"][0]["saved_by_name"] == "Partner Lagos" and named["conflicts"][0]["device_name"] is None
    as_partner = Savers(SimpleNamespace(store=Store()), Store.users["p1"]).name(view("u2", "d2", ("p1", "dp")))
    assert (as_partner["saved_by_name"], as_partner["device_name"]) == ("Shelter A", None)
    assert as_partner["conflicts"][0]["device_name"] == "Lagos phone"


def test_a_record_without_conflicts_is_left_as_it_is():
    assert Savers(SimpleNamespace(store=Store()), Store.users["u1"]).name(view("u2", "d2")) == view("u2", "d2")

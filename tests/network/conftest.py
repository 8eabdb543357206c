"""Fixtures for the two-host tests: one server and tablet pair (tests/network/field.py) for the whole module."""
from __future__ import annotations

import os

import pytest

from tests.browser.conftest import CHROMIUM_ARGS, PHONE, FieldApp
from tests.network.field import PASSWORD, TwoHosts, namespaces_of_this_process, two_hosts

ORG = {"id": "lagos", "name": "Lagos", "country": "NL", "kind": "counselling"}
USERS = ["ada@lagos.example.org", "bayo@lagos.example.org", "chi@lagos.example.org"]


@pytest.fixture(scope="module")
def hosts():
    if os.geteuid() != 0:
        pytest.fail("the two-host tests need root: they create network namespaces (ip netns)")
    with two_hosts([ORG], [{"email": e, "org": ORG["id"], "role": "counsellor", "password": PASSWORD}
                           for e in USERS]) as pair:
        yield pair
    assert namespaces_of_this_process() == [], "the test left network namespaces behind"


class Tablet(FieldApp):
    """The field app on the tablet; `who` is the full e-mail address here."""

    def login(self, who: str, password: str = PASSWORD):
        self.page.get_by_label("E-mail address").fill(who)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()


@pytest.fixture
def tablet(playwright, hosts: TwoHosts, tmp_path):
    """tablet(profile=None): a fresh browser profile on the tablet, reaching https://safefuture.test straight
    across the link or through a shaper profile ("lan", "3g", "2g"). Closed after the test."""
    opened = []

    def launch(profile: str | None = None, offline: bool = False, user_data_dir=None):
        if profile:
            hosts.start_shaper(profile)
        context = playwright.chromium.launch_persistent_context(
            str(user_data_dir or tmp_path / f"profile-{len(opened)}"), executable_path=hosts.chromium(),
            args=[*CHROMIUM_ARGS, hosts.resolver_rule(profile)], base_url=hosts.https_url, viewport=PHONE,
            offline=offline)
        opened.append(context)
        return Tablet(context.pages[0] if context.pages else context.new_page())

    yield launch
    for context in opened:
        context.close()

"""The genogram and the ecogram drawn as the counsellor fills them in: people added by tapping (offline), the
drawing changing with each answer, a tap on a person opening their fields, the ecogram picking family members from the
case's genogram, and a version 1 genogram turned into version 2 in one step. Screenshots of the drawings at
360 px and tablet width go to test-artifacts/screenshots/drawings/."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, PROJECT

pytestmark = pytest.mark.browser

OUT = ARTIFACTS / "drawings"
TABLET = {"width": 800, "height": 1100}


def add_person(page, n: int, name: str, generation: str, sex: str):
    page.get_by_role("button", name="Add: Family member").click()
    row = page.locator(f'fieldset[data-pointer="/persons/{n}"]')
    row.get_by_label("Name or initials").fill(name)
    row.get_by_label("Generation").select_option(label=generation)
    row.get_by_label(sex, exact=True).check()
    return row


def people(page):
    return page.locator(".drawing svg g[data-person]")


def shot(page, name: str):
    """The drawing and the form around it, on a phone and on a tablet."""
    OUT.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    page.evaluate("document.querySelectorAll('.toast').forEach((t) => t.remove())")
    for size in ({"width": 360, "height": 780}, TABLET):
        page.set_viewport_size(size)
        page.locator(".drawing").scroll_into_view_if_needed()
        page.screenshot(path=str(OUT / f"{name}-{size['width']}.png"), animations="disabled")
    page.set_viewport_size(before)


def test_build_a_genogram_by_tapping_and_see_it_drawn(device, api_as):
    app, page = device, device.page
    app.first_login("gina")
    app.new_case("GEN-0001", "NG")
    case_id = re.search(r"#/case/([\w-]+)", page.url).group(1)
    page.evaluate("(hash) => { location.hash = hash; }", f"#/case/{case_id}/new/genogram")
    expect(page.locator("h1")).to_have_text("Genogram")
    expect(page.locator(".drawing svg")).to_be_visible()
    expect(people(page)).to_have_count(0)
    page.context.set_offline(True)  # the drawing is the device's own work
    assert app.network_is_cut()

    add_person(page, 0, "Mama J.", "The previous generation: parents (and parents-in-law)", "Female")
    expect(people(page)).to_have_count(1)
    expect(people(page).first.locator("circle")).to_have_count(1)  # a woman: a circle
    expect(people(page).first.locator("text.name")).to_have_text("Mama J.")
    add_person(page, 1, "Papa O.", "The previous generation: parents (and parents-in-law)", "Male")
    page.locator('fieldset[data-pointer="/persons/1"]').get_by_label("Deceased").check()
    expect(people(page)).to_have_count(2)
    expect(page.locator('.drawing svg g[data-index="1"] rect')).to_have_count(1)  # a man: a square
    expect(page.locator('.drawing svg g[data-index="1"] path')).to_have_count(1)  # deceased: crossed out
    # Partners: married; the man now stands left of the woman.
    page.get_by_role("button", name="Add: Couple").click()
    couple = page.locator('fieldset[data-pointer="/partners/0"]')
    couple.get_by_label(re.compile(r"^Partner\b")).select_option(label="Mama J.")
    couple.get_by_label("Other partner").select_option(label="Papa O.")
    couple.get_by_label("Married").check()
    expect(page.locator(".drawing svg g.couple")).to_have_count(1)
    expect(people(page).nth(0)).to_have_attribute("data-index", "1")
    client = add_person(page, 2, "A.", "The client's generation, with brothers and sisters and possibly brothers- and sisters-in-law", "Female")
    client.get_by_label("Parents 1").select_option(label="Mama J.")
    client.get_by_label("Parents 2").select_option(label="Papa O.")
    expect(page.locator(".drawing svg path.children")).to_have_count(1)  # hangs from her parents' line
    page.get_by_label("The client", exact=True).select_option(label="A.")
    expect(page.locator(".drawing svg g.person.client text.name")).to_have_text("A.")

    # A relationship line: broken contact between the client and her mother.
    page.get_by_role("button", name="Add: Relationship").click()
    line = page.locator('fieldset[data-pointer="/relations/0"]')
    line.get_by_label("Between").select_option(label="A.")
    line.get_by_label(re.compile(r"^And\b")).select_option(label="Mama J.")
    line.get_by_label("Broken contact").check()
    expect(page.locator(".drawing svg g.relation.broken_contact")).to_have_count(1)
    ids = page.evaluate("[...document.querySelectorAll('.drawing svg g[data-person]')].map((g) => g.dataset.person)")
    assert len(set(ids)) == 3

    # Tapping the mother in the drawing opens her fields.
    page.locator(".drawing").scroll_into_view_if_needed()
    page.locator('.drawing svg g[data-index="0"] circle').click()
    expect(page.locator('fieldset[data-pointer="/persons/0"]')).to_have_class(re.compile(r"\bhighlight\b"))
    expect(page.locator('fieldset[data-pointer="/persons/0"]').get_by_label("Name or initials")).to_be_focused()
    shot(page, "genogram-app")

    # Zoom changes what is shown; "Show all" shows the whole drawing again.
    page.get_by_role("button", name="Show all").click()
    whole = page.locator(".drawing svg").get_attribute("viewBox")
    page.get_by_role("button", name="Zoom in").click()
    assert page.locator(".drawing svg").get_attribute("viewBox") != whole
    page.get_by_role("button", name="Show all").click()
    assert page.locator(".drawing svg").get_attribute("viewBox") == whole
    # Dragging moves the drawing (and is no tap: no row opens).
    page.get_by_role("button", name="Zoom in").click()
    before = [float(v) for v in page.locator(".drawing svg").get_attribute("viewBox").split()]
    box = page.locator(".drawing-viewport").bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + 90, steps=5)
    page.mouse.up()
    after = [float(v) for v in page.locator(".drawing svg").get_attribute("viewBox").split()]
    assert after[0] < before[0] and after[1] < before[1] and after[2:] == before[2:]
    page.get_by_role("button", name="Show all").click()

    app.save_draft()
    page.context.set_offline(False)
    app.sync_now()
    app.expect_all_sent()
    api = api_as("gina")
    record_id = re.search(r"#/record/([\w-]+)", page.url).group(1)
    saved = api.get(f"/records/{record_id}")
    assert saved["form_version"] == 2
    persons = saved["data"]["persons"]
    by_name = {p["name"]: p["id"] for p in persons}
    assert persons[2]["parents"] == [by_name["Mama J."], by_name["Papa O."]]
    assert saved["data"]["client"] == by_name["A."]
    assert saved["data"]["relations"] == [{"from": by_name["A."], "to": by_name["Mama J."], "kind": "broken_contact"}]

    # The ecogram picks family members from this genogram.
    page.evaluate("(hash) => { location.hash = hash; }", f"#/case/{case_id}/new/ecogram")
    expect(page.locator("h1")).to_have_text("Ecogram")
    page.get_by_role("button", name="Add: Contact").click()
    contact = page.locator('fieldset[data-pointer="/contacts/0"]')
    contact.get_by_label("Family member from the genogram").select_option(label="Mama J.")
    expect(contact.get_by_label("Name or initials")).to_have_value("Mama J.")
    expect(contact.get_by_label("Kind of contact")).to_have_value("0")  # family
    contact.get_by_label("Strained").check()
    contact.locator('[data-pointer="/contacts/0/risk"]').get_by_label("Yes").check()
    expect(page.locator(".drawing svg g.contact")).to_have_count(1)
    expect(page.locator(".drawing svg g.contact g.badge.risk")).to_have_count(1)
    page.get_by_role("button", name="Add: Contact").click()
    friend = page.locator('fieldset[data-pointer="/contacts/1"]')
    friend.get_by_label("Name or initials").fill("F.")
    friend.get_by_label("Kind of contact").select_option(label="Fellow sufferer")
    friend.get_by_label("Strong").check()
    friend.get_by_label("E = Emotional support (affective function)").check()
    expect(page.locator(".drawing svg g.contact")).to_have_count(2)
    expect(page.locator(".drawing svg text.page")).to_have_text("E")
    # On the phone the ecogram opens at a size its labels can be read at, around the client; "Show all" shows it all.
    fit = page.evaluate("""() => {
      const svg = document.querySelector('.drawing svg');
      const [x, y, w, h] = svg.getAttribute('viewBox').split(' ').map(Number);
      const c = svg.querySelector('.client').getBBox();
      return { scale: Math.min(svg.clientWidth / w, svg.clientHeight / h), x, y, w, h,
               cx: c.x + c.width / 2, cy: c.y + c.height / 2 };
    }""")
    assert fit["scale"] >= 0.79, fit
    assert fit["x"] < fit["cx"] < fit["x"] + fit["w"] and fit["y"] < fit["cy"] < fit["y"] + fit["h"], fit
    shot(page, "ecogram-app")
    page.set_viewport_size({"width": 360, "height": 780})
    page.get_by_role("button", name="Show all").click()
    assert page.locator(".drawing svg").get_attribute("viewBox").startswith("0 0 ")
    page.locator(".drawing").scroll_into_view_if_needed()
    page.screenshot(path=str(OUT / "ecogram-app-all-360.png"), animations="disabled")


def test_a_version_1_genogram_becomes_version_2_keeping_every_answer(device, api_as):
    app, page = device, device.page
    app.first_login("gina")
    app.new_case("GEN-0002", "NG")
    case_id = re.search(r"#/case/([\w-]+)", page.url).group(1)
    app.expect_all_sent()
    old = json.loads((PROJECT / "tests" / "forms" / "examples" / "genogram.v1.json").read_text(encoding="utf-8"))["valid"]
    api = api_as("gina")
    record_id = "6f1c1b9e-2a43-4b7e-9a51-0c6f9d1e2b77"
    response = api.put(f"/records/{record_id}", {"case_id": case_id, "form_id": "genogram", "form_version": 1,
                                                 "status": "final", "data": old, "base_rev": None})
    assert response.status in (200, 201), response.text()
    app.sync_now()
    page.evaluate("(hash) => { location.hash = hash; }", f"#/case/{case_id}")
    page.locator(f'a.card[href="#/record/{record_id}"]').click(timeout=20000)
    expect(page.locator(".banner.upgrade")).to_be_visible()
    expect(page.locator(".drawing")).to_have_count(0)  # version 1 is a list only
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / "genogram-v1-upgrade-360.png"), animations="disabled")
    page.get_by_role("button", name="Turn into version 2").click()
    expect(people(page)).to_have_count(len(old["persons"]))
    app.save_draft()
    app.expect_all_sent()
    saved = api.get(f"/records/{record_id}")
    assert saved["form_version"] == 2

    def without_ids(value):
        if isinstance(value, dict):
            return {k: without_ids(v) for k, v in value.items() if k != "id"}
        if isinstance(value, list):
            return [without_ids(v) for v in value]
        return value

    assert without_ids(saved["data"]) == old
    assert len({p["id"] for p in saved["data"]["persons"]}) == len(old["persons"])

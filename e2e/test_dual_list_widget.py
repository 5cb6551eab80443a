"""The shared dual-list widget, on its own: buttons, filters, keyboard, double-click, drag and drop,
sorting, disabled states, and the chosen set posted by the form."""
import re

import pytest
from playwright.sync_api import expect

OPTIONS = ["DPAE", "DSN", "Compte AT/MP", "SOLTéA – Employeurs", "Attestation de salaire", "Écoles"]
LONG_LIST = OPTIONS + [f"Zone {n:02d}" for n in range(1, 31)]


@pytest.fixture
def widget(page, live_server):
    return load(page, live_server, OPTIONS)


def load(page, live_server, labels):
    scripts = "".join(
        f'<script src="{live_server.url("/static/" + name)}"></script>'
        for name in ("vendor/sortable-1.15.7.min.js", "dual_list.js")
    )
    options = "".join(
        f'<option value="{i}"{" selected" if label == "DSN" else ""}>{label}</option>'
        for i, label in enumerate(labels)
    )
    page.goto(live_server.url("/connexion"))  # same origin for the stylesheet and scripts
    page.set_content(
        f"""<html lang="fr"><head><link rel="stylesheet" href="{live_server.url('/static/app.css')}"></head>
        <body><form id="f"><div class="dual-list-field">
        <label for="dual-d">Liste des déclarations sélectionnées</label>
        <select id="dual-d" name="d" multiple data-dual-list
          data-available-label="Liste des déclarations disponibles"
          data-selected-label="Liste des déclarations sélectionnées">{options}</select>
        </div><button type="submit">Valider</button></form>{scripts}
        <script>document.dispatchEvent(new Event("DOMContentLoaded"));</script></body></html>"""
    )
    return page


def available(page):
    return page.get_by_role("listbox", name="Liste des déclarations disponibles")


def chosen(page):
    return page.get_by_role("listbox", name="Liste des déclarations sélectionnées")


def posted(page):
    return page.evaluate("() => new FormData(document.getElementById('f')).getAll('d')")


def test_lists_are_sorted_in_french_and_buttons_disabled_when_useless(widget):
    expect(available(widget).get_by_role("option")).to_have_text(
        ["Attestation de salaire", "Compte AT/MP", "DPAE", "Écoles", "SOLTéA – Employeurs"]
    )
    expect(chosen(widget).get_by_role("option")).to_have_text(["DSN"])
    expect(widget.get_by_role("button", name="Choisir", exact=True)).to_be_disabled()
    expect(widget.get_by_role("button", name="Retirer", exact=True)).to_be_disabled()
    expect(widget.get_by_role("button", name="Tout choisir")).to_be_enabled()


def test_choose_selected_with_the_button_posts_the_chosen_set(widget):
    available(widget).get_by_role("option", name="SOLTéA – Employeurs").click()
    widget.get_by_role("button", name="Choisir", exact=True).click()
    expect(chosen(widget).get_by_role("option")).to_have_text(["DSN", "SOLTéA – Employeurs"])
    assert sorted(posted(widget)) == ["1", "3"]
    expect(widget.get_by_role("status")).to_contain_text(
        "« SOLTéA – Employeurs » déplacé vers Liste des déclarations sélectionnées"
    )


def test_filter_then_choose_all_moves_only_what_is_visible(widget):
    widget.get_by_label("Filtrer : Liste des déclarations disponibles").fill("d")
    expect(available(widget).get_by_role("option")).to_have_text(["Attestation de salaire", "DPAE"])
    widget.get_by_role("button", name="Tout choisir").click()
    expect(chosen(widget).get_by_role("option")).to_have_text(["Attestation de salaire", "DPAE", "DSN"])
    widget.get_by_label("Filtrer : Liste des déclarations disponibles").fill("")
    expect(available(widget).get_by_role("option")).to_have_text(
        ["Compte AT/MP", "Écoles", "SOLTéA – Employeurs"]
    )


def test_keyboard_only(widget):
    available(widget).focus()
    widget.keyboard.press("ArrowDown")  # Compte AT/MP (focus put the first item active)
    widget.keyboard.press("Shift+ArrowDown")  # extend to DPAE
    widget.keyboard.press("Enter")
    expect(chosen(widget).get_by_role("option")).to_have_text(["Compte AT/MP", "DPAE", "DSN"])
    chosen(widget).focus()
    widget.keyboard.press("End")
    widget.keyboard.press("Enter")  # DSN goes back
    expect(available(widget).get_by_role("option", name="DSN")).to_have_count(1)
    assert sorted(posted(widget)) == ["0", "2"]
    expect(widget.locator("form")).to_be_visible()  # Enter in a list never submitted the form


def test_double_click_and_remove_all(widget):
    available(widget).get_by_role("option", name="DPAE").dblclick()
    expect(chosen(widget).get_by_role("option")).to_have_count(2)
    widget.get_by_role("button", name="Tout retirer").click()
    expect(chosen(widget).get_by_role("option")).to_have_count(0)
    assert posted(widget) == []
    expect(widget.get_by_role("button", name="Tout retirer")).to_be_disabled()


def test_drag_and_drop_moves_an_item(widget):
    item = available(widget).get_by_role("option", name="Compte AT/MP")
    item.drag_to(chosen(widget))
    expect(chosen(widget).get_by_role("option", name="Compte AT/MP")).to_have_count(1)
    assert "2" in posted(widget)
    expect(chosen(widget).get_by_role("option")).to_have_text(["Compte AT/MP", "DSN"])
    assert re.search(r"Compte AT/MP", widget.get_by_role("status").inner_text())


def test_clicking_far_down_a_list_that_has_no_focus_selects_that_item(page, live_server):
    load(page, live_server, LONG_LIST)
    target = available(page).get_by_role("option", name="Zone 28")
    target.scroll_into_view_if_needed()
    target.click()
    expect(target).to_have_attribute("aria-selected", "true")
    page.get_by_role("button", name="Choisir", exact=True).click()
    expect(chosen(page).get_by_role("option")).to_have_text(["DSN", "Zone 28"])

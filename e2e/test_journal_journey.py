"""The journal as a history: one Valider that gave LEROY Sophie DPAE on every establishment of
CLIENTS PME is one line; the administrator finds it by the person concerned, unfolds its lines and
downloads them as CSV."""
import re

from playwright.sync_api import expect

from e2e.seeding import seed

GRANT_SOPHIE = """
from db import habilitations
from db.habilitations import grid
from db.models import Company, Declaration, Establishment, Portfolio, User
admin, sophie = User.get(User.nom == "MOUTIN"), User.get(User.nom == "LEROY")
dpae = Declaration.get(Declaration.code == "DPAE")
places = Establishment.select().join(Company).join(Portfolio).where(Portfolio.name == "CLIENTS PME")
ticks = " ".join(f"{e.id}-{dpae.id}-{sophie.id}-d-1" for e in places)
habilitations.validate(admin, {}, {"version": str(grid.version()), "changes": ticks})
"""


def test_find_an_action_by_the_person_concerned_and_unfold_its_lines(page, live_server, login):
    seed(live_server, GRANT_SOPHIE)
    login()
    page.get_by_role("navigation", name="Menu personnalisé").get_by_role("link", name="Journal").click()
    expect(page.get_by_role("heading", name="Journal", level=1)).to_be_visible()
    page.get_by_label("Personne concernée").select_option(label="LEROY Sophie")
    page.get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(r"concerne=\d+"))
    entry = page.get_by_role("row", name=re.compile(r"habilitations accordées à LEROY Sophie sur"))
    expect(entry).to_have_count(1)
    expect(page.get_by_role("row", name=re.compile("à DURAND Paul"))).to_have_count(0)

    toggle = entry.get_by_role("link", name=re.compile(r"^Voir les \d+ lignes$"))
    count = int(re.search(r"\d+", toggle.inner_text()).group())
    toggle.click()
    lines = page.get_by_role("table", name=re.compile("Lignes de l’entrée"))
    expect(lines.get_by_role("columnheader", name="Personne")).to_be_visible()
    expect(lines.get_by_role("row")).to_have_count(1 + count)
    expect(lines.get_by_role("row").nth(1)).to_contain_text("LEROY Sophie")
    expect(lines.get_by_role("row").nth(1)).to_contain_text("Déclarer")
    folded = entry.get_by_role("link", name="Masquer les lignes")
    expect(folded).to_have_attribute("aria-expanded", "true")
    folded.click()
    expect(lines).to_be_hidden()
    entry.get_by_role("link", name=f"Voir les {count} lignes").click()
    expect(lines).to_be_visible()
    rows = count

    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter les lignes en CSV").click()
    content = open(download.value.path(), encoding="utf-8-sig").read().splitlines()
    assert content[0].startswith("SIRET;Établissement;Adresse;Nom;Prénom;Service")
    assert len(content) == 1 + rows
    assert all(";LEROY;Sophie;DPAE;—;Déclarer;" in line for line in content[1:])

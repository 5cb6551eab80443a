"""Choisir les établissements de l'entreprise at La Poste's scale (1,762 establishments in the sample,
1,282 active): paging, search by address, actifs / fermés / tous, the counter, « Tout cocher sur les
résultats », the pending ticks kept across pages until Valider, and a page under 100 kB."""
import html
import re

import pytest

from db.clients.composition import add_company
from db.database import database
from db.models import Company, DirectoryEstablishment, Establishment, Portfolio, User
from tests.factories.pagination import pagination

LA_POSTE = "356000000"
PLERIN = ("356 000 000 00240", "356 000 000 00254")  # as the page writes them
CLOSED = "35600000000360"  # PARIS 15, closed


@pytest.fixture
def poste(app):
    with database.connection_context():
        admin = User.get(User.nom == "MOUTIN")
        portfolio = Portfolio.get(Portfolio.name == "CLIENTS PME")
        return add_company(admin, portfolio.id, LA_POSTE).company.id


def text(response):
    page = html.unescape(response.get_data(as_text=True)).replace("\u202f", " ")
    return " ".join(re.sub(r"</?(strong|span)[^>]*>", "", page).split())


def url(company_id):
    return f"/gestion/entreprises/{company_id}/etablissements"


def ops(page):
    return html.unescape(re.search(r'name="ops" value="([^"]*)"', page).group(1))


def registered(company_id):
    with database.connection_context():
        return {e.siret for e in Establishment.select().where(Establishment.company == company_id)}


def test_la_poste_is_paged_counted_and_light(admin_client, poste):
    response = admin_client.get(url(poste))
    page = text(response)
    assert len(response.get_data()) < 100_000
    assert "1 282 inscrits sur 1 762 établissements" in page and "1 282 résultats" in page
    raw = response.get_data(as_text=True)
    assert page.count('name="siret"') == 100 and pagination(raw) == "[1] 2 … 13 Suivante"
    assert '<button type="submit" name="goto" value="13" class="button-link">' in raw
    assert "fermé</" not in response.get_data(as_text=True)  # closed ones hidden by default
    assert "Aucune modification en attente." in page


def test_search_by_town_postcode_and_siret_and_the_empty_result_names_the_term(admin_client, poste):
    for term in ("plérin", "PLERIN", "22190", "plerin 22190"):
        page = text(admin_client.get(url(poste), query_string={"q": term}))
        assert all(s in page for s in PLERIN) and "2 résultats" in page, term
    assert PLERIN[1] in text(admin_client.get(url(poste), query_string={"q": "356 000 000 0025"}))
    page = text(admin_client.get(url(poste), query_string={"q": "ZZPLERINZZ"}))
    assert "Aucun établissement ne correspond à « ZZPLERINZZ »" in page


def test_accents_are_ignored_in_the_directory_text_too(admin_client, poste):
    """SQLite stores the directory as INSEE wrote it: the search folds both sides."""
    with database.connection_context():
        DirectoryEstablishment.update(enseigne="BUREAU DU MARCHÉ-NEUF").where(
            DirectoryEstablishment.siret == PLERIN[0].replace(" ", "")).execute()
    for term in ("marche neuf", "Marché-Neuf", "MARCHE NEUF"):
        page = text(admin_client.get(url(poste), query_string={"q": term}))
        assert "1 résultat" in page and PLERIN[0] in page and "BUREAU DU MARCHÉ-NEUF" in page, term


def test_closed_establishments_are_shown_on_demand(admin_client, poste):
    closed = text(admin_client.get(url(poste), query_string={"etat": "fermes"}))
    assert "480 résultats" in closed and "356 000 000 00360" in closed
    assert "1 762 résultats" in text(admin_client.get(url(poste), query_string={"etat": "tous"}))


def test_ticks_of_several_pages_wait_for_valider_and_unticking_is_confirmed(admin_client, poste):
    first = admin_client.get(url(poste)).get_data(as_text=True)
    shown = re.findall(r'name="shown" value="(\d+)"', first)
    kept = [s for s in shown if s != shown[0]]
    # page 1 posted without its first box, going to page 2: nothing written, the untick kept
    second = admin_client.post(url(poste), data={"ops": "", "shown": shown, "shown_wanted": shown,
                                                 "siret": kept, "goto": "2"})
    page2 = second.get_data(as_text=True)
    assert pagination(page2) == "Précédente 1 [2] 3 … 13 Suivante" and ops(page2) == "-" + shown[0]
    assert "1 modification en attente (toutes les pages)" in text(second)
    assert shown[0] in registered(poste)
    asked = admin_client.post(url(poste), data={"ops": ops(page2), "action": "valider"})
    assert "Vous désinscrivez 1 établissement" in text(asked) and shown[0] in registered(poste)
    done = admin_client.post(url(poste), data={"ops": ops(page2), "action": "valider", "confirm": "1"},
                             follow_redirects=True)
    assert "1 désinscrit(s)" in text(done) and shown[0] not in registered(poste)
    with database.connection_context():
        assert Company.get_by_id(poste).establishment_count == 1281


def test_untick_all_results_of_a_search_then_tick_them_again(admin_client, poste):
    off = admin_client.post(url(poste), data={"q": "22190", "action": "all_off"})
    page = text(off)
    assert ops(off.get_data(as_text=True)) == "*0 actifs 22190"
    assert "2 modifications en attente (toutes les pages)" in page and "après « Valider » : 1 280" in page
    again = admin_client.post(url(poste), data={"q": "22190", "ops": "*0 actifs 22190", "action": "all_on"})
    assert "Aucune modification en attente." in text(again)
    closed = admin_client.post(url(poste), data={"etat": "fermes", "action": "all_on"})
    assert "Aucune modification en attente." in text(closed)  # a closed establishment is never registered


def test_forged_ticks_are_refused(admin_client, poste):
    response = admin_client.post(url(poste), data={"ops": f"+{CLOSED}\n+12345678901234", "action": "valider"})
    assert response.status_code == 422 and "fermé" in text(response)


def test_closed_ones_searched_by_postcode(admin_client, poste):
    page = text(admin_client.get(url(poste), query_string={"etat": "fermes", "q": "75015"}))
    assert "356 000 000 00360" in page and "fermé" in page


def test_a_page_beyond_the_last_shows_the_last(admin_client, poste):
    page = admin_client.get(url(poste), query_string={"page": "999"}).get_data(as_text=True)
    assert pagination(page) == "Précédente 1 … 12 [13]" and page.count('name="siret"') == 82
    fourth = admin_client.get(url(poste), query_string={"page": "4"}).get_data(as_text=True)
    assert pagination(fourth) == "Précédente 1 2 3 [4] 5 … 13 Suivante"  # « … » never hides a single page


def test_a_registered_establishment_gone_from_the_directory_can_still_be_unregistered(admin_client, app):
    with database.connection_context():
        admin = User.get(User.nom == "MOUTIN")
        portfolio = Portfolio.get(Portfolio.name == "CLIENTS PME")
        aubade = add_company(admin, portfolio.id, "775695901").company.id
        kept, gone = sorted(registered(aubade))
        DirectoryEstablishment.delete().where(DirectoryEstablishment.siret == gone).execute()
    page = text(admin_client.get(url(aubade)))
    assert "Inscrits mais absents du référentiel Sirene (1)" in page and "absent du référentiel" in page
    assert f'name="siret" value="{gone}"' in admin_client.get(url(aubade)).get_data(as_text=True)
    asked = admin_client.post(url(aubade), data={"ops": f"-{gone}", "action": "valider"})
    assert asked.status_code == 200 and "<h1>Choisir les établissements de l’entreprise</h1>" in text(asked)
    admin_client.post(url(aubade), data={"ops": f"-{gone}", "action": "valider", "confirm": "1"})
    assert registered(aubade) == {kept}

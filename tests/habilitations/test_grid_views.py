"""Gérer les habilitations through the pages: criteria in the URL, the grid and its labels,
htmx pages, pending ticks, Valider, conflicts, Mêmes habilitations que…, rights."""
import html
import re
from types import SimpleNamespace

import pytest

from db import clock
from db.database import database
from db.models import AuditEvent, Company, Declaration, Establishment, Habilitation, User
from tests.factories.clients import make_company, make_portfolio
from tests.habilitations.conftest import other_firm

PAGE = "/gestion/habilitations/liste"


@pytest.fixture
def demo(app):
    """Ids of the demo firm's client 552 032 534, its establishment and people, and of another firm."""
    with database.connection_context():
        company = Company.get(Company.siren == "552032534")
        establishment = Establishment.get(Establishment.company == company.id)
        people = {u.nom: u for u in User.select().where(User.firm == company.firm_id)}
        codes = {d.code: d.id for d in Declaration.select()}
        other = other_firm()
        other_company = make_company(
            other.firm, make_portfolio(other.firm, "AILLEURS", ["DSN"], other.people), "900000001", 1
        )
        return SimpleNamespace(
            company=company.id, siret=establishment.siret, establishment=establishment.id,
            admin=people["MOUTIN"].id, paul=people["DURAND"].id, sophie=people["LEROY"].id, codes=codes,
            other_company=other_company.id, other_establishment=other_company.establishments[0].id,
            other_person=other.people[0].id,
        )


def text(response):
    return html.unescape(response.get_data(as_text=True))


def cell(demo, code, person):
    return f"{demo.establishment}-{demo.codes[code]}-{getattr(demo, person)}"


def version(page):
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def test_search_criteria_then_rechercher(client, auth):
    auth.login()
    page = text(client.get(PAGE))
    assert "<h1>Gérer les habilitations</h1>" in page
    for label in ("SIRET", "Administrateur", "Déclarants", "Service", "Rechercher"):
        assert label in page
    assert 'method="get"' in page and "Tous les déclarants" in page and "Tous les services" in page
    assert 'id="habilitations-grid"' not in page  # the grid comes with the search


def test_once_searched_the_criteria_fold_into_one_summary_line(client, auth, demo):
    """The issue: criteria took 600 px before the first box. Folded, they read as one line and open
    again with « modifier »; before a search they stay open."""
    auth.login()
    assert '<details class="criteria-fold" open>' in text(client.get(PAGE))
    page = " ".join(text(client.get(
        f"{PAGE}?search=1&company={demo.company}&declarant={demo.paul}&admin=aucun&service={demo.codes['DSN']}"
    )).replace("\u202f", " ").split())
    assert '<details class="criteria-fold">' in page
    assert ('<span class="criteria-summary">Entreprise DANONE · Aucun administrateur · DURAND Paul · '
            'DSN</span>') in page
    assert "modifier" in page and 'id="habilitations-grid"' in page


def test_opened_from_a_company_the_criteria_are_preset(client, auth, demo):
    auth.login()
    page = text(client.get(f"{PAGE}?company={demo.company}"))
    assert "Gérer les habilitations de l’entreprise" in page and "552 032 534" in page
    assert f'name="company" value="{demo.company}"' in page
    # 1 establishment × (DSN, DPAE) × 3 people of the portfolio
    assert "6 lignes (établissement × service × déclarant)" in page
    assert (
        f"Déclarer DSN pour {demo.siret[:3]}\u202f{demo.siret[3:6]}\u202f{demo.siret[6:9]}\u202f"
        f"{demo.siret[9:]} – DURAND Paul"
        in page
    )
    assert "Payer DSN pour" in page and "Payer DPAE pour" not in page  # Payer only where payment applies
    assert "Tout (dé)cocher" in page and "Valider" in page and "Annuler" in page


def test_criteria_live_in_the_url_and_are_shown_back(client, auth, demo):
    auth.login()
    url = f"{PAGE}?search=1&declarant={demo.paul}&service={demo.codes['DSN']}&siret=552"
    page = text(client.get(url))
    assert f'<option value="{demo.paul}" selected>DURAND Paul</option>' in page
    assert f'<option value="{demo.codes["DSN"]}" selected>DSN</option>' in page
    assert 'value="552"' in page
    assert "1 ligne (établissement × service × déclarant)" in page


def test_htmx_pages_swap_the_grid_body_only(client, auth, app):
    auth.login()
    with database.connection_context():
        admin = User.get(User.nom == "MOUTIN")
        from db.models import Portfolio
        make_company(admin.firm, Portfolio.get(Portfolio.is_default), "100000001", 30, codes=["DSN", "DPAE"])
    full = text(client.get(f"{PAGE}?search=1&per_page=50"))
    assert "page 1 sur" in full and 'hx-push-url="true" rel="next">' in full
    assert 'hx-push-url="true" aria-current="page">' in full
    response = client.get(f"{PAGE}?search=1&per_page=50&page=2", headers={"HX-Request": "true"})
    fragment = text(response)
    assert fragment.lstrip().startswith('<div id="habilitations-grid"') and "<h1>" not in fragment
    assert "page 2 sur" in fragment and "HX-Request" in response.headers["Vary"]
    total = re.search(r"<caption>([\d\u202f]+) lignes", full).group(1)
    # asked before it reaches other pages
    assert (f"«\u202fTout (dé)cocher\u202f» Déclarer agit sur les {total} lignes des résultats, "
            "toutes les pages comprises (avant «\u202fValider\u202f»). Continuer\u202f?") in full


def test_pending_count_of_ticks_and_of_tout_cocher(client, auth, demo):
    auth.login()
    response = client.post(
        f"{PAGE}/apercu",
        data={
            "company": demo.company,
            "changes": f"{cell(demo, 'DPAE', 'paul')}-d-1 {cell(demo, 'DSN', 'paul')}-p-0",
        },
        headers={"HX-Request": "true"},
    )
    fragment = text(response)
    assert response.status_code == 200 and "<h1>" not in fragment
    assert (
        "1 habilitation ajoutée, 1 retirée" in fragment
        and "Voir la liste des modifications en attente" in fragment
    )
    assert "DPAE – DURAND Paul : Déclarer ajouté" in fragment
    response = client.post(f"{PAGE}/apercu", data={"company": demo.company, "bulk_declare": "1"},
                           headers={"HX-Request": "true"})
    assert (
        "« Tout (dé)cocher » Déclarer : 5 cases changent sur l’ensemble des résultats (toutes les pages)."
        in text(response)
    )


def test_tout_cocher_without_javascript_shows_the_page_with_the_boxes_ticked(client, auth, demo):
    auth.login()
    page = text(client.get(f"{PAGE}?company={demo.company}"))
    response = client.post(f"{PAGE}/apercu", data={"company": demo.company, "version": version(page),
                                                   "toggle_declare": "1"})
    page = text(response)
    assert "<h1>Gérer les habilitations</h1>" in page and "5 habilitations ajoutées" in page
    assert (
        page.count('name="declare" value=') == page.count('data-column="d"\n                 data-saved') == 6
    )
    assert (
        len(re.findall(r'name="declare" value="[\d-]+" data-column="d"\s+data-saved="\d" checked', page)) == 6
    )
    assert 'name="bulk_declare" value="1"' in page
    response = client.post(f"{PAGE}/valider", data={"company": demo.company, "version": version(page),
                                                    "bulk_declare": "1"}, follow_redirects=True)
    assert ("Habilitations enregistrées : 5 habilitations ajoutées, utilisables à partir du "
            in text(response))


def test_valider_grants_and_the_grid_says_when_the_right_is_usable(client, auth, demo, app):
    auth.login()
    page = text(client.get(f"{PAGE}?company={demo.company}"))
    k = cell(demo, "DSN", "sophie")
    response = client.post(f"{PAGE}/valider", data={
        "company": demo.company, "version": version(page), "shown": [f"{k}-0-0"], "declare": [k],
    })
    assert response.status_code == 302 and f"company={demo.company}" in response.headers["Location"]
    page = text(client.get(response.headers["Location"]))
    assert "Habilitations enregistrées : 1 habilitation ajoutée, utilisables à partir du" in page
    with database.connection_context():
        row = Habilitation.get(
            (Habilitation.user == demo.sophie) & (Habilitation.establishment == demo.establishment)
        )
        assert row.declare and not row.pay and (row.active_from - row.granted_at).total_seconds() == 24 * 3600
        assert AuditEvent.select().where(AuditEvent.action == "habilitation.grant").count() == 1
    from webapp.templating import datetime_fr
    assert f"accessible le {datetime_fr(row.active_from)}" in page
    assert "Accessible sous 24 heures" in page


def test_access_delay_setting_applies(app, client, auth, demo):
    app.config["ACCESS_DELAY_HOURS"] = 0
    auth.login()
    page = text(client.get(f"{PAGE}?company={demo.company}"))
    assert "Accessible immédiatement" in page
    k = cell(demo, "DPAE", "sophie")
    client.post(
        f"{PAGE}/valider", data={"company": demo.company, "version": version(page), "changes": f"{k}-d-1"}
    )
    with database.connection_context():
        row = Habilitation.get(
            (Habilitation.user == demo.sophie) & (Habilitation.establishment == demo.establishment)
        )
        assert row.active_from == row.granted_at


def test_conflict_is_refused_with_the_cells_and_can_be_applied_again(client, auth, demo, app):
    auth.login()
    page = text(client.get(f"{PAGE}?company={demo.company}"))
    k = cell(demo, "DSN", "paul")
    # meanwhile another administrator removes Paul's DSN Payer on this establishment
    other = app.test_client()
    login = other.post("/connexion", data={"siret": "97785096500020", "nom": "MOUTIN", "prenom": "Claire",
                                           "password": "Demo-Portail-2026"}, follow_redirects=True)
    assert login.status_code == 200
    done = other.post(
        f"{PAGE}/valider", data={"company": demo.company, "version": version(page), "changes": f"{k}-p-0"}
    )
    assert done.status_code == 302, text(done)
    response = client.post(f"{PAGE}/valider", data={"company": demo.company, "version": version(page),
                                                    "changes": f"{k}-d-0 {cell(demo, 'DSN', 'sophie')}-d-1"})
    page = text(response)
    assert response.status_code == 409
    assert (
        "modifiées par un autre administrateur" in page
        and "DSN – DURAND Paul\u202f: Déclarer coché, Payer décoché" in page
    )
    assert f'value="{k}-d-0 {cell(demo, "DSN", "sophie")}-d-1"' in page  # the pending ticks are kept
    with database.connection_context():
        assert Habilitation.get(
            (Habilitation.user == demo.paul) & (Habilitation.establishment == demo.establishment)
        ).declare
    response = client.post(f"{PAGE}/valider", data={"company": demo.company, "version": version(page),
                                                    "changes": f"{k}-d-0 {cell(demo, 'DSN', 'sophie')}-d-1"},
                           follow_redirects=True)
    assert "Habilitations enregistrées : 1 habilitation ajoutée, 1 retirée, utilisables" in text(response)


def test_mêmes_habilitations_que_preview_then_valider(client, auth, demo):
    auth.login()
    url = f"/gestion/habilitations/memes?company={demo.company}&target={demo.sophie}&source={demo.paul}"
    page = text(client.get(url))
    assert (
        "<h1>Mêmes habilitations que…</h1>" in page
        and "LEROY Sophie reçoit les habilitations de DURAND Paul" in page
    )
    assert "2 habilitations ajoutées" in page and "DSN : Déclarer ajouté, Payer ajouté" in page
    response = client.post(
        "/gestion/habilitations/memes",
        data={
            "company": demo.company,
            "target": demo.sophie,
            "source": demo.paul,
            "version": re.search(r'name="version" value="(\d+)"', page).group(1),
        },
        follow_redirects=True,
    )
    assert (
        "LEROY Sophie a désormais les mêmes habilitations que DURAND Paul : 2 habilitations ajoutées."
        in text(response)
    )


def test_mêmes_habilitations_que_needs_two_people(client, auth, demo):
    auth.login()
    response = client.get(f"/gestion/habilitations/memes?target={demo.paul}&source={demo.paul}",
                          follow_redirects=True)
    assert "Choisissez deux personnes différentes." in text(response)


@pytest.mark.parametrize("request_args", [
    ("get", f"{PAGE}?company={{other_company}}", None),
    ("get", f"{PAGE}?search=1&declarant={{other_person}}", None),
    ("get", f"{PAGE}?company=12abc", None),
    ("post", f"{PAGE}/valider", {"version": "0", "changes": "{other_establishment}-1-{paul}-d-1"}),
    ("post", f"{PAGE}/valider", {"version": "0", "changes": "{establishment}-1-{other_person}-d-1"}),
    ("post", f"{PAGE}/valider", {"version": "0", "shown": "{other_establishment}-1-{paul}-0-0"}),
    ("post", f"{PAGE}/apercu", {"company": "{other_company}"}),
    ("get", "/gestion/habilitations/memes?target={other_person}&source={paul}", None),
])
def test_identifiers_of_another_firm_are_404(client, auth, demo, request_args):
    auth.login()
    method, url, data = request_args
    values = vars(demo)
    url = url.format(**values)
    if data:
        data = {k: v.format(**values) for k, v in data.items()}
    response = getattr(client, method)(url, data=data) if data else getattr(client, method)(url)
    assert response.status_code == 404


@pytest.mark.parametrize("method, url", [
    ("get", PAGE), ("post", f"{PAGE}/apercu"), ("post", f"{PAGE}/valider"),
    ("get", "/gestion/habilitations/memes"), ("post", "/gestion/habilitations/memes"),
])
def test_declarants_get_a_french_403(client, auth, method, url):
    auth.login_declarant()
    response = getattr(client, method)(url)
    assert response.status_code == 403
    assert "réservée aux administrateurs" in text(response)


def test_anonymous_people_go_to_the_connexion_page(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_menu_entry(client, auth):
    auth.login()
    assert 'href="/gestion/habilitations"' in text(client.get("/menu"))
    auth.logout()
    auth.login_declarant()
    assert 'href="/gestion/habilitations"' not in text(client.get("/menu"))


def test_clock_is_not_left_frozen():
    assert clock._frozen is None


def test_tout_cocher_over_too_many_cells_is_refused_clearly(client, auth, demo, monkeypatch):
    from db.habilitations import grid

    monkeypatch.setattr(grid, "BULK_LIMIT", 5)
    auth.login()
    page = text(client.get(f"{PAGE}?company={demo.company}"))
    assert page.count('data-column="declare" disabled aria-describedby="bulk-too-large"') == 1
    assert "« Tout (dé)cocher » agit sur 5 cases au plus : précisez la recherche" in page
    response = client.post(f"{PAGE}/apercu", data={"company": demo.company, "bulk_declare": "1"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 422 and "porterait sur 6 cases" in text(response)
    response = client.post(f"{PAGE}/valider", data={"company": demo.company, "bulk_declare": "1",
                                                    "version": version(page)})
    assert response.status_code == 422 and "porterait sur 6 cases" in text(response)
    assert 'name="bulk_declare" value=""' in text(response)  # the refused tick is not carried on


def test_a_tick_on_a_cell_removed_meanwhile_is_a_409_listing_it(client, auth, demo):
    from db.models import EstablishmentDeclaration

    auth.login()
    page = text(client.get(f"{PAGE}?company={demo.company}"))
    with database.connection_context():
        EstablishmentDeclaration.delete().where(
            (EstablishmentDeclaration.establishment == demo.establishment)
            & (EstablishmentDeclaration.declaration == demo.codes["DPAE"])).execute()
    response = client.post(f"{PAGE}/valider", data={"company": demo.company, "version": version(page),
                                                    "changes": f"{cell(demo, 'DPAE', 'sophie')}-d-1"})
    assert response.status_code == 409
    gone = "DPAE – LEROY Sophie\u202f: n’est plus proposée (déclaration ou déclarant retiré entre-temps)"
    assert gone in text(
        response
    )


def test_htmx_without_criteria_asks_for_them_instead_of_failing(client, auth):
    auth.login()
    response = client.get(PAGE, headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<div id="habilitations-grid"')
    assert "Choisissez les critères de recherche" in fragment

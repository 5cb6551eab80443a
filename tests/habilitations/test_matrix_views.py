"""The matrix grid, default view of Gérer les habilitations: one line per establishment with its
address, a column group per service, par déclarant and par établissement, pages cut by
establishment, line and column ticks (confirmed, with their count), the plain form without
JavaScript, the success message with its date, the search by address, access rules."""
import html
import re
from types import SimpleNamespace

import pytest

from db import clock
from db.clients.companies import set_establishments
from db.clients.composition import add_company
from db.clients.search import matching
from db.database import database
from db.habilitations import matrix_search
from db.models import Company, Declaration, Establishment, Habilitation, Portfolio, User
from tests.factories.clients import make_company, make_portfolio
from tests.factories.queries import count_queries
from tests.habilitations.conftest import NOW, other_firm

PAGE = "/gestion/habilitations"
LA_POSTE = "356000000"
PLERIN = ("35600000000240", "35600000000254")  # La Poste's two establishments of 22190 PLERIN


@pytest.fixture
def poste(app):
    """The demo firm with La Poste (1,282 active establishments) in « CLIENTS PME », the clock frozen."""
    clock.freeze(NOW)
    with database.connection_context():  # closed before the requests, which open their own
        admin = User.get(User.nom == "MOUTIN")
        portfolio = Portfolio.get(Portfolio.name == "CLIENTS PME")
        company = add_company(admin, portfolio.id, LA_POSTE).company
        people = {u.nom: u.id for u in User.select().where(User.firm == admin.firm_id)}
        codes = {d.code: d.id for d in Declaration.select()}
        other = other_firm()
        elsewhere = make_portfolio(other.firm, "AILLEURS", ["DSN"], other.people)
        other_company = make_company(other.firm, elsewhere, "900000001", 1)
        found = SimpleNamespace(company=company.id, portfolio=portfolio.id, paul=people["DURAND"],
                                sophie=people["LEROY"], admin=people["MOUTIN"], codes=codes,
                                other_company=other_company.id, other_person=other.people[0].id)
    yield found
    clock.freeze(None)


def text(response):
    """The page as people read it (the narrow no-break spaces of numbers read as spaces here)."""
    page = html.unescape(response.get_data(as_text=True)).replace("\u202f", " ")
    return " ".join(re.sub(r"</?(strong|span)[^>]*>", "", page).split())


def version(page):
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def grid_url(poste, **args):
    query = {"search": 1, "company": poste.company, "declarant": poste.paul, **args}
    return PAGE + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_the_grid_is_the_default_view_one_line_per_establishment(client, auth, poste):
    auth.login()
    page = text(client.get(grid_url(poste, per_page=25)))
    assert "1 282 établissements · habilitations de DURAND Paul · page 1 sur 52" in page
    assert page.count('<tr data-line="') == 25  # pages cut by establishment
    assert 'scope="colgroup" colspan="2" class="service">DSN</th>' in page  # Déclarer and Payer
    assert 'colspan="1" class="service">DPAE</th>' in page  # Déclarer only
    first = re.search(r'<tr data-line="\d+">(.*?)</tr>', page).group(1)
    # SIRET (the siège marked) and enseigne, then the address line, the postcode and the town
    assert "356 000 000 00048 Siège <br>LA POSTE<br>DIRECTION GENERALE DE LA POSTE 9 RUE DU" in first
    assert re.search(r"<br>\d{5} [A-Z]", first)  # postcode and town on their own line
    assert "Vue liste" in page and "/gestion/habilitations/liste" in page
    assert "Entreprise LA POSTE · DURAND Paul · 3 services" in page  # the criteria folded in one line


def test_pages_follow_each_other_in_siret_order_for_a_company_and_a_portfolio(client, auth, poste):
    """Every page starts where the previous one ended: each establishment once, in SIRET order; a page
    number past the end shows the last page."""
    auth.login()
    with database.connection_context():
        ordered = Establishment.select(Establishment.id).join(Company).order_by(Establishment.siret)
        company = [e for (e,) in ordered.where(Company.id == poste.company).tuples()]
        portfolio = [e for (e,) in ordered.where(Company.portfolio == poste.portfolio).tuples()]

    def lines(**args):
        page = client.get(grid_url(poste, **args)).get_data(as_text=True)
        return [int(e) for e in re.findall(r'<tr data-line="(\d+)"', page)]
    seen = [e for n in range(1, 8) for e in lines(per_page=200, page=n)]
    assert seen == company
    assert lines(per_page=200, page=99) == company[1200:]
    both = lines(per_page=25, page=2, company="", portfolio=poste.portfolio)
    assert len(portfolio) > len(company) and both == portfolio[25:50]


@pytest.mark.parametrize("walk_per_hit", [0, 10**6])  # every hit sorted / the SIRETs walked (SQLite)
def test_searched_pages_follow_each_other_in_siret_order_however_found(client, auth, poste, monkeypatch,
                                                                       walk_per_hit):
    """A search's pages are its hits in SIRET order, each once, whether the page is found by sorting
    every hit or by walking the SIRETs and testing each (matrix_search.walks chooses from the counts)."""
    monkeypatch.setattr(matrix_search, "WALK_PER_HIT", walk_per_hit)
    auth.login()
    with database.connection_context():
        hits = [e for (e,) in Establishment.select(Establishment.id)
                .where((Establishment.company == poste.company) & matching("rue", Establishment))
                .order_by(Establishment.siret).tuples()]

    def lines(**args):
        page = client.get(grid_url(poste, q="rue", **args)).get_data(as_text=True)
        return [int(e) for e in re.findall(r'<tr data-line="(\d+)"', page)]
    assert 200 < len(hits) < 1282
    assert [e for n in range(1, len(hits) // 200 + 2) for e in lines(per_page=200, page=n)] == hits
    assert lines(per_page=25, page=3) == hits[50:75]
    assert f"{len(hits):,} établissements".replace(",", " ") in text(client.get(grid_url(poste, q="rue")))


def test_search_by_town_postcode_or_street_accents_ignored(client, auth, poste):
    auth.login()
    for term in ("PLERIN", "plérin", "22190", "Plerin la poste"):
        page = text(client.get(grid_url(poste, q=term)))
        assert "2 établissements" in page, term
        assert "356 000 000 00240" in page and "356 000 000 00254" in page and "22190 PLERIN" in page
    page = text(client.get(grid_url(poste, q="rue de la vallee")))
    assert "356 000 000 00240" in page and "356 000 000 00254" not in page
    page = text(client.get(grid_url(poste, q="PLERINN")))
    assert "Aucun établissement ne correspond à « PLERINN »." in page
    assert "aucun établissement n’a de service" not in page


def test_one_siret_shows_the_grid_par_etablissement(client, auth, poste):
    auth.login()
    page = text(client.get(f"{PAGE}?search=1&q={PLERIN[0]}"))
    assert "3 personnes du portefeuille · établissement 356 000 000 00240" in page
    for person, role in (("DURAND Paul", "Déclarant"), ("LEROY Sophie", "Déclarant"),
                         ("MOUTIN Claire", "Administrateur")):
        assert f'class="matrix-head"> {person}<br>{role} </th>' in page
    assert "Déclarer DSN : LEROY Sophie" in page


def test_tick_boxes_of_the_page_posted_without_javascript(client, auth, poste):
    auth.login()
    page = text(client.get(grid_url(poste, q="22190")))
    first, second = (f"{e}-{poste.codes['DSN']}-{poste.paul}" for e in _ids(PLERIN))
    shown = re.findall(r'name="shown" value="([^"]+)"', page)
    response = client.post(f"{PAGE}/valider", data={
        "company": poste.company, "declarant": poste.paul, "q": "22190", "version": version(page),
        "shown": shown, "declare": [first], "line": [_ids(PLERIN)[1]],
        "lines_shown": [f"{e}-0" for e in _ids(PLERIN)],
    })
    assert response.status_code == 302
    assert "q=22190" in response.headers["Location"]
    message = text(client.get(response.headers["Location"]))
    # first: Déclarer DSN; second: its whole line (DSN Déclarer and Payer, DPAE, MCF Déclarer and Payer)
    assert ("Habilitations enregistrées : 6 habilitations ajoutées, utilisables à partir du 23 novembre "
            "2026 à 14 h 05, délai d’accès de 24 heures.") in message
    with database.connection_context():
        rights = Habilitation.select().where(Habilitation.user == poste.paul)
        assert rights.count() == 6 + 1 + 3  # the demo's DSN rights, then one cell and a line of 3 services
    assert "◷" in message and "utilisable à la fin du délai d’accès" in message  # marked once, with a legend


def test_a_column_tick_is_confirmed_with_its_count_then_applied_to_every_page(client, auth, poste):
    auth.login()
    page = text(client.get(grid_url(poste, per_page=25)))
    dsn = poste.codes["DSN"]
    data = {"company": poste.company, "declarant": poste.paul, "version": version(page),
            "column": [f"{dsn}-d"], "columns_shown": [f"{dsn}-d-0", f"{dsn}-p-0"]}
    response = client.post(f"{PAGE}/valider", data=data)
    confirm = text(response)
    assert response.status_code == 200 and "Ces modifications portent au-delà de la page affichée" in confirm
    assert ("Cocher « Déclarer » de DSN sur tous les résultats (toutes les pages) : 1 282 cases changent."
            in confirm)
    assert f'name="columns" value="{dsn}-d-1"' in confirm and 'name="confirmed" value="1"' in confirm
    with database.connection_context():
        assert not Habilitation.select().where(Habilitation.establishment.in_(_company(poste))).exists()
    response = client.post(f"{PAGE}/valider", data={"company": poste.company, "declarant": poste.paul,
                                                    "version": version(page), "columns": f"{dsn}-d-1",
                                                    "confirmed": "1"})
    assert response.status_code == 302
    assert "1 282 habilitations ajoutées" in text(client.get(response.headers["Location"]))
    with database.connection_context():
        assert Habilitation.select().where(Habilitation.establishment.in_(_company(poste))
                                           & Habilitation.declare).count() == 1282


def _column_state(page, dsn):
    return re.search(rf'value="{dsn}-d" data-column-tick="{dsn}-d"\s+data-state="(\w+)"', page).group(1)


def _searched_states(client, poste, dsn):
    """The DSN Déclarer column's state over a narrow and a broad search's results (matrix_search
    _hits_ticks reads them from the hits or from the person's rights, whichever is fewer)."""
    return [_column_state(client.get(grid_url(poste, q=term)).get_data(as_text=True), dsn)
            for term in ("22190", "rue")]


def test_the_column_tick_box_says_whether_every_result_is_ticked_after_each_write(client, auth, poste):
    """All, some or none of a column's boxes over every result, for a company and for its portfolio:
    kept by Valider (a column, then one box) and by removing establishments."""
    auth.login()
    dsn = poste.codes["DSN"]
    by_portfolio = f"{PAGE}?search=1&portfolio={poste.portfolio}&declarant={poste.paul}"
    page = client.get(grid_url(poste)).get_data(as_text=True)
    assert _column_state(page, dsn) == "none"
    assert _column_state(client.get(by_portfolio).get_data(as_text=True), dsn) == "some"  # the demo's rights
    assert _searched_states(client, poste, dsn) == ["none", "none"]
    client.post(f"{PAGE}/valider", data={"company": poste.company, "declarant": poste.paul,
                                         "version": version(page), "columns": f"{dsn}-d-1", "confirmed": "1"})
    page = client.get(grid_url(poste)).get_data(as_text=True)
    assert _column_state(page, dsn) == "all"
    assert _column_state(client.get(by_portfolio).get_data(as_text=True), dsn) == "all"
    assert _searched_states(client, poste, dsn) == ["all", "all"]
    first = f"{_ids(PLERIN)[0]}-{dsn}-{poste.paul}"
    client.post(f"{PAGE}/valider", data={"company": poste.company, "declarant": poste.paul,
                                         "version": version(page), "changes": f"{first}-d-0"})
    assert _column_state(client.get(grid_url(poste)).get_data(as_text=True), dsn) == "some"
    assert _searched_states(client, poste, dsn) == ["some", "some"]  # PLERIN[0] is on a « rue »
    with database.connection_context():
        admin = User.get_by_id(poste.admin)
        sirets = [e.siret for e in Establishment.select().where(Establishment.company == poste.company)
                  if e.siret != PLERIN[0]]
        set_establishments(admin, poste.company, sirets)  # the one unticked box leaves the results
    assert _column_state(client.get(grid_url(poste)).get_data(as_text=True), dsn) == "all"


def test_pending_count_covers_every_page(client, auth, poste):
    auth.login()
    page = text(client.get(grid_url(poste)))
    dsn = poste.codes["DSN"]
    response = client.post(f"{PAGE}/apercu", headers={"HX-Request": "true"}, data={
        "company": poste.company, "declarant": poste.paul, "version": version(page),
        "columns": f"{dsn}-p-1", "changes": f"{_ids(PLERIN)[0]}-{dsn}-{poste.paul}-d-1"})
    fragment = text(response)
    assert response.status_code == 200 and "<h1>" not in fragment
    assert "1 283 modifications en attente (toutes les pages) : 1 283 habilitations ajoutées." in fragment
    assert "Voir la liste des modifications en attente" in fragment


def test_a_page_costs_the_same_number_of_queries_whatever_its_size(client, auth, poste):
    auth.login()
    counts = []
    for per_page in (25, 200):
        client.get(grid_url(poste, per_page=per_page))
        with count_queries() as n:
            assert client.get(grid_url(poste, per_page=per_page, page=2)).status_code == 200
        counts.append(n())
    assert counts[0] == counts[1] <= 18


def test_suggestions_on_demand(client, auth, poste):
    auth.login()
    options = text(client.get(f"{PAGE}/suggestions?q=plerin"))
    assert options.count("<option") == 2 and "356 000 000 00240" in options
    assert "<option" not in text(client.get(f"{PAGE}/suggestions?q=900000001")), "another firm's SIRET"


def test_without_a_declarant_the_page_asks_for_one(client, auth, poste):
    auth.login()
    page = text(client.get(f"{PAGE}?company={poste.company}"))
    assert "Choisissez le déclarant dont vous gérez les habilitations" in page
    assert 'id="habilitations-grid"' not in page


def test_a_page_of_the_grid_asked_by_htmx_without_a_declarant_says_what_to_choose(client, auth, poste):
    """The pager's request once the criteria give no grid (the déclarant removed meanwhile, a link edited
    by hand): the grid's place tells what to choose, as the full page does, instead of failing."""
    auth.login()
    response = client.get(f"{PAGE}?search=1&company={poste.company}&page=2", headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = text(response)
    assert fragment.startswith('<div id="habilitations-grid"') and "<html" not in fragment
    assert "Choisissez le déclarant dont vous gérez les habilitations" in fragment


@pytest.mark.parametrize("query", ["company={other_company}", "declarant={other_person}", "service=99999",
                                   "company=12abc"])
def test_identifiers_of_another_firm_are_404(client, auth, poste, query):
    auth.login()
    assert client.get(f"{PAGE}?search=1&" + query.format(**vars(poste))).status_code == 404


def test_declarants_cannot_open_the_grid(client, auth, poste):
    auth.login_declarant()
    assert client.get(PAGE).status_code == 403


def _ids(sirets):
    with database.connection_context():
        by_siret = dict(Establishment.select(Establishment.siret, Establishment.id)
                        .where(Establishment.siret.in_(sirets)).tuples())
    return [by_siret[s] for s in sirets]


def _company(poste):
    return Establishment.select(Establishment.id).where(Establishment.company == poste.company)

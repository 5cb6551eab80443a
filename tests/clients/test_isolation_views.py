"""Firm isolation: an administrator of one firm gets 404 on every URL of another firm's
portfolios and companies, whatever the method, and nothing of theirs changes."""
import pytest

from db.clients import composition, portfolios
from db.database import database
from tests.factories.clients import snapshot
from tests.factories.directory import AUBADE
from tests.factories.firms import make_firm

PORTFOLIO_URLS = [
    ("GET", "/gestion/portefeuilles/{p}/composition"),
    ("GET", "/gestion/portefeuilles/{p}/modifier"),
    ("POST", "/gestion/portefeuilles/{p}/modifier"),
    ("GET", "/gestion/portefeuilles/{p}/supprimer"),
    ("POST", "/gestion/portefeuilles/{p}/supprimer"),
    ("GET", "/gestion/portefeuilles/{p}/declarants"),
    ("POST", "/gestion/portefeuilles/{p}/declarants"),
    ("POST", "/gestion/portefeuilles/{p}/entreprises"),
    ("GET", "/gestion/portefeuilles/{p}/entreprises/plusieurs"),
    ("POST", "/gestion/portefeuilles/{p}/entreprises/plusieurs"),
    ("GET", "/gestion/portefeuilles/{p}/recapitulatif"),
    ("GET", "/gestion/portefeuilles/{p}/recapitulatif.csv"),
]
COMPANY_URLS = [
    ("GET", "/gestion/entreprises/{c}/etablissements"),
    ("POST", "/gestion/entreprises/{c}/etablissements"),
    ("GET", "/gestion/entreprises/{c}/transfert"),
    ("POST", "/gestion/entreprises/{c}/transfert"),
    ("GET", "/gestion/entreprises/{c}/retirer"),
    ("POST", "/gestion/entreprises/{c}/retirer"),
    ("GET", "/gestion/entreprises/{c}/mise-a-jour"),
    ("POST", "/gestion/entreprises/{c}/mise-a-jour"),
]
DATA = {"name": "VOLÉ", "siren": "356000000", "sirens": "356000000", "siret": ["77569590100063"],
        "declarants": ["1"], "target": "1", "confirm": "1"}


@pytest.fixture
def foreign(app):
    """Firm B: an empty portfolio and one with AUBADE PARIS. Returns their ids."""
    with database.connection_context():
        _, other_admin, _ = make_firm()
        empty = portfolios.create_portfolio(other_admin, "VIDE B")
        full = portfolios.create_portfolio(other_admin, "CLIENTS B")
        company = composition.add_company(other_admin, full.id, AUBADE).company
        return {"p": full.id, "e": empty.id, "c": company.id}


@pytest.mark.parametrize("method, url", PORTFOLIO_URLS + COMPANY_URLS)
def test_other_firms_urls_are_not_found(client, auth, foreign, method, url):
    auth.login()
    with database.connection_context():
        before = snapshot()
    for target in ({"p": foreign["p"], "c": foreign["c"]}, {"p": foreign["e"], "c": foreign["c"]}):
        response = client.open(url.format(**target), method=method, data=DATA if method == "POST" else None)
        assert response.status_code == 404, url
    with database.connection_context():
        assert snapshot() == before


def test_transfer_to_another_firms_portfolio_is_not_found(client, auth, foreign):
    auth.login()
    with database.connection_context():
        from db.models import Company

        mine = Company.get(Company.siren == "552032534")
    response = client.post(
        f"/gestion/entreprises/{mine.id}/transfert", data={"target": foreign["p"], "confirm": "1"}
    )
    assert response.status_code == 404


def test_search_and_recap_never_show_another_firms_clients(client, auth, foreign):
    auth.login()
    found = client.get("/gestion/portefeuilles?critere=siren&valeur=775695901").get_data(as_text=True)
    assert "AUBADE" not in found and "CLIENTS B" not in found
    assert "AUBADE" not in client.get("/gestion/recapitulatif").get_data(as_text=True)
    assert "AUBADE" not in client.get("/gestion/recapitulatif.csv").get_data(as_text=True)

"""The list pages of the clients area (portfolios, composition, récapitulatif) run the same number of
queries whatever the number of rows they show."""
import pytest

from db.clients import portfolios
from db.database import database
from tests.factories.directory import add_fake_company, valid_siren
from tests.factories.people import demo_user
from tests.factories.queries import count_queries


def _grow(firm_id, portfolio, companies):
    from db.models import Firm

    firm = Firm.get_by_id(firm_id)
    for i in range(companies):
        add_fake_company(valid_siren(f"8{i:07d}"), 3, firm, portfolio, prefix="SOCIETE")


@pytest.mark.parametrize("url", [
    "/gestion/portefeuilles",
    "/gestion/portefeuilles?critere=raison_sociale&valeur=societe",
    "/gestion/portefeuilles/{p}/composition",
    "/gestion/portefeuilles/{p}/composition?q=societe",
    "/gestion/portefeuilles/{p}/recapitulatif",
])
def test_list_pages_run_the_same_number_of_queries_whatever_the_rows(app, admin_client, url):
    with database.connection_context():
        admin = demo_user("MOUTIN")
        portfolio = portfolios.create_portfolio(admin, "GRAND")
        _grow(admin.firm_id, portfolio, 3)
    url = url.format(p=portfolio.id)
    admin_client.get(url)  # warm up (session, first connection)
    with count_queries() as small:
        assert admin_client.get(url).status_code == 200
    with database.connection_context():
        _grow(admin.firm_id, portfolio, 0)
        for i in range(3, 60):
            add_fake_company(valid_siren(f"8{i:07d}"), 3, admin.firm, portfolio, prefix="SOCIETE")
        portfolios.create_portfolio(admin, "AUTRE GRAND")
    with count_queries() as large:
        assert admin_client.get(url).status_code == 200
    assert small() == large()

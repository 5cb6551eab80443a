"""The optional online directory (db/sirene/online.py, INSEE API Sirene 3.11), only ever against a
local fake server on loopback: paging with curseur, storing in the local directory, and every
failure turning into a clear French message with nothing written."""
import pytest

from db.clients import composition, portfolios
from db.errors import Invalid
from db.models import DirectoryEstablishment, DirectoryUnit, Establishment
from db.sirene.online import SireneApi
from tests.factories.clients import snapshot
from tests.factories.directory import valid_siren
from tests.sirene.fake_sirene import API_KEY, FakeSirene, establishment

NEW = valid_siren("90100000")  # not in the bundled sample


@pytest.fixture
def fake():
    server = FakeSirene().start()
    yield server
    server.stop()


@pytest.fixture
def clients(admin):
    return portfolios.create_portfolio(admin, "CLIENTS")


def _company(siren, count, closed=(), name="SOCIETE EN LIGNE", ceased=False):
    return [establishment(siren, f"{i:05d}", name, siege=(i == 12), ceased=ceased,
                          state="F" if i in closed else "A") for i in range(12, 12 + count)]


def test_fetches_all_pages_and_stores_the_company(admin, clients, fake):
    fake.companies[NEW] = _company(NEW, 2500, closed={13, 14})
    api = SireneApi(fake.url, API_KEY)
    added = composition.add_company(admin, clients.id, NEW, online=api)
    assert (added.company.name, added.establishments) == ("SOCIETE EN LIGNE", 2498)
    assert [r["curseur"] for r in fake.requests] == ["*", "c1000", "c2000"]
    assert all(r["q"] == f"siren:{NEW}" and r["nombre"] == "1000" for r in fake.requests)
    unit = DirectoryUnit.get_by_id(NEW)
    assert (unit.etat, unit.categorie_juridique, unit.nic_siege) == ("A", "5710", "00012")
    stored = DirectoryEstablishment.select().where(DirectoryEstablishment.siren == NEW)
    assert stored.count() == 2500
    siege = Establishment.get((Establishment.company == added.company.id) & Establishment.is_siege)
    assert (siege.siret, siege.address, siege.name) == (NEW + "00012", "1 RUE DE LA PAIX 75002 PARIS", "")


def test_local_directory_is_used_first(admin, clients, fake):
    composition.add_company(admin, clients.id, "775695901", online=SireneApi(fake.url, API_KEY))
    assert fake.requests == []


@pytest.mark.parametrize(
    "failure, message",
    [
        (
            "429",
            "Quota de l'API Sirene de l'INSEE atteint (trop de requêtes) : réessayez dans une minute. "
            "Aucune donnée n'a été enregistrée.",
        ),
        (
            "403",
            "L'API Sirene de l'INSEE refuse la clé configurée (SIRENE_API_KEY) : prévenez l'administrateur "
            "du portail. Aucune donnée n'a été enregistrée.",
        ),
        (
            "500",
            "Le référentiel Sirene en ligne est indisponible (erreur 500). "
            "Aucune donnée n'a été enregistrée.",
        ),
        (
            "garbage",
            "Le référentiel Sirene en ligne a renvoyé une réponse illisible. "
            "Aucune donnée n'a été enregistrée.",
        ),
        (
            "slow",
            "Le référentiel Sirene en ligne (API Sirene de l'INSEE) n'a pas répondu à temps : réessayez dans "
            "quelques minutes. Aucune donnée n'a été enregistrée.",
        ),
    ],
)
def test_failures_give_a_clear_message_and_write_nothing(admin, clients, fake, failure, message):
    fake.companies[NEW] = _company(NEW, 3)
    fake.failures[NEW] = failure
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        composition.add_company(admin, clients.id, NEW, online=SireneApi(fake.url, API_KEY, timeout=0.3))
    assert refused.value.errors == {"siren": message}
    assert snapshot() == before


def test_unknown_online_too(admin, clients, fake):
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        composition.add_company(admin, clients.id, NEW, online=SireneApi(fake.url, API_KEY))
    assert refused.value.errors["siren"] == (
        "Le SIREN 901 000 000 est inconnu du référentiel Sirene (ni dans le référentiel local, "
        "ni dans l'API Sirene de l'INSEE).")
    assert snapshot() == before


def test_wrong_key_is_reported(admin, clients, fake):
    fake.companies[NEW] = _company(NEW, 1)
    with pytest.raises(Invalid, match="refuse la clé"):
        composition.add_company(admin, clients.id, NEW, online=SireneApi(fake.url, "mauvaise-cle"))


def test_a_ceased_company_fetched_online_is_refused_and_not_stored(admin, clients, fake):
    fake.companies[NEW] = _company(NEW, 2, ceased=True)
    before = snapshot()
    with pytest.raises(Invalid, match="est cessée"):
        composition.add_company(admin, clients.id, NEW, online=SireneApi(fake.url, API_KEY))
    assert snapshot() == before


def test_bulk_add_mixes_local_online_and_failing(admin, clients, fake):
    other = valid_siren("90200000")
    fake.companies[NEW] = _company(NEW, 2)
    fake.companies[other] = _company(other, 2)
    fake.failures[other] = "429"
    result = composition.add_companies(admin, clients.id, ["775695901", NEW, other],
                                       online=SireneApi(fake.url, API_KEY))
    assert [line.ok for line in result.lines] == [True, True, False]
    assert "Quota" in result.lines[2].message
    assert result.status == "OK partiel"
    assert not DirectoryUnit.select().where(DirectoryUnit.siren == other).exists()

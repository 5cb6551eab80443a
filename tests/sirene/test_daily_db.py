"""`flask sirene update`: the day's changes from the API Sirene (a local fake server on loopback), paged
with curseur, merged into the directory, the Veille Sirene report written; a 429 waits Retry-After a
bounded number of times; any failure changes nothing and says so in French."""
import pytest

from db.database import database
from db.models import DirectoryEstablishment, SireneChange
from db.sirene import daily
from db.sirene.online import OnlineDirectoryError, SireneApi
from tests.factories.directory import add_fake_company, valid_siren
from tests.sirene.fake_sirene import API_KEY, FakeSirene, establishment

CLIENT = valid_siren("90000041")
UNKNOWN = valid_siren("90000042")
DAY = "2026-12-01"


@pytest.fixture
def fake():
    server = FakeSirene().start()
    yield server
    server.stop()


@pytest.fixture
def client_firm(firm, directory_restored):
    the_firm, admin, _ = firm
    add_fake_company(CLIENT, 3, the_firm, the_firm.portfolios.get(), prefix="GARAGE")
    return the_firm


def the_day(fake, others=1500):
    fake.updates = [establishment(CLIENT, "00002", "GARAGE", state="F"),
                    establishment(CLIENT, "00009", "GARAGE")]
    fake.updates += [establishment(UNKNOWN, f"{i:05d}", "NOUVELLE", siege=i == 1)
                     for i in range(1, others + 1)]


def directory_state():
    return sorted(DirectoryEstablishment.select(DirectoryEstablishment.siret, DirectoryEstablishment.etat)
                  .where(DirectoryEstablishment.siren.in_([CLIENT, UNKNOWN])).tuples())


def test_the_days_changes_are_merged_and_reported(client_firm, fake):
    the_day(fake)
    sleeps = []
    fake.throttled = 2  # the quota answers 429 twice: waited for, then the pages come
    api = SireneApi(fake.url, API_KEY, retries=3, sleep=sleeps.append)
    done = daily.update_directory(api, DAY)
    assert (done.establishments, done.units, done.notices) == (1502, 2, 1)
    assert sleeps == [1, 1]
    pages = [r for r in fake.requests if "curseur" in r]
    assert [r["curseur"] for r in pages] == ["*", "*", "*", "c1000"]
    assert pages[0]["q"] == f"dateDernierTraitementEtablissement:[{DAY}T00:00:00 TO {DAY}T23:59:59]"
    assert DirectoryEstablishment.get_by_id(CLIENT + "00002").etat == "F"
    assert DirectoryEstablishment.select().where(DirectoryEstablishment.siren == UNKNOWN).count() == 1500
    kinds = {(c.kind, c.siret[-5:]) for c in SireneChange.select().where(SireneChange.firm == client_firm.id)}
    assert {("closed", "00002"), ("opened", "00009")} <= kinds


@pytest.mark.parametrize("throttled, retry_after, failing_cursor, message, sleeps", [
    (9, "1", None, "Quota de l'API Sirene de l'INSEE atteint", [1, 1, 1]),  # more 429 than retries
    (1, "3600", None, "Quota de l'API Sirene de l'INSEE atteint", []),  # a wait beyond SIRENE_API_MAX_WAIT
    (0, "1", "c1000", r"indisponible \(erreur 500\)", []),  # the second page fails
])
def test_a_failing_source_changes_nothing(client_firm, fake, throttled, retry_after, failing_cursor, message,
                                          sleeps):
    the_day(fake)
    fake.throttled, fake.retry_after, fake.failing_cursor = throttled, retry_after, failing_cursor
    before, waited = directory_state(), []
    with pytest.raises(OnlineDirectoryError, match=message) as failed:
        daily.update_directory(SireneApi(fake.url, API_KEY, retries=3, max_wait=60, sleep=waited.append), DAY)
    assert "Aucune donnée n'a été enregistrée." in str(failed.value)
    assert (directory_state(), waited, SireneChange.select().count()) == (before, sleeps, 0)


def test_the_command_says_what_it_did_or_why_nothing_changed(app, runner, fake):
    the_day(fake, others=3)
    app.config.update(SIRENE_API_URL=fake.url, SIRENE_API_KEY=API_KEY)
    result = runner.invoke(args=["sirene", "update", "--jour", DAY])
    assert result.exit_code == 0, result.output
    assert ("Mise à jour Sirene du 01/12/2026 : 5 établissement(s) et 2 unité(s) légale(s) mis à jour"
            in result.output)

    fake.stop()  # the network fails: nothing changes, a French message, a failing exit code
    with database.connection_context():
        before = DirectoryEstablishment.select().count()
    failed = runner.invoke(args=["sirene", "update", "--jour", DAY])
    assert failed.exit_code != 0
    assert "injoignable" in failed.output and "Aucune donnée n'a été enregistrée." in failed.output
    with database.connection_context():
        assert DirectoryEstablishment.select().count() == before
    fake.start = lambda: None  # already stopped: the fixture's stop() must not fail
    fake.stop = lambda: None

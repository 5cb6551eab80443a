"""A Sirene import that closes a client's registered establishment or opens a new one tells the firm's
administrators in « Vos notifications », once per import, with the Veille Sirene's report;
an import that changes nothing for the clients tells nobody (SQLite and PostgreSQL)."""
import csv

from db.models import Notification, SireneReport
from db.notifications.kinds import SIRENE_CHANGES
from db.sirene import import_files
from tests.factories.directory import add_fake_company, valid_siren
from tests.factories.firms import make_firm

HEADER = ["siren", "nic", "siret", "etatAdministratifEtablissement", "etablissementSiege"]


def stock_file(tmp_path, rows):
    path = tmp_path / "StockEtablissement_maj.csv"
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for siren, nic, state in rows:
            writer.writerow([siren, nic, siren + nic, state, "true" if nic == "00001" else "false"])
    return str(path)


def notices(user):
    return [(n.text, n.link) for n in Notification.select().where(
        (Notification.user == user.id) & (Notification.kind == SIRENE_CHANGES))]


def test_an_import_tells_the_administrators_what_changed_for_their_clients(
        firm, directory_restored, tmp_path):
    the_firm, admin, [marc] = firm
    portfolio = the_firm.portfolios.get()
    siren = valid_siren("90000021")
    add_fake_company(siren, 3, the_firm, portfolio, prefix="GARAGE")
    other = make_firm("11111111100017", "CABINET ÉTRANGER", ("MARTIN", "Léa"), ())

    import_files([stock_file(tmp_path, [(siren, "00002", "F"), (siren, "00007", "A")])])

    assert notices(admin) == [(
        f"Référentiel Sirene mis à jour\u202f: GARAGE {siren} ({siren[:3]} {siren[3:6]} {siren[6:]})\u202f: "
        "1 nouvel établissement actif, 1 établissement inscrit fermé. Appliquez ou ignorez chaque changement "
        "dans la Veille Sirene.",
        f"watch.report?report_id={SireneReport.get(SireneReport.firm == the_firm.id).id}",
    )]
    assert notices(marc) == [] and notices(other[1]) == []  # déclarants and other firms: nothing

    import_files([stock_file(tmp_path, [(siren, "00003", "A")])])  # already active: no change
    assert len(notices(admin)) == 1


def test_an_unregistered_establishment_closing_is_not_news(firm, directory_restored, tmp_path):
    the_firm, admin, _ = firm
    siren = valid_siren("90000022")
    add_fake_company(siren, 2, the_firm, the_firm.portfolios.get())
    import_files([stock_file(tmp_path, [(siren, "00009", "A")])])
    import_files([stock_file(tmp_path, [(siren, "00009", "F")])])  # opened then closed, never registered
    assert [text for text, _ in notices(admin)] == [
        f"Référentiel Sirene mis à jour\u202f: FAKE {siren} ({siren[:3]} {siren[3:6]} {siren[6:]})\u202f: "
        "1 nouvel établissement actif. Appliquez ou ignorez chaque changement dans la Veille Sirene."]

"""Veille Sirene (db/clients/watch_report.py, watch.py): an import writes one report per firm of what
changed for its clients; each change is applied through the company's refresh plan or dismissed, is
never offered twice, and establishments removed on purpose are never offered again as new (SQLite and
PostgreSQL)."""
import csv

import pytest

from db.clients import companies, refresh, watch
from db.errors import Invalid, NotFound
from db.models import AuditEvent, Company, Establishment, RemovedEstablishment, SireneChange
from db.models.watch import APPLIED, DISMISSED, PENDING
from db.sirene import import_files
from tests.factories.directory import add_fake_company, valid_siren
from tests.factories.firms import make_firm

SITES = ["siren", "nic", "siret", "etatAdministratifEtablissement", "etablissementSiege",
         "numeroVoieEtablissement", "typeVoieEtablissement", "libelleVoieEtablissement",
         "codePostalEtablissement", "libelleCommuneEtablissement", "enseigne1Etablissement"]


def sites_file(tmp_path, rows, name="StockEtablissement_maj.csv"):
    """rows: (siren, nic, state[, street, sign]); the address is « <n> RUE DU TEST 75015 PARIS »
    unless street is given."""
    path = tmp_path / name
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(SITES)
        for siren, nic, state, *more in rows:
            street = more[0] if more else "DU TEST"
            sign = more[1] if len(more) > 1 else ""
            siege = "true" if nic == "00001" else "false"
            writer.writerow([siren, nic, siren + nic, state, siege, str(int(nic)), "RUE", street, "75015",
                             "PARIS", sign])
    return str(path)


def units_file(tmp_path, rows):
    path = tmp_path / "StockUniteLegale_maj.csv"
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["siren", "denominationUniteLegale", "etatAdministratifUniteLegale"])
        writer.writerows(rows)
    return str(path)


def pending(firm_id):
    return sorted((c.kind, c.siret[-5:], c.after) for c in SireneChange.select().where(
        (SireneChange.firm == firm_id) & (SireneChange.status == PENDING)))


@pytest.fixture
def client_company(firm, directory_restored):
    the_firm, admin, _ = firm
    siren = valid_siren("90000031")
    company = add_fake_company(siren, 3, the_firm, the_firm.portfolios.get(), prefix="GARAGE")
    return the_firm, admin, company, siren


def test_an_import_reports_every_kind_of_change_for_the_firm_only(client_company, tmp_path):
    the_firm, admin, company, siren = client_company
    other = make_firm("11111111100017", "CABINET ÉTRANGER", ("MARTIN", "Léa"), ())
    sites = [(siren, "00001", "A", "DE LA GARE"), (siren, "00002", "F"),
             (siren, "00003", "A", "DU TEST", "CHEZ PAUL"), (siren, "00007", "A")]
    import_files([units_file(tmp_path, [(siren, "GARAGE DU CENTRE", "C")]), sites_file(tmp_path, sites)])
    assert pending(the_firm.id) == [
        ("ceased", "", ""), ("closed", "00002", ""), ("moved", "00001", "1 RUE DE LA GARE 75015 PARIS"),
        ("opened", "00007", "7 RUE DU TEST 75015 PARIS"), ("renamed", "", "GARAGE DU CENTRE"),
        ("sign", "00003", "CHEZ PAUL")]
    assert pending(other[0].id) == []
    found = watch.page(admin)
    assert (found.total, found.pending, found.latest.change_count) == (6, 6, 6)
    with pytest.raises(NotFound):
        watch.dismiss_change(other[1], found.changes[0].id)  # another firm's administrator

    import_files([sites_file(tmp_path, [(siren, "00007", "A")])])  # nothing new: nothing twice
    assert len(pending(the_firm.id)) == 6


def test_applying_a_change_uses_the_refresh_plan_and_settles_what_it_solved(client_company, tmp_path):
    the_firm, admin, company, siren = client_company
    sites = [(siren, "00002", "F"), (siren, "00007", "A"), (siren, "00008", "A")]
    import_files([units_file(tmp_path, [(siren, "GARAGE DU CENTRE", "A")]), sites_file(tmp_path, sites)])
    by_kind = {(c.kind, c.siret[-5:]): c for c in SireneChange.select()}

    watch.apply_change(admin, by_kind["opened", "00007"].id)
    registered = {e.siret[-5:] for e in Establishment.select().where(Establishment.company == company.id)}
    assert registered == {"00001", "00002", "00003", "00007"}  # only the chosen one, not 00008
    assert Company.get_by_id(company.id).name == "GARAGE DU CENTRE"  # the plan copies the new name
    assert pending(the_firm.id) == [("closed", "00002", ""), ("opened", "00008", "8 RUE DU TEST 75015 PARIS")]
    assert SireneChange.get(SireneChange.kind == "renamed").status == APPLIED

    watch.apply_change(admin, by_kind["closed", "00002"].id)
    assert not Establishment.select().where(Establishment.siret == siren + "00002").exists()
    watch.dismiss_change(admin, by_kind["opened", "00008"].id)
    assert pending(the_firm.id) == []
    assert SireneChange.get_by_id(by_kind["opened", "00008"].id).status == DISMISSED
    with pytest.raises(Invalid, match="déjà été traité"):
        watch.apply_change(admin, by_kind["opened", "00008"].id)
    assert [e.action for e in AuditEvent.select().order_by(AuditEvent.id)][-3:] == [
        "company.refresh", "company.refresh", "sirene.dismiss"]

    import_files([sites_file(tmp_path, [(siren, "00008", "F")]), ])
    import_files([sites_file(tmp_path, [(siren, "00008", "A")])])  # dismissed: never offered again
    assert pending(the_firm.id) == []
    assert [c.status for c in watch.page(admin, "traites").changes].count(APPLIED) == 3


def test_an_establishment_removed_on_purpose_is_never_offered_again(client_company, tmp_path):
    the_firm, admin, company, siren = client_company
    companies.set_establishments(admin, company.id, [siren + "00001", siren + "00002"])
    assert [r.siret[-5:] for r in RemovedEstablishment.select()] == ["00003"]

    plan = refresh.plan_refresh(admin, company.id)  # not pre-ticked: set aside
    assert (plan.new_active, [s[-5:] for s, _a, _h in plan.set_aside]) == ([], ["00003"])
    import_files([sites_file(tmp_path, [(siren, "00003", "F")])])
    import_files([sites_file(tmp_path, [(siren, "00003", "A")])])  # reopened: still not « new »
    assert pending(the_firm.id) == []

    refresh.apply_refresh(admin, company.id, register_sirets=[siren + "00003"])  # taken back on purpose
    assert not RemovedEstablishment.select().exists()

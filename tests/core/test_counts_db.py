"""Maintained counts (db/counts.py): every write path of companies, establishments, portfolios and
pending requests keeps them exact, writers that meet keep them exact, and the check command finds
and repairs a wrong one."""
import datetime
import threading

import pytest
from playhouse.migrations import Runner

from db import clock, counts, habilitations, schema
from db.accounts import inscription, recovery
from db.clients import companies, composition, portfolio_deletion, portfolio_list, portfolios
from db.clients import refresh as company_refresh
from db.database import database, init_database, is_postgres
from db.declarations import selections
from db.habilitations import grid
from db.models import (
    BoxTally,
    Company,
    DirectoryEstablishment,
    Establishment,
    EstablishmentDeclaration,
    Firm,
    Portfolio,
    RightTally,
    User,
)
from db.people import requests
from tests.factories.clients import make_company
from tests.factories.database import POSTGRES_URL, in_postgres_schema
from tests.factories.declarations import declaration
from tests.factories.directory import AUBADE, LA_POSTE, add_fake_company, valid_siren
from tests.factories.firms import make_firm
from tests.factories.habilitations import establishments, key
from tests.factories.people import LINKS, demo_user, reload
from tests.factories.races import meanwhile
from tests.habilitations.conftest import NOW, world
from tests.habilitations.test_csv_db import csv as bulk_file
from tests.habilitations.test_csv_db import valider

DE = DirectoryEstablishment


def _listed(admin):
    """(companies, establishments) per portfolio name, as « Vos portefeuilles » shows them."""
    return {row.portfolio.name: (row.companies, row.establishments)
            for row in portfolio_list.list_portfolios(admin).rows}


def _exact():
    assert counts.check() == {}
    return True


def test_every_write_path_of_companies_keeps_the_portfolio_counts_exact(admin, directory_restored):
    start = _listed(admin)["Portefeuille par défaut"]
    clients = portfolios.create_portfolio(admin, "CLIENTS")
    other = portfolios.create_portfolio(admin, "AUTRES")
    assert _listed(admin)["CLIENTS"] == (0, 0) and _exact()

    poste = composition.add_company(admin, clients.id, LA_POSTE).company
    assert _listed(admin)["CLIENTS"] == (1, 1282) and _exact()
    result = composition.add_companies(admin, clients.id, [AUBADE, LA_POSTE, "123"])
    assert [line.ok for line in result.lines] == [True, False, False]
    assert _listed(admin)["CLIENTS"] == (2, 1284) and _exact()

    registered = [e.siret for e in Establishment.select().where(Establishment.company == poste.id)]
    companies.set_establishments(admin, poste.id, registered[:1000])
    assert _listed(admin)["CLIENTS"] == (2, 1002) and _exact()
    companies.set_establishments(admin, poste.id, registered[:1100])
    assert _listed(admin)["CLIENTS"] == (2, 1102) and _exact()

    aubade = Establishment.select().where(Establishment.siret.startswith(AUBADE)).first().company
    companies.transfer_company(admin, aubade.id, other.id)
    assert (_listed(admin)["CLIENTS"], _listed(admin)["AUTRES"]) == ((1, 1100), (1, 2)) and _exact()

    closed = sorted(e.siret for e in Establishment.select().where(Establishment.company == aubade.id))[1]
    DE.update(etat="F").where(DE.siret == closed).execute()
    DE.insert(siret=AUBADE + "99999", siren=AUBADE, nic="99999", etat="A").execute()
    plan = company_refresh.plan_refresh(admin, aubade.id)
    company_refresh.apply_refresh(admin, aubade.id, [AUBADE + "99999"],
                                  [str(plan.now_closed[0].establishment.id)])
    assert _listed(admin)["AUTRES"] == (1, 2) and _exact()

    companies.remove_company(admin, poste.id)
    companies.remove_company(admin, aubade.id)
    assert (_listed(admin)["CLIENTS"], _listed(admin)["AUTRES"]) == ((0, 0), (0, 0)) and _exact()
    portfolio_deletion.delete_portfolio(admin, other.id)
    assert _listed(admin)["Portefeuille par défaut"] == start and _exact()


def test_a_new_firm_and_the_test_builders_keep_the_counts_exact(admin):
    _, other_admin, _ = make_firm()
    assert _listed(other_admin) == {"Portefeuille par défaut": (0, 0)}
    portfolio = Portfolio.get((Portfolio.firm == other_admin.firm_id) & Portfolio.is_default)
    make_company(other_admin.firm, portfolio, valid_siren("90000001"), establishments=7)
    assert _listed(other_admin) == {"Portefeuille par défaut": (1, 7)} and _exact()


def _pending(user):
    return requests.pending_count(reload(user))


def test_every_request_path_keeps_the_menu_count_exact(admin):
    marc = demo_user("DURAND")
    assert _pending(admin) == 0
    cooptation = requests.ask_cooptation(marc, "", LINKS)
    assert _pending(admin) == 1 and _exact()
    recovery.ask_administrators(
        {"siret": admin.firm.siret, "nom": marc.nom, "prenom": marc.prenom}, LINKS.requests)
    assert _pending(admin) == 2 and _exact()
    identity = {"siret": admin.firm.siret, "nom": "NOUVEAU", "prenom": "Jean", "email": "jean@exemple.fr",
                "phone": "0102030405", "mobile": ""}
    access = inscription.request_access(identity, "", LINKS.requests)
    assert _pending(admin) == 3 and _exact()
    requests.refuse(admin, cooptation.id, LINKS)
    requests.refuse(admin, access.id, LINKS)
    assert _pending(admin) == 1 and _pending(marc) == 0 and _exact()


def test_writers_that_meet_neither_fail_nor_lose_a_count(admin, directory_restored):
    """Eight administrators' sessions add eight companies to one portfolio at the same instant: on
    SQLite every transaction reads before it writes, and begun deferred some answered "database is
    locked"; begun IMMEDIATE they wait their turn. The counts end exact on both engines."""
    portfolio = portfolios.create_portfolio(admin, "SIMULTANÉS")
    sirens = [valid_siren(f"9100{i:04d}") for i in range(8)]
    for siren in sirens:
        add_fake_company(siren, 30)
    barrier, errors = threading.Barrier(len(sirens)), []

    def add(siren):
        database.connect(reuse_if_open=True)
        try:
            barrier.wait()
            composition.add_company(admin, portfolio.id, siren)
        except Exception as exc:  # noqa: BLE001 - the test reports whatever a writer met
            errors.append(repr(exc))
        finally:
            database.close()

    threads = [threading.Thread(target=add, args=(siren,)) for siren in sirens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert _listed(admin)["SIMULTANÉS"] == (8, 240) and _exact()


def test_the_check_command_finds_a_wrong_count_and_repairs_it(app, runner):
    with database.connection_context():
        Portfolio.update(establishment_count=Portfolio.establishment_count + 5).where(
            Portfolio.name == "CLIENTS PME").execute()
        Firm.update(pending_request_count=7).execute()
    found = runner.invoke(args=["db", "check-counts"])
    assert found.exit_code == 1
    assert "portfolio.establishments : 1 ligne(s) fausse(s)" in found.output
    assert "firm.pending_requests : 1 ligne(s) fausse(s)" in found.output
    assert "portfolio.companies : exact" in found.output
    repaired = runner.invoke(args=["db", "check-counts", "--repair"])
    assert repaired.exit_code == 0 and "Compteurs recomptés." in repaired.output
    again = runner.invoke(args=["db", "check-counts"])
    assert again.exit_code == 0 and "ligne(s) fausse(s)" not in again.output


def _fill_before_counts(url):
    """A database at the head before the counts, holding a firm's rows (and a person's habilitations);
    upgraded, the counts are those of its rows."""
    db = init_database(url)
    assert "0003_firm_profile" in Runner(db, schema.MIGRATIONS_DIR).up("0003_firm_profile")
    mark = "%s" if is_postgres() else "?"
    for sql, values in [
        ("INSERT INTO firm (siret, name, address, is_active, created_at, manages_clients) "
         "VALUES (?, 'CABINET', '', ?, '2026-01-02 00:00:00', ?)", ("97785096500020", True, True)),
        ("INSERT INTO portfolio (firm_id, name, name_key, comment, is_default, created_at) "
         "VALUES (1, 'P', 'p', '', ?, '2026-01-02 00:00:00')", (True,)),
        ("INSERT INTO company (firm_id, portfolio_id, siren, name, added_at) "
         "VALUES (1, 1, '552032534', 'DANONE', '2026-01-02 00:00:00')", ()),
        *[("INSERT INTO establishment (firm_id, company_id, siret, name, address, is_siege, is_active, "
           "registered_at) VALUES (1, 1, ?, '', '', ?, ?, '2026-01-02 00:00:00')",
           (f"552032534{n:05d}", n == 1, True)) for n in (1, 2, 3)],
        ("INSERT INTO pending_request (firm_id, kind, requester_name, requester_email, message, status, "
         "created_at) VALUES (1, 'access', 'X', 'x@x.fr', '', 'pending', '2026-01-02 00:00:00')", ()),
        ("INSERT INTO declaration (code, label, description, domain, has_payment, access_delay_hours, "
         "position, is_active) VALUES ('TEST', 'Test', '', 'Social', ?, 24, 1, ?)", (True, True)),
        ('INSERT INTO "user" (firm_id, role, nom, prenom, nom_key, prenom_key, email, phone, mobile, '
         "secret_question, failed_attempts, secret_failed_attempts, must_change_password, is_active, "
         "session_version, created_at) VALUES (1, 'declarant', 'D', 'P', 'd', 'p', 'd@x.fr', '', '', '', "
         "0, 0, ?, ?, 1, '2026-01-02 00:00:00')", (False, True)),
        *[("INSERT INTO establishment_declaration (establishment_id, declaration_id) VALUES (?, 1)", (n,))
          for n in (1, 2, 3)],
        *[("INSERT INTO habilitation (user_id, establishment_id, declaration_id, declare, pay) "
           "VALUES (1, ?, 1, ?, ?)", (n, True, n == 1)) for n in (1, 2)],
    ]:
        db.execute_sql(sql.replace("?", mark), values)
    schema.upgrade()
    assert (Portfolio.get_by_id(1).company_count, Portfolio.get_by_id(1).establishment_count) == (1, 3)
    assert Firm.get_by_id(1).pending_request_count == 1 and _exact()
    ed = EstablishmentDeclaration
    cells = ed.select(ed.declarers, ed.payers).order_by(ed.establishment)
    assert list(cells.tuples()) == [(1, 1), (1, 0), (0, 0)]  # Couverture: Déclarer, Payer per cell


def test_the_migration_counts_the_rows_already_there(tmp_path):
    _fill_before_counts(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    database.close()
    if not POSTGRES_URL:
        return  # scripts/test.sh always sets it
    in_postgres_schema("counts_upgrade", _fill_before_counts)


def _rights(user, code="DSN"):
    """{moment: establishments} of the user's tally for the declaration."""
    d = declaration(code)
    return dict(RightTally.select(RightTally.usable_from, RightTally.establishments)
                .where((RightTally.user == user.id) & (RightTally.declaration == d.id)).tuples())


def test_every_write_path_of_habilitations_keeps_the_grid_sizes_and_the_tiles_exact(db_engine):
    """Company and company × declaration sizes (the grid) and the rights per user × declaration × moment
    (the tiles) through Valider (box, column tick, untick), the file import, a déclarant leaving the
    portfolio, a declaration no longer chosen, establishments removed, a company moved and removed."""
    clock.freeze(NOW)
    try:
        t = world()
        assert _exact() and Company.get_by_id(t.acme.id).establishment_count == 3
        habilitations.validate(t.admin, {"company": str(t.acme.id)},
                               {"version": str(grid.version()), "bulk_declare": "1"})
        later = NOW + datetime.timedelta(hours=24)
        assert _rights(t.paul) == {later: 3} and _exact()
        acme = establishments(t.acme)
        clock.freeze(NOW + datetime.timedelta(hours=30))
        habilitations.validate(t.admin, {}, {"version": str(grid.version()),
                                             "changes": f"{key(acme[0], 'DSN', t.paul)}-p-1 "
                                                        f"{key(acme[1], 'DSN', t.paul)}-d-0"})
        assert _rights(t.paul) == {later: 2} and _exact()
        line = "Habilitation;Modifier;GRANDS COMPTES;100000002;10000000200001;DSN;DURAND;Paul;1;0;"
        valider(t, bulk_file(line))
        assert sum(_rights(t.paul).values()) == 3 and _exact()
        selections.submit(t.admin, "company", t.acme.id, [declaration("DPAE").id], confirmed=True)
        assert Company.get_by_id(t.acme.id).establishment_count == 3
        assert sum(_rights(t.paul).values()) == 1 and _exact()
        selections.submit(t.admin, "company", t.acme.id, [declaration("DSN").id, declaration("DPAE").id])
        habilitations.validate(t.admin, {"company": str(t.acme.id)},
                               {"version": str(grid.version()), "bulk_declare": "1"})
        portfolios.set_declarants(t.admin, t.big.id, [t.admin.id, t.paul.id])
        assert _rights(t.sophie) == {} and _exact()
        companies.set_establishments(t.admin, t.acme.id, [e.siret for e in acme[:2]])
        assert Company.get_by_id(t.acme.id).establishment_count == 2 and _exact()
        companies.transfer_company(t.admin, t.beta.id, t.small.id)
        assert _exact()
        companies.remove_company(t.admin, t.acme.id)
        assert _rights(t.paul, "DPAE") == {} and _exact()
    finally:
        clock.freeze(None)


@pytest.mark.parametrize("db_engine", ["postgresql"], indirect=True)
def test_writes_that_remove_rights_wait_for_a_valider_of_the_same_firm(db_engine):
    """Each write that deletes habilitations counts them out of the grid's tally and the Couverture's
    holders. A Valider of the firm counting the same rights out at the same moment (its lock held by
    another connection here) must be waited for, or both would count them out and leave a wrong or
    negative count. On SQLite one writer at a time already holds."""
    clock.freeze(NOW)
    try:
        t = world()
        habilitations.validate(t.admin, {"company": str(t.acme.id)},
                               {"version": str(grid.version()), "bulk_declare": "1"})
        valider_in_progress = Firm.update(is_active=Firm.is_active).where(Firm.id == t.admin.firm_id)
        acme = establishments(t.acme)
        for operation in (
            lambda: selections.submit(t.admin, "company", t.acme.id, [declaration("DPAE").id],
                                      confirmed=True),
            lambda: companies.set_establishments(t.admin, t.acme.id, [e.siret for e in acme[:2]]),
            lambda: portfolios.set_declarants(t.admin, t.big.id, [t.admin.id, t.paul.id]),
            lambda: companies.transfer_company(t.admin, t.beta.id, t.small.id),
            lambda: companies.remove_company(t.admin, t.acme.id),
        ):
            outcome = meanwhile(valider_in_progress, operation)
            assert outcome["waited"] and "error" not in outcome
            assert _exact()
        assert Company.get_or_none(Company.id == t.acme.id) is None
    finally:
        clock.freeze(None)


def test_the_check_command_finds_a_wrong_tally_and_a_wrong_grid_size(app, runner):
    with database.connection_context():
        user = User.get(User.nom == "DURAND")
        RightTally.create(user=user.id, declaration=declaration("DSN").id, usable_from=NOW, establishments=4)
        first = Company.select().order_by(Company.id).first()
        first.establishment_count += 1
        first.save()
        BoxTally.create(user=user.id, declaration=declaration("DSN").id, company=first.id, declare=True,
                        pay=False, habilitations=3)
    found = runner.invoke(args=["db", "check-counts"])
    assert found.exit_code == 1
    assert "user_declaration.rights : 1 ligne(s) fausse(s)" in found.output
    assert "user_declaration_company.boxes : 1 ligne(s) fausse(s)" in found.output
    assert "company.establishments : 1 ligne(s) fausse(s)" in found.output
    assert "company_declaration.establishments : exact" in found.output
    assert runner.invoke(args=["db", "check-counts", "--repair"]).exit_code == 0
    assert runner.invoke(args=["db", "check-counts"]).exit_code == 0


def test_the_grid_tally_migration_counts_the_habilitations_already_there(db_engine):
    """0500 on a populated database: the ticked boxes per user × declaration × company are those of
    the habilitations already there (then every write keeps them, see above)."""
    clock.freeze(NOW)
    try:
        t = world()
        habilitations.validate(t.admin, {"company": str(t.acme.id)},
                               {"version": str(grid.version()), "bulk_declare": "1"})
        runner = Runner(database.obj, schema.MIGRATIONS_DIR)
        runner.down("0500_box_tally")  # rolls back 0500 only
        assert "0500_box_tally" in runner.up()
        boxes = dict(BoxTally.select(BoxTally.user, BoxTally.habilitations)
                     .where((BoxTally.company == t.acme.id) & BoxTally.declare).tuples())
        assert boxes == {t.admin.id: 3, t.paul.id: 3, t.sophie.id: 3} and _exact()
    finally:
        clock.freeze(None)

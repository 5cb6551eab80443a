"""One client company (db/clients/companies.py, db/clients/refresh.py): establishments choice,
transfer, removal and the Sirene refresh, each planned with counts then applied with its journal
entry."""
import pytest

from db.clients import companies, composition, portfolios
from db.clients import refresh as company_refresh
from db.errors import Invalid, NotFound
from db.models import (
    AuditEvent,
    Company,
    CompanyDeclaration,
    Declaration,
    DirectoryEstablishment,
    DirectoryUnit,
    Establishment,
    EstablishmentDeclaration,
    Habilitation,
    PortfolioDeclaration,
)
from tests.factories.clients import snapshot
from tests.factories.directory import AUBADE, LA_POSTE
from tests.factories.firms import make_firm
from tests.factories.habilitations import grant
from tests.factories.people import demo_user

DE = DirectoryEstablishment


@pytest.fixture
def poste(admin):
    """LA POSTE in a new portfolio CLIENTS (déclarant Paul, declaration DSN)."""
    portfolio = portfolios.create_portfolio(admin, "CLIENTS", "", [str(demo_user("DURAND").id)])
    _select(portfolio, "DSN")
    return composition.add_company(admin, portfolio.id, LA_POSTE).company


def _select(portfolio, code):
    PortfolioDeclaration.insert(
        portfolio=portfolio.id, declaration=Declaration.get(Declaration.code == code).id
    ).execute()


def _registered(company):
    return {e.siret for e in Establishment.select().where(Establishment.company == company.id)}


def test_choices_list_every_directory_establishment_with_its_state(admin, poste):
    _, choices = companies.establishment_choices(admin, poste.id)
    assert len(choices) == 1762
    assert choices[0].is_siege and choices[0].registered
    assert sum(1 for c in choices if c.registered) == 1282
    assert all(not c.registered for c in choices if not c.is_active)


def test_unticking_counts_then_removes_the_habilitations(admin, poste):
    paul = demo_user("DURAND")
    some = list(
        Establishment.select().where(Establishment.company == poste.id).order_by(Establishment.siret).limit(3)
    )
    grant(paul, some, "DSN", pay=True)
    keep = _registered(poste) - {some[0].siret, some[1].siret}
    plan = companies.plan_establishments(admin, poste.id, keep)
    assert ({e.siret for e in plan.to_remove}, plan.habilitations_removed, plan.to_add) == (
        {some[0].siret, some[1].siret}, 2, [])
    companies.set_establishments(admin, poste.id, keep)
    assert _registered(poste) == keep
    assert Habilitation.select().where(Habilitation.user == paul.id).join(Establishment).where(
        Establishment.company == poste.id).count() == 1
    event = AuditEvent.select().where(AuditEvent.action == "company.establishments").get()
    assert some[0].siret in event.before


def test_ticking_registers_with_the_company_declarations(admin):
    company = Company.get(Company.siren == "414971929")  # FINANCIERE GANYMEDE: 3 establishments, 2 active
    active = [d.siret for d in DE.select().where((DE.siren == company.siren) & (DE.etat == "A"))]
    before = _registered(company)
    companies.set_establishments(admin, company.id, [active[0]])
    assert _registered(company) == {active[0]}
    companies.set_establishments(admin, company.id, active)
    assert _registered(company) == set(active) == before
    codes = {
        link.declaration_id
        for link in CompanyDeclaration.select().where(CompanyDeclaration.company == company.id)
    }
    for establishment in Establishment.select().where(Establishment.company == company.id):
        assert {link.declaration_id for link in establishment.declaration_links} == codes


def test_establishment_choice_refusals(admin, poste):
    closed = DE.select().where((DE.siren == LA_POSTE) & (DE.etat == "F")).first()
    other = Establishment.select().where(Establishment.company != poste.id).first()
    before = snapshot()
    with pytest.raises(Invalid, match="fermé"):
        companies.set_establishments(admin, poste.id, _registered(poste) | {closed.siret})
    with pytest.raises(Invalid, match="n'appartient pas"):
        companies.set_establishments(admin, poste.id, _registered(poste) | {other.siret})
    with pytest.raises(Invalid, match="au moins un établissement"):
        companies.set_establishments(admin, poste.id, [])
    assert snapshot() == before


def test_transfer_lists_consequences_then_applies_them_in_one_go(admin, poste):
    paul, sophie = demo_user("DURAND"), demo_user("LEROY")
    establishments = list(Establishment.select().where(Establishment.company == poste.id).limit(4))
    grant(paul, establishments, "DSN")
    grant(sophie, establishments[:1], "DSN")
    target = portfolios.create_portfolio(admin, "CIBLE", "", [str(sophie.id)])
    _select(target, "DSN")
    _select(target, "TESE")
    plan = companies.plan_transfer(admin, poste.id, target.id)
    assert [d.code for d in plan.declarations_added] == ["TESE"]
    assert (plan.habilitations_removed, plan.users_losing) == (4, ["DURAND Paul"])
    companies.transfer_company(admin, poste.id, target.id)
    assert Company.get_by_id(poste.id).portfolio_id == target.id
    assert Habilitation.select().join(Establishment).where(Establishment.company == poste.id).count() == 1
    tese = Declaration.get(Declaration.code == "TESE")
    assert (
        EstablishmentDeclaration.select()
        .join(Establishment)
        .where((Establishment.company == poste.id) & (EstablishmentDeclaration.declaration == tese.id))
        .count()
        == 1282
    )
    event = AuditEvent.select().where(AuditEvent.action == "company.transfer").get()
    assert "CIBLE" in event.after and "CLIENTS" in event.before


def test_transfer_refusals(admin, poste):
    _, other_admin, _ = make_firm()
    theirs = portfolios.create_portfolio(other_admin, "AUTRE")
    with pytest.raises(Invalid, match="déjà dans ce portefeuille"):
        companies.plan_transfer(admin, poste.id, poste.portfolio_id)
    with pytest.raises(Invalid, match="Choisissez"):
        companies.plan_transfer(admin, poste.id, "")
    with pytest.raises(NotFound):
        companies.transfer_company(admin, poste.id, theirs.id)


def test_removal_counts_and_deletes_everything_of_the_company(admin, poste):
    grant(demo_user("DURAND"), list(Establishment.select().where(Establishment.company == poste.id).limit(5)))
    plan = companies.plan_removal(admin, poste.id)
    assert (plan.establishments, plan.habilitations, plan.declarations) == (1282, 5, 1)
    companies.remove_company(admin, poste.id)
    assert not Company.select().where(Company.id == poste.id).exists()
    assert not Establishment.select().where(Establishment.company == poste.id).exists()
    assert AuditEvent.select().where(AuditEvent.action == "company.remove").count() == 1


def test_refresh_shows_differences_and_applies_only_when_validated(admin):
    portfolio = portfolios.create_portfolio(admin, "CLIENTS", "", [str(demo_user("DURAND").id)])
    company = composition.add_company(admin, portfolio.id, AUBADE).company
    siege, other = sorted(_registered(company))
    grant(demo_user("DURAND"), Establishment.select().where(Establishment.siret == other))
    DirectoryUnit.update(denomination="AUBADE").where(DirectoryUnit.siren == AUBADE).execute()
    DE.update(etat="F").where(DE.siret == other).execute()
    DE.update(libelle_voie="RUE DE RIVOLI").where(DE.siret == siege).execute()
    DE.insert(
        siret=AUBADE + "99999", siren=AUBADE, nic="99999", etat="A", code_postal="69001", commune="LYON"
    ).execute()
    before = snapshot()
    plan = company_refresh.plan_refresh(admin, company.id)
    assert snapshot() == before
    assert plan.new_name == "AUBADE"
    assert plan.new_active == [(AUBADE + "99999", "69001 LYON", False)]
    assert [(c.establishment.siret, c.habilitations) for c in plan.now_closed] == [(other, 1)]
    assert [(e.siret, address) for e, _n, address in plan.changed] == [
        (siege, "10 A 12 10 RUE RUE DE RIVOLI 75001 PARIS")]
    closed_id = plan.now_closed[0].establishment.id
    company_refresh.apply_refresh(admin, company.id, [AUBADE + "99999"], [str(closed_id)])
    assert Company.get_by_id(company.id).name == "AUBADE"
    assert _registered(company) == {siege, AUBADE + "99999"}
    assert Establishment.get(Establishment.siret == siege).address.endswith("RUE DE RIVOLI 75001 PARIS")
    assert not Habilitation.select().where(Habilitation.establishment == closed_id).exists()
    assert not company_refresh.plan_refresh(admin, company.id).has_changes
    assert AuditEvent.select().where(AuditEvent.action == "company.refresh").count() == 1


def test_refresh_keeps_a_closed_establishment_flagged_when_not_unticked(admin):
    portfolio = portfolios.create_portfolio(admin, "CLIENTS")
    company = composition.add_company(admin, portfolio.id, AUBADE).company
    other = sorted(_registered(company))[1]
    DE.update(etat="F").where(DE.siret == other).execute()
    company_refresh.apply_refresh(admin, company.id)
    assert not Establishment.get(Establishment.siret == other).is_active


def test_company_of_another_firm_is_not_found(admin, poste):
    _, other_admin, _ = make_firm()
    for call in (companies.establishment_choices, companies.plan_removal, companies.remove_company,
                 company_refresh.plan_refresh):
        with pytest.raises(NotFound):
            call(other_admin, poste.id)
    with pytest.raises(NotFound):
        companies.set_establishments(other_admin, poste.id, [])

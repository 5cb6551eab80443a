"""Portfolios of a firm (db/clients/portfolios.py): counts, search, create, edit, delete, déclarants."""
import pytest

from db import clock, fields
from db.clients import portfolio_deletion, portfolio_list, portfolios
from db.errors import Forbidden, Invalid, NotFound
from db.models import AuditEvent, Company, Establishment, Habilitation, Portfolio, PortfolioDeclarant
from tests.factories.clients import snapshot
from tests.factories.directory import DANONE
from tests.factories.firms import make_firm
from tests.factories.people import demo_user
from tests.factories.races import meanwhile


def _rows(listing):
    return {r.portfolio.name: (r.companies, r.establishments) for r in listing.rows}


def test_list_counts_companies_and_establishments_default_first(admin):
    listing = portfolio_list.list_portfolios(admin)
    assert [r.portfolio.name for r in listing.rows] == ["Portefeuille par défaut", "CLIENTS PME"]
    assert _rows(listing) == {"Portefeuille par défaut": (2, 3), "CLIENTS PME": (3, 3)}


def test_search_by_name_ignores_case_and_accents(admin):
    portfolios.create_portfolio(admin, "Clients Pêche")
    assert list(_rows(portfolio_list.list_portfolios(admin, "nom", "PECHE"))) == ["Clients Pêche"]
    assert list(_rows(portfolio_list.list_portfolios(admin, "nom", "clients"))) == [
        "Clients Pêche",
        "CLIENTS PME",
    ]


@pytest.mark.parametrize(
    "criterion, value",
    [
        ("siren", "552 032 534"),
        ("siren", "55203"),
        ("siret", "55203253400703"),
        ("siret", "5520325340"),
        ("raison_sociale", "danon"),
    ],
)
def test_search_by_client_tells_which_portfolio_holds_it(admin, criterion, value):
    listing = portfolio_list.list_portfolios(admin, criterion, value)
    assert [(m[0], m[2], m[3].name) for m in listing.matches] == [
        (DANONE, "DANONE", "Portefeuille par défaut")
    ]
    assert list(_rows(listing)) == ["Portefeuille par défaut"]


def test_search_finds_nothing_of_another_firm(admin):
    firm, other_admin, _ = make_firm()
    other = portfolios.create_portfolio(other_admin, "AUTRE")
    from db.clients.composition import add_company

    add_company(other_admin, other.id, "775695901")
    assert portfolio_list.list_portfolios(admin, "siren", "775695901").matches == []
    assert portfolio_list.list_portfolios(admin, "nom", "AUTRE").rows == []


def test_create_with_declarants_writes_an_audit_event(admin):
    paul = demo_user("DURAND")
    portfolio = portfolios.create_portfolio(admin, "  CLIENTS  2026 ", "Nouveaux clients", [str(paul.id)])
    assert portfolio.name == "CLIENTS 2026"
    assert portfolios.portfolio_declarant_ids(portfolio) == {str(paul.id)}
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert (event.action, event.actor_id) == ("portfolio.create", admin.id)
    assert "DURAND Paul" in event.after


@pytest.mark.parametrize("name, message", [
    ("", "Ce champ est obligatoire."),
    ("   ", "Ce champ est obligatoire."),
    ("x" * 101, "Le nom du portefeuille ne doit pas dépasser 100 caractères."),
    ("clients pme", "Un portefeuille nommé « clients pme » existe déjà dans votre cabinet."),
])
def test_create_refusals_write_nothing(admin, name, message):
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        portfolios.create_portfolio(admin, name)
    assert refused.value.errors == {"name": message}
    assert snapshot() == before


def test_same_name_is_allowed_in_another_firm(admin):
    _, other_admin, _ = make_firm()
    assert portfolios.create_portfolio(other_admin, "CLIENTS PME").firm_id != admin.firm_id


def test_declarant_of_another_firm_is_refused(admin):
    _, _, [stranger] = make_firm()
    with pytest.raises(Invalid) as refused:
        portfolios.create_portfolio(admin, "X", "", [str(stranger.id)])
    assert "declarants" in refused.value.errors


def test_rename_and_comment(admin):
    portfolio = Portfolio.get(Portfolio.name == "CLIENTS PME")
    portfolios.update_portfolio(admin, portfolio.id, "PME", "Les petites")
    assert Portfolio.get_by_id(portfolio.id).name_key == "pme"
    with pytest.raises(Invalid):
        portfolios.update_portfolio(admin, portfolio.id, "portefeuille par DÉFAUT")
    portfolios.update_portfolio(admin, portfolio.id, "pme")  # its own name, other case
    event = (
        AuditEvent.select()
        .where(AuditEvent.action == "portfolio.update")
        .order_by(AuditEvent.id.desc())
        .first()
    )
    assert "PME" in event.before and "pme" in event.after


def test_delete_only_an_empty_portfolio_other_than_the_default(admin):
    default = Portfolio.get(Portfolio.is_default)
    full = Portfolio.get(Portfolio.name == "CLIENTS PME")
    with pytest.raises(Invalid, match="ne peut pas être supprimé"):
        portfolio_deletion.delete_portfolio(admin, default.id)
    with pytest.raises(Invalid, match="contient 3 entreprise"):
        portfolio_deletion.delete_portfolio(admin, full.id)
    empty = portfolios.create_portfolio(admin, "VIDE", "", [str(admin.id)])
    portfolio_deletion.delete_portfolio(admin, empty.id)
    assert not Portfolio.select().where(Portfolio.id == empty.id).exists()
    assert AuditEvent.select().where(AuditEvent.action == "portfolio.delete").count() == 1


def test_removing_a_declarant_plans_then_removes_their_habilitations_there(admin):
    default = Portfolio.get(Portfolio.is_default)
    paul = demo_user("DURAND")
    here = (Habilitation.select().join(Establishment).join(Company)
            .where((Habilitation.user == paul.id) & (Company.portfolio == default.id)).count())
    everywhere = Habilitation.select().where(Habilitation.user == paul.id).count()
    assert 0 < here < everywhere  # the demo grants Paul the DSN in both portfolios
    keep = [i for i in portfolios.portfolio_declarant_ids(default) if i != str(paul.id)]
    plan = portfolios.plan_declarants(admin, default.id, keep)
    assert (plan.removed, plan.removed_names, plan.habilitations_removed) == (
        {paul.id},
        ["DURAND Paul"],
        here,
    )
    portfolios.set_declarants(admin, default.id, keep)
    assert not PortfolioDeclarant.select().where((PortfolioDeclarant.portfolio == default.id)
                                                 & (PortfolioDeclarant.user == paul.id)).exists()
    assert Habilitation.select().where(Habilitation.user == paul.id).count() == everywhere - here
    event = (
        AuditEvent.select()
        .where(AuditEvent.action == "portfolio.declarants")
        .order_by(AuditEvent.id.desc())
        .get()
    )
    assert "DURAND Paul" in event.before


def test_another_firms_portfolio_is_not_found_and_declarants_are_refused(admin):
    firm, other_admin, [other_declarant] = make_firm()
    theirs = portfolios.create_portfolio(other_admin, "AUTRE")
    for call in (lambda: portfolios.get_portfolio(admin, theirs.id),
                 lambda: portfolios.update_portfolio(admin, theirs.id, "X"),
                 lambda: portfolio_deletion.delete_portfolio(admin, theirs.id),
                 lambda: portfolios.set_declarants(admin, theirs.id, [])):
        with pytest.raises(NotFound):
            call()
    with pytest.raises(Forbidden):
        portfolio_list.list_portfolios(other_declarant)


@pytest.mark.parametrize("db_engine", ["postgresql"], indirect=True)
def test_the_same_name_created_at_the_same_moment_gets_the_sequential_refusal(admin):
    other = Portfolio.insert(firm=admin.firm_id, name="Clients 2027", name_key="clients 2027", comment="",
                             is_default=False, created_at=clock.now())
    outcome = meanwhile(other, lambda: portfolios.create_portfolio(admin, "CLIENTS 2027"))
    assert outcome["error"].errors == {
        "name": "Un portefeuille nommé « CLIENTS 2027 » existe déjà dans votre cabinet."}
    assert Portfolio.select().where(Portfolio.name_key == "clients 2027").count() == 1


def test_the_comment_is_limited_and_free_french_text(admin):
    portfolio = Portfolio.get(Portfolio.name == "CLIENTS PME")
    with pytest.raises(Invalid) as refused:
        portfolios.update_portfolio(admin, portfolio.id, "CLIENTS PME", "x" * 10_000_000)
    assert refused.value.errors == {"comment": "Saisissez au plus 2\u202f000 caractères."}
    with pytest.raises(Invalid) as refused:
        portfolios.update_portfolio(admin, portfolio.id, "CLIENTS PME", "é" * 2001)
    assert refused.value.errors == {"comment": "Saisissez au plus 2\u202f000 caractères (2\u202f001 saisis)."}
    with pytest.raises(Invalid) as refused:
        portfolios.create_portfolio(admin, "PME 2", "Clients \u202eSUD")
    assert refused.value.errors == {"comment": fields.HOSTILE_CONTROL}
    comment = "DSN et DPAE = même délai ? -- voir <mail> ; \"urgent\"\nLigne 2"
    portfolios.update_portfolio(admin, portfolio.id, "CLIENTS PME", comment)
    assert Portfolio.get_by_id(portfolio.id).comment == comment


@pytest.mark.parametrize("db_engine", ["postgresql"], indirect=True)
def test_the_same_declarants_added_at_the_same_moment_are_added_once(admin):
    portfolio = portfolios.create_portfolio(admin, "NOUVEAUX")
    paul = demo_user("DURAND")
    other = PortfolioDeclarant.insert(portfolio=portfolio.id, user=paul.id)
    outcome = meanwhile(other, lambda: portfolios.set_declarants(admin, portfolio.id, [str(paul.id)]))
    assert "error" not in outcome
    assert portfolios.portfolio_declarant_ids(portfolio) == {str(paul.id)}

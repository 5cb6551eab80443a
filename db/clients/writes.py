"""The set-based writes that put a client company and its establishments into a portfolio, move
it to another portfolio, and take them out again.

Callers validate first (see db/clients/composition.py and db/clients/companies.py); these
functions only write, inside the caller's transaction, with a constant number of queries whatever
the number of establishments: establishments are copied from the directory with one INSERT … SELECT.
They also keep the maintained counts (db/counts.py) of portfolios, companies and their declarations,
and of rights (delete_habilitations): a write of companies, establishments or habilitations that
does not go through them must call counts.add or counts.recount itself.
"""
from peewee import Case, Value, chunked, fn

from db import clock, counts
from db.bulk import IDS_PER_QUERY
from db.clients.search import stored_search_text
from db.models import (
    COMPANY_DECLARATION_ESTABLISHMENTS,
    COMPANY_ESTABLISHMENTS,
    PORTFOLIO_COMPANIES,
    PORTFOLIO_ESTABLISHMENTS,
    USER_DECLARATION_BOXES,
    USER_DECLARATION_RIGHTS,
    BoxTally,
    Company,
    CompanyDeclaration,
    DirectoryEstablishment,
    Establishment,
    EstablishmentDeclaration,
    Habilitation,
    PortfolioDeclaration,
    RemovedEstablishment,
    RightTally,
    cell_holders,
)
from db.models.box_tally import box_deltas

DE = DirectoryEstablishment


def _word(column):
    """column followed by a space, or '' when NULL (NULL || ' ' is NULL on both engines)."""
    return fn.COALESCE(column.concat(" "), "")


def directory_street():
    """SQL for the address line of a directory establishment: "10 RUE DE LA VALLEE"."""
    return fn.TRIM(_word(DE.complement).concat(_word(DE.numero)).concat(_word(DE.indice)).concat(
        _word(DE.type_voie)).concat(_word(DE.libelle_voie)))


def directory_postcode():
    """The postcode people write (the CEDEX code for a CEDEX address), '' when unknown."""
    cedex = fn.COALESCE(DE.cedex, DE.code_postal)
    return fn.COALESCE(Case(None, [(DE.libelle_cedex.is_null(False), cedex)], DE.code_postal), "")


def directory_town():
    """The town (the CEDEX office's name for a CEDEX address; the town and country abroad)."""
    city = Case(None, [(DE.libelle_cedex.is_null(False), DE.libelle_cedex)], DE.commune)
    return fn.TRIM(_word(city).concat(_word(DE.commune_etranger)).concat(_word(DE.pays_etranger)))


def directory_address():
    """SQL for DirectoryEstablishment.address: the same one-line address, computed by the database,
    so that registering thousands of establishments needs no row in Python."""
    street = _word(DE.complement).concat(_word(DE.numero)).concat(_word(DE.indice)).concat(
        _word(DE.type_voie)).concat(_word(DE.libelle_voie))
    city = Case(None, [(
        DE.libelle_cedex.is_null(False),
        _word(fn.COALESCE(DE.cedex, DE.code_postal)).concat(_word(DE.libelle_cedex)),
    )], _word(DE.code_postal).concat(_word(DE.commune)))
    abroad = _word(DE.commune_etranger).concat(_word(DE.pays_etranger))
    return fn.TRIM(street.concat(city).concat(abroad))


def directory_name():
    """The establishment's own name (enseigne, else dénomination usuelle), '' when it has none."""
    return fn.COALESCE(DE.enseigne, DE.denomination_usuelle, "")


def directory_is_active():
    return Case(None, [(DE.etat == "F", False)], True)


def active_in_directory():
    """Condition on DirectoryEstablishment: not closed (unknown state counts as active)."""
    return DE.etat.is_null() | (DE.etat != "F")


def registered_columns(company_name):
    """[(Establishment field, SQL over the directory row)] of an establishment registered from the
    directory, its search text included (company_name: SQL or a value)."""
    name, street, town = directory_name(), directory_street(), directory_town()
    postcode = directory_postcode()
    return [
        (Establishment.siret, DE.siret), (Establishment.name, name),
        (Establishment.address, directory_address()),
        (Establishment.street, street), (Establishment.postcode, postcode), (Establishment.town, town),
        (Establishment.search_text, stored_search_text(DE.siret, name, street, postcode, town, company_name)),
        (Establishment.is_siege, DE.is_siege), (Establishment.is_active, directory_is_active()),
    ]


def copy_establishments(company, sirets=None):
    """Register establishments of the company from the directory: all the active ones, or exactly
    sirets. One INSERT … SELECT; returns how many were registered (and counted)."""
    columns = registered_columns(Value(company.name))
    source = DE.select(
        Value(company.firm_id), Value(company.id), *(sql for _, sql in columns), Value(clock.now()),
    ).where(DE.siren == company.siren)
    source = (
        source.where(active_in_directory()) if sirets is None else source.where(DE.siret.in_(list(sirets)))
    )
    registered = Establishment.insert_from(source, [
        Establishment.firm, Establishment.company, *(field for field, _ in columns),
        Establishment.registered_at,
    ]).as_rowcount().execute()
    counts.add(PORTFOLIO_ESTABLISHMENTS, {company.portfolio_id: registered})
    counts.add(COMPANY_ESTABLISHMENTS, {company.id: registered})
    return registered


def register_company(firm_id, portfolio_id, unit, establishments=None):
    """Create the company, its establishments and the declarations it inherits from the portfolio.

    establishments: directory rows or SIRETs to register; None registers all the active ones.
    Returns the Company.
    """
    company = Company.create(firm=firm_id, portfolio=portfolio_id, siren=unit.siren, name=unit.name,
                             added_at=clock.now())
    counts.add(PORTFOLIO_COMPANIES, {portfolio_id: 1})
    sirets = None if establishments is None else [getattr(e, "siret", e) for e in establishments]
    if sirets != []:
        copy_establishments(company, sirets)
    inherit_portfolio_declarations(company)
    return company


def move_company(company, portfolio_id):
    """Put the company (and so its establishments) in another portfolio of its firm."""
    cell_holders.shift_portfolio_gaps([company.id], -1)  # the Couverture's sums follow the company
    Company.update(portfolio=portfolio_id).where(Company.id == company.id).execute()
    cell_holders.shift_portfolio_gaps([company.id], 1)
    establishments = Establishment.select().where(Establishment.company == company.id).count()
    source, company.portfolio_id = company.portfolio_id, portfolio_id
    counts.add(PORTFOLIO_COMPANIES, {source: -1, portfolio_id: 1})
    counts.add(PORTFOLIO_ESTABLISHMENTS, {source: -establishments, portfolio_id: establishments})


def inherit_portfolio_declarations(company, establishment_ids=None):
    """Give the company (and its establishments, or only establishment_ids) the portfolio's
    declarations, in two INSERT … SELECT statements."""
    existing = CompanyDeclaration.select(CompanyDeclaration.declaration).where(
        CompanyDeclaration.company == company.id
    )
    CompanyDeclaration.insert_from(
        PortfolioDeclaration.select(Value(company.id), PortfolioDeclaration.declaration).where(
            (PortfolioDeclaration.portfolio == company.portfolio_id)
            & PortfolioDeclaration.declaration.not_in(existing)
        ),
        [CompanyDeclaration.company, CompanyDeclaration.declaration],
    ).execute()
    _give_declarations(company, PortfolioDeclaration, PortfolioDeclaration.portfolio == company.portfolio_id,
                       establishment_ids)


def inherit_company_declarations(company, establishment_ids):
    """Give newly registered establishments the declarations selected for their company."""
    _give_declarations(
        company, CompanyDeclaration, CompanyDeclaration.company == company.id, establishment_ids
    )


def _give_declarations(company, link, condition, establishment_ids):
    targets = Establishment.select(Establishment.id).where(Establishment.company == company.id)
    if establishment_ids is not None:
        targets = targets.where(Establishment.id.in_(list(establishment_ids)))
    pairs = (
        Establishment.select(Establishment.id, link.declaration)
        .join(link, on=condition)
        .where(Establishment.id.in_(targets))
        .where(
            ~fn.EXISTS(
                EstablishmentDeclaration.select(EstablishmentDeclaration.id).where(
                    (EstablishmentDeclaration.establishment == Establishment.id)
                    & (EstablishmentDeclaration.declaration == link.declaration)
                )
            )
        )
    )
    EstablishmentDeclaration.insert_from(
        pairs, [EstablishmentDeclaration.establishment, EstablishmentDeclaration.declaration]
    ).execute()
    # No recount of the Couverture's holders: a cell without its link holds no habilitation (removing
    # a declaration deletes them), so the new links start at 0.
    recount_declarations([company.id])  # its establishments and their declarations are settled


def unregister_establishments(company, establishment_ids):
    """Delete establishments of the company with their habilitations and declarations (three
    statements), and count them out; establishment_ids: a list, or a query selecting ids."""
    ids = list(establishment_ids) if isinstance(establishment_ids, (list, set, tuple)) else establishment_ids
    delete_habilitations(Habilitation.establishment.in_(ids))
    EstablishmentDeclaration.delete().where(EstablishmentDeclaration.establishment.in_(ids)).execute()
    removed = Establishment.delete().where(
        (Establishment.company == company.id) & Establishment.id.in_(ids)).execute()
    counts.add(PORTFOLIO_ESTABLISHMENTS, {company.portfolio_id: -removed})
    counts.add(COMPANY_ESTABLISHMENTS, {company.id: -removed})
    recount_declarations([company.id])
    return removed


def remember_removed(company, sirets):
    """Establishments unregistered on purpose: never offered again as new (db/models/watch.py)."""
    rows = [{"firm": company.firm_id, "company": company.id, "siret": s, "removed_at": clock.now()}
            for s in sirets]
    for batch in chunked(rows, 500):
        RemovedEstablishment.insert_many(batch).on_conflict_ignore().execute()


def forget_removed(company, sirets):
    """Registered again: no longer set aside."""
    for batch in chunked(list(sirets), IDS_PER_QUERY):
        RemovedEstablishment.delete().where(
            (RemovedEstablishment.company == company.id) & RemovedEstablishment.siret.in_(batch)).execute()


def recount_declarations(company_ids):
    """Recount the establishments of companies (ids, or a query of ids) with each of their declarations
    selected: after a change of the declarations chosen or of the establishments."""
    counts.recount(COMPANY_DECLARATION_ESTABLISHMENTS, CompanyDeclaration.company.in_(company_ids))
    cell_holders.recount_companies(company_ids)  # the Couverture's gaps per company


def delete_habilitations(condition):
    """Delete the habilitations matching condition and recount the rights they held (the tiles).
    The caller's transaction took its firm's lock first (lock_firm), as a Valider of the grid does:
    both count rights out of the tally and the Couverture's holders from what they read, so two at
    once would count the same rights out twice."""
    pairs = Habilitation.select(Habilitation.user, Habilitation.declaration).where(condition).distinct()
    users, declarations = set(), set()
    for user_id, declaration_id in pairs.tuples():
        users.add(user_id)
        declarations.add(declaration_id)
    if users:  # the grid's tally loses the rows about to go
        counts.add_to_tally(USER_DECLARATION_BOXES, box_deltas(-1, condition),
                            BoxTally.user.in_(sorted(users)))
    if users:  # the Couverture's holders per cell lose them too
        cell_holders.add_deltas(cell_holders.row_deltas(condition))
    Habilitation.delete().where(condition).execute()
    if users:
        counts.recount(USER_DECLARATION_RIGHTS,
                       RightTally.user.in_(sorted(users)) & RightTally.declaration.in_(sorted(declarations)))


def delete_company(company):
    """Delete a company and everything registered under it, set-based."""
    unregister_establishments(
        company, Establishment.select(Establishment.id).where(Establishment.company == company.id)
    )
    CompanyDeclaration.delete().where(CompanyDeclaration.company == company.id).execute()
    Company.delete().where(Company.id == company.id).execute()
    counts.add(PORTFOLIO_COMPANIES, {company.portfolio_id: -1})

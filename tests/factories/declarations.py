"""The declarations catalogue as the tests read it."""
from db.models import Declaration


def declaration(code):
    return Declaration.get(Declaration.code == code)


def selected_codes(link, owner_field, owner_id):
    """Codes selected at one level, e.g.
    selected_codes(PortfolioDeclaration, PortfolioDeclaration.portfolio, portfolio_id)."""
    return sorted(
        r.declaration.code
        for r in link.select(link, Declaration).join(Declaration).where(owner_field == owner_id)
    )

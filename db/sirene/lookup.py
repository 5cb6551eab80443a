"""Lookups in the local directory (no firm data here: the directory is public reference data)."""
from peewee import Case

from db.models import DirectoryEstablishment, DirectoryUnit


def find_unit(siren):
    return DirectoryUnit.get_or_none(DirectoryUnit.siren == siren)


def find_establishment(siret):
    return DirectoryEstablishment.get_or_none(DirectoryEstablishment.siret == siret)


def establishments_of(siren):
    """All establishments of a SIREN: active first, then the siège first, then by SIRET."""
    closed_last = Case(None, [(DirectoryEstablishment.etat == "F", 1)], 0)
    return (
        DirectoryEstablishment.select()
        .where(DirectoryEstablishment.siren == siren)
        .order_by(closed_last, DirectoryEstablishment.is_siege.desc(), DirectoryEstablishment.siret)
    )


def company_with_establishments(siren):
    """(unit, [establishments]) for a SIREN, or (None, []) when the directory does not know it."""
    unit = find_unit(siren)
    if unit is None:
        return None, []
    return unit, list(establishments_of(siren))

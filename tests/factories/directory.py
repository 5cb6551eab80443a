"""The Sirene directory the tests use: SIRENs of the bundled sample with a known story, valid SIRENs
outside it, fake companies of any size, and the sample put back after a test changed it."""
import csv
import functools

from peewee import chunked
from stdnum import luhn

from db.models import DirectoryEstablishment, DirectoryUnit
from db.sirene import import_files
from tests.factories.database import SAMPLE_FILES

LA_POSTE = "356000000"  # 1,762 establishments in the sample, 1,282 active
AUBADE = "775695901"  # AUBADE PARIS: 2 active establishments
DANONE = "552032534"  # in the demo's Portefeuille par défaut
CEASED = "839517323"  # RED NEEDLES, cessée
NO_ACTIVE = "338403827"  # LA POSTE unit whose 2 establishments are closed
UNKNOWN = "732829320"  # valid key, not in the sample


def valid_siren(base):
    """A SIREN with a correct Luhn key from 8 digits: valid_siren("90000001")."""
    return base + luhn.calc_check_digit(base)


def add_fake_company(siren, establishments, firm=None, portfolio=None, prefix="FAKE"):
    """A company of `establishments` active establishments in the directory (and, with firm and
    portfolio, registered as a client the way the portal registers one), for sizes the sample lacks."""
    DirectoryUnit.insert(siren=siren, denomination=f"{prefix} {siren}", etat="A").execute()
    rows = [{"siret": f"{siren}{i:05d}", "siren": siren, "nic": f"{i:05d}", "is_siege": i == 1, "etat": "A",
             "numero": str(i), "type_voie": "RUE", "libelle_voie": "DU TEST", "code_postal": "75015",
             "commune": "PARIS"} for i in range(1, establishments + 1)]
    for batch in chunked(rows, 500):
        DirectoryEstablishment.insert_many(batch).execute()
    if firm is not None:
        from db.clients.writes import register_company

        return register_company(firm.id, portfolio.id, DirectoryUnit.get_by_id(siren))
    return None


@functools.cache
def _sample_keys():
    with open(SAMPLE_FILES[0], encoding="utf-8") as units, open(SAMPLE_FILES[1], encoding="utf-8") as sites:
        return [row["siren"] for row in csv.DictReader(units)], [
            row["siret"] for row in csv.DictReader(sites)
        ]


def restore_directory():
    """Put the bundled sample back as it was: what a test added goes, what it changed is imported
    again (PostgreSQL keeps the directory between tests; SQLite tests work on their own copy)."""
    sirens, sirets = _sample_keys()
    DirectoryEstablishment.delete().where(DirectoryEstablishment.siret.not_in(sirets)).execute()
    DirectoryUnit.delete().where(DirectoryUnit.siren.not_in(sirens)).execute()
    import_files(SAMPLE_FILES)

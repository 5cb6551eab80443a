"""The local Sirene directory: import of INSEE stock files and lookups by SIREN / SIRET."""
from db.sirene.importer import SireneImportError, import_files
from db.sirene.lookup import company_with_establishments, find_establishment, find_unit

__all__ = [
    "SireneImportError",
    "company_with_establishments",
    "find_establishment",
    "find_unit",
    "import_files",
]

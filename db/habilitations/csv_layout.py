"""The bulk file: one CSV layout whose lines add or remove companies, establishments, the declarations
of a portfolio, a company or an establishment, and set habilitations (net-entreprises' files of
establishments, of declarations and of habilitations, in one).

`;` separated, UTF-8 (a spreadsheet's "CSV Windows" is read too), a header row naming the columns
(any order; accents and case ignored, so the « Siren », « Siret » of files written before the layout
spelled them « SIREN », « SIRET » still read), then one line per change:

    Type;Action;Portefeuille;SIREN;SIRET;Déclaration;Nom;Prénom;Déclarer;Payer;Jusqu’au;Libellé

- Entreprise   Ajouter|Retirer  Portefeuille (to add), SIREN: the company with its active establishments
- Établissement Ajouter|Retirer  SIRET: one establishment of a company of the firm
- Déclaration  Ajouter|Retirer  Déclaration (code or label) for the most precise of SIRET, SIREN,
                                Portefeuille that is filled: an establishment, a company, a portfolio
- Habilitation Modifier         SIRET, Déclaration, Nom, Prénom; Déclarer and Payer: 1 grants, 0 removes,
                                empty leaves the right as it is; Jusqu’au (optional, jj/mm/aaaa): the
                                end of the rights the line grants (the export writes the current end)
Libellé is free text (the export writes the names there); Portefeuille, when filled on other lines,
must be the portfolio of the company. The export of the current state uses the same layout: importing
it again changes nothing.
"""

import csv
import io
from dataclasses import dataclass, field

from db.formats.csv_files import BOM, FORMULA_STARTS, SEPARATOR, rows_text, safe_cell
from db.text import fold

MAX_BYTES = 5 * 1024 * 1024
MAX_BYTES_TEXT = "5 Mo"
MAX_LINES = 50_000
COLUMNS = [
    "Type",
    "Action",
    "Portefeuille",
    "SIREN",
    "SIRET",
    "Déclaration",
    "Nom",
    "Prénom",
    "Déclarer",
    "Payer",
    "Jusqu’au",
    "Libellé",
]
KEYS = [
    "type",
    "action",
    "portfolio",
    "siren",
    "siret",
    "declaration",
    "nom",
    "prenom",
    "declare",
    "pay",
    "until",
    "label",
]
REQUIRED = ("type", "action")
COMPANY, ESTABLISHMENT, DECLARATION, HABILITATION = (
    "Entreprise",
    "Établissement",
    "Déclaration",
    "Habilitation",
)
TYPES = {fold(t): t for t in (COMPANY, ESTABLISHMENT, DECLARATION, HABILITATION)}
ADD, REMOVE, SET = "Ajouter", "Retirer", "Modifier"
ACTIONS = {fold(a): a for a in (ADD, REMOVE, SET)}


class FileError(Exception):
    """The file as a whole cannot be read (the message says why, in French)."""


@dataclass
class Line:
    """One line of the file, as typed (values stripped), and what the check made of it."""

    number: int
    values: dict
    type: str = ""
    action: str = ""
    status: str = ""  # OK, OK partiel, KO
    messages: list = field(default_factory=list)
    apply: object = None  # what the line asks, once checked (see csv_check)

    def get(self, key):
        return self.values.get(key, "")


def decode(data):
    """The text of an uploaded file, or FileError (empty, too big)."""
    if not data or not data.strip():
        raise FileError("Le fichier est vide.")
    if len(data) > MAX_BYTES:
        raise FileError(
            f"Le fichier dépasse la taille maximale de {MAX_BYTES_TEXT} : découpez-le en plusieurs fichiers."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # saved by a spreadsheet as "CSV Windows"
    text = text.lstrip(BOM)
    if not text.strip():
        raise FileError("Le fichier est vide.")
    return text


def _label_key(label):
    """A column's name as matched: no case, accents, spaces, nor difference between ' and ’."""
    return fold(label).replace(" ", "").replace("\u2019", "'")


def _header(names):
    """{key: column index} from the header row (columns absent from older files stay empty)."""
    wanted = {_label_key(label): key for label, key in zip(COLUMNS, KEYS, strict=True)}
    found = {}
    for index, name in enumerate(names):
        key = wanted.get(_label_key(name))
        if key is None and name.strip():
            raise FileError(
                f"Colonne non reconnue : « {name.strip()} ». Les colonnes sont "
                f"{', '.join(COLUMNS)} : partez du modèle vierge ou d'un export."
            )
        if key is not None:
            found[key] = index
    missing = [
        label for label, key in zip(COLUMNS, KEYS, strict=True) if key in REQUIRED and key not in found
    ]
    if missing:
        raise FileError(
            f"En-tête incomplet : colonne(s) {', '.join(missing)} absente(s). Partez du modèle vierge "
            "ou d'un export."
        )
    return found


def read(data):
    """The lines of a file (empty lines skipped), or FileError."""
    text = decode(data)
    first = text.splitlines()[0]
    if SEPARATOR not in first:
        raise FileError(
            "Séparateur incorrect : les colonnes doivent être séparées par des points-virgules (;), "
            "comme dans le modèle vierge."
            if ("," in first or "\t" in first)
            else "En-tête non reconnu : la première ligne doit nommer les colonnes "
            "(« Type;Action;Portefeuille;… »)."
        )
    rows = csv.reader(io.StringIO(text), delimiter=SEPARATOR)
    try:
        columns = _header(next(rows))
        lines = []
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue
            if len(lines) == MAX_LINES:
                raise FileError(
                    f"Le fichier dépasse {MAX_LINES:,} lignes : découpez-le.".replace(",", "\u202f")
                )
            values = {key: _unformula(row[i].strip()) if i < len(row) else "" for key, i in columns.items()}
            lines.append(Line(rows.line_num, values))
    except csv.Error as exc:
        raise FileError(f"Fichier CSV illisible : {exc}.") from None
    if not lines:
        raise FileError("Le fichier ne contient aucune ligne (seulement l'en-tête).")
    return lines


def _unformula(value):
    return value[1:] if value.startswith("'") and value[1:2] in FORMULA_STARTS else value


# Cells a spreadsheet would take for a formula are written with a leading apostrophe (db/formats/csv_files),
# removed on import by _unformula.
neutral = safe_cell
write = rows_text


def header_text():
    return BOM + write([COLUMNS])

"""What a line of the bulk file names — a SIREN, a SIRET, a portfolio, a client company, a declaration —
found in the check's FirmState, or refused with the reason (Refused)."""
import functools

from db.identifiers import clean, siren_error, siret_error
from db.text import fold as fold_text

# The same few portfolios, people, declarations and words come back on thousands of lines.
fold = functools.lru_cache(maxsize=65_536)(fold_text)


class Refused(Exception):
    """A line that cannot be applied; the message says why."""


def once(touched, key, line):
    if key in touched:
        raise Refused(f"déjà traitée ligne {touched[key]} : une seule ligne par objet")
    touched[key] = line.number


def number(line, key, check, *known):
    """The cleaned SIREN or SIRET of the line; a number the firm or the directory already knows is
    taken as it is (the directory is the reference, its keys are never checked)."""
    value = clean(line.get(key))
    if any(value in names for names in known):
        return value
    error = check(value)
    if error:
        raise Refused(error)
    return value


def siren(state, line):
    return number(line, "siren", siren_error, state.clients, state.units)


def siret(state, line):
    return number(line, "siret", siret_error, state.registered, state.directory)


def portfolio(state, line, required=True):
    name = line.get("portfolio")
    if not name:
        if required:
            raise Refused("indiquez le portefeuille")
        return None
    portfolio = state.portfolios.get(fold(name))
    if portfolio is None:
        raise Refused(f"portefeuille « {name} » inconnu dans votre cabinet")
    return portfolio


def client(state, line, siren):
    client = state.clients.get(siren)
    if client is None:
        raise Refused(f"l'entreprise {siren} n'est dans aucun de vos portefeuilles")
    chosen = portfolio(state, line, required=False)
    if chosen is not None and chosen.id != client.portfolio.id:
        raise Refused(
            f"l'entreprise {siren} est dans le portefeuille « {client.portfolio.name} », pas dans "
            f"« {chosen.name} »"
        )
    return client


def declaration(state, line):
    declaration = state.catalogue.get(fold(line.get("declaration")))
    if declaration is None:
        raise Refused(f"déclaration « {line.get('declaration')} » inconnue du catalogue")
    return declaration


def level(line):
    if line.get("siret"):
        return "establishment"
    return "company" if line.get("siren") else "portfolio"

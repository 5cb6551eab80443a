"""Optional online source for the directory: INSEE's API Sirene 3.11.

When a SIREN is missing from the local directory and SIRENE_API_URL is configured, the company
and all its establishments are fetched with `/siret?q=siren:…`, paged with `curseur`, and stored
in the local directory (by the caller, inside its transaction). Every failure of the source
(timeout, unknown SIREN, quota, refused key, server error) becomes a French message and nothing
is written.
"""
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from db import clock
from db.models import DirectoryEstablishment, DirectoryUnit
from db.sirene.columns import ESTABLISHMENT_COLUMNS

PAGE_SIZE = 1000  # the API's maximum per call
MAX_PAGES = 50
NOTHING_WRITTEN = " Aucune donnée n'a été enregistrée."
TIMEOUT = ("Le référentiel Sirene en ligne (API Sirene de l'INSEE) n'a pas répondu à temps : "
           "réessayez dans quelques minutes." + NOTHING_WRITTEN)

UNIT_FIELDS = {
    "denominationUniteLegale": "denomination",
    "sigleUniteLegale": "sigle",
    "nomUniteLegale": "nom",
    "prenom1UniteLegale": "prenom",
    "categorieJuridiqueUniteLegale": "categorie_juridique",
    "activitePrincipaleUniteLegale": "activite",
    "etatAdministratifUniteLegale": "etat",
    "statutDiffusionUniteLegale": "statut_diffusion",
    "nicSiegeUniteLegale": "nic_siege",
    "dateCreationUniteLegale": "date_creation",
    "dateDernierTraitementUniteLegale": "updated_at",
}
ESTABLISHMENT_FIELDS = {
    "statutDiffusionEtablissement": "statut_diffusion",
    "dateCreationEtablissement": "date_creation",
    "dateDernierTraitementEtablissement": "updated_at",
}
# The API names its address fields like the stock file's columns: same mapping, one source.
ADDRESS_FIELDS = {
    column: field for column, field in ESTABLISHMENT_COLUMNS.items()
    if column.endswith("Etablissement") and field in (
        "complement", "numero", "indice", "type_voie", "libelle_voie", "code_postal", "commune",
        "code_commune", "cedex", "libelle_cedex", "commune_etranger", "pays_etranger")
}
PERIOD_FIELDS = {
    "etatAdministratifEtablissement": "etat",
    "enseigne1Etablissement": "enseigne",
    "denominationUsuelleEtablissement": "denomination_usuelle",
    "activitePrincipaleEtablissement": "activite",
}


class OnlineDirectoryError(Exception):
    """The online source failed; str() is the French message shown next to the field."""


class _Throttled(Exception):
    def __init__(self, wait):
        super().__init__(wait)
        self.wait = wait


def _retry_after(value):
    """Seconds to wait from a Retry-After header (a number of seconds; 60 when absent or a date)."""
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 60


def _clean(value, limit):
    if value is None:
        return None
    text = str(value).strip()
    if text in ("", "[ND]"):
        return None
    return text[:limit] if limit else text


def _pick(source, mapping, model):
    limits = {f.name: getattr(f, "max_length", None) for f in model._meta.sorted_fields}
    return {field: _clean((source or {}).get(key), limits.get(field)) for key, field in mapping.items()}


def _current_period(item):
    periods = item.get("periodesEtablissement") or [{}]
    current = [p for p in periods if not p.get("dateFin")]
    return (current or periods)[0]


class SireneApi:
    """Client of the API Sirene 3.11 (base_url like https://…/api-sirene/3.11)."""

    def __init__(self, base_url, api_key, timeout=10.0, retries=0, max_wait=60, sleep=time.sleep):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        # On a 429 (quota), wait what Retry-After says (at most max_wait seconds) and try again, at
        # most `retries` times; the page of the portal asks once (retries=0), the daily update waits.
        self.retries, self.max_wait, self.sleep = retries, max_wait, sleep

    def get(self, params):
        for attempt in range(self.retries + 1):
            try:
                return self._get_once(params)
            except _Throttled as throttled:
                if attempt == self.retries or throttled.wait > self.max_wait:
                    raise OnlineDirectoryError(_http_message(429)) from None
                self.sleep(throttled.wait)
        raise AssertionError("unreachable")

    def _get_once(self, params):
        url = f"{self.base_url}/siret?{urllib.parse.urlencode(params)}"
        request = urllib.request.Request(url, headers={
            "Accept": "application/json", "X-INSEE-Api-Key-Integration": self.api_key or "",
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            if exc.code == 429:
                raise _Throttled(_retry_after(exc.headers.get("Retry-After"))) from None
            raise OnlineDirectoryError(_http_message(exc.code)) from None
        except TimeoutError:
            raise OnlineDirectoryError(TIMEOUT) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise OnlineDirectoryError(TIMEOUT) from None
            raise OnlineDirectoryError(
                "Le référentiel Sirene en ligne (API Sirene de l'INSEE) est injoignable." + NOTHING_WRITTEN
            ) from None
        except (ValueError, UnicodeDecodeError):
            raise OnlineDirectoryError(
                "Le référentiel Sirene en ligne a renvoyé une réponse illisible." + NOTHING_WRITTEN) from None

    def fetch_company(self, siren):
        """(unit row, [establishment rows]) as directory dicts, or None when the API does not
        know the SIREN. Follows curseurSuivant until it stops changing."""
        items, cursor = [], "*"
        for _ in range(MAX_PAGES):
            page = self.get({"q": f"siren:{siren}", "nombre": PAGE_SIZE, "curseur": cursor})
            if page is None:
                break
            items.extend(page.get("etablissements") or [])
            header = page.get("header") or {}
            following = header.get("curseurSuivant")
            if not following or following == header.get("curseur", cursor):
                break
            cursor = following
        items = [i for i in items if i.get("siren") == siren and i.get("siret")]
        if not items:
            return None
        return unit_row(siren, items), [establishment_row(i) for i in items]


def _http_message(status):
    if status == 429:
        return ("Quota de l'API Sirene de l'INSEE atteint (trop de requêtes) : réessayez dans une minute."
                + NOTHING_WRITTEN)
    if status in (401, 403):
        return ("L'API Sirene de l'INSEE refuse la clé configurée (SIRENE_API_KEY) : "
                "prévenez l'administrateur du portail." + NOTHING_WRITTEN)
    return f"Le référentiel Sirene en ligne est indisponible (erreur {status})." + NOTHING_WRITTEN


def unit_row(siren, items):
    siege = next((i for i in items if i.get("etablissementSiege")), items[0])
    row = _pick(siege.get("uniteLegale"), UNIT_FIELDS, DirectoryUnit)
    return {"siren": siren, **row, "imported_at": clock.now()}


def establishment_row(item):
    siret = item["siret"]
    return {
        "siret": siret, "siren": siret[:9], "nic": item.get("nic") or siret[9:],
        "is_siege": bool(item.get("etablissementSiege")),
        **_pick(item, ESTABLISHMENT_FIELDS, DirectoryEstablishment),
        **_pick(item.get("adresseEtablissement"), ADDRESS_FIELDS, DirectoryEstablishment),
        **_pick(_current_period(item), PERIOD_FIELDS, DirectoryEstablishment),
        "imported_at": clock.now(),
    }


def store(fetched):
    """Upsert a fetched (unit, establishments) into the local directory (caller's transaction)."""
    unit, establishments = fetched
    DirectoryUnit.insert(unit).on_conflict(
        conflict_target=[DirectoryUnit.siren],
        preserve=[DirectoryUnit._meta.fields[k] for k in unit if k != "siren"],
    ).execute()
    fields = [DirectoryEstablishment._meta.fields[k] for k in establishments[0] if k != "siret"]
    for start in range(0, len(establishments), 500):
        DirectoryEstablishment.insert_many(establishments[start:start + 500]).on_conflict(
            conflict_target=[DirectoryEstablishment.siret], preserve=fields,
        ).execute()

"""A local stand-in for INSEE's API Sirene 3.11 on loopback, answering `/siret?q=siren:…` in that
API's format (header with curseur / curseurSuivant, etablissements with uniteLegale,
adresseEtablissement and periodesEtablissement), and failing on demand: 404, 429, 403, 500,
a garbled body, or a response slower than the client's timeout."""
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_KEY = "cle-de-test"


def establishment(siren, nic, name, siege=False, state="A", ceased=False):
    return {
        "siren": siren,
        "nic": nic,
        "siret": siren + nic,
        "statutDiffusionEtablissement": "O",
        "dateCreationEtablissement": "2020-01-01",
        "etablissementSiege": siege,
        "dateDernierTraitementEtablissement": "2026-05-01T10:00:00",
        "uniteLegale": {
            "etatAdministratifUniteLegale": "C" if ceased else "A",
            "statutDiffusionUniteLegale": "O",
            "denominationUniteLegale": name,
            "sigleUniteLegale": None,
            "nomUniteLegale": None,
            "prenom1UniteLegale": None,
            "categorieJuridiqueUniteLegale": "5710",
            "activitePrincipaleUniteLegale": "62.01Z",
            "nicSiegeUniteLegale": "00012",
            "dateCreationUniteLegale": "2020-01-01",
            "dateDernierTraitementUniteLegale": "2026-05-01T10:00:00",
        },
        "adresseEtablissement": {
            "complementAdresseEtablissement": None,
            "numeroVoieEtablissement": str(int(nic) // 10 or 1),
            "indiceRepetitionEtablissement": None,
            "typeVoieEtablissement": "RUE",
            "libelleVoieEtablissement": "DE LA PAIX",
            "codePostalEtablissement": "75002",
            "libelleCommuneEtablissement": "PARIS",
            "codeCommuneEtablissement": "75102",
            "codeCedexEtablissement": None,
            "libelleCedexEtablissement": None,
            "libelleCommuneEtrangerEtablissement": None,
            "libellePaysEtrangerEtablissement": None,
        },
        "periodesEtablissement": [
            {
                "dateFin": None,
                "dateDebut": "2024-01-01",
                "etatAdministratifEtablissement": state,
                "enseigne1Etablissement": None,
                "denominationUsuelleEtablissement": None,
                "activitePrincipaleEtablissement": "62.01Z",
            },
            {
                "dateFin": "2023-12-31",
                "dateDebut": "2020-01-01",
                "etatAdministratifEtablissement": "A",
                "enseigne1Etablissement": "ANCIENNE ENSEIGNE",
                "denominationUsuelleEtablissement": None,
                "activitePrincipaleEtablissement": "62.01Z",
            },
        ],
    }


class FakeSirene:
    """companies: {siren: [establishment dicts]}; failures: {siren: "404" | "429" | "403" | "500" |
    "garbage" | "slow"}. requests records the query strings received."""

    def __init__(self):
        self.companies, self.failures, self.requests = {}, {}, []
        # The daily update (q=dateDernierTraitementEtablissement:[…]): its establishments, how many
        # 429 answers come first (with Retry-After), and the cursor whose page answers 500.
        self.updates, self.throttled, self.retry_after, self.failing_cursor = [], 0, "1", None
        self.delay = 1.0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802 - http.server's naming
                fake.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/api-sirene/3.11"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def handle(self, request):
        parsed = urllib.parse.urlparse(request.path)
        params = dict(urllib.parse.parse_qsl(parsed.query))
        self.requests.append(params)
        if parsed.path != "/api-sirene/3.11/siret":
            return self._send(request, 404, {"header": {"statut": 404, "message": "Ressource inconnue"}})
        if request.headers.get("X-INSEE-Api-Key-Integration") != API_KEY:
            return self._send(request, 401, {"header": {"statut": 401, "message": "Clé invalide"}})
        if params.get("q", "").startswith("dateDernierTraitementEtablissement:"):
            return self._update(request, params)
        siren = params.get("q", "").removeprefix("siren:")
        failure = self.failures.get(siren)
        if failure == "slow":
            time.sleep(self.delay)
        elif failure == "garbage":
            return self._send(request, 200, None, raw=b"<html>maintenance</html>")
        elif failure:
            status = int(failure)
            return self._send(request, status, {"header": {"statut": status, "message": "Erreur simulée"}})
        items = self.companies.get(siren, [])
        if not items:
            return self._send(
                request,
                404,
                {"header": {"statut": 404, "message": f"Aucun élément trouvé pour q=siren:{siren}"}},
            )
        self._page(request, params, items)

    def _update(self, request, params):
        if self.throttled:
            self.throttled -= 1
            return self._send(request, 429, {"header": {"statut": 429, "message": "Trop de requêtes"}},
                              headers={"Retry-After": self.retry_after})
        if params.get("curseur") == self.failing_cursor:
            return self._send(request, 500, {"header": {"statut": 500, "message": "Erreur simulée"}})
        if not self.updates:
            return self._send(request, 404, {"header": {"statut": 404, "message": "Aucun élément trouvé"}})
        self._page(request, params, self.updates)

    def _page(self, request, params, items):
        size = int(params.get("nombre", 20))
        cursor = params.get("curseur", "*")
        start = 0 if cursor == "*" else int(cursor.removeprefix("c"))
        page = items[start:start + size]
        following = f"c{start + size}" if start + size < len(items) else cursor
        self._send(request, 200, {
            "header": {"statut": 200, "message": "OK", "total": len(items), "debut": start,
                       "nombre": len(page), "curseur": cursor, "curseurSuivant": following},
            "etablissements": page,
        })

    def _send(self, request, status, body, raw=None, headers=None):
        data = raw if raw is not None else json.dumps(body).encode("utf-8")
        try:
            request.send_response(status)
            for name, value in (headers or {}).items():
                request.send_header(name, value)
            request.send_header("Content-Type", "application/json;charset=utf-8")
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

"""Gérer les habilitations at scale: 69,000 establishments (5,000 companies + one company of
9,000 establishments), 200 déclarants and about 1,000,000 habilitations (bench/scale_habilitations.py).

Prints the server time (Flask test client: routing, queries, templates; no network, no browser)
and the query count of:
  - grid pages: the 9,000-establishment company (first, middle and last page, 100 and 500 rows),
    a typical company, the 60,000-establishment portfolio, the whole firm, one déclarant;
  - "Tout (dé)cocher" then Valider over 60,000 cells (and the count shown before Valider);
  - the export of the big portfolio and the import of a 10,000-line file (check, then Valider).
Targets (issue 5): grid page < 100 ms; Tout (dé)cocher + Valider over 50,000 cells < 2 s;
import of a 10,000-line file < 5 s. Nothing is asserted: these are figures to read.

    .venv/bin/python -m bench.bench_habilitations                              # SQLite in a temporary folder
    .venv/bin/python -m bench.bench_habilitations --database postgresql://…    # an empty PostgreSQL database
"""
import io
import re
import statistics
import time

from bench.scale_data import build_from_arguments, scale_client
from bench.scale_habilitations import build_habilitation_scale
from db.database import database
from db.habilitations import csv_export as file_export
from db.models import Declaration, Establishment, Habilitation
from tests.factories.queries import count_queries

RUNS = 9
PAGE = "/gestion/habilitations"


def timed(call):
    start = time.perf_counter()
    result = call()
    return result, (time.perf_counter() - start) * 1000


def grid(client, label, url, hx=True):
    headers = {"HX-Request": "true"} if hx else None
    client.get(url, headers=headers)  # warm-up
    times = []
    for _ in range(RUNS):
        response, ms = timed(lambda: client.get(url, headers=headers))
        assert response.status_code == 200, (url, response.status_code)
        times.append(ms)
    with count_queries() as statements:
        page = client.get(url, headers=headers).get_data(as_text=True)
    caption = re.search(r"<caption>([^<]+)</caption>", page)
    caption = " ".join(caption.group(1).split()) if caption else "?"
    print(f"  {label:<52} {statistics.median(times):7.1f} ms (max {max(times):6.1f})  "
          f"{statements():2d} requêtes  [{caption}]")
    return page


def main():
    url, scale, seconds = build_from_arguments(__doc__, build_habilitation_scale, companies=5000,
                                               establishments=60000, declarants=200)
    print(f"Jeu de données : {scale.summary} ({seconds:.1f} s de construction)")

    _, client = scale_client(url, scale.firm)
    with database.connection_context():
        big, main_portfolio = scale.big_company.id, scale.portfolio.id
        typical = Establishment.select(Establishment.company).where(
            Establishment.company != big).order_by(Establishment.id).first().company_id
        person = scale.declarants[150]  # in the 60,000-establishment portfolio only
        member = scale.declarants[5]  # also a déclarant of the big company
        dpae = Declaration.get(Declaration.code == "DPAE").id
        soltea = Declaration.get(Declaration.code == "SOLTEA_EMPLOYEURS").id

    print("\nPages de la grille (cible : < 100 ms)")
    first = grid(
        client, "entreprise de 9 000 établissements, page 1 (page entière)", f"{PAGE}?company={big}", hx=False
    )
    pages = int(re.search(r"page 1 sur ([\d\u202f]+)", first).group(1).replace("\u202f", ""))
    for label, query in [
        ("entreprise de 9 000 établissements, page 1 (htmx)", f"company={big}"),
        ("  … page du milieu", f"company={big}&page={pages // 2}"),
        ("  … dernière page", f"company={big}&page={pages}"),
        ("  … 500 lignes par page", f"company={big}&per_page=500&page={pages // 10}"),
        ("  … un déclarant, un service", f"company={big}&declarant={member.id}&service={soltea}"),
        ("entreprise type (12 établissements × 201 personnes)", f"company={typical}"),
        ("portefeuille de 60 000 établissements, page 1", f"portfolio={main_portfolio}"),
        ("  … page du milieu", f"portfolio={main_portfolio}&page=300000"),
        ("tout le cabinet, page 1", "search=1"),
        ("  … page 2 000", "search=1&page=2000"),
        ("tout le cabinet, un déclarant, page 1", f"search=1&declarant={person.id}"),
        ("  … dernière page", f"search=1&declarant={person.id}&page=100000"),
        ("recherche par SIRET (un établissement)", f"search=1&siret={_a_siret(big)}"),
    ]:
        grid(client, label, f"{PAGE}?{query}")

    print("\n« Tout (dé)cocher » puis Valider (cible : < 2 s pour 50 000 cases)")
    scope = {"portfolio": main_portfolio, "declarant": person.id, "service": dpae}
    page = client.get(PAGE, query_string={**scope, "search": 1}).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response, ms = timed(lambda: client.post(f"{PAGE}/apercu", data={**scope, "bulk_declare": "1"},
                                             headers={"HX-Request": "true"}))
    said = re.search(r"« Tout \(dé\)cocher » Déclarer : ([^<]+)", response.get_data(as_text=True))
    print(
        f"  décompte affiché avant Valider "
        f"                     {ms:7.0f} ms  [{said.group(1) if said else '?'}]"
    )
    for value, label in (("1", "Tout cocher Déclarer + Valider"), ("0", "Tout décocher Déclarer + Valider")):
        with database.connection_context():
            before = Habilitation.select().count()
        response, ms = timed(lambda v=value, mark=version: client.post(f"{PAGE}/valider", data={
            **scope, "bulk_declare": v, "version": mark}))
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        with database.connection_context():
            after = Habilitation.select().count()
            version = str(database.execute_sql("SELECT MAX(id) FROM audit_event").fetchone()[0])
        print(f"  {label:<50} {ms:7.0f} ms  [{abs(after - before)} habilitations écrites, "
              f"autant de lignes de journal]")

    print("\nFichier de gestion (cible : import de 10 000 lignes < 5 s)")
    with database.connection_context():
        name, lines = file_export.export(scale.admin, scale.big_portfolio.id)
        (content, ms) = timed(lambda: "".join(lines))
    print(f"  export du portefeuille « GRAND COMPTE »             {ms:7.0f} ms  "
          f"[{content.count(chr(10)) - 1} lignes, {len(content.encode()) / 1e6:.1f} Mo]")
    rows = content.split("\r\n")
    changed = []
    for line in (row for row in rows if row.startswith("Habilitation;")):
        cells = line.split(";")
        cells[8] = "0" if cells[8] == "1" else "1"  # Déclarer flipped
        changed.append(";".join(cells))
        if len(changed) == 10000:
            break
    data = ("\r\n".join([rows[0].lstrip("\ufeff"), *changed]) + "\r\n").encode("utf-8")
    form = {"file": (io.BytesIO(data), "import.csv")}
    response, check_ms = timed(
        lambda: client.post(f"{PAGE}/import", data=form, content_type="multipart/form-data")
    )
    page = response.get_data(as_text=True)
    valider = re.search(r'action="(/gestion/habilitations/import/\d+/valider)"', page).group(1)
    status = re.search(r"Résultat du contrôle : <span[^>]*>([^<]+)", page)
    print(f"  contrôle et aperçu de 10 000 lignes                 {check_ms:7.0f} ms  "
          f"[{status.group(1) if status else '?'}]")
    response, apply_ms = timed(lambda: client.post(valider))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    print(f"  Valider                                             {apply_ms:7.0f} ms")
    print(f"  total contrôle + Valider                            {check_ms + apply_ms:7.0f} ms")


def _a_siret(company_id):
    with database.connection_context():
        return (
            Establishment.select(Establishment.siret).where(Establishment.company == company_id).first().siret
        )


if __name__ == "__main__":
    main()

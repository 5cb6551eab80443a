"""The Veille Sirene report at scale (issue 13): a firm with 10,000 client companies (60,000
establishments, bench/scale_data.py), then a 1,000,000-row StockEtablissement import that closes 1 in
40 of their establishments, moves 1 in 40, opens a new one for 1 company in 10, and brings ~940,000
establishments of other companies. Measured: the report's own time inside the import (the snapshot
before, the comparison and the reports after; target < 2 s), beside its anchor, one hand-written SQL
join of the firm's establishments with the directory (the least the comparison must read); and the
report page's server time. Load average printed with each figure.

    .venv/bin/python -m bench.bench_sirene_watch [--rows N] [--companies N] [--database URL]
"""
import csv
import os
import shutil
import tempfile
import time

from bench.common import database_url, engine, parser
from bench.scale_data import build_scale_firm, prepare_database, scale_client
from db.clients import directory_changes
from db.database import database
from db.models import DirectoryEstablishment, Establishment, SireneChange
from db.sirene import import_files

HEADER = ["siren", "nic", "siret", "etatAdministratifEtablissement", "etablissementSiege",
          "numeroVoieEtablissement", "typeVoieEtablissement", "libelleVoieEtablissement",
          "codePostalEtablissement", "libelleCommuneEtablissement"]


def load():
    return "charge {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def write_stock(path, firm_id, rows):
    """The firm's establishments (with their changes), then other companies up to `rows` rows."""
    DE = DirectoryEstablishment
    mine = (DE.select(DE.siren, DE.nic, DE.siret, DE.is_siege, DE.numero, DE.type_voie, DE.libelle_voie,
                      DE.code_postal, DE.commune)
            .where(DE.siret.in_(Establishment.select(Establishment.siret)
                                .where(Establishment.firm == firm_id)))
            .order_by(DE.siret).tuples())
    written, sirens = 0, set()
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        for number, (siren, nic, siret, siege, numero, voie, libelle, postcode, town) in enumerate(mine):
            state = "F" if number % 40 == 7 and not siege else "A"
            libelle = "DES NOUVEAUX LOCAUX" if number % 40 == 21 else libelle
            writer.writerow([siren, nic, siret, state, "true" if siege else "false", numero, voie, libelle,
                             postcode, town])
            if siren not in sirens and len(sirens) % 10 == 0:
                writer.writerow([siren, "99999", siren + "99999", "A", "false", "1", "RUE", "NEUVE", "75011",
                                 "PARIS"])
                written += 1
            sirens.add(siren)
            written += 1
        for number in range(rows - written):
            siren = f"{100_000_000 + number // 10:09d}"
            nic = f"{number % 10 + 1:05d}"
            writer.writerow([siren, nic, siren + nic, "A", "true" if nic == "00001" else "false", "1", "RUE",
                             "DU STOCK", "75011", "PARIS"])
    return path


def timed_report():
    """Wrap the two steps of the report inside import_files, summing their seconds."""
    spent = {"report": 0.0}
    before, notify = directory_changes.before_import, directory_changes.notify_changes

    def timed(step):
        def run(*args, **kwargs):
            started = time.perf_counter()
            try:
                return step(*args, **kwargs)
            finally:
                spent["report"] += time.perf_counter() - started
        return run

    directory_changes.before_import = timed(before)
    directory_changes.notify_changes = timed(notify)
    return spent


def anchor(firm_id):
    started = time.perf_counter()
    database.execute_sql(
        "SELECT COUNT(*), SUM(CASE WHEN d.etat = 'F' THEN 1 ELSE 0 END) FROM establishment e "
        "JOIN sirene_etablissement d ON d.siret = e.siret WHERE e.firm_id = " + database.param, (firm_id,)
    ).fetchone()
    return time.perf_counter() - started


def main():
    arguments = parser(__doc__)
    arguments.add_argument("--rows", type=int, default=1_000_000)
    arguments.add_argument("--companies", type=int, default=10_000)
    args = arguments.parse_args()
    url = database_url(args)
    workdir = tempfile.mkdtemp(prefix="bench-watch-")
    try:
        prepare_database(url)
        started = time.perf_counter()
        scale = build_scale_firm(companies=args.companies, establishments=args.companies * 6, declarants=2,
                                 big_company_establishments=0)
        print(f"{engine(url)} : cabinet de {args.companies:,} entreprises clientes "
              f"({time.perf_counter() - started:.0f} s de construction) ; {load()}")
        path = write_stock(os.path.join(workdir, "StockEtablissement_utf8.csv"), scale.firm.id, args.rows)
        database.close()
        spent = timed_report()
        with database.connection_context():
            started = time.perf_counter()
            import_files([path])
            total = time.perf_counter() - started
            changes = SireneChange.select().where(SireneChange.firm == scale.firm.id).count()
            reference = min(anchor(scale.firm.id) for _ in range(3))
        print(f"import de {args.rows:,} lignes : {total:.1f} s, dont rapport de la Veille Sirene "
              f"{spent['report']:.2f} s (cible < 2 s ; {changes:,} changements) ; ancre (jointure SQL) "
              f"{reference:.2f} s, ratio {spent['report'] / reference:.1f} ; {load()}")
        _, client = scale_client(url, scale.firm)
        client.get("/gestion/veille-sirene")
        started = time.perf_counter()
        assert client.get("/gestion/veille-sirene?page=3").status_code == 200
        seconds = time.perf_counter() - started
        print(f"page de la Veille Sirene (page 3) : {seconds * 1000:.0f} ms ; {load()}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

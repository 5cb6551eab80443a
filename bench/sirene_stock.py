"""Stock files in INSEE's real layout, at any size, for the import benchmarks: the rows of the bundled
sample (db/data/sirene/, all 54 columns of StockEtablissement, 35 of StockUniteLegale) repeated under
new, unique identifiers. A million establishments make ~169 MB, as the real stock does per million.

    from bench.sirene_stock import write_establishments
    write_establishments(path, 1_000_000)
"""
import csv
import itertools

from tests.factories.database import SAMPLE_FILES


def _sample(path):
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def write_establishments(path, rows, first_siren=100_000_000):
    """A StockEtablissement_utf8.csv of `rows` rows: ten establishments per synthetic SIREN."""
    header, sample = _sample(SAMPLE_FILES[1])
    siren_at, nic_at, siret_at = (header.index(name) for name in ("siren", "nic", "siret"))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for number, row in zip(range(rows), itertools.cycle(sample)):
            siren, nic = f"{first_siren + number // 10:09d}", f"{number % 10 + 1:05d}"
            row = list(row)
            row[siren_at], row[nic_at], row[siret_at] = siren, nic, siren + nic
            writer.writerow(row)
    return path


def write_units(path, rows, first_siren=100_000_000):
    """A StockUniteLegale_utf8.csv of `rows` rows with synthetic SIRENs."""
    header, sample = _sample(SAMPLE_FILES[0])
    siren_at = header.index("siren")
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for number, row in zip(range(rows), itertools.cycle(sample)):
            row = list(row)
            row[siren_at] = f"{first_siren + number:09d}"
            writer.writerow(row)
    return path

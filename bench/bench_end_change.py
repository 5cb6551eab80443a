"""« Modifier la date de fin » (issue 13) at grand-cabinet scale (bench/scale_habilitations.py): the
count shown, then the change confirmed and undone (« sans date de fin »), for a typical déclarant and
the one holding the most rights in the grand portfolio; each with its statement count, beside its
anchor run alternately: the raw UPDATE of the same rows' end. It writes: give it a copy of a dataset.

    .venv/bin/python -m bench.bench_end_change --database sqlite:////tmp/copy.sqlite3 --reuse
"""
import time

from peewee import fn

from bench.bench_scale_grid import load
from bench.common import database_url, parser
from bench.scale_data import prepare_database
from bench.scale_habilitations import build_habilitation_scale, find_habilitation_scale
from db import clock
from db.database import database
from db.habilitations import ends
from db.models import Company, Establishment, Habilitation
from tests.factories.queries import count_queries


def _median(values):
    return sorted(values)[len(values) // 2]


def _timed(action):
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def _anchor(person, portfolio, until):
    """The same rows' end by one UPDATE written by hand."""
    rows = (Habilitation.select(Habilitation.id)
            .join(Establishment, on=(Habilitation.establishment == Establishment.id))
            .join(Company, on=(Establishment.company == Company.id))
            .where((Habilitation.user == person) & (Company.portfolio == portfolio)))
    Habilitation.update(active_until=until).where(Habilitation.id.in_(rows)).execute()


def main():
    arguments = parser(__doc__)
    arguments.add_argument("--reuse", action="store_true")
    arguments.add_argument("--runs", type=int, default=3)
    args = arguments.parse_args()
    url = database_url(args)
    prepare_database(url)
    scale = args.reuse and find_habilitation_scale() or build_habilitation_scale(5000, 60000, 200)
    print(f"Jeu de données : {scale.summary} ; {load()}")
    portfolio = scale.portfolio.id
    heaviest = (Habilitation.select(Habilitation.user, fn.COUNT(Habilitation.id))
                .join(Establishment, on=(Habilitation.establishment == Establishment.id))
                .join(Company, on=(Establishment.company == Company.id))
                .where(Company.portfolio == portfolio).group_by(Habilitation.user)
                .order_by(fn.COUNT(Habilitation.id).desc()).tuples().first())[0]
    day = clock.to_paris(clock.now()).date().replace(day=28).strftime("%d/%m/%Y")
    for label, person in (("déclarant type", scale.declarants[3].id), ("le plus habilité", heaviest)):
        search = {"portfolio": str(portfolio), "declarant": str(person)}
        with count_queries() as statements:
            held = ends.end_preview(scale.admin, search).held
        preview = lambda s=search: ends.end_preview(scale.admin, s)  # noqa: E731
        counting = _median([_timed(preview) for _ in range(args.runs)])
        print(f"  {label} : {held} habilitations, le nombre en {counting:.1f} ms ({statements()} requêtes)")
        mine, anchor = [], []
        for _ in range(args.runs):
            for until in (day, ""):
                change = lambda u=until, s=search, n=held: ends.change_end(scale.admin, s, u, n)  # noqa: E731
                with count_queries() as statements:
                    mine.append(_timed(change))
                by_hand = lambda u=until, p=person: _anchor(p, portfolio, ends.parse_until(u))  # noqa: E731
                with database.atomic():
                    anchor.append(_timed(by_hand))
        ratio = _median(mine) / max(_median(anchor), 0.01)
        print(f"    modifier la date de fin : {_median(mine):.0f} ms ({statements()} requêtes) ; "
              f"ancre UPDATE {_median(anchor):.0f} ms ; ratio {ratio:.2f}")
    print(load())


if __name__ == "__main__":
    main()

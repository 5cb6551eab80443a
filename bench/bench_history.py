"""The journal and the composition at scale, each against a raw-SQL anchor run alternately in the same
run: server time (test client) of « Composer le portefeuille » with 5,000 companies (first and last
page, a search by raison sociale typed with accents, a SIREN) and of the journal where one action has
100,000 lines (the journal page, filtered by the person concerned, the action's first and last page
of lines, the CSV of its lines). The anchor is the page's main SELECT written by hand and run through
the same connection: the ratio says what the page costs above the query it cannot avoid.

Usage: .venv/bin/python -m bench.bench_history [--database URL] [--companies N] [--lines N]
"""
import os
import statistics
import time

from peewee import JOIN, Value

from bench.scale_data import build_from_arguments, build_scale_firm, scale_client
from db import clock
from db.database import database
from db.models import AuditEvent, Declaration, Establishment, EventPerson, HabilitationChange
from tests.factories.queries import count_queries

RUNS = 15
COMPANY_PAGE = ("SELECT id, siren, name, establishment_count FROM company WHERE portfolio_id = {p}{w} "
                "ORDER BY name, siren LIMIT 50 OFFSET {o}")
# The best a hand-written query does for a deep page: the page's ids on the index, then their joins.
LINE_PAGE = ("SELECT l.siret, e.name, e.address, u.nom, u.prenom, d.label, l.before, l.after, l.active_from "
             "FROM habilitation_change l LEFT JOIN establishment e ON e.id = l.establishment_id "
             "LEFT JOIN \"user\" u ON u.id = l.user_id LEFT JOIN declaration d ON d.id = l.declaration_id "
             "WHERE (l.event_id, l.establishment_id, l.declaration_id, l.user_id) IN (SELECT event_id, "
             "establishment_id, declaration_id, user_id FROM habilitation_change WHERE event_id = {e} "
             "ORDER BY establishment_id, declaration_id, user_id LIMIT 50 OFFSET {o}) "
             "ORDER BY l.establishment_id, l.declaration_id, l.user_id")
JOURNAL_PAGE = "SELECT * FROM audit_event WHERE firm_id = {f} ORDER BY at DESC, id DESC LIMIT 50"


def build(companies, lines):
    scale = build_scale_firm(companies=companies, establishments=max(60000, lines // 2 + 1), declarants=200,
                             big_company_establishments=0)
    paul = scale.declarants[0]
    with database.atomic():
        at = clock.now()
        event = AuditEvent.create(firm=scale.firm.id, actor=scale.admin.id, actor_name=scale.admin.full_name,
                                  at=at, action="habilitation.grant", object_type="Habilitation",
                                  summary=f"{lines} habilitations accordées à {paul.full_name}",
                                  subject=paul.id, line_count=lines)
        source = (Establishment.select(Value(event.id), Establishment.id, Declaration.id, Value(paul.id),
                                       Establishment.siret, Value(0), Value(1), Value(None))
                  .join(Declaration, JOIN.CROSS)
                  .where((Establishment.firm == scale.firm.id) & Declaration.code.in_(["DSN", "DPAE"]))
                  .order_by(Establishment.id, Declaration.id).limit(lines))
        HabilitationChange.insert_from(source, [
            HabilitationChange.event, HabilitationChange.establishment_id, HabilitationChange.declaration_id,
            HabilitationChange.user_id, HabilitationChange.siret, HabilitationChange.before,
            HabilitationChange.after, HabilitationChange.active_from]).execute()
        EventPerson.create(event=event.id, user_id=paul.id)  # as Valider writes it with the lines
        AuditEvent.insert_many([{"firm": scale.firm.id, "actor": scale.admin.id, "actor_name": "MESURE Admin",
                                 "at": at, "action": "portfolio.update", "summary": f"Modification {i}"}
                                for i in range(2000)]).execute()
    scale.event = event
    scale.paul = paul
    return scale


def alternate(client, url, anchor, headers=None):
    """Median ms of the page and of its anchor, run one after the other RUNS times; statements."""
    client.get(url, headers=headers)
    pages, anchors = [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        pages.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        with database.connection_context():
            start = time.perf_counter()
            database.execute_sql(*anchor if isinstance(anchor, tuple) else (anchor,)).fetchall()
            anchors.append((time.perf_counter() - start) * 1000)
    with count_queries() as statements:
        client.get(url, headers=headers)
    return statistics.median(pages), statistics.median(anchors), statements()


def main():
    url, scale, seconds = build_from_arguments(__doc__, build, companies=5000, lines=100000)
    print(f"Jeu de données : {scale.company_count} entreprises, une action de {scale.event.line_count} "
          f"lignes ({seconds:.1f} s de construction)")
    app, client = scale_client(url, scale.firm)
    pid, eid, fid = scale.portfolio.id, scale.event.id, scale.firm.id
    last_companies = (scale.company_count - 1) // 50
    last_lines = (scale.event.line_count - 1) // 50
    hx = {"HX-Request": "true"}
    compose, lines = f"/gestion/portefeuilles/{pid}/composition", f"/gestion/journal/{eid}"
    journal, mark = JOURNAL_PAGE.format(f=fid), database.param
    cases = [
        ("Menu personnalisé (coût fixe d’une page)", "/menu", "SELECT 1", None),
        ("Composition, page 1", compose, COMPANY_PAGE.format(p=pid, w="", o=0), None),
        ("Composition, dernière page", f"{compose}?page={last_companies + 1}",
         COMPANY_PAGE.format(p=pid, w="", o=50 * last_companies), None),
        ("Composition, « société 049 » (htmx)", f"{compose}?q=soci%C3%A9t%C3%A9+049",
         (COMPANY_PAGE.format(p=pid, w=f" AND name LIKE {mark} AND name LIKE {mark}", o=0),
          ("%societe%", "%049%")), hx),
        ("Composition, SIREN « 7000 » (htmx)", f"{compose}?q=7000",
         COMPANY_PAGE.format(p=pid, w=" AND siren >= '7000' AND siren < '7001'", o=0), hx),
        ("Journal, page 1", "/gestion/journal", journal, None),
        ("Journal, personne concernée", f"/gestion/journal?concerne={scale.paul.id}", journal, None),
        ("Lignes d’une action, page 1 (htmx)", lines, LINE_PAGE.format(e=eid, o=0), hx),
        ("Lignes d’une action, dernière page", f"{lines}?page={last_lines + 1}",
         LINE_PAGE.format(e=eid, o=50 * last_lines), None),
    ]
    print(f"\n{'page':<42} {'médiane':>9} {'ancre SQL':>10} {'rapport':>8} {'requêtes':>9}")
    for label, page_url, anchor, headers in cases:
        page, base, statements = alternate(client, page_url, anchor, headers)
        print(f"{label:<42} {page:7.1f} ms {base:7.1f} ms {page / base:7.1f}× {statements:>9}")
    start = time.perf_counter()
    response = client.get(f"/gestion/journal/{eid}/lignes.csv")
    size = len(response.get_data())
    print(f"\nCSV des {scale.event.line_count} lignes : {(time.perf_counter() - start) * 1000:.0f} ms, "
          f"{size / 1e6:.1f} Mo")
    print(f"Charge de la machine (uptime) : {os.popen('uptime').read().strip()}")


if __name__ == "__main__":
    main()

"""One « Tout (dé)cocher » alone over people the search picks is written in one statement on PostgreSQL
(db/habilitations/single_bulk.py). It must leave the database exactly as the statements in steps do
(writes.py's path for every other Valider): habilitations and their dates, the journal's lines, people
and sentence, Vos notifications, the grid's tally, the tiles, the cells' holder counts and the
Couverture's gaps. Each action below runs both ways on the same state (rolled back in between); on
SQLite, which has only the steps, the same expectations hold."""
import datetime

import pytest

from db import clock, counts, habilitations
from db.database import database, is_postgres
from db.habilitations import grid, single_bulk
from db.models import (
    AuditEvent,
    BoxTally,
    EstablishmentDeclaration,
    EventPerson,
    Habilitation,
    HabilitationChange,
    Notification,
    RightTally,
)
from db.models.coverage_gaps import GAPS
from tests.factories.declarations import declaration
from tests.factories.habilitations import establishments, grant

H, HC, ED = Habilitation, HabilitationChange, EstablishmentDeclaration


def _state():
    """Everything a Valider writes, without the ids a sequence gives (events, rows)."""
    def rows(query):
        return sorted(query.tuples(), key=repr)
    state = {
        "habilitations": rows(H.select(H.user, H.establishment, H.declaration, H.declare, H.pay, H.granted_at,
                                       H.active_from, H.pay_granted_at, H.pay_active_from, H.active_until)),
        "lines": rows(HC.select(HC.establishment_id, HC.declaration_id, HC.user_id, HC.siret, HC.before,
                                HC.after, HC.active_from, HC.active_until)),
        "people": rows(EventPerson.select(EventPerson.user_id)),
        "entries": rows(AuditEvent.select(AuditEvent.action, AuditEvent.summary, AuditEvent.line_count,
                                          AuditEvent.subject, AuditEvent.siret, AuditEvent.declaration_code)
                        .where(AuditEvent.object_type == "Habilitation")),
        "notifications": rows(Notification.select(Notification.user, Notification.kind, Notification.text)),
        "tally": rows(BoxTally.select(BoxTally.user, BoxTally.declaration, BoxTally.company, BoxTally.declare,
                                      BoxTally.pay, BoxTally.habilitations)),
        "rights": rows(RightTally.select(RightTally.user, RightTally.declaration, RightTally.usable_from,
                                         RightTally.usable_until, RightTally.establishments)),
        "cells": rows(ED.select(ED.establishment, ED.declaration, ED.declarers, ED.payers)),
    }
    for right, (gaps, _, _, portfolio_gaps, _) in GAPS.items():
        state[right] = rows(gaps.select(gaps.company, gaps.declaration, gaps.holders, gaps.cells))
        sums = portfolio_gaps
        state[f"{right} sums"] = rows(sums.select(sums.portfolio, sums.declaration, sums.holders, sums.cells))
    return state


def _held(state, user, establishment, code):
    """(Déclarer, Payer) of the person on the establishment for the service in a state, None: no row."""
    d = declaration(code).id
    rows = [h for h in state["habilitations"] if h[:3] == (user.id, establishment.id, d)]
    return rows[0][3:5] if rows else None


def _both_ways(monkeypatch, t, args, fields):
    """The state after the Valider in one statement and after the same Valider in steps, each from
    the state now (rolled back after it); the plan of the first."""
    outcomes = []
    for one_statement in (True, False):
        if not one_statement:
            monkeypatch.setattr(single_bulk, "applies", lambda *_: False)
        with database.atomic() as transaction:
            plan = habilitations.validate(t.admin, args, {"version": str(grid.version()), **fields})
            outcomes.append((plan, _state(), counts.check()))
            transaction.rollback()
    monkeypatch.undo()
    (plan, state, check), (steps_plan, steps_state, steps_check) = outcomes
    assert state == steps_state
    assert (plan.added, plan.removed) == (steps_plan.added, steps_plan.removed)
    assert check == steps_check == {}
    return plan, state


@pytest.fixture
def granted(t):
    """Paul holds DSN Déclarer + Payer on ACME's first establishment, DSN Déclarer on the two others and
    DPAE Déclarer on BETA's first; Sophie holds DSN Déclarer on ACME's first."""
    acme, beta = establishments(t.acme), establishments(t.beta)
    grant(t.paul, acme[:1], "DSN", pay=True)
    grant(t.paul, acme[1:], "DSN")
    grant(t.paul, beta[:1], "DPAE")
    grant(t.sophie, acme[:1], "DSN")
    clock.freeze(clock.now() + datetime.timedelta(hours=2))
    return acme, beta


def test_untick_declarer_of_one_service_keeps_the_payer_box(t, granted, monkeypatch):
    acme, _ = granted
    args = {"portfolio": str(t.big.id), "declarant": str(t.paul.id), "service": str(declaration("DSN").id)}
    plan, state = _both_ways(monkeypatch, t, args, {"bulk_declare": "0"})
    assert (plan.added, plan.removed) == (0, 3)
    assert _held(state, t.paul, acme[0], "DSN") == (False, True)  # Payer kept: the row stays
    assert _held(state, t.paul, acme[1], "DSN") is None
    assert _held(state, t.sophie, acme[0], "DSN") == (True, False)
    label = declaration("DSN").label
    assert [entry[1] for entry in state["entries"]] == [
        f"3 habilitations retirées à DURAND Paul sur ACME – «\u202f{label}\u202f»"]
    assert state["people"] == [(t.paul.id,)]


def test_tick_payer_of_every_service_for_two_people_with_an_end(t, granted, monkeypatch):
    args = {"portfolio": str(t.big.id), "admin": str(t.admin.id), "declarant": str(t.paul.id)}
    plan, state = _both_ways(monkeypatch, t, args, {"bulk_pay": "1", "until": "31/12/2026"})
    # Payer exists on DSN only: ACME's 3 and BETA's 2 establishments, for Alice and Paul, less Paul's one.
    assert (plan.added, plan.removed) == (9, 0)
    assert sorted(state["people"]) == sorted([(t.admin.id,), (t.paul.id,)])
    assert all(line[6] is not None and line[7] is not None for line in state["lines"])  # start, end
    assert state["entries"][0][1].startswith("9 habilitations accordées à 2 personnes sur 2 entreprises")


def test_tick_declarer_everywhere_for_one_person(t, granted, monkeypatch):
    args = {"portfolio": str(t.big.id), "declarant": str(t.sophie.id)}
    plan, state = _both_ways(monkeypatch, t, args, {"bulk_declare": "1"})
    assert (plan.added, plan.removed) == (9, 0)  # 5 establishments × DSN and DPAE, less the one she holds
    assert sum(row[-1] for row in state["rights"] if row[0] == t.sophie.id) == 10
    assert state["entries"][0][1].startswith("9 habilitations accordées à LEROY Sophie sur 2 entreprises")


def test_the_single_statement_is_taken_on_postgresql_only_for_people_picked(t):
    from db.habilitations.criteria import parse
    from db.habilitations.edits import DECLARE, Edits

    bulk = Edits(bulk={DECLARE: False})
    picked = parse(t.admin, {"portfolio": str(t.big.id), "declarant": str(t.paul.id)})
    everyone = parse(t.admin, {"portfolio": str(t.big.id)})
    assert single_bulk.applies(picked, bulk, {}) is is_postgres()
    assert single_bulk.applies(everyone, bulk, {}) is False
    copy = Edits(bulk={DECLARE: False}, copy=(t.paul.id, t.sophie.id))
    assert single_bulk.applies(picked, copy, {}) is False


def test_untick_part_of_a_company_lowers_its_tally_row_and_empties_another(t, granted, monkeypatch):
    # The grid's tally row of Paul × DSN × ACME for Déclarer alone (2 establishments) loses one and
    # stays; the row of BETA × DPAE (one establishment) reaches zero and goes (single_tally.py).
    acme, beta = granted
    dsn, dpae = declaration("DSN").id, declaration("DPAE").id
    args = {"portfolio": str(t.big.id), "declarant": str(t.paul.id), "siret": acme[1].siret}
    plan, state = _both_ways(monkeypatch, t, args, {"bulk_declare": "0"})
    assert (plan.added, plan.removed) == (0, 1)
    assert (t.paul.id, dsn, t.acme.id, True, False, 1) in state["tally"]
    args = {"portfolio": str(t.big.id), "declarant": str(t.paul.id), "service": str(dpae)}
    plan, state = _both_ways(monkeypatch, t, args, {"bulk_declare": "0"})
    assert (plan.added, plan.removed) == (0, 1)
    assert not [row for row in state["tally"] if row[1] == dpae]
    assert _held(state, t.paul, beta[0], "DPAE") is None

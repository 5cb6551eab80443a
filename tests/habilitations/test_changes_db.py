"""Pending ticks and Valider: what they change, set-based writes in one transaction, the journal."""
import datetime

import pytest

from db import habilitations
from db.errors import Conflict, Invalid, NotFound
from db.habilitations import grid
from db.models import AuditEvent, EstablishmentDeclaration, Habilitation, HabilitationChange
from tests.factories.clients import make_company
from tests.factories.declarations import declaration
from tests.factories.habilitations import establishments, habilitation, key
from tests.factories.queries import count_queries
from tests.habilitations.conftest import NOW


def validate(t, fields, **args):
    return habilitations.validate(t.admin, {k: str(v) for k, v in args.items()},
                                  {"version": str(grid.version()), **fields})


def pending(t, fields, **args):
    return habilitations.pending(
        t.admin, {"search": "1", **{k: str(v) for k, v in args.items()}}, fields
    ).plan


def last_event():
    return AuditEvent.select().order_by(AuditEvent.id.desc()).first()


def test_ticking_a_box_grants_the_right_and_journals_it(t):
    acme = establishments(t.acme)
    k = key(acme[0], "DSN", t.paul)
    plan = validate(t, {"changes": f"{k}-d-1"})
    assert (plan.added, plan.removed, plan.summary) == (1, 0, "1 habilitation ajoutée")
    assert (plan.usable_from, plan.delay_hours) == (NOW + datetime.timedelta(hours=24), 24)
    row = habilitation(acme[0], "DSN", t.paul)
    assert row.declare and not row.pay and row.granted_at == NOW
    event = last_event()
    assert plan.event.id == event.id and event.action == "habilitation.grant" and event.actor_id == t.admin.id
    assert (event.siret, event.declaration_code, event.subject_id, event.line_count) == (
        acme[0].siret, "DSN", t.paul.id, 1)
    assert event.summary == ("1 habilitation accordée à DURAND Paul sur 100 000 001 00001 (ACME) – "
                             "«\u202fDSN\u202f», utilisable le 23 novembre 2026 à 14\u202fh\u202f05")
    line = HabilitationChange.get(HabilitationChange.event == event.id)
    assert (line.establishment_id, line.user_id, line.siret, line.before, line.after) == (
        acme[0].id, t.paul.id, acme[0].siret, 0, 1)
    assert line.active_from == NOW + datetime.timedelta(hours=24)


def test_unticking_both_boxes_removes_the_habilitation(t):
    acme = establishments(t.acme)
    k = key(acme[0], "DSN", t.paul)
    validate(t, {"changes": f"{k}-d-1 {k}-p-1"})
    plan = validate(t, {"changes": f"{k}-p-0"})
    assert plan.summary == "1 habilitation retirée"
    assert habilitation(acme[0], "DSN", t.paul).declare
    plan = validate(t, {"changes": f"{k}-d-0"})
    assert habilitation(acme[0], "DSN", t.paul) is None
    assert AuditEvent.select().where(AuditEvent.action == "habilitation.revoke").count() == 2
    assert last_event().summary == (
        "1 habilitation retirée à DURAND Paul sur 100 000 001 00001 (ACME) – «\u202fDSN\u202f»")


def test_boxes_of_the_page_posted_without_javascript(t):
    acme = establishments(t.acme)
    k1, k2 = key(acme[0], "DSN", t.paul), key(acme[0], "DPAE", t.paul)
    validate(t, {"changes": f"{k2}-d-1"})
    # the page showed k1 unticked and k2 ticked (DPAE: no Payer); now k1 is ticked and k2 is not
    plan = validate(t, {"shown": [f"{k1}-0-0", f"{k2}-1-x"], "declare": [k1], "pay": []})
    assert (plan.added, plan.removed) == (1, 1)
    assert habilitation(acme[0], "DSN", t.paul).declare and habilitation(acme[0], "DPAE", t.paul) is None


def test_pending_count_and_tout_cocher_over_every_page(t):
    acme = establishments(t.acme)
    validate(t, {"changes": f"{key(acme[0], 'DSN', t.paul)}-d-1"})
    plan = pending(
        t, {"bulk_declare": "1", "changes": f"{key(acme[1], 'DSN', t.sophie)}-d-0"}, company=t.acme.id
    )
    assert plan.bulk_changed == {"declare": 18 - 1}  # every cell of the search, all pages, but the one ticked
    assert (plan.added, plan.removed) == (16, 0)  # minus the box unticked one by one afterwards
    assert plan.summary == "16 habilitations ajoutées"
    plan = pending(t, {"bulk_pay": "1", "changes": f"{key(acme[0], 'DSN', t.paul)}-d-0"}, company=t.acme.id)
    assert plan.bulk_changed == {"pay": 9}  # DSN only: DPAE has no Payer
    assert plan.summary == "9 habilitations ajoutées, 1 retirée"
    assert Habilitation.select().count() == 1  # nothing written by a preview


def test_tout_cocher_then_valider_applies_to_the_whole_search_only(t):
    plan = validate(t, {"bulk_declare": "1", "bulk_pay": "1"}, company=t.acme.id)
    assert plan.added == 18 + 9
    assert Habilitation.select().where(Habilitation.declare).count() == 18
    assert Habilitation.select().where(Habilitation.pay).count() == 9
    assert not Habilitation.select().join_from(Habilitation, EstablishmentDeclaration, on=(
        Habilitation.establishment == EstablishmentDeclaration.establishment)).where(
        Habilitation.establishment.not_in([e.id for e in establishments(t.acme)])).exists()
    plan = validate(t, {"bulk_declare": "0", "bulk_pay": "0"}, company=t.acme.id, declarant=t.paul.id)
    assert plan.removed == 6 + 3
    assert Habilitation.select().count() == 18 - 6
    # one journal event per Valider, with one line per cell changed
    events = list(AuditEvent.select().where(AuditEvent.object_type == "Habilitation").order_by(AuditEvent.id))
    assert [e.line_count for e in events] == [18, 6]
    assert events[0].summary == ("27 habilitations accordées à 3 personnes sur ACME – 2 services, "
                                 "utilisables le 23 novembre 2026 à 14\u202fh\u202f05")
    assert events[1].summary == "9 habilitations retirées à DURAND Paul sur ACME – 2 services"
    assert HabilitationChange.select().where(HabilitationChange.event == events[1].id).count() == 6


def test_writes_are_set_based(t):
    small = make_company(t.firm, t.big, "100000004", 2)
    large = make_company(t.firm, t.big, "100000005", 60)
    counts = []
    for company in (small, large):
        with count_queries() as n:
            plan = validate(t, {"bulk_declare": "1", "bulk_pay": "1"}, company=company.id)
        counts.append(n())
    assert plan.added == 60 * 3 * 3
    assert counts[1] - counts[0] <= 8  # a few more chunks of 200 journal rows, not a query per cell


def test_pay_on_a_service_without_payment_is_refused(t):
    k = key(establishments(t.acme)[0], "DPAE", t.paul)
    with pytest.raises(Invalid) as refused:
        validate(t, {"changes": f"{k}-p-1"})
    assert "ne comporte pas de droit Payer" in str(refused.value)
    assert Habilitation.select().count() == 0


@pytest.mark.parametrize("which", ["establishment", "person", "declaration"])
def test_posted_cells_of_another_firm_are_not_found(t, which):
    acme = establishments(t.acme)[0]
    e, d, u = acme.id, declaration("DSN").id, t.paul.id
    if which == "establishment":
        e = establishments(t.other_company)[0].id
    elif which == "person":
        u = t.other.people[0].id
    else:
        d = 99999
    with pytest.raises(NotFound):
        validate(t, {"changes": f"{key(acme, 'DSN', t.sophie)}-d-1 {e}-{d}-{u}-d-1"})
    assert Habilitation.select().count() == 0  # the good cell is not written either


@pytest.mark.parametrize("token", ["1-2-3-x-1", "1-2-d-1", "a-b-c-d-1", "1-2-3-d-2"])
def test_malformed_cells_are_not_found(t, token):
    with pytest.raises(NotFound):
        validate(t, {"changes": token})


def test_a_cell_no_longer_offered_is_a_conflict(t):
    acme = establishments(t.acme)[0]
    EstablishmentDeclaration.delete().where(EstablishmentDeclaration.establishment == acme.id).execute()
    with pytest.raises(Conflict) as refused:
        validate(t, {"changes": f"{key(acme, 'DSN', t.paul)}-d-1"})
    assert refused.value.details == ["100 000 001 00001 – DSN – DURAND Paul : n'est plus proposée "
                                     "(déclaration ou déclarant retiré entre-temps)"]


def test_nothing_to_do(t):
    plan = validate(t, {})
    assert (plan.added, plan.removed, plan.summary) == (0, 0, "Aucune modification en attente.")
    k = key(establishments(t.acme)[0], "DSN", t.paul)
    assert validate(t, {"changes": f"{k}-d-0"}).summary == "Aucune modification en attente."


def test_tout_cocher_is_limited_to_a_reasonable_number_of_cells(t, monkeypatch):

    monkeypatch.setattr(grid, "BULK_LIMIT", 17)
    with pytest.raises(Invalid) as refused:
        pending(t, {"bulk_declare": "1"}, company=t.acme.id)  # 18 cells
    assert refused.value.errors["__all__"].startswith(
        "« Tout (dé)cocher » porterait sur 18 cases : c'est plus "
        "que les 17 permises en une fois. Précisez la recherche"
    )
    assert pending(
        t, {"bulk_declare": "1"}, company=t.acme.id, service=declaration("DSN").id
    ).bulk_changed == {"declare": 9}
    assert not habilitations.search(t.admin, {"company": str(t.acme.id)}).grid.bulk_allowed


def test_a_tout_cocher_counts_its_cells_only_when_the_maintained_sizes_exceed_the_limit(t, monkeypatch):
    from db.habilitations.changes import cells_at_most
    from db.habilitations.criteria import parse

    criteria = parse(t.admin, {"company": str(t.acme.id)})
    exact, bound = grid.total(criteria), cells_at_most(criteria)
    assert exact == 18 and bound >= exact  # each establishment × active declaration × person, at most
    counted, real_total = [], grid.total
    monkeypatch.setattr(grid, "total", lambda c: counted.append(c) or real_total(c))

    monkeypatch.setattr(grid, "BULK_LIMIT", bound)  # within the maintained sizes: no cell counted
    assert pending(t, {"bulk_declare": "1"}, company=t.acme.id).added == 18 and not counted
    monkeypatch.setattr(grid, "BULK_LIMIT", exact)  # beyond them: the exact count decides, and lets it
    assert pending(t, {"bulk_declare": "1"}, company=t.acme.id).added == 18 and len(counted) == 1
    monkeypatch.setattr(grid, "BULK_LIMIT", exact - 1)
    with pytest.raises(Invalid):
        pending(t, {"bulk_declare": "1"}, company=t.acme.id)


def test_journal_rows_keep_quotes_separators_and_nulls(t):
    from db.accounts.firms import new_user
    from db.models import PortfolioDeclarant
    from db.models.accounts import ROLE_DECLARANT

    odd = new_user(t.firm, 'D\'ARC "LA"', "Jeanne; 2,\\N", "jeanne@test.test", ROLE_DECLARANT)
    PortfolioDeclarant.create(portfolio=t.big, user=odd)
    k = key(establishments(t.acme)[0], "DSN", odd)
    validate(t, {"changes": f"{k}-d-1"})
    event = last_event()
    assert event.summary.startswith(
        '1 habilitation accordée à D\'ARC "LA" Jeanne; 2,\\N sur 100 000 001 00001')
    assert event.actor_name == "ADMIN Alice" and event.before is None and event.subject_id == odd.id
    row = habilitation(establishments(t.acme)[0], "DSN", odd)
    assert row.pay is False and row.pay_granted_at is None and row.pay_active_from is None


@pytest.mark.parametrize("token", ["1²-2-3-d-1", "1-2-٣-d-1", "1" * 40 + "-2-3-d-1"])
def test_odd_digits_in_posted_cells_are_not_found(t, token):
    with pytest.raises(NotFound):
        validate(t, {"changes": token})

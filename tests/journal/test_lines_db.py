"""One user action, one journal entry: its lines a page at a time, exported, found by the person whose
rights changed, and only through the acting user's firm (db/journal/lines.py, db/journal/reading.py)."""
import pytest

from db import audit, habilitations
from db.errors import Forbidden, NotFound
from db.habilitations import grid
from db.journal import lines, reading
from db.models import Establishment
from tests.factories.habilitations import establishments, key
from tests.factories.queries import count_queries


def validate(t, ticks):
    plan = habilitations.validate(t.admin, {}, {"version": str(grid.version()), "changes": " ".join(ticks)})
    return plan.event


def grant_all(t, person, code="DSN"):
    """Déclarer for person on the five establishments of ACME and BETA, in one Valider."""
    five = establishments(t.acme) + establishments(t.beta)
    return validate(t, [f"{key(e, code, person)}-d-1" for e in five])


def test_an_action_is_one_entry_whose_lines_come_a_page_at_a_time(t, monkeypatch):
    event = grant_all(t, t.paul)
    [entry] = reading.search(t.admin, {}).events
    assert entry.event.id == event.id and entry.line_count == 5
    assert entry.event.summary.startswith("5 habilitations accordées à DURAND Paul sur 2 entreprises")
    monkeypatch.setattr(lines, "PER_PAGE", 2)
    first = lines.lines_page(t.admin, event.id)
    assert (first.total, first.pages, len(first.lines)) == (5, 3, 2)
    line = first.lines[0]
    assert (line.siret, line.person, line.service, line.before, line.after, line.usable_from) == (
        "100 000 001 00001", "DURAND Paul", "DSN", "—", "Déclarer", "23/11/2026 à 14\u202fh\u202f05")
    last = lines.lines_page(t.admin, event.id, "3")
    assert [x.siret for x in last.lines] == ["100 000 002 00002"]
    assert lines.lines_page(t.admin, event.id, "99").page == 3  # past the end: the last page
    with count_queries() as n:
        lines.lines_page(t.admin, event.id, "2")
    with count_queries() as m:
        lines.lines_page(t.admin, event.id, "1")
    assert n() == m() <= 3


def test_another_firms_entry_is_not_found_and_declarants_are_refused(t):
    event = grant_all(t, t.paul)
    for wrong in (event.id, "abc", None, 10**30):
        with pytest.raises(NotFound):
            lines.lines_page(t.other.admin if wrong == event.id else t.admin, wrong)
    with pytest.raises(NotFound):
        lines.export_lines(t.other.admin, event.id)
    with pytest.raises(Forbidden):
        lines.lines_page(t.paul, event.id)


def test_the_journal_finds_the_actions_on_a_persons_rights(t):
    for_paul = grant_all(t, t.paul)
    for_sophie = grant_all(t, t.sophie, "DPAE")
    acme = establishments(t.acme)
    both = validate(t, [f"{key(acme[0], 'DPAE', t.paul)}-d-1", f"{key(acme[1], 'DPAE', t.sophie)}-d-0",
                        f"{key(acme[2], 'DPAE', t.sophie)}-d-0"])
    assert both.subject_id is None and both.line_count == 3
    audit.record(t.admin, "person.promoted", "LEROY Sophie nommée administratrice", obj=t.sophie)

    def found(**args):
        return [e.event.id for e in reading.search(t.admin, args).events]

    assert found(concerne=str(t.paul.id)) == [both.id, for_paul.id]
    sophie = found(concerne=str(t.sophie.id))
    assert sophie[1:] == [both.id, for_sophie.id] and len(sophie) == 3
    assert len(found(personne=str(t.admin.id))) == 4  # the author filter is another question
    assert found(concerne=str(t.admin.id)) == []
    with pytest.raises(NotFound):
        reading.search(t.admin, {"concerne": str(t.other.admin.id)})


def test_the_lines_export_names_every_line_and_reads_what_is_gone(t):
    event = grant_all(t, t.paul)
    acme = establishments(t.acme)
    hostile = '=HYPERLINK("http://x.example")'
    Establishment.update(name=hostile).where(Establishment.id == acme[0].id).execute()
    name, rows = lines.export_lines(t.admin, event.id)
    rows = list(rows)
    assert name == f"journal-{event.id}-lignes.csv" and rows[0] == lines.CSV_HEADER and len(rows) == 6
    assert rows[1][0] == acme[0].siret and rows[1][1].startswith("=HYPERLINK")  # made safe by csv_files
    assert rows[1][3:] == ["DURAND", "Paul", "DSN", "—", "Déclarer", "23/11/2026 à 14\u202fh\u202f05"]
    Establishment.delete().where(Establishment.id == acme[1].id).execute()
    assert [x.siret for x in lines.lines_page(t.admin, event.id).lines][1] == "100 000 001 00002"


def test_an_older_entry_without_lines_keeps_its_before_and_after(t):
    siret = establishments(t.acme)[0].siret
    audit.record(t.admin, "habilitation.grant", "Habilitation accordée", siret=siret, declaration_code="DSN",
                 before={"declare": False}, after={"declare": True})
    [entry] = reading.search(t.admin, {}).events
    assert entry.line_count == 0 and entry.moment_text == "22/11/2026 à 14\u202fh\u202f05"
    page = lines.lines_page(t.admin, entry.event.id)
    assert (page.total, page.lines) == (0, [])
    assert [(c.label, c.before, c.after) for c in page.changes] == [("Déclarer", "Non", "Oui")]

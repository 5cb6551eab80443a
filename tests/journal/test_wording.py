"""The journal's French wording (db/journal/wording.py): before → after of creations, deletions, dates
and lists, action labels, values."""
from db.journal import wording


def test_describe_handles_creation_deletion_dates_and_lists():
    created = wording.describe(None, '{"name": "CLIENTS", "declarants": ["DURAND Paul", "LEROY Sophie"]}')
    assert [(c.label, c.before, c.after) for c in created] == [
        ("Nom", "—", "CLIENTS"), ("Déclarants", "—", "DURAND Paul, LEROY Sophie")]
    deleted = wording.describe('{"active_from": "2026-11-23 13:05:00"}', None)
    assert [(c.label, c.before, c.after) for c in deleted] == [
        ("Accessible le", "23/11/2026 à 14\u202fh\u202f05", "—")]
    assert wording.describe('"ancien"', '"nouveau"')[0].after == "nouveau"
    assert wording.action_label("portfolio.create") == "Portefeuille créé"
    assert wording.action_label("portfolio.archive") == "Portefeuille"
    assert wording.value_fr("pending", "status") == "En attente"

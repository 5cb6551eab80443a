"""The declarations catalogue (db/declarations/catalogue.py) loads idempotently and updates what
changed."""
from db.declarations import catalogue
from db.models import Declaration

SEED_LABELS = [
    "DSN", "DADS-U", "DSN PATCH RA", "DSN PATCH RG", "DSNFORMATION", "Employeurs Publics PEPs", "QRP",
    "Régularisation droits MCF", "SCR", "SOLTéA – Employeurs", "SOLTéA – Établissements",
    "Mon Compte Formation / Élu", "Attestation de salaire", "Compte AT/MP", "DPAE", "DSI",
    "Pilote DSN RG, fonction publique",
]


def test_catalogue_holds_the_declarations_the_seed_names(db_engine):
    labels = {d.label for d in Declaration.select()}
    assert set(SEED_LABELS) <= labels
    soltea = Declaration.get(Declaration.code == "SOLTEA_EMPLOYEURS")
    assert soltea.display_name == (
        "SOLTéA – Employeurs - Répartir le solde de la taxe d'apprentissage "
        "aux formations et établissements habilités"
    )
    assert (soltea.domain, soltea.access_delay_hours, soltea.has_payment) == ("Formation", 24, False)
    assert Declaration.get(Declaration.code == "DSN").has_payment is True
    assert {d.domain for d in Declaration.select()} == set(catalogue.DOMAINS)


def test_reloading_changes_nothing(db_engine):
    before = [(d.id, d.label, d.position) for d in Declaration.select().order_by(Declaration.id)]
    assert catalogue.load_catalogue() == {"created": 0, "updated": 0, "unchanged": len(catalogue.CATALOGUE)}
    assert [(d.id, d.label, d.position) for d in Declaration.select().order_by(Declaration.id)] == before


def test_a_changed_label_is_updated_in_place(db_engine):
    dpae = Declaration.get(Declaration.code == "DPAE")
    Declaration.update(label="Ancien libellé", has_payment=True).where(Declaration.id == dpae.id).execute()
    counts = catalogue.load_catalogue()
    assert counts["updated"] == 1 and counts["created"] == 0
    refreshed = Declaration.get_by_id(dpae.id)
    assert (refreshed.label, refreshed.has_payment) == ("DPAE", False)


def test_by_domains_proposes_the_formation_declarations(db_engine):
    labels = [d.label for d in catalogue.by_domains(["Formation"])]
    assert labels == ["DSNFORMATION", "Mon Compte Formation / Élu", "Régularisation droits MCF",
                      "SOLTéA – Employeurs", "SOLTéA – Établissements"]

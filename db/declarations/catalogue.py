"""The catalogue of declarations, loaded idempotently from CATALOGUE below.

Starts from the declarations the net-entreprises guide names. Re-running the load changes
nothing; a changed label, description, domain, payment flag or delay is updated in place.
"""
from db.database import database
from db.models import Declaration

DOMAINS = [
    "La DSN",
    "L'embauche",
    "L'assurance maladie",
    "Le départ de salarié",
    "Les cotisations sociales",
    "Les services du BTP",
    "Les revenus de remplacement",
    "Les services agricoles",
    "Formation",
]

DEFAULT_DELAY_HOURS = 24

# code, label, description, domain, has_payment
CATALOGUE = [
    ("DSN", "DSN", "Déclaration sociale nominative", "La DSN", True),
    ("PILOTE_DSN_RG_FP", "Pilote DSN RG, fonction publique",
     "Déclaration sociale nominative pour le régime général et la fonction publique", "La DSN", True),
    ("DSN_PATCH_RA", "DSN PATCH RA",
     "Déclaration sociale nominative Patch en Production pour le Régime Agricole", "La DSN", False),
    ("DSN_PATCH_RG", "DSN PATCH RG",
     "Déclaration sociale nominative Patch en Production pour le Régime Général", "La DSN", False),
    ("DADS_U", "DADS-U", "Décl. automatisée des données sociales unifiée", "La DSN", False),
    ("DPAE", "DPAE", "Déclaration préalable à l'embauche", "L'embauche", False),
    ("TESE", "TESE", "Titre emploi service entreprise", "L'embauche", True),
    ("CEA", "CEA", "Chèque emploi associatif", "L'embauche", True),
    ("ATTESTATION_SALAIRE", "Attestation de salaire",
     "Attestation de salaire pour le versement des indemnités journalières", "L'assurance maladie", False),
    ("COMPTE_ATMP", "Compte AT/MP",
     "Consulter vos taux de cotisation accidents du travail et maladies professionnelles",
     "L'assurance maladie", False),
    ("QRP", "QRP", "Questionnaire risques professionnels", "L'assurance maladie", False),
    ("AED", "AED", "Attestation employeur dématérialisée", "Le départ de salarié", False),
    ("DUCS", "DUCS", "Déclaration unifiée de cotisations sociales", "Les cotisations sociales", True),
    ("DSI", "DSI", "Déclaration sociale des indépendants", "Les cotisations sociales", True),
    ("SCR", "SCR",
     "Situation changement de régime des agents pour les collectivités territoriales et administrations",
     "Les cotisations sociales", False),
    ("PEPS", "Employeurs Publics PEPs",
     "Simplification de vos démarches auprès des organismes de protection sociale",
     "Les cotisations sociales", False),
    ("CIBTP", "Congés payés BTP", "Déclaration des salaires aux caisses de congés payés du BTP",
     "Les services du BTP", True),
    ("PASRAU", "PASRAU", "Prélèvement à la source pour les revenus autres",
     "Les revenus de remplacement", True),
    ("TESA", "TESA", "Titre emploi simplifié agricole", "Les services agricoles", True),
    ("DSNFORMATION", "DSNFORMATION", "Déclaration sociale nominative Formation", "Formation", False),
    ("MCF_ELU", "Mon Compte Formation / Élu",
     "Abondements des comptes des salariés et des élus locaux", "Formation", True),
    ("REGUL_MCF", "Régularisation droits MCF", "Régularisation des droits Mon Compte Formation",
     "Formation", False),
    ("SOLTEA_EMPLOYEURS", "SOLTéA – Employeurs",
     "Répartir le solde de la taxe d'apprentissage aux formations et établissements habilités",
     "Formation", False),
    ("SOLTEA_ETABLISSEMENTS", "SOLTéA – Établissements",
     "Recevoir des fonds issus du solde de la taxe d'apprentissage", "Formation", False),
]


def load_catalogue():
    """Create or update every declaration of CATALOGUE; returns {"created", "updated", "unchanged"}."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    existing = {d.code: d for d in Declaration.select()}
    with database.atomic():
        for position, (code, label, description, domain, has_payment) in enumerate(CATALOGUE):
            wanted = {
                "label": label,
                "description": description,
                "domain": domain,
                "has_payment": has_payment,
                "position": position,
                "is_active": True,
            }
            current = existing.get(code)
            if current is None:
                Declaration.create(code=code, access_delay_hours=DEFAULT_DELAY_HOURS, **wanted)
                counts["created"] += 1
            elif any(getattr(current, k) != v for k, v in wanted.items()):
                Declaration.update(**wanted).where(Declaration.id == current.id).execute()
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    return counts


def all_declarations():
    """The active catalogue, in the catalogue's order."""
    return Declaration.select().where(Declaration.is_active).order_by(Declaration.position, Declaration.label)


def by_domains(domains):
    """Declarations of the given domains (the inscription's "services liés à …")."""
    return all_declarations().where(Declaration.domain.in_(list(domains)))

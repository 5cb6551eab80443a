"""The secret question shown for a triplet that names no account (Mot de passe oublié), so that the
page cannot tell a visitor which triplets exist.

A real account shows the question its holder typed; an unknown triplet shows one drawn from the
questions people write for themselves (first person, the subjects and the ways of typing them that
people use: a capital or not, « ? » with a space, without, or none), chosen with a keyed hash of the triplet
as the portal compares it (SIRET digits, names without case or accents): the same triplet, typed
any way, always gets the same question, and without the portal's key nobody can tell which one.
"""
import hashlib
import hmac

from db.identifiers import clean
from db.text import fold

# What people ask themselves, in the words they use (several for the common subjects).
SUBJECTS = [
    "Quel était le nom de ma première école", "Nom de ma première école", "Nom de mon école primaire",
    "Quel est le nom de mon premier animal de compagnie", "Nom de mon premier chien",
    "Nom de mon premier chat",
    "Comment s'appelait mon premier chien", "Comment s'appelait mon chat", "Nom du chien de mon enfance",
    "Dans quelle ville suis-je né", "Dans quelle ville suis-je née", "Ville de naissance de ma mère",
    "Ville de naissance de mon père", "Où ai-je passé mes vacances d'enfance", "Ville de mon premier emploi",
    "Dans quelle ville se trouve le cabinet", "Dans quelle ville ai-je rencontré mon conjoint",
    "Quel est le nom de jeune fille de ma mère", "Nom de jeune fille de ma grand-mère",
    "Prénom de mon grand-père paternel", "Prénom de ma grand-mère maternelle", "Deuxième prénom de mon père",
    "Prénom de mon meilleur ami d'enfance", "Prénom de ma marraine", "Prénom de mon parrain",
    "Prénom de mon premier enfant", "Prénom de mon frère aîné", "Prénom de ma sœur cadette",
    "Quelle était la marque de ma première voiture", "Marque de ma première voiture",
    "Modèle de ma première voiture", "Couleur de ma première voiture",
    "Quel est mon plat préféré", "Mon dessert préféré", "Mon fromage préféré",
    "Quel était mon surnom d'enfance", "Mon surnom au collège", "Nom de ma maîtresse de CP",
    "Nom de mon professeur préféré", "Nom de mon instituteur de CM2", "Nom de mon collège",
    "Nom de mon lycée", "Quel est le nom de mon premier employeur", "Nom de mon premier maître de stage",
    "Dans quelle rue ai-je grandi", "Rue de la maison de mes grands-parents", "Nom de mon village d'enfance",
    "Quel est mon livre préféré", "Mon film préféré", "Mon chanteur préféré", "Mon équipe de foot préférée",
    "Quel sport ai-je pratiqué enfant", "Nom de mon club de sport", "Instrument dont je joue",
    "Métier de mon grand-père", "Destination de mon voyage de noces", "Lieu de mon mariage",
    "Nom du cabinet où j'ai fait mon stage", "Ville de mon école de commerce", "Nom de mon premier client",
    "Nom de l'hôpital où je suis né", "Département de naissance de mon père", "Mon héros d'enfance",
    "Nom de mon doudou", "Nom de mon premier poisson rouge", "Nom de mon cheval",
    "Quel était mon premier numéro de téléphone", "Prénom de mon premier amour",
    "Mon personnage de dessin animé préféré",
]
# As the question fields store them: spaces are collapsed to one plain space, so a space or none.
ENDINGS = (" ?", "?", "")


def _variant(subject, digest):
    text = subject + ENDINGS[digest[1] % len(ENDINGS)]
    return text[0].lower() + text[1:] if digest[2] % 5 == 0 else text  # some type no capital


def question(triplet, secret):
    """The decoy question of an unknown triplet: always the same for it, unknowable without secret."""
    typed = "|".join((clean(triplet.get("siret")), fold(triplet.get("nom")), fold(triplet.get("prenom"))))
    digest = hmac.new(secret.encode(), ("decoy-question|" + typed).encode(), hashlib.sha256).digest()
    index = int.from_bytes(digest[3:11], "big") % len(SUBJECTS)
    return _variant(SUBJECTS[index], digest)


def all_questions():
    """Every question a decoy may show (for the tests)."""
    return {subject + ending for subject in SUBJECTS for ending in ENDINGS} | {
        (subject + ending)[0].lower() + (subject + ending)[1:] for subject in SUBJECTS for ending in ENDINGS}

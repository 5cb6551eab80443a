"""The password policy, shared by inscription, activation, recovery and the profile page.

At least 12 characters and at most 128; at least 3 of the 4 classes (majuscules, minuscules,
chiffres, caractères spéciaux); must not contain the person's nom, prénom or the SIRET.
The page shows the same criteria live (webapp/static/password.js mirrors CRITERIA).
"""
from db.text import fold

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_CLASSES = 3

CRITERIA = {
    "length": f"Au moins {MIN_LENGTH} caractères",
    "max_length": f"Au plus {MAX_LENGTH} caractères",
    "classes": "Au moins 3 types parmi : majuscules, minuscules, chiffres, caractères spéciaux",
    "identity": "Ne contient ni votre nom, ni votre prénom, ni le SIRET",
}


def character_classes(password):
    """How many of the four classes the password uses."""
    return sum((
        any(c.isupper() for c in password),
        any(c.islower() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ))


def unmet_criteria(password, nom="", prenom="", siret=""):
    """Keys of CRITERIA that the password does not meet (empty list: acceptable)."""
    password = password or ""
    unmet = []
    if len(password) < MIN_LENGTH:
        unmet.append("length")
    if len(password) > MAX_LENGTH:
        unmet.append("max_length")
    if character_classes(password) < MIN_CLASSES:
        unmet.append("classes")
    folded = fold(password).replace(" ", "")
    names = [fold(n).replace(" ", "") for n in (nom, prenom)]
    if any(len(n) >= 3 and n in folded for n in names) or (siret and siret in password):
        unmet.append("identity")
    return unmet


def password_error(password, nom="", prenom="", siret=""):
    """One French sentence listing what is missing, or None when the password is acceptable."""
    unmet = unmet_criteria(password, nom, prenom, siret)
    if not unmet:
        return None
    return (
        "Le mot de passe ne respecte pas les règles : " + " ; ".join(CRITERIA[k].lower() for k in unmet) + "."
    )


def strength(password):
    """0–4 for the gauge "Qualité de votre mot de passe": length and variety."""
    password = password or ""
    score = min(character_classes(password), 4) - 1 if password else 0
    score += 1 if len(password) >= 16 else 0
    return max(0, min(score, 4))


STRENGTH_LABELS = ["Très faible", "Faible", "Moyen", "Bon", "Très bon"]

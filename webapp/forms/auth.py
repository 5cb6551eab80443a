"""Connexion forms: the portal's triplet SIRET + Nom + Prénom and the password; the new password
that a temporary password's holder must choose."""
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from db.fields import REQUIRED, hostile_error
from webapp.forms.base import PortalForm


def no_hostile_text(form, field):
    """Control characters, HTML and SQL fragments have no place in a SIRET or a name."""
    error = hostile_error(field.data or "")
    if error:
        raise ValidationError(error)


class LoginForm(PortalForm):
    siret = StringField(
        "SIRET",
        validators=[
            DataRequired(REQUIRED),
            Length(max=20, message="Le SIRET comporte 14 chiffres."),
            no_hostile_text,
        ],
    )
    nom = StringField(
        "Nom",
        validators=[
            DataRequired(REQUIRED),
            Length(max=100, message="100 caractères au plus."),
            no_hostile_text,
        ],
    )
    prenom = StringField(
        "Prénom",
        validators=[
            DataRequired(REQUIRED),
            Length(max=100, message="100 caractères au plus."),
            no_hostile_text,
        ],
    )
    password = PasswordField("Mot de passe", validators=[DataRequired(REQUIRED),
                                                         Length(max=128, message="128 caractères au plus.")])

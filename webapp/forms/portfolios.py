"""Forms of Gérer vos portefeuilles and Composer le portefeuille. The rules (name unique in the
firm, SIREN key, …) live in db/; these forms only carry the fields and their labels."""
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length

from db.clients.portfolios import COMMENT_MAX, NAME_MAX
from webapp.forms import Required
from webapp.forms.base import PortalForm


class PortfolioForm(PortalForm):
    name = StringField("Nom du portefeuille", validators=[Required()], render_kw={"maxlength": NAME_MAX})
    # The browser's maxlength only; db/ enforces the length (and refuses invisible characters).
    comment = TextAreaField("Commentaire", validators=[Length(max=COMMENT_MAX)])


class AddCompanyForm(PortalForm):
    siren = StringField(
        "SIREN", validators=[Required()], render_kw={"inputmode": "numeric", "autocomplete": "off"}
    )


class BulkAddForm(PortalForm):
    sirens = TextAreaField("Liste de SIREN (un par ligne, espaces permis)")
    file = FileField("Ou un fichier CSV (une colonne « SIREN », séparateur « ; » ou « , »)")


class TransferForm(PortalForm):
    target = SelectField("Portefeuille de destination", coerce=str, validate_choice=False)

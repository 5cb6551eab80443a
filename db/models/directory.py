"""Local copy of INSEE's Sirene directory: unités légales and établissements.

Masked values ([ND]) and unknown cells are NULL. Rows are never rejected on checksum: the
directory is the reference, validation applies to what people type.
"""
from peewee import BooleanField, CharField, DateTimeField

from db.database import BaseModel
from db.models.identifier_field import IdentifierField


class DirectoryUnit(BaseModel):
    siren = IdentifierField(max_length=9, primary_key=True)
    denomination = CharField(max_length=200, null=True)
    sigle = CharField(max_length=40, null=True)
    nom = CharField(max_length=100, null=True)
    prenom = CharField(max_length=100, null=True)
    categorie_juridique = CharField(max_length=4, null=True)
    activite = CharField(max_length=8, null=True)
    etat = CharField(max_length=1, null=True)  # A active, C ceased
    statut_diffusion = CharField(max_length=1, null=True)
    nic_siege = CharField(max_length=5, null=True)
    date_creation = CharField(max_length=10, null=True)
    updated_at = CharField(max_length=19, null=True)  # dateDernierTraitementUniteLegale
    imported_at = DateTimeField(null=True)

    class Meta:
        table_name = "sirene_unite_legale"

    @property
    def name(self):
        if self.denomination:
            return self.denomination
        person = " ".join(p for p in (self.nom, self.prenom) if p)
        return person or "[Non diffusible]"

    @property
    def is_active(self):
        return self.etat != "C"


class DirectoryEstablishment(BaseModel):
    siret = IdentifierField(max_length=14, primary_key=True)
    siren = IdentifierField(max_length=9, index=True)
    nic = CharField(max_length=5)
    is_siege = BooleanField(default=False)
    etat = CharField(max_length=1, null=True)  # A active, F closed
    statut_diffusion = CharField(max_length=1, null=True)
    enseigne = CharField(max_length=200, null=True)
    denomination_usuelle = CharField(max_length=200, null=True)
    complement = CharField(max_length=200, null=True)
    numero = CharField(max_length=10, null=True)
    indice = CharField(max_length=10, null=True)
    type_voie = CharField(max_length=10, null=True)
    libelle_voie = CharField(max_length=200, null=True)
    code_postal = CharField(max_length=10, null=True)
    commune = CharField(max_length=100, null=True)
    code_commune = CharField(max_length=5, null=True)
    cedex = CharField(max_length=10, null=True)
    libelle_cedex = CharField(max_length=100, null=True)
    commune_etranger = CharField(max_length=100, null=True)
    pays_etranger = CharField(max_length=100, null=True)
    activite = CharField(max_length=8, null=True)
    date_creation = CharField(max_length=10, null=True)
    updated_at = CharField(max_length=19, null=True)
    imported_at = DateTimeField(null=True)

    class Meta:
        table_name = "sirene_etablissement"

    @property
    def is_active(self):
        return self.etat != "F"

    @property
    def street(self):
        parts = [self.numero, self.indice, self.type_voie, self.libelle_voie]
        return " ".join(p for p in parts if p)

    @property
    def address(self):
        """One line, as the portal prints it: "86 RUE DE LA FEDERATION 75015 PARIS"."""
        city = self.libelle_cedex and f"{self.cedex or self.code_postal or ''} {self.libelle_cedex}"
        city = city or " ".join(p for p in (self.code_postal, self.commune) if p)
        abroad = " ".join(p for p in (self.commune_etranger, self.pays_etranger) if p)
        parts = [self.complement, self.street, city.strip(), abroad]
        return " ".join(p for p in parts if p)

"""Which stock-file header feeds which directory field. Looked up by name, never by position."""

UNIT_COLUMNS = {
    "siren": "siren",
    "statutDiffusionUniteLegale": "statut_diffusion",
    "dateCreationUniteLegale": "date_creation",
    "sigleUniteLegale": "sigle",
    "nomUniteLegale": "nom",
    "prenom1UniteLegale": "prenom",
    "denominationUniteLegale": "denomination",
    "categorieJuridiqueUniteLegale": "categorie_juridique",
    "activitePrincipaleUniteLegale": "activite",
    "etatAdministratifUniteLegale": "etat",
    "nicSiegeUniteLegale": "nic_siege",
    "dateDernierTraitementUniteLegale": "updated_at",
}

ESTABLISHMENT_COLUMNS = {
    "siret": "siret",
    "siren": "siren",
    "nic": "nic",
    "etablissementSiege": "is_siege",
    "etatAdministratifEtablissement": "etat",
    "statutDiffusionEtablissement": "statut_diffusion",
    "enseigne1Etablissement": "enseigne",
    "denominationUsuelleEtablissement": "denomination_usuelle",
    "complementAdresseEtablissement": "complement",
    "numeroVoieEtablissement": "numero",
    "indiceRepetitionEtablissement": "indice",
    "typeVoieEtablissement": "type_voie",
    "libelleVoieEtablissement": "libelle_voie",
    "codePostalEtablissement": "code_postal",
    "libelleCommuneEtablissement": "commune",
    "codeCommuneEtablissement": "code_commune",
    "codeCedexEtablissement": "cedex",
    "libelleCedexEtablissement": "libelle_cedex",
    "libelleCommuneEtrangerEtablissement": "commune_etranger",
    "libellePaysEtrangerEtablissement": "pays_etranger",
    "activitePrincipaleEtablissement": "activite",
    "dateCreationEtablissement": "date_creation",
    "dateDernierTraitementEtablissement": "updated_at",
}

UNIT_REQUIRED = ("siren",)
ESTABLISHMENT_REQUIRED = ("siret", "siren", "nic")

# INSEE masks non-diffusible values with this marker: stored as NULL, never shown.
MASKED = "[ND]"

"""Declarations: the catalogue, which declarations apply at each level (portfolio, company,
establishment) and the tiles of « Vos déclarations »."""

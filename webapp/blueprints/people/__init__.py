"""People of a firm: Gérer les déclarants and Demande en attente."""

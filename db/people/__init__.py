"""People of a firm: Gérer les déclarants, and the requests administrators answer (Demande en attente)."""
